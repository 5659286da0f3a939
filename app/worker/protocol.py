"""The messages between the service and a recorder worker, each defined once, typed, and how
they travel: one JSON object per line.

```
service ─▶ worker   Job (the first line), then commands: Pause · Resume · Stop · TakeSnapshot ·
                    SetLayout · AddStream · RemoveStream                    ({"cmd": ...})
worker ─▶ service   Ready · Heartbeat · Started · FileWritten · SnapshotTaken · Paused · Resumed ·
                    SourceLost · SourceBack · StreamEnded · Warned · Ended  ({"event": ...})
```

`encode` is the only writer and `decode_job`, `decode_command` and `decode_event` the only
readers, so both sides agree by construction and mypy checks every field. A line that cannot be
read is a `JobError` naming the field (`job: streams[0].kind: required, but missing`); keys a
reader does not know are ignored, so a newer service may send more than an older worker reads.
Numbers are rounded where the messages are made, not here, so a message read back from its line
equals the one written.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, assert_never, get_args

from app.layout.model import Layout
from app.layout.templates import STREAM_KINDS, StreamKind, StreamRef
from app.media.fileinfo import FileInfo, Reencoded, StreamInfo
from app.media.formats import FORMATS, ContainerFormat
from app.media.pipeline.ending import EndReason
from app.media.pipeline.layouts import default_layout
from app.media.plan import STREAM_TYPES, StreamType
from app.media.sources import MediaSource, open_source, parse_source
from app.worker.fields import JSON, Fields, JobError, check_stem, loads, parse_layout

Mode = Literal["single", "mixed"]
MODES: tuple[str, ...] = get_args(Mode)
DEFAULT_MAX_IDLE = 60.0

# --- the job -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamJob:
    """One stream to record, and how to open it; `stem` names its files in single mode."""

    stream_id: str
    user_id: str | None
    kind: StreamKind
    uri: str
    live_file: bool = False
    epoch: float = 0.0
    stem: str | None = None

    def open(self, max_idle: float) -> MediaSource:
        """Open the stream; a live file joins its live timeline where it is now."""
        position = max(0.0, time.time() - self.epoch) if self.live_file else 0.0
        return open_source(
            parse_source(self.uri), live=self.live_file, position=position, max_idle=max_idle
        )


@dataclass(frozen=True)
class Job:
    """A recording task as one worker runs it: the first line the worker reads."""

    task_id: str
    mode: Mode
    stream_type: StreamType
    format: ContainerFormat
    folder: Path
    streams: tuple[StreamJob, ...]
    split_seconds: float | None = None
    max_idle_seconds: float = DEFAULT_MAX_IDLE
    max_duration_seconds: float | None = None
    snapshot_seconds: float | None = None
    first_part: int = 1
    paused: bool = False
    layout: Layout | None = None
    mix_stem: str | None = None

    def mix_layout(self) -> Layout:
        """The job's layout, or the grid of its streams on the default canvas."""
        if self.layout is not None:
            return self.layout
        return default_layout([StreamRef(s.stream_id, s.kind) for s in self.streams])


# --- commands: service ─▶ worker -----------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """Stop writing until `Resume`; the files keep one timeline."""


@dataclass(frozen=True)
class Resume:
    """Write again."""


@dataclass(frozen=True)
class Stop:
    """Finish every file and end."""


@dataclass(frozen=True)
class TakeSnapshot:
    """Take a snapshot now."""


@dataclass(frozen=True)
class SetLayout:
    """Draw the mix with this layout from its next frame."""

    layout: Layout


@dataclass(frozen=True)
class AddStream:
    """Record a stream that joined."""

    stream: StreamJob


@dataclass(frozen=True)
class RemoveStream:
    """Stop recording a stream that left."""

    stream_id: str


Command = Pause | Resume | Stop | TakeSnapshot | SetLayout | AddStream | RemoveStream
COMMANDS = ("pause", "resume", "stop", "snapshot", "layout", "add", "remove")

# --- events: worker ─▶ service -------------------------------------------------------------------


@dataclass(frozen=True)
class Ready:
    """The engine is imported: the worker can take a job."""


@dataclass(frozen=True)
class Heartbeat:
    """Every second from the job on: the worker is alive."""


@dataclass(frozen=True)
class Started:
    """The first packet was written."""


@dataclass(frozen=True)
class FileWritten:
    """A finished file: what it holds, whose it is (no stream: the mix's) and which part."""

    path: Path
    size: int
    duration: float
    start: datetime
    end: datetime
    streams: tuple[StreamInfo, ...]
    reencoded: tuple[Reencoded, ...] = ()
    extra_paths: tuple[Path, ...] = ()  # an HLS playlist's segments
    stream_id: str | None = None
    user_id: str | None = None
    part: int | None = None

    @classmethod
    def of(
        cls, info: FileInfo, part: int | None, stream_id: str | None, user_id: str | None
    ) -> FileWritten:
        """A file the engine finished, at the precision its line carries (ms, µs of duration)."""
        return cls(
            path=info.path,
            size=info.size,
            duration=round(info.duration, 6),
            start=info.start.replace(microsecond=info.start.microsecond // 1000 * 1000),
            end=info.end.replace(microsecond=info.end.microsecond // 1000 * 1000),
            streams=info.streams,
            reencoded=info.reencoded,
            extra_paths=info.extra_paths,
            stream_id=stream_id,
            user_id=user_id,
            part=part,
        )


@dataclass(frozen=True)
class SnapshotTaken:
    """A JPEG written, its picture at `at` on the output timeline; no stream: the mix's."""

    path: Path
    at: float
    stream_id: str | None = None


@dataclass(frozen=True)
class Paused:
    """Writing stopped at `at`."""

    at: float


@dataclass(frozen=True)
class Resumed:
    """Writing goes on from `at`."""

    at: float


@dataclass(frozen=True)
class SourceLost:
    """A live stream dropped; it is reconnected while `max_idle_seconds` allows."""

    reason: str
    stream_id: str | None = None


@dataclass(frozen=True)
class SourceBack:
    """A dropped stream is back after `gap` seconds."""

    gap: float
    attempts: int
    stream_id: str | None = None


@dataclass(frozen=True)
class StreamEnded:
    """One stream of a single-mode task ended; the others go on."""

    stream_id: str
    reason: str
    message: str | None = None


@dataclass(frozen=True)
class Warned:
    """Something went wrong that the recording outlives (a bad command, a stream skipped)."""

    message: str


@dataclass(frozen=True)
class Ended:
    """The last line: every file is finished; the exit status is 1 if `reason` is `error`."""

    reason: EndReason
    message: str | None = None


WorkerEvent = (
    Ready
    | Heartbeat
    | Started
    | FileWritten
    | SnapshotTaken
    | Paused
    | Resumed
    | SourceLost
    | SourceBack
    | StreamEnded
    | Warned
    | Ended
)
Message = Job | Command | WorkerEvent

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
        case RemoveStream(stream_id):
            return {"cmd": "remove", "stream_id": stream_id}
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
            return RemoveStream(stream_id)
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
