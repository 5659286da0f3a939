"""`LocalRecorder`: one recording on this computer, run off the caller's thread.

```
start() ─▶ [recording thread] open_recording ─▶ Remuxer(source, [Monitor, *sinks]).run() ─▶ Ended
           [watch thread]     every second: file sizes, free disk space (warn, then stop)
stats(), preview()  ◀── any thread, cheap (figures kept up to date by the threads above)
pause(), resume(), stop()  ── any thread, idempotent
add_input(), remove_input()  ── any thread, idempotent: a mixed recording follows who is in the room
set_muted()  ── any thread: an input of a mix heard or not, from the next chunk of sound
```

- **Files** go into a working folder of the recording's own (`folder`, under `workdir`), named
  `name.ext` (`name-001.ext`, ... when split), beside the journal (`app.media.local.journal`) that
  lets the next start recover them if the app is killed. The containers are the crash-safe ones of
  `app.media.formats`: what a kill leaves plays up to at most a second before it.
- **Events** reach `on_event` on the recorder's threads: `Started`, `Paused`, `Resumed`, each
  finished `FileInfo`, `DiskLow`, `JoinFailed`, and last `Ended` (always, exactly once,
  whatever happened).
- **Disk space**: below `warn_below` bytes free, one `DiskLow` warning; below `stop_below` (the
  reserve, 256 MiB unless the user sets another, as the service's `--disk-reserve`), the recording
  stops cleanly (every file finished) and ends with reason `disk-full`.
- **Figures** (`RecorderStats`): elapsed output time (pauses excluded), bytes on disk, bitrate over
  the last few seconds, dropped frames, sound level, free space; in a mix, each input's level,
  mute, and seconds since it was last heard (`SourceLevel`: past `SILENCE_WARNING`, a panel says
  that nothing is heard from it).
- **Joins and leaves** (a mixed recording only; ignored, with a log line, otherwise and once it is
  ending): a newcomer is opened on a thread of its own and shown from the mix's next frame, one
  who leaves is taken out (`app.media.local.members`). The mix arranges a template layout again
  for who is there (the canvas stays); a custom one shows a newcomer only where it has a region.
  A newcomer that cannot be opened is a `JoinFailed` event; the recording goes on without them.
  The spec, and so the journal, keeps the inputs the recording started with.
- **Credentials**: `authorize` turns a URL into the one to open, at each connection (a service
  that wants signed requests); the spec, which the journal keeps on disk, holds none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import shutil
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from app.errors import RecDeskError
from app.media.events import Event, Listener, Paused, Resumed, Started, ignore
from app.media.fileinfo import FileInfo
from app.media.local.build import Authorize, open_recording
from app.media.local.journal import media_files, write_journal
from app.media.local.members import local_members
from app.media.local.monitor import SILENCE_DB, Monitor, Preview
from app.media.local.spec import LocalInput, LocalSpec
from app.media.mix.source import MixSource
from app.media.pipeline.ending import EndReason
from app.media.remux import Remuxer

log = logging.getLogger(__name__)

WARN_BELOW = 5_000_000_000
STOP_BELOW = 256 * 1024 * 1024  # the reserve, as the service's default
_BITRATE_WINDOW = 3.0
# Seconds without sound from an input of a mix after which the desktop says nothing is heard.
SILENCE_WARNING = 10.0

State = Literal["starting", "recording", "paused", "stopping", "ended"]


@dataclass(frozen=True)
class DiskLow:
    """Free space ran low: a warning, or (`stopping`) the reason the recording stops."""

    free: int
    stopping: bool

    def as_event(self) -> dict[str, Any]:
        """`{"event": "disk-low", ...}`."""
        return {"event": "disk-low", "free": self.free, "stopping": self.stopping}


@dataclass(frozen=True)
class Ended:
    """The recording is over; `files` are finished and lie in `folder`."""

    reason: EndReason
    message: str | None
    files: tuple[FileInfo, ...]
    folder: Path
    name: str

    def as_event(self) -> dict[str, Any]:
        """`{"event": "ended", ...}`."""
        return {
            "event": "ended",
            "reason": self.reason,
            "message": self.message,
            "files": [str(f.path) for f in self.files],
        }


@dataclass(frozen=True)
class SourceLevel:
    """One input of a mix: its recent peak in dBFS (before mute), seconds since it was last
    heard, and whether it is muted."""

    stream_id: str
    level: float
    silent_for: float
    muted: bool


@dataclass(frozen=True)
class RecorderStats:
    """What the recorder shows while it runs."""

    state: State
    elapsed: float = 0.0
    size: int = 0
    bitrate: float = 0.0
    dropped: int = 0
    level: float = SILENCE_DB
    has_audio: bool = False
    has_video: bool = False
    free: int | None = None
    sources: tuple[SourceLevel, ...] = ()  # each input of a mix that has sound


@dataclass
class _Figures:
    size: int = 0
    free: int | None = None
    samples: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=16))


class LocalRecorder:
    """One local recording; see the module docstring."""

    def __init__(
        self,
        spec: LocalSpec,
        workdir: Path,
        *,
        name: str,
        on_event: Listener = ignore,
        disk_usage: Callable[[Path], Any] = shutil.disk_usage,
        warn_below: int = WARN_BELOW,
        stop_below: int = STOP_BELOW,
        watch_every: float = 1.0,
        authorize: Authorize | None = None,
    ) -> None:
        self.spec = spec
        self._authorize = authorize
        self.name = name
        self.started = dt.datetime.now(dt.UTC).astimezone()
        self.folder = workdir / f"{self.started:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        self._on_event = on_event
        self._disk_usage = disk_usage
        self._warn_below, self._stop_below = warn_below, stop_below
        self._watch_every = watch_every
        self._state: State = "starting"
        self._remuxer: Remuxer | None = None
        self._monitor: Monitor | None = None
        self._mix: MixSource | None = None  # while a mix records
        self._final: RecorderStats | None = None  # the figures at the end
        self._want_paused = False
        self._stop_requested = False
        self._disk_full = False
        self._warned = False
        self._figures = _Figures()
        self._done = threading.Event()
        self._ended: Ended | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._members = (
            local_members(spec.inputs, authorize=authorize, on_failed=self._emit)
            if spec.mixed
            else None
        )

    # --- controls -----------------------------------------------------------------------------

    def start(self) -> None:
        """Create the working folder and journal, and record on a thread of its own."""
        if self._thread is not None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._journal("recording")
        self._thread = threading.Thread(target=self._run, name="local-recorder", daemon=True)
        self._thread.start()
        threading.Thread(target=self._watch, name="local-recorder-watch", daemon=True).start()

    def pause(self) -> None:
        """Stop writing until `resume()`; the file keeps one continuous timeline."""
        with self._lock:
            self._want_paused = True
            if self._remuxer is not None:
                self._remuxer.pause()

    def resume(self) -> None:
        """Write again."""
        with self._lock:
            self._want_paused = False
            if self._remuxer is not None:
                self._remuxer.resume()

    def stop(self) -> None:
        """Finish the files and end; safe from any thread, any number of times."""
        with self._lock:
            self._stop_requested = True
            if self._state != "ended":
                self._state = "stopping"
            if self._remuxer is not None:
                self._remuxer.stop()

    def add_input(self, item: LocalInput) -> bool:
        """Someone joined: mix `item` in too, once it opens; False if it is in, or is ignored."""
        if self._following(f"add {item.stream_id}") and self._members is not None:
            return self._members.add(item) == "done"
        return False

    def remove_input(self, stream_id: str) -> bool:
        """Someone left: take `stream_id` out of the mix; False if it was not in it."""
        if self._following(f"remove {stream_id}") and self._members is not None:
            return self._members.remove(stream_id) == "done"
        return False

    def set_muted(self, stream_id: str, muted: bool) -> bool:
        """Drop (or hear again) an input's sound in a recording mix (`spec.muted` mutes from the
        start); False when no mix records (yet) or it has no such input."""
        mix = self._mix
        return mix is not None and mix.set_muted(stream_id, muted)

    def mixed_streams(self) -> frozenset[str]:
        """The stream ids mixed now: newcomers once they opened (empty when not mixed)."""
        return self._members.in_mix() if self._members is not None else frozenset()

    def _following(self, what: str) -> bool:
        if self._members is None:
            log.info("%s: the recording %s is not mixed", what, self.name)
            return False
        if self._state in ("stopping", "ended"):
            log.info("%s: the recording %s is ending", what, self.name)
            return False
        return True

    def wait(self, timeout: float | None = None) -> Ended | None:
        """The end of the recording, or None if it has not ended within `timeout` seconds."""
        self._done.wait(timeout)
        return self._ended

    # --- figures ------------------------------------------------------------------------------

    def stats(self) -> RecorderStats:
        """The figures as of now (cheap; any thread)."""
        monitor, figures = self._monitor, self._figures
        if monitor is None:
            if self._final is not None:
                return self._final
            return RecorderStats(self._state, size=figures.size, free=figures.free)
        return RecorderStats(
            state=self._state,
            elapsed=monitor.media_time,
            size=figures.size,
            bitrate=_bitrate(figures.samples),
            dropped=monitor.dropped,
            level=monitor.level,
            has_audio=monitor.has_audio,
            has_video=monitor.has_video,
            free=figures.free,
            sources=_levels(self._mix),
        )

    def preview(self) -> Preview | None:
        """The newest small picture of what is recorded, or None."""
        return self._monitor.preview() if self._monitor is not None else None

    # --- threads ------------------------------------------------------------------------------

    def _run(self) -> None:
        # The pipeline lives in `_record`'s frame: gone (but for its own reference cycles, which
        # `app.media.allocator.release_memory` collects) by the time `Ended` is announced.
        outcome: tuple[EndReason, str | None, list[FileInfo]] = ("error", None, [])
        try:
            outcome = self._record()
        finally:  # `Ended`, always, exactly once
            self._finish(*outcome)

    def _record(self) -> tuple[EndReason, str | None, list[FileInfo]]:
        reason: EndReason = "error"
        message: str | None = None
        files: list[FileInfo] = []
        try:
            opened = open_recording(self.spec, self.folder, self.name, authorize=self._authorize)
            try:
                source = opened.source
                if self._members is not None:
                    assert isinstance(source, MixSource)  # a mixed spec is always a mix
                    self._members.attach(source, (i.stream_id for i in self.spec.inputs))
                rates = {s.index: source.frame_rate(s) for s in source.streams}
                routed = [s for plan in opened.plans for s in plan.streams]
                self._monitor = Monitor(routed, rates)
                if isinstance(source, MixSource):
                    source.on_picture = self._monitor.show  # a preview without decoding
                    self._mix = source
                remuxer = Remuxer(source, [self._monitor, *opened.sinks], on_event=self._event)
                with self._lock:
                    self._remuxer = remuxer
                    if self._want_paused:
                        remuxer.pause()
                    if self._stop_requested:
                        remuxer.stop()
                result = remuxer.run()
            finally:
                if self._members is not None:
                    self._members.detach()  # before the mix closes: nobody joins a closed mix
                self._mix = None  # its levels go with it
                opened.source.close()
            files = result.files
            reason = "disk-full" if self._disk_full else result.reason
            if result.error is not None:
                message = str(result.error)
            elif self._disk_full:
                message = "the disk is almost full"
        except RecDeskError as exc:
            message = str(exc)
        except Exception as exc:  # the caller must hear of the end whatever it was
            log.exception("local recording failed")
            message = f"the recording failed: {exc}"
        return reason, message, files

    def _finish(self, reason: EndReason, message: str | None, files: list[FileInfo]) -> None:
        if self._members is not None:
            self._members.detach()
        self._update_size()
        final = self.stats()
        with self._lock:
            self._state = "ended"
            # The pipeline is over: what it holds (encoders, decoders and their threads, hundreds
            # of MB at 1080p) must go with it, not live on for as long as this object is kept.
            self._final = dataclasses.replace(final, state="ended", sources=())
            self._remuxer, self._monitor = None, None
        try:
            self._journal("finished")
        except OSError as exc:
            log.warning("cannot write the journal of %s: %s", self.folder, exc)
        self._ended = Ended(reason, message, tuple(files), self.folder, self.name)
        self._done.set()
        self._emit(self._ended)

    def _event(self, event: Event) -> None:
        with self._lock:
            if self._state not in ("stopping", "ended"):
                if isinstance(event, Started | Resumed):
                    self._state = "recording"
                elif isinstance(event, Paused):
                    self._state = "paused"
        self._emit(event)

    def _emit(self, event: Event) -> None:
        try:
            self._on_event(event)
        except Exception:  # a listener's bug must not end the recording
            log.exception("local recorder listener failed on %s", event)

    def _watch(self) -> None:
        while not self._done.wait(self._watch_every):
            self._update_size()
            try:
                free = int(self._disk_usage(self.folder).free)
            except OSError:
                continue
            self._figures.free = free
            if free < self._stop_below and not self._disk_full:
                self._disk_full = True
                self._emit(DiskLow(free, stopping=True))
                self.stop()
            elif free < self._warn_below and not self._warned:
                self._warned = True
                self._emit(DiskLow(free, stopping=False))

    def _update_size(self) -> None:
        try:
            size = sum(p.stat().st_size for p in media_files(self.folder))
        except OSError:
            return
        figures = self._figures
        figures.size = size
        if self._monitor is not None:
            figures.samples.append((self._monitor.media_time, size))

    def _journal(self, state: str) -> None:
        write_journal(
            self.folder,
            {
                "id": self.folder.name,
                "spec": self.spec.as_json(),
                "name": self.name,
                "started": self.started.isoformat(timespec="seconds"),
                "pid": os.getpid(),
                "state": state,
            },
        )


def _levels(mix: MixSource | None) -> tuple[SourceLevel, ...]:
    if mix is None:
        return ()
    return tuple(
        SourceLevel(stream_id, level.level, level.silent_for, level.muted)
        for stream_id, level in mix.input_levels().items()
    )


def _bitrate(samples: deque[tuple[float, int]]) -> float:
    """Bits per second of output over the last few seconds of samples."""
    if len(samples) < 2:
        return 0.0
    newest_t, newest_size = samples[-1]
    for t, size in samples:
        if newest_t - t <= _BITRATE_WINDOW and newest_t > t:
            return (newest_size - size) * 8 / (newest_t - t)
    return 0.0
