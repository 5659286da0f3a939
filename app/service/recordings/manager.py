"""The task manager: every recording's life, from the request that starts it to its last file.

It owns the rules of the seeds: one active recording per room and mode (a second start is 409),
a stop of a stopped task is 409, an unknown room is 404; a recording with no media 30 s after its
start fails; one with nothing left to record for `max_idle_seconds` stops as `idle`; a stream
that joins a room while it records gets its own files. States:

```
starting ─▶ recording ⇄ paused ─▶ stopping ─▶ completed
   │              │         │          └────▶ uploading ─▶ completed   (with storage)
   └──────────────┴─────────┴──────────┴────▶ failed (with a reason)
```

Each transition is stored, then published as `recording.state`; each finished file is stored,
then published as `recording.file`. A recording with storage hands each file to the upload
queue (`app.service.storage.uploads`) as it is listed, and stays `uploading` after its end until the
queue has stored them all. Workers are run by `app.service.recordings.runner`; after a restart of
the service, tasks that were active go on into a new part when their room is live again, or are
finished with every file they wrote listed.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from pathlib import Path
from typing import Any, assert_never

from app.api.errors import ApiError, ErrorCode
from app.api.models import Recording, RecordingCreate, RecordingState, StreamsUpdate
from app.layout.model import Layout
from app.media.fileinfo import FileInfo
from app.service.recordings.layouts import changed_layout
from app.service.recordings.runner import TaskRunner
from app.service.recordings.supervisor import WorkerPool
from app.service.recordings.task import ActiveTask, checked_request, now_utc
from app.service.rooms.base import LiveStream, RoomChange, RoomProvider
from app.service.settings import Settings
from app.service.storage.uploads import Uploads
from app.service.store.eventlog import EventLog
from app.service.store.store import Store
from app.worker.protocol import (
    AddStream,
    Ended,
    FileWritten,
    Heartbeat,
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
    Warned,
    WorkerEvent,
)

log = logging.getLogger(__name__)

# How long a stop may take before the answer says it is still stopping.
STOP_WAIT = 60.0

_FINAL_REASONS = {"duration": "max-duration", "idle": "idle", "source-ended": "source-ended"}


class TaskManager:
    """Starts, controls and supervises recordings; the routes call it, rooms report to it."""

    def __init__(
        self, settings: Settings, store: Store, events: EventLog, rooms: RoomProvider
    ) -> None:
        self._settings = settings
        self._store = store
        self._events = events
        self._rooms = rooms
        self._pool = WorkerPool(settings.warm_workers, settings.data_dir / "logs")
        self._runner = TaskRunner(self, self._pool, heartbeat_timeout=settings.heartbeat_timeout)
        self._tasks: dict[str, ActiveTask] = {}
        self._runs: set[asyncio.Task[None]] = set()
        self.uploads = Uploads(settings, store, events, finished=self._uploads_done)

    # --- life of the manager ----------------------------------------------------------------------

    async def start(self) -> None:
        """Warm the workers and pick up the tasks a previous run left active."""
        self._pool.start()
        active = self._store.active_recordings()
        await self.uploads.start([rec.id for rec in active if rec.state == "uploading"])
        for rec in active:
            if rec.state != "uploading":  # ended: the upload queue carries it on
                await self._pick_up(rec)

    async def close(self) -> None:
        """Let every worker finish its part; active tasks stay active for the next start."""
        await self._runner.close()
        for task in self._tasks.values():
            task.changed.set()  # a task waiting for a stream sees the shutdown
        if self._runs:
            await asyncio.wait(self._runs, timeout=20.0)
        for task in self._tasks.values():
            task.cancel_timers()
            task.run_clock(False)
            task.rec.elapsed = round(task.elapsed(), 3)
            self._store.update_recording(task.rec)
        await self._pool.close()
        await self.uploads.close()

    def active_ids(self, room_id: str) -> list[str]:
        """Ids of the room's active recordings."""
        return [t.id for t in self._tasks.values() if t.rec.room_id == room_id]

    @property
    def active_count(self) -> int:
        """How many recordings are active."""
        return len(self._tasks)

    # --- reading ----------------------------------------------------------------------------------

    def get(self, recording_id: str) -> Recording:
        """A recording with its files; 404 when unknown."""
        rec = self._store.recording(recording_id)
        if rec is None:
            raise ApiError(ErrorCode.recording_not_found, f"no recording {recording_id!r}")
        if (task := self._tasks.get(recording_id)) is not None:
            rec.elapsed = round(task.elapsed(), 3)
        return rec

    async def wait_ended(self, recording_id: str) -> Recording:
        """Wait until a recording has ended (at once if it has); its final record.

        A shutdown leaves active tasks active, so this waits past it: cancel the waiter.
        """
        if (task := self._tasks.get(recording_id)) is not None:
            await task.done.wait()
        return self.get(recording_id)

    def listed(self, recs: list[Recording]) -> list[Recording]:
        """Recordings from the store, with the elapsed time of active ones brought up to now."""
        for rec in recs:
            if (task := self._tasks.get(rec.id)) is not None:
                rec.elapsed = round(task.elapsed(), 3)
        return recs

    # --- commands ---------------------------------------------------------------------------------

    async def create(self, request: RecordingCreate) -> Recording:
        """Start a recording (it records once a worker has its first packet)."""
        room = self._rooms.room(request.room_id)
        if room is None:
            raise ApiError(ErrorCode.room_not_found, f"no room {request.room_id!r}")
        folder, layout = checked_request(request, room, self._settings.recordings_dir)
        for task in self._tasks.values():
            if task.rec.room_id == request.room_id and task.rec.mode == request.mode:
                raise ApiError(
                    ErrorCode.recording_active,
                    f"room {request.room_id!r} already records in {request.mode} mode "
                    f"({task.id}); stop it first",
                )
        storage = None if request.storage is None else await self.uploads.prepare(request.storage)
        folder.mkdir(parents=True, exist_ok=True)
        rec = Recording(
            id="r_" + secrets.token_hex(5),
            state="starting",
            layout=layout,
            storage=None if storage is None else storage.info(),
            created=now_utc(),
            **request.model_dump(exclude={"layout", "storage"}),
        )
        task = ActiveTask(rec, folder)
        task.streams = {k: s for k, s in room.streams.items() if task.is_wanted(s)}
        if storage is not None:
            self.uploads.keep(rec.id, storage)  # sealed first: a stored task always has its keys
        self._store.add_recording(rec)
        self._tasks[rec.id] = task
        self._publish_state(task.rec, None)
        wait = self._settings.first_media_timeout
        task.later("first-media", wait, lambda: self._no_media(task, wait))
        self._check_idle(task)
        self._run(task)
        return task.snapshot()

    async def pause(self, recording_id: str) -> Recording:
        """Pause: the file stops growing until `resume`, with no gap in its timeline."""
        task = self._active(recording_id)
        if task.state not in ("starting", "recording"):
            raise self._wrong_state(task, "pause")
        task.run_clock(False)
        self._set_state(task, "paused")
        await self._runner.send(task, Pause())
        return self.get(recording_id)

    async def resume(self, recording_id: str) -> Recording:
        """Resume a paused recording."""
        task = self._active(recording_id)
        if task.state != "paused":
            raise self._wrong_state(task, "resume")
        self._set_state(task, "recording" if task.media_seen else "starting")
        if task.media_seen:
            task.run_clock(True)
        await self._runner.send(task, Resume())
        return self.get(recording_id)

    async def stop(self, recording_id: str) -> Recording:
        """Stop and wait until every file is final; the answer lists them."""
        task = self._tasks.get(recording_id)
        if task is None:
            rec = self.get(recording_id)
            raise ApiError(
                ErrorCode.recording_stopped,
                f"recording {recording_id} has already stopped ({rec.state})",
            )
        self._request_stop(task, "stopped")
        try:
            await asyncio.wait_for(task.done.wait(), STOP_WAIT)
        except TimeoutError:
            log.warning("recording %s: still stopping after %s s", recording_id, STOP_WAIT)
        return self.get(recording_id)

    async def set_layout(self, recording_id: str, spec: Layout | str) -> Recording:
        """Change a mixed recording's layout from its next frame."""
        task = self._active(recording_id)
        if task.rec.mode != "mixed":
            raise ApiError(
                ErrorCode.recording_state, f"recording {recording_id} is single-stream: no layout"
            )
        assert task.rec.layout is not None  # every mixed recording has one
        layout = changed_layout(task.rec.layout, spec, task.streams.values())
        task.rec.layout = layout
        self._store.update_recording(task.rec)
        await self._runner.send(task, SetLayout(layout))
        return self.get(recording_id)

    async def set_streams(self, recording_id: str, update: StreamsUpdate) -> Recording:
        """Change who is recorded, from now on."""
        task = self._active(recording_id)
        task.rec.include, task.rec.exclude = list(update.include), list(update.exclude)
        self._store.update_recording(task.rec)
        room = self._rooms.room(task.rec.room_id)
        present = {} if room is None else dict(room.streams)
        for stream in present.values():
            if task.is_wanted(stream) and stream.stream_id not in task.streams:
                await self._add_stream(task, stream)
        for stream_id in [k for k, s in task.streams.items() if not task.is_wanted(s)]:
            await self._remove_stream(task, stream_id)
        return self.get(recording_id)

    # --- rooms ------------------------------------------------------------------------------------

    def room_changed(self, change: RoomChange) -> None:
        """A provider's report: publish it, and let the room's recordings follow it."""
        self._events.publish(change.kind, change.event_data(self._rooms.room(change.room_id)))
        if change.stream is None:
            return
        for task in [t for t in self._tasks.values() if t.rec.room_id == change.room_id]:
            if change.kind == "stream.joined" and task.is_wanted(change.stream):
                self._spawn(self._add_stream(task, change.stream))
            elif change.kind == "stream.left" and change.stream.stream_id in task.streams:
                self._spawn(self._remove_stream(task, change.stream.stream_id))

    async def _add_stream(self, task: ActiveTask, stream: LiveStream) -> None:
        known = stream.stream_id in task.streams
        task.streams[stream.stream_id] = stream
        self._check_idle(task)
        task.changed.set()
        if not known:
            await self._runner.send(task, AddStream(task.stream_job(stream)))

    async def _remove_stream(self, task: ActiveTask, stream_id: str) -> None:
        if task.streams.pop(stream_id, None) is None:
            return
        self._check_idle(task)
        await self._runner.send(task, RemoveStream(stream_id))

    # --- what workers report (runner.Host) --------------------------------------------------------

    def worker_event(self, task: ActiveTask, event: WorkerEvent) -> None:
        """An event of the task's worker."""
        match event:
            case Started():
                task.media_seen = True
                task.cancel_timer("first-media")
                if task.rec.started is None:
                    task.rec.started = now_utc()
                    self._store.update_recording(task.rec)
                if task.state == "starting":
                    self._set_state(task, "recording")
                if task.state == "recording":
                    task.run_clock(True)
            case FileWritten():
                self._add_file(task, event)
            case SnapshotTaken():
                path = self._relative(event.path)
                self._events.publish("recording.snapshot", task.snapshot_event(event, path))
            case StreamEnded():
                if task.streams.pop(event.stream_id, None) is not None:
                    self._check_idle(task)
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
        """Absolute paths of the task's listed files."""
        root = self._settings.data_dir
        return {str(root / p) for p in self._store.file_paths(task.id)}

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
        self._set_state(task, state)
        task.done.set()
        if state == "uploading":
            self.uploads.recording_ended(rec.id)

    # --- inner workings ---------------------------------------------------------------------------

    def _run(self, task: ActiveTask) -> None:
        self._spawn(self._runner.run(task))

    def _spawn(self, coro: Any) -> None:
        run: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._runs.add(run)
        run.add_done_callback(self._runs.discard)

    async def _pick_up(self, rec: Recording) -> None:
        """A task left active by a previous run of the service."""
        folder = self._settings.recordings_dir / rec.folder
        task = ActiveTask(rec, folder, elapsed_before=rec.elapsed, media_seen=True)
        self._tasks[rec.id] = task
        await self._runner.recover_files(task, self.known_files(task))
        self._store.update_recording(rec)
        if rec.state == "stopping":
            self.finish(task, "stopped", None)
            return
        room = self._rooms.room(rec.room_id)
        if room is not None:
            task.streams = {k: s for k, s in room.streams.items() if task.is_wanted(s)}
        wait = self._settings.first_media_timeout

        def gone() -> None:
            if not task.streams:
                self._request_stop(task, "the room was no longer live after the service restarted")

        task.later("gone", wait, gone)
        self._run(task)

    def _active(self, recording_id: str) -> ActiveTask:
        task = self._tasks.get(recording_id)
        if task is None:
            rec = self.get(recording_id)
            raise ApiError(
                ErrorCode.recording_stopped, f"recording {recording_id} has ended ({rec.state})"
            )
        return task

    def _wrong_state(self, task: ActiveTask, action: str) -> ApiError:
        return ApiError(
            ErrorCode.recording_state, f"recording {task.id} is {task.state}: cannot {action} it"
        )

    def _set_state(self, task: ActiveTask, state: RecordingState) -> None:
        previous = task.rec.state
        task.rec.state = state
        task.rec.elapsed = round(task.elapsed(), 3)
        self._store.update_recording(task.rec)
        self._publish_state(task.rec, previous)

    def _uploads_done(self, recording_id: str) -> None:
        """The upload queue has stored every file: an `uploading` recording is `completed`."""
        rec = self._store.recording(recording_id)
        if rec is not None and rec.state == "uploading":
            rec.state = "completed"
            self._store.update_recording(rec)
            self._publish_state(rec, "uploading")

    def _publish_state(self, rec: Recording, previous: RecordingState | None) -> None:
        self._events.publish(
            "recording.state",
            {
                "recording_id": rec.id,
                "room_id": rec.room_id,
                "mode": rec.mode,
                "state": rec.state,
                "previous": previous,
                "reason": rec.reason,
            },
        )

    def _request_stop(self, task: ActiveTask, reason: str) -> None:
        if task.stop_reason is not None:
            return
        task.stop_reason = reason
        task.cancel_timers()
        task.run_clock(False)
        self._set_state(task, "stopping")
        task.changed.set()
        self._spawn(self._runner.send(task, Stop()))

    def _no_media(self, task: ActiveTask, wait: float) -> None:
        if not task.media_seen and task.stop_reason is None:
            task.fail_reason = f"no media within {wait:g} s of start"
            self._request_stop(task, "no media")

    def _check_idle(self, task: ActiveTask) -> None:
        if task.streams or task.stop_reason is not None:
            task.cancel_timer("idle")
        elif "idle" not in task.timers:
            task.later("idle", task.rec.max_idle_seconds, lambda: self._request_stop(task, "idle"))

    def _add_file(self, task: ActiveTask, event: FileWritten) -> None:
        file = task.file_record(event, self._relative(event.path))
        if task.rec.storage is not None:
            file.upload = "pending"
        self._store.add_file(file)
        self._events.publish("recording.file", file.model_dump(mode="json"))
        if task.rec.storage is not None:
            self.uploads.add(file)

    def _relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self._settings.data_dir))
        except ValueError:
            return str(path)
