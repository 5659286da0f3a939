"""The messages between the service and a recorder worker, each defined once, typed; they
travel as one JSON object per line, written and read by `app.worker.wire`.

```
service ─▶ worker   Job (the first line), then commands: Pause · Resume · Stop · TakeSnapshot ·
                    SetLayout · AddStream · RemoveStream                    ({"cmd": ...})
worker ─▶ service   Ready · Heartbeat · Started · FileWritten · SnapshotTaken · Paused · Resumed ·
                    SourceLost · SourceBack · StreamEnded · Warned · Ended  ({"event": ...})
```

Both sides build and match these classes, so mypy checks every field; `app.worker.wire.encode`
is the only writer and its `decode_job`, `decode_command` and `decode_event` the only readers.
Numbers are rounded where the messages are made, so a message read back from its line equals the
one written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, get_args

from app.layout.model import Layout
from app.layout.templates import StreamKind, StreamRef
from app.media.fileinfo import FileInfo, Reencoded, StreamInfo
from app.media.formats import ContainerFormat
from app.media.pipeline.ending import EndReason
from app.media.pipeline.layouts import default_layout
from app.media.plan import StreamType
from app.media.sources import MediaSource, open_source, parse_source

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
    # Free space kept on the folder's disk: below it the recording stops, every file finished,
    # with reason `disk-full` (0: no floor).
    disk_reserve: int = 0
    # The service's images area: the only place a mix's layout images are read from, by name.
    images_dir: Path | None = None

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
    """Stop recording a stream: at once, or, for one that `left` the room (a publisher that
    dropped), once it has stayed away for `max_idle_seconds` (single mode: back before then, it
    goes on in the same files)."""

    stream_id: str
    left: bool = False


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
