"""A task's life between commands: transitions, the stop rules, what its worker reports, its end.

`TaskLife` is the runner's `Host` (`app.service.recordings.runner`) and the task manager's one
place where a task changes state: each transition is stored and published through
`app.service.recordings.records`, each finished file listed (and queued for upload with storage).
The stop rules live here too: no media within the first-media timeout fails a task, nothing left
to record for `max_idle_seconds` stops it as `idle`, and whoever asks (an operator, the disk
guard with `disk-full`) stops it with a reason its end keeps. An end always lets the task's
waiters go, whatever fails on the way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, assert_never

from app.api.models import RecordingState
from app.media.fileinfo import FileInfo
from app.service.recordings.records import Records
from app.service.recordings.task import ActiveTask, now_utc
from app.service.storage.uploads import Uploads
from app.worker.protocol import (
    Command,
    Ended,
    FileWritten,
    Heartbeat,
    Paused,
    Ready,
    Resumed,
    SnapshotTaken,
    SourceBack,
    SourceLost,
    Started,
    Stop,
    StreamEnded,
    Warned,
    WorkerEvent,
)

log = logging.getLogger(__name__)

# A worker's end reasons as a recording's.
_FINAL_REASONS = {"duration": "max-duration", "idle": "idle", "source-ended": "source-ended"}

Send = Callable[[ActiveTask, Command], Coroutine[Any, Any, None]]
Spawn = Callable[[Coroutine[Any, Any, None], str], None]


class TaskLife:
    """Transitions, stop rules and worker reports of the manager's active tasks."""

    def __init__(
        self,
        data_dir: Path,
        records: Records,
        uploads: Uploads,
        tasks: dict[str, ActiveTask],
        *,
        send: Send,
        spawn: Spawn,
    ) -> None:
        self._data_dir = data_dir
        self._records = records
        self._uploads = uploads
        self._tasks = tasks  # the manager's active tasks, shared
        self._send = send
        self._spawn = spawn

    # --- transitions and stop rules ---------------------------------------------------------------

    def set_state(self, task: ActiveTask, state: RecordingState) -> None:
        """Move the task to `state`: stored, then published as `recording.state`."""
        previous = task.rec.state
        task.rec.state = state
        task.rec.elapsed = round(task.elapsed(), 3)
        self._records.state_changed(task.rec, previous)

    def request_stop(self, task: ActiveTask, reason: str) -> None:
        """Ask the task to stop (once: the first reason stands); its worker finishes its files."""
        if task.stop_reason is not None:
            return
        task.stop_reason = reason
        task.cancel_timers()
        task.run_clock(False)
        self.set_state(task, "stopping")
        task.changed.set()
        self._spawn(self._send(task, Stop()), f"recording {task.id}: stop")

    def no_media(self, task: ActiveTask, wait: float) -> None:
        """The first-media timeout: a task that got nothing fails."""
        if not task.media_seen and task.stop_reason is None:
            task.fail_reason = f"no media within {wait:g} s of start"
            self.request_stop(task, "no media")

    def check_idle(self, task: ActiveTask) -> None:
        """Start the idle timer when nothing is left to record; cancel it when something is."""
        if task.streams or task.stop_reason is not None:
            task.cancel_timer("idle")
        elif "idle" not in task.timers:
            task.later("idle", task.rec.max_idle_seconds, lambda: self.request_stop(task, "idle"))

    # --- what workers report (runner.Host) --------------------------------------------------------

    def worker_event(self, task: ActiveTask, event: WorkerEvent) -> None:
        """An event of the task's worker."""
        match event:
            case Started():
                task.media_seen = True
                task.cancel_timer("first-media")
                if task.rec.started is None:
                    task.rec.started = now_utc()
                    self._records.save(task.rec)
                if task.state == "starting":
                    self.set_state(task, "recording")
                if task.state == "recording":
                    task.run_clock(True)
            case FileWritten():
                self._add_file(task, event)
            case SnapshotTaken():
                path = self.relative(event.path)
                self._records.publish("recording.snapshot", task.snapshot_event(event, path))
            case StreamEnded():
                if task.streams.pop(event.stream_id, None) is not None:
                    self.check_idle(task)
            case Warned() | SourceLost() | SourceBack():
                log.info("recording %s: %s", task.id, event)
            case Ready() | Heartbeat() | Paused() | Resumed() | Ended():
                pass  # the runner's, or told by the manager itself
            case _:
                assert_never(event)

    def file_recovered(self, task: ActiveTask, info: FileInfo, part: int) -> None:
        """A file a dead worker left, finished by recovery."""
        self._add_file(task, task.recovered_event(info, part))

    def known_files(self, task: ActiveTask) -> set[str]:
        """Absolute paths of the task's listed files (stored, or waiting to be)."""
        return {str(self._data_dir / p) for p in self._records.file_paths(task.id)}

    def finish(self, task: ActiveTask, reason: str, error: str | None) -> None:
        """The task's end: its final state and reason."""
        task.cancel_timers()
        task.run_clock(False)
        rec = task.rec
        rec.elapsed = round(task.elapsed(), 3)
        rec.ended = now_utc()
        if error is not None or task.fail_reason is not None:
            state: RecordingState = "failed"
            rec.reason = error or task.fail_reason
        else:
            state = "uploading" if rec.storage is not None else "completed"
            rec.reason = _FINAL_REASONS.get(reason) or task.stop_reason or reason
        self._tasks.pop(task.id, None)
        try:
            self.set_state(task, state)
            if state == "uploading":
                self._uploads.recording_ended(rec.id)
        finally:
            task.done.set()  # whatever failed above, nobody waits for this task in vain

    def relative(self, path: Path) -> str:
        """A path as the API shows it: relative to the data folder when it lies inside."""
        try:
            return str(path.relative_to(self._data_dir))
        except ValueError:
            return str(path)

    def _add_file(self, task: ActiveTask, event: FileWritten) -> None:
        file = task.file_record(event, self.relative(event.path))
        if task.rec.storage is not None:
            file.upload = "pending"
        self._records.file_listed(file)
        if task.rec.storage is not None:
            self._uploads.add(file)
