"""One active recording as the service holds it: its record, its streams, its clock, its job.

`ActiveTask` is plain state, changed only on the event loop's thread. It knows which of its room's
streams it records (`include`/`exclude` by stream id or user id), the file stem each stream writes
to, how long it has recorded (pauses excluded), and the job a worker receives to carry it on
(`app.worker.protocol.Job`).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.api.errors import ApiError, ErrorCode
from app.api.models import RecordedFile, Recording, RecordingCreate, RecordingState, StreamInfo
from app.layout.model import Layout
from app.media.fileinfo import FileInfo
from app.media.formats import FORMATS
from app.service.images.store import ImageStore
from app.service.recordings.layouts import resolve_layout
from app.service.recordings.naming import (
    check_name_rule,
    default_name_rule,
    render_stem,
    safe_folder,
    unique_stems,
)
from app.service.rooms.base import Forwarding, LiveStream, RoomState
from app.worker.protocol import FileWritten, Job, SnapshotTaken, StreamJob

_TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def now_utc() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def random_of(task_id: str) -> str:
    """The task's `{random}`: 4 letters and digits, the same for every file of the task."""
    digest = hashlib.sha256(task_id.encode()).digest()
    return "".join(_TOKEN_ALPHABET[b % len(_TOKEN_ALPHABET)] for b in digest[:4])


def wanted(stream: LiveStream, include: list[str], exclude: list[str]) -> bool:
    """Whether a stream is recorded: ids name streams or users; no `include` means everyone."""
    keys = {stream.stream_id, stream.user_id}
    if include and not keys & set(include):
        return False
    return not keys & set(exclude)


@dataclass(eq=False)
class ActiveTask:
    """A recording that has not ended yet."""

    rec: Recording
    folder: Path  # absolute
    streams: dict[str, LiveStream] = field(default_factory=dict)  # what the worker records
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    stop_reason: str | None = None  # why the service or the operator asked to stop
    fail_reason: str | None = None  # set when the stop is a failure
    running_since: float | None = None  # monotonic start of the current recording stretch
    elapsed_before: float = 0.0
    media_seen: bool = False
    timers: dict[str, asyncio.TimerHandle] = field(default_factory=dict)
    # The service's images area, the only place the worker reads layout images from.
    images_dir: Path | None = None
    # Where its streams are forwarded from (an SFU's): released when the task ends.
    forwardings: list[Forwarding] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The recording's id."""
        return self.rec.id

    @property
    def state(self) -> RecordingState:
        """The recording's state."""
        return self.rec.state

    def elapsed(self) -> float:
        """Seconds recorded so far, pauses excluded."""
        running = 0.0 if self.running_since is None else time.monotonic() - self.running_since
        return self.elapsed_before + running

    def run_clock(self, running: bool) -> None:
        """Start or stop counting recorded time."""
        if running and self.running_since is None:
            self.running_since = time.monotonic()
        elif not running and self.running_since is not None:
            self.elapsed_before = self.elapsed()
            self.running_since = None

    def snapshot(self) -> Recording:
        """The record as of now, elapsed time included."""
        return self.rec.model_copy(update={"elapsed": round(self.elapsed(), 3)})

    def is_wanted(self, stream: LiveStream) -> bool:
        """Whether this task records `stream` under its include/exclude lists."""
        return wanted(stream, self.rec.include, self.rec.exclude)

    def stem_for(self, stream: LiveStream | None) -> str:
        """The file stem of a stream (single) or of the mix (`None`), made once and kept."""
        key = "" if stream is None else stream.stream_id
        if key in self.rec.stems:
            return self.rec.stems[key]
        rule = self.rec.name_rule or default_name_rule(self.rec.mode)
        stem = render_stem(
            rule,
            room_id=self.rec.room_id,
            task_id=self.rec.id,
            user_id=None if stream is None else stream.user_id,
            when=self.rec.created,
            random=random_of(self.rec.id),
        )
        (stem,) = unique_stems([stem], self.folder, taken=self.rec.stems.values())
        self.rec.stems[key] = stem
        return stem

    def stream_job(self, stream: LiveStream) -> StreamJob:
        """A stream as the worker receives it; in single mode with the stem its files take."""
        if stream.forwarding is not None and stream.forwarding not in self.forwardings:
            self.forwardings.append(stream.forwarding)
        job = stream.to_job(self.id)
        if self.rec.mode == "single":
            job = replace(job, stem=self.stem_for(stream))
        return job

    def release(self, stream_id: str | None = None) -> None:
        """Its worker reads `stream_id` (None: any stream) no more: forwarders may stop."""
        for forwarding in self.forwardings:
            forwarding.release(self.id, stream_id)

    def job(self) -> Job:
        """The whole job for a (new) worker, from the task's current state."""
        rec = self.rec
        remaining = None
        if rec.max_duration_seconds is not None:
            remaining = max(0.1, rec.max_duration_seconds - self.elapsed())
        return Job(
            task_id=rec.id,
            mode=rec.mode,
            stream_type=rec.stream_type,
            format=FORMATS[rec.format],
            folder=self.folder,
            split_seconds=rec.split_seconds,
            max_idle_seconds=rec.max_idle_seconds,
            max_duration_seconds=remaining,
            snapshot_seconds=rec.snapshot_seconds,
            first_part=rec.next_part,
            paused=rec.state == "paused",
            layout=rec.layout,
            mix_stem=self.stem_for(None) if rec.mode == "mixed" else None,
            streams=tuple(self.stream_job(s) for s in self.streams.values()),
            images_dir=self.images_dir if rec.mode == "mixed" else None,
        )

    def file_record(self, event: FileWritten, path: str) -> RecordedFile:
        """The record of a finished file from its worker event; `path` relative to the data dir."""
        return RecordedFile(
            file_id="f_" + secrets.token_hex(6),
            recording_id=self.id,
            room_id=self.rec.room_id,
            name=Path(path).name,
            path=path,
            size=event.size,
            duration=event.duration,
            start=event.start,
            end=event.end,
            streams=[StreamInfo(**asdict(s)) for s in event.streams],
            stream_id=event.stream_id,
            user_id=event.user_id,
            part=event.part or 1,
        )

    def recovered_event(self, info: FileInfo, part: int) -> FileWritten:
        """A file event for a file a dead worker left, with the stream its name belongs to."""
        owner = next(
            (
                sid
                for sid, stem in self.rec.stems.items()
                if sid and info.path.name.startswith(stem.split("{part}", 1)[0])
            ),
            None,
        )
        stream = self.streams.get(owner) if owner else None
        return FileWritten.of(info, part, owner, stream.user_id if stream else None)

    def snapshot_event(self, event: SnapshotTaken, path: str) -> dict[str, Any]:
        """The `recording.snapshot` event's data for a worker's snapshot."""
        stream = self.streams.get(event.stream_id) if event.stream_id is not None else None
        return {
            "recording_id": self.id,
            "room_id": self.rec.room_id,
            "stream_id": event.stream_id,
            "user_id": stream.user_id if stream is not None else None,
            "path": path,
            "at": event.at,
        }

    def later(self, name: str, delay: float, callback: Any) -> None:
        """Run `callback` after `delay` seconds, replacing a timer of the same name."""
        self.cancel_timer(name)
        self.timers[name] = asyncio.get_running_loop().call_later(delay, callback)

    def cancel_timer(self, name: str) -> None:
        """Cancel a named timer, if set."""
        if (handle := self.timers.pop(name, None)) is not None:
            handle.cancel()

    def cancel_timers(self) -> None:
        """Cancel every timer."""
        for name in list(self.timers):
            self.cancel_timer(name)


def checked_request(
    request: RecordingCreate,
    room: RoomState,
    recordings_dir: Path,
    images: ImageStore | None = None,
) -> tuple[Path, Layout | None]:
    """Check a start request against its room: the folder to write in and the mix's layout.

    Everything that can be wrong with a request is found here, before anything is created. The
    layout's images must be names in `images`; without it (a config preset, read before the
    service runs) they must be well-formed names, and the area is looked at on each start.
    """
    if request.format is None:  # a preset's: the start request chooses (`formats`)
        request = request.model_copy(update={"format": "mp4"})
    assert request.format is not None
    if FORMATS[request.format].audio_only and request.stream_type != "audio":
        raise ApiError(
            ErrorCode.unsupported_output,
            f"format {request.format} holds audio only; use stream_type audio",
        )
    if request.name_rule is not None:
        check_name_rule(request.name_rule, request.mode)
    folder = safe_folder(recordings_dir, request.folder)
    if request.mode == "single":
        if request.layout is not None:
            raise ApiError(ErrorCode.invalid_value, "layout: only a mixed recording has a layout")
        return folder, None
    return folder, resolve_layout(request.layout or "grid", room.streams.values(), images=images)
