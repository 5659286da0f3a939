"""One recording task run in this process: a job in, commands in, events out, and how it ended.

`Recorder` is what `app.worker.main` drives over its pipes, and what a test can drive directly:

```
Recorder(job, emit) ─start()─▶ SingleRecording | MixedRecording (threads of their own)
        command(Command)       ─▶ pause · resume · stop · snapshot · layout · add · remove
        wait(timeout) ─▶ True once every file is finished; then `ending`
```

A command that cannot be carried out is a `warning` event, never an exception: a recording
outlives a bad line. The job, the commands and the events are messages of `app.worker.protocol`;
the modes live in `single` and `mixed`, the file naming in `outputs`, the events made from the
engine's in `events`.

A job with a `disk_reserve` is stopped, every file finished, with reason `disk-full` once its
folder's disk has less free space than that; a recording that failed because its disk filled up
(`ENOSPC`) ends with that reason too, not as an `error`.
"""

from __future__ import annotations

import errno
import os
import shutil
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, assert_never

from app.media.pipeline.ending import Ending, EndReason
from app.worker.events import Emit, warning
from app.worker.fields import JobError
from app.worker.protocol import (
    AddStream,
    Command,
    Job,
    Mode,
    Pause,
    RemoveStream,
    Resume,
    SetLayout,
    Stop,
    StreamJob,
    TakeSnapshot,
)
from app.worker.wire import (
    decode_command,
)

if TYPE_CHECKING:
    from app.layout.model import Layout

# How FFmpeg's and the system's messages say that a write found the disk full.
_NO_SPACE = os.strerror(errno.ENOSPC).lower()
# How often the worker looks at its disk's free space.
_DISK_CHECK_SECONDS = 1.0


class Recording(Protocol):
    """What both modes do; every method may be called from any thread."""

    ending: Ending | None
    """How it ended; None while it runs."""

    def start(self) -> None:
        """Begin (in threads of its own); returns at once."""
        ...

    def pause(self) -> None:
        """Stop writing until `resume()`."""
        ...

    def resume(self) -> None:
        """Write again."""
        ...

    def snapshot(self) -> None:
        """Take a snapshot now."""
        ...

    def set_layout(self, layout: Layout) -> None:
        """Change the mix's layout."""
        ...

    def add(self, stream: StreamJob) -> None:
        """Record a stream that joined."""
        ...

    def remove(self, stream_id: str, *, left: bool = False) -> None:
        """Stop recording a stream: at once, or once a stream that `left` stays away."""
        ...

    def stop(self) -> None:
        """Finish every file and end."""
        ...

    def tick(self) -> None:
        """Called every so often while it runs, for what no packet would notice."""
        ...


RecordingClass = Callable[[Job, Emit, Callable[[], None]], Recording]


def recording_mode(mode: Mode) -> RecordingClass:
    """The class that records a job of this mode, imported now.

    Each mode is imported only by a job that needs it: a copy (`single`) never loads the
    compositor and NumPy, which would cost every copy job's worker a tenth of a second of CPU.
    """
    match mode:
        case "single":
            from app.worker.single import SingleRecording

            return SingleRecording
        case "mixed":
            from app.worker.mixed import MixedRecording

            return MixedRecording
        case _:
            assert_never(mode)


class Recorder:
    """Runs one job; see the module docstring."""

    def __init__(self, job: Job, emit: Emit) -> None:
        self._job = job
        self._emit = emit
        self._done = threading.Event()
        self._recording = recording_mode(job.mode)(job, emit, self._done.set)
        self._stop_reason: EndReason | None = None
        self._stop_message: str | None = None
        self._disk_checked = -_DISK_CHECK_SECONDS  # never yet

    def start(self) -> None:
        """Start recording; returns at once."""
        self._recording.start()

    def command_line(self, line: str) -> None:
        """Read and carry out one command line; one that cannot be read is a `warning` event."""
        try:
            command = decode_command(line, self._job.mode)
        except JobError as exc:
            self._emit(warning(str(exc)))
            return
        self.command(command)

    def command(self, command: Command) -> None:
        """Carry out one command."""
        recording = self._recording
        match command:
            case Pause():
                recording.pause()
            case Resume():
                recording.resume()
            case Stop():
                self.stop()
            case TakeSnapshot():
                recording.snapshot()
            case SetLayout(layout):
                recording.set_layout(layout)
            case AddStream(stream):
                recording.add(stream)
            case RemoveStream(stream_id, left):
                recording.remove(stream_id, left=left)
            case _:
                assert_never(command)

    def stop(self, reason: EndReason = "stopped") -> None:
        """Finish every file and end; `reason` is what `ending` will say (the first one given)."""
        if self._stop_reason is None:
            self._stop_reason = reason
        self._recording.stop()

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the end; True once every file is finished."""
        if self._done.wait(timeout):
            return True
        self._check_disk()
        self._recording.tick()
        return False

    def _check_disk(self) -> None:
        """Stop before the disk is full: a file cut short by a full disk cannot be finished.

        Looked at once a second at most: `wait` is called ten times as often.
        """
        now = time.monotonic()
        if now - self._disk_checked < _DISK_CHECK_SECONDS:
            return
        self._disk_checked = now
        if self._stop_reason is not None or (free := self._below_reserve()) is None:
            return
        reserve = self._job.disk_reserve
        self._stop_message = (
            f"the disk has {free / 2**20:.1f} MiB free, less than the reserve of "
            f"{reserve / 2**20:.1f} MiB"
        )
        self.stop("disk-full")

    def _below_reserve(self) -> int | None:
        """The free space of the folder's disk when it is below the job's reserve, else None."""
        if not self._job.disk_reserve:
            return None
        try:
            free = shutil.disk_usage(self._job.folder).free
        except OSError:
            return None
        return free if free < self._job.disk_reserve else None

    @property
    def ending(self) -> Ending:
        """How the recording ended (after `wait` returned True)."""
        ending = self._recording.ending
        assert ending is not None, "the recording has not ended"
        if ending.reason == "stopped" and self._stop_reason is not None:
            return Ending(self._stop_reason, ending.message or self._stop_message)
        if ending.reason == "error" and (
            _NO_SPACE in (ending.message or "").lower() or self._below_reserve() is not None
        ):
            return Ending("disk-full", ending.message)
        return ending
