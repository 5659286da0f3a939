"""What a recorder worker is asked to do: the job line, its streams, and how its files are named.

The worker reads one job (a JSON object) and later `add` commands carrying one stream each; both
are checked here into typed objects before anything is opened, so a bad job costs nothing and its
error is one line an operator can act on (`JobError`, the caller's fault).

File names: a stem is a file name without folder and extension, and may hold the literal
`{part}`. Part `k` of a stem is named

- `{part}` replaced by `k` in three digits (`room_alice_{part}` → `room_alice_001`);
- else `STEM-NNN` when the output is split or `k` > 1 (a worker restarted into part 3 must not
  write over part 1);
- else `STEM`;

and the suffixes `app.media.plan.plan_outputs` gives (`.mp4`, or `.video.mp4` and `.audio.m4a`)
follow it.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from app.errors import RecDeskError
from app.layout.errors import LayoutError
from app.layout.model import Canvas, Layout
from app.layout.templates import STREAM_KINDS, StreamKind, StreamRef, arrange
from app.media.errors import OutputError
from app.media.formats import FORMATS, ContainerFormat
from app.media.plan import STREAM_TYPES, StreamType
from app.media.sources import MediaSource, open_source, parse_source

Mode = Literal["single", "mixed"]
MODES: tuple[str, ...] = get_args(Mode)
DEFAULT_MAX_IDLE = 60.0
# The canvas of a mix whose job gives no layout.
DEFAULT_CANVAS = Canvas(width=1280, height=720, fps=30)


class JobError(RecDeskError):
    """A job or command that cannot be carried out as written."""

    caller_fault = True


@dataclass(frozen=True)
class StreamJob:
    """One stream to record, and how to open it."""

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
    """A recording task as one worker runs it."""

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
        streams = [StreamRef(s.stream_id, s.kind) for s in self.streams]
        return Layout(
            template="grid", canvas=DEFAULT_CANVAS, regions=arrange("grid", DEFAULT_CANVAS, streams)
        )


def parse_job(data: object) -> Job:
    """A job from its JSON form; `JobError` says what is wrong with it."""
    job = _Reader(data, "job")
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
    stream = _Reader(data, where)
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


def parse_layout(data: object, where: str) -> Layout:
    """A layout from its JSON form, its errors prefixed with `where`."""
    if not isinstance(data, Mapping):
        raise JobError(f"{where}: must be a JSON object")
    try:
        return Layout.from_json(data)
    except LayoutError as exc:
        raise JobError(f"{where}: {exc}") from exc


def check_stem(stem: str, where: str) -> None:
    """A stem names a file in the job's folder: no folders, not empty."""
    if not stem or stem in (".", "..") or "/" in stem or "\\" in stem or "\0" in stem:
        raise JobError(f"{where}: must be a file name without folders, got {stem!r}")


def check_folder(folder: Path) -> None:
    """Create the output folder if needed; `OutputError` when it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder}: {exc.strerror or exc}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into {folder}: permission denied")


class _Reader:
    """Typed fields of one JSON object, each error naming where it is; unknown keys are left
    alone, so a newer service can send more than this worker knows."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise JobError(f"{where}: must be a JSON object")
        self._data: Mapping[str, Any] = data
        self._where = where

    def value(self, key: str, default: object) -> Any:
        value = self._data.get(key)
        return default if value is None else value

    def text(self, key: str) -> str:
        value = self._data.get(key)
        if not isinstance(value, str) or not value:
            missing = "required, but missing" if value is None else f"must be text, got {value!r}"
            raise JobError(f"{self._where}.{key}: {missing}")
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self._data.get(key) is None else self.text(key)

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in choices:
            raise JobError(f"{self._where}.{key}: {value!r} is not one of {'|'.join(choices)}")
        return value

    def flag(self, key: str) -> bool:
        value = self.value(key, False)
        if not isinstance(value, bool):
            raise JobError(f"{self._where}.{key}: must be true or false, got {value!r}")
        return value

    def seconds(self, key: str) -> float | None:
        """A positive number of seconds, or None (null or left out)."""
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise JobError(f"{self._where}.{key}: must be a number of seconds, got {value!r}")
        if not (math.isfinite(value) and value > 0):
            raise JobError(f"{self._where}.{key}: must be more than 0 seconds, got {value!r}")
        return float(value)
