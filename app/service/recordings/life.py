"""A task's life between commands: transitions, the stop rules, what its worker reports, its end.

`TaskLife` is the runner's `Host` (`app.service.recordings.runner`) and the task manager's one
place where a task changes state: each transition is stored and published through
`app.service.recordings.records`, each finished file listed (and queued for upload with storage).
The stop rules live here too: no media within the first-media timeout fails a task, nothing left
to record for `max_idle_seconds` stops it as `idle`, and whoever asks (an operator, the disk
guard with `disk-full`) stops it with a reason its end keeps. An end always lets the task's
waiters go, whatever fails on the way.

A recording that stops recording while it is active records the gap (`Recording.gaps`): when
its service restarted (`service_restarted`) or its worker died and left files to recover, the
gap opens at the end of its last file and closes when the next part's worker has media
(`Started`); the `recording.state` event published then carries it. A paused recording misses
nothing it was meant to record, so a pause spans no gap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, assert_never

from app.api.models import RecordedFile, RecordingGap, RecordingState
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
        # Gaps still open, by task id: since when, and why (closed by the next `Started`).
        self._gaps: dict[str, tuple[datetime, str]] = {}

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
                gap = self._close_gap(task)
                if task.state == "starting":
                    self.set_state(task, "recording")
                elif gap:
                    self.set_state(task, task.state)  # the gap's news: stored and published
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
        """A file a dead worker left, finished by recovery: a gap opens at its end."""
        event = task.recovered_event(info, part)
        self._add_file(task, event)
        if task.state == "recording":
            self._open_gap(task, [_utc(event.end)], "worker-restarted")

    def service_restarted(self, task: ActiveTask, files: Iterable[RecordedFile]) -> None:
        """A recording task picked up after a restart of the service: a gap opens at the end
        of its last file (listed before the stop, or recovered since), or at its start."""
        if task.state != "recording":
            return  # paused: it misses nothing; starting: it had nothing yet
        ends = [_utc(f.end) for f in files]
        if (recovered := self._gaps.pop(task.id, None)) is not None:
            ends.append(recovered[0])
        if not ends:
            ends.append(_utc(task.rec.started or task.rec.created))
        self._open_gap(task, ends, "service-restarted")

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
        self._gaps.pop(task.id, None)  # nothing came after it: an end, not a gap
        task.release()
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

    def _open_gap(self, task: ActiveTask, ends: list[datetime], reason: str) -> None:
        since = max(ends)
        if (known := self._gaps.get(task.id)) is not None:
            since = max(since, known[0])
        self._gaps[task.id] = (since, reason)

    def _close_gap(self, task: ActiveTask) -> bool:
        """Record the task's open gap, if any, as ending now; whether there was one."""
        open_gap = self._gaps.pop(task.id, None)
        if open_gap is None:
            return False
        since, reason = open_gap
        gap = RecordingGap.model_validate(
            {"from": since, "to": max(since, now_utc()), "reason": reason}
        )
        task.rec.gaps.append(gap)
        log.warning(
            "recording %s: %.1f s not recorded (%s)",
            task.id,
            (gap.to - gap.from_).total_seconds(),
            reason,
        )
        return True

    def _add_file(self, task: ActiveTask, event: FileWritten) -> None:
        file = task.file_record(event, self.relative(event.path))
        if task.rec.storage is not None:
            file.upload = "pending"
        self._records.file_listed(file)
        if task.rec.storage is not None:
            self._uploads.add(file)


def _utc(moment: datetime) -> datetime:
    """A time as UTC; a naive one is taken as UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
