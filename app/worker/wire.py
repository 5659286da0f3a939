"""The worker protocol's one JSON line per message: `encode` writes every message of
`app.worker.protocol`, and `decode_job`, `decode_command` and `decode_event` read them.

A line that cannot be read is a `JobError` naming the field (`job: streams[0].kind: required, but
missing`); keys a reader does not know are ignored, so a newer service may send more than an
older worker reads.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import assert_never, get_args

from app.layout.templates import STREAM_KINDS
from app.media.fileinfo import Reencoded, StreamInfo
from app.media.formats import FORMATS
from app.media.pipeline.ending import EndReason
from app.media.plan import STREAM_TYPES
from app.worker.fields import JSON, Fields, JobError, check_stem, loads, parse_layout
from app.worker.protocol import (
    COMMANDS,
    DEFAULT_MAX_IDLE,
    MODES,
    AddStream,
    Command,
    Ended,
    FileWritten,
    Heartbeat,
    Job,
    Message,
    Mode,
    Pause,
    Paused,
    Ready,
    RemoveStream,
    Resume,
    Resumed,
    SetLayout,
    SnapshotTaken,
    SourceBack,
    SourceLost,
    Started,
    Stop,
    StreamEnded,
    StreamJob,
    TakeSnapshot,
    Warned,
    WorkerEvent,
)

# --- writing -----------------------------------------------------------------------------------


def encode(message: Message) -> str:
    """The message as one JSON line, without its newline (the writer adds it)."""
    return json.dumps(_json_of(message), ensure_ascii=False)


def _json_of(message: Message) -> dict[str, JSON]:
    match message:
        case Job():
            return _job_json(message)
        case Pause():
            return {"cmd": "pause"}
        case Resume():
            return {"cmd": "resume"}
        case Stop():
            return {"cmd": "stop"}
        case TakeSnapshot():
            return {"cmd": "snapshot"}
        case SetLayout(layout):
            return {"cmd": "layout", "layout": layout.to_json()}
        case AddStream(stream):
            return {"cmd": "add", "stream": _stream_json(stream)}
        case RemoveStream(stream_id, left):
            # `left` only when set: a plain remove's line stays as it always was.
            return {"cmd": "remove", "stream_id": stream_id} | ({"left": True} if left else {})
        case Ready() | Heartbeat() | Started():
            return {"event": type(message).__name__.lower()}
        case FileWritten():
            return _file_json(message)
        case SnapshotTaken(path, at, stream_id):
            return {"event": "snapshot", "path": str(path), "at": at, "stream_id": stream_id}
        case Paused(at) | Resumed(at):
            return {"event": type(message).__name__.lower(), "at": at}
        case SourceLost(reason, stream_id):
            return {"event": "source-lost", "reason": reason, "stream_id": stream_id}
        case SourceBack(gap, attempts, stream_id):
            return {
                "event": "source-back",
                "gap": gap,
                "attempts": attempts,
                "stream_id": stream_id,
            }
        case StreamEnded(stream_id, reason, text):
            return {
                "event": "stream-ended",
                "stream_id": stream_id,
                "reason": reason,
                "message": text,
            }
        case Warned(text):
            return {"event": "warning", "message": text}
        case Ended(reason, text):
            return {"event": "ended", "reason": reason, "message": text}
        case _:
            assert_never(message)


def _job_json(job: Job) -> dict[str, JSON]:
    return {
        "task_id": job.task_id,
        "mode": job.mode,
        "stream_type": job.stream_type,
        "format": job.format.name,
        "folder": str(job.folder),
        "split_seconds": job.split_seconds,
        "max_idle_seconds": job.max_idle_seconds,
        "max_duration_seconds": job.max_duration_seconds,
        "snapshot_seconds": job.snapshot_seconds,
        "first_part": job.first_part,
        "paused": job.paused,
        "layout": None if job.layout is None else job.layout.to_json(),
        "mix_stem": job.mix_stem,
        "disk_reserve": job.disk_reserve,
        "images_dir": None if job.images_dir is None else str(job.images_dir),
        "streams": [_stream_json(s) for s in job.streams],
    }


def _stream_json(stream: StreamJob) -> dict[str, JSON]:
    line: dict[str, JSON] = {
        "stream_id": stream.stream_id,
        "user_id": stream.user_id,
        "kind": stream.kind,
        "uri": stream.uri,
        "live_file": stream.live_file,
        "epoch": stream.epoch,
    }
    if stream.stem is not None:
        line["stem"] = stream.stem
    return line


def _file_json(file: FileWritten) -> dict[str, JSON]:
    return {
        "event": "file",
        "path": str(file.path),
        "size": file.size,
        "duration": file.duration,
        "start": file.start.isoformat(timespec="milliseconds"),
        "end": file.end.isoformat(timespec="milliseconds"),
        "streams": [dict(asdict(s)) for s in file.streams],
        "reencoded": [dict(r.as_dict()) for r in file.reencoded],
        "extra_paths": [str(p) for p in file.extra_paths],
        "stream_id": file.stream_id,
        "user_id": file.user_id,
        "part": file.part,
    }


# --- reading -----------------------------------------------------------------------------------


def decode_job(line: str) -> Job:
    """The job line a worker reads first."""
    return parse_job(loads(line, "job"))


def decode_command(line: str, mode: Mode) -> Command:
    """A command line; an `add` in single mode must name its stream's file stem."""
    data = loads(line, "command")
    if not isinstance(data, dict):
        raise JobError('a command is a JSON object like {"cmd": "stop"}')
    match data.get("cmd"):
        case "pause":
            return Pause()
        case "resume":
            return Resume()
        case "stop":
            return Stop()
        case "snapshot":
            return TakeSnapshot()
        case "layout":
            return SetLayout(parse_layout(data.get("layout"), "layout"))
        case "add":
            single = mode == "single"
            return AddStream(parse_stream(data.get("stream"), "add: stream", need_stem=single))
        case "remove":
            stream_id = data.get("stream_id")
            if not isinstance(stream_id, str) or not stream_id:
                raise JobError("remove: give the stream_id of the stream to remove")
            left = data.get("left", False)
            if not isinstance(left, bool):
                raise JobError("remove: left must be true or false")
            return RemoveStream(stream_id, left)
        case other:
            raise JobError(f"unknown command {other!r}; use one of {', '.join(COMMANDS)}")


def decode_event(line: str) -> WorkerEvent:
    """An event line of a worker."""
    data = loads(line, "event")
    name = Fields(data, "event").text("event")
    e = Fields(data, name)
    match name:
        case "ready":
            return Ready()
        case "heartbeat":
            return Heartbeat()
        case "started":
            return Started()
        case "file":
            return _file(e)
        case "snapshot":
            return SnapshotTaken(Path(e.text("path")), e.number("at"), e.optional_text("stream_id"))
        case "paused":
            return Paused(e.number("at"))
        case "resumed":
            return Resumed(e.number("at"))
        case "source-lost":
            return SourceLost(e.text("reason"), e.optional_text("stream_id"))
        case "source-back":
            return SourceBack(e.number("gap"), e.whole("attempts"), e.optional_text("stream_id"))
        case "stream-ended":
            return StreamEnded(e.text("stream_id"), e.text("reason"), e.optional_text("message"))
        case "warning":
            return Warned(e.text("message"))
        case "ended":
            reason: EndReason = e.choice("reason", get_args(EndReason))  # type: ignore[assignment]
            return Ended(reason, e.optional_text("message"))
        case _:
            raise JobError(f"event.event: {name!r} is not an event this service knows")


def _file(e: Fields) -> FileWritten:
    streams = tuple(
        StreamInfo(
            type=s.text("type"),
            codec=s.text("codec"),
            width=s.optional_whole("width"),
            height=s.optional_whole("height"),
            fps=s.optional_number("fps"),
            sample_rate=s.optional_whole("sample_rate"),
            channels=s.optional_whole("channels"),
        )
        for s in e.objects("streams")
    )
    reencoded = tuple(
        Reencoded(r.text("type"), r.text("from"), r.text("to")) for r in e.objects("reencoded")
    )
    return FileWritten(
        path=Path(e.text("path")),
        size=e.whole("size"),
        duration=e.number("duration"),
        start=e.time("start"),
        end=e.time("end"),
        streams=streams,
        reencoded=reencoded,
        extra_paths=tuple(Path(p) for p in e.texts("extra_paths")),
        stream_id=e.optional_text("stream_id"),
        user_id=e.optional_text("user_id"),
        part=e.optional_whole("part"),
    )


def parse_job(data: object) -> Job:
    """A job from its JSON value; `JobError` says what is wrong with it."""
    job = Fields(data, "job")
    mode = job.choice("mode", MODES)
    stream_type = job.choice("stream_type", STREAM_TYPES)
    fmt = FORMATS[job.choice("format", tuple(FORMATS))]
    if fmt.audio_only and stream_type != "audio":
        raise JobError(f"job: {fmt.name} files hold audio only; use stream_type audio")
    folder = Path(job.text("folder"))
    if not folder.is_absolute():
        raise JobError(f"job: folder must be an absolute path, got {str(folder)!r}")
    raw_streams = job.value("streams", [])
    if not isinstance(raw_streams, list):
        raise JobError("job: streams must be a list")
    streams = tuple(
        parse_stream(item, f"job: streams[{i}]", need_stem=mode == "single")
        for i, item in enumerate(raw_streams)
    )
    ids = [s.stream_id for s in streams]
    if len(set(ids)) != len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise JobError(f"job: stream {twice!r} is listed twice")
    mix_stem = None
    if mode == "mixed":
        mix_stem = job.text("mix_stem")
        check_stem(mix_stem, "job: mix_stem")
    first_part = job.value("first_part", 1)
    if isinstance(first_part, bool) or not isinstance(first_part, int) or first_part < 1:
        raise JobError(f"job: first_part must be a whole number from 1, got {first_part!r}")
    layout = job.value("layout", None)
    images_dir = job.optional_text("images_dir")
    if images_dir is not None and not Path(images_dir).is_absolute():
        raise JobError(f"job: images_dir must be an absolute path, got {images_dir!r}")
    return Job(
        task_id=job.text("task_id"),
        mode=mode,  # type: ignore[arg-type]
        stream_type=stream_type,  # type: ignore[arg-type]
        format=fmt,
        folder=folder,
        streams=streams,
        split_seconds=job.seconds("split_seconds"),
        max_idle_seconds=job.seconds("max_idle_seconds") or DEFAULT_MAX_IDLE,
        max_duration_seconds=job.seconds("max_duration_seconds"),
        snapshot_seconds=job.seconds("snapshot_seconds"),
        first_part=first_part,
        paused=job.flag("paused"),
        layout=None if layout is None else parse_layout(layout, "job: layout"),
        mix_stem=mix_stem,
        disk_reserve=job.optional_whole("disk_reserve") or 0,
        images_dir=None if images_dir is None else Path(images_dir),
    )


def parse_stream(data: object, where: str, *, need_stem: bool) -> StreamJob:
    """One stream of a job or an `add` command; `need_stem` in single mode."""
    stream = Fields(data, where)
    kind = stream.choice("kind", STREAM_KINDS)
    stem = stream.optional_text("stem")
    if stem is None and need_stem:
        raise JobError(f"{where}.stem: required, but missing")
    if stem is not None:
        check_stem(stem, f"{where}.stem")
    epoch = stream.value("epoch", 0.0)
    if isinstance(epoch, bool) or not isinstance(epoch, int | float) or not math.isfinite(epoch):
        raise JobError(f"{where}.epoch: must be a time in seconds, got {epoch!r}")
    return StreamJob(
        stream_id=stream.text("stream_id"),
        user_id=stream.optional_text("user_id"),
        kind=kind,  # type: ignore[arg-type]
        uri=stream.text("uri"),
        live_file=stream.flag("live_file"),
        epoch=float(epoch),
        stem=stem,
    )
