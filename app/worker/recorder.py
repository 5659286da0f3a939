"""One recording task run in this process: a job in, commands in, events out, and how it ended.

`Recorder` is what `app.worker.main` drives over its pipes, and what a test can drive directly:

```
Recorder(job, emit) ─start()─▶ SingleRecording | MixedRecording (threads of their own)
        command({"cmd": ...})  ─▶ pause · resume · stop · snapshot · layout · add · remove
        wait(timeout) ─▶ True once every file is finished; then `ending`
```

A command that cannot be carried out is a `warning` event, never an exception: a recording
outlives a bad line. The modes live in `recorder_single` and `recorder_mix`, the job and its file
naming in `recorder_job`, the files of one source in `recorder_outputs`, the event lines in
`recorder_events`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Protocol

from app.layout.model import Layout
from app.worker.events import Emit, Ending, EndReason, warning
from app.worker.job import Job, JobError, StreamJob, parse_layout, parse_stream
from app.worker.mixed import MixedRecording
from app.worker.single import SingleRecording

COMMANDS = ("pause", "resume", "stop", "snapshot", "layout", "add", "remove")


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

    def remove(self, stream_id: str) -> None:
        """Stop recording a stream that left."""
        ...

    def stop(self) -> None:
        """Finish every file and end."""
        ...

    def tick(self) -> None:
        """Called every so often while it runs, for what no packet would notice."""
        ...


class Recorder:
    """Runs one job; see the module docstring."""

    def __init__(self, job: Job, emit: Emit) -> None:
        self._job = job
        self._emit = emit
        self._done = threading.Event()
        mode: Callable[[Job, Emit, Callable[[], None]], Recording] = (
            SingleRecording if job.mode == "single" else MixedRecording
        )
        self._recording = mode(job, emit, self._done.set)
        self._stop_reason: EndReason | None = None

    def start(self) -> None:
        """Start recording; returns at once."""
        self._recording.start()

    def command(self, data: object) -> None:
        """Carry out one command line's JSON; a bad one is a `warning` event."""
        try:
            self._dispatch(data)
        except JobError as exc:
            self._emit(warning(str(exc)))

    def stop(self, reason: EndReason = "stopped") -> None:
        """Finish every file and end; `reason` is what `ending` will say (the first one given)."""
        if self._stop_reason is None:
            self._stop_reason = reason
        self._recording.stop()

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the end; True once every file is finished."""
        if self._done.wait(timeout):
            return True
        self._recording.tick()
        return False

    @property
    def ending(self) -> Ending:
        """How the recording ended (after `wait` returned True)."""
        ending = self._recording.ending
        assert ending is not None, "the recording has not ended"
        if ending.reason == "stopped" and self._stop_reason is not None:
            return Ending(self._stop_reason, ending.message)
        return ending

    def _dispatch(self, data: object) -> None:
        if not isinstance(data, Mapping):
            raise JobError('a command is a JSON object like {"cmd": "stop"}')
        recording = self._recording
        match data.get("cmd"):
            case "pause":
                recording.pause()
            case "resume":
                recording.resume()
            case "stop":
                self.stop()
            case "snapshot":
                recording.snapshot()
            case "layout":
                recording.set_layout(parse_layout(data.get("layout"), "layout"))
            case "add":
                single = self._job.mode == "single"
                recording.add(parse_stream(data.get("stream"), "add: stream", need_stem=single))
            case "remove":
                stream_id = data.get("stream_id")
                if not isinstance(stream_id, str) or not stream_id:
                    raise JobError("remove: give the stream_id of the stream to remove")
                recording.remove(stream_id)
            case other:
                raise JobError(f"unknown command {other!r}; use one of {', '.join(COMMANDS)}")
