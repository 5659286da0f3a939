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
then published as `recording.file` (transitions, stop rules and what workers report are
`app.service.recordings.life`'s). A recording with storage hands each file to the upload
queue (`app.service.storage.uploads`) as it is listed, and stays `uploading` after its end until the
queue has stored them all. Workers are run by `app.service.recordings.runner`, on this host or,
with `[cluster]`, on a Ray cluster (`app.service.cluster`), where a start that no host can take
within the placement timeout is refused with 503 (`no_capacity`); after a restart of
the service, tasks that were active go on into a new part when their room is live again, or are
finished with every file they wrote listed.

A full disk is a fault like any other (`app.service.disk`): below the reserve every recording is
stopped with reason `disk-full` and starts answer 507. What the manager stores goes through
`app.service.recordings.records`, which keeps and retries what SQLite refuses, and every task has
a runner behind it until it has ended: a runner that fails finishes its task as `failed`, with
the files its worker left listed.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from pathlib import Path
from typing import Any

from app.api.errors import ApiError, ErrorCode
from app.api.models import Recording, RecordingCreate, StreamsUpdate
from app.layout.model import Layout
from app.service.cluster.backend import NoCapacity, NodeHealth
from app.service.disk import DiskGuard, DiskSpace
from app.service.images.store import ImageStore
from app.service.recordings.formats import with_format
from app.service.recordings.layouts import changed_layout
from app.service.recordings.life import TaskLife
from app.service.recordings.records import Records, refused
from app.service.recordings.runner import TaskRunner, unfinished_files
from app.service.recordings.supervisor import backend_for
from app.service.recordings.task import ActiveTask, checked_request, now_utc, wanted
from app.service.rooms.base import LiveStream, RoomChange, RoomProvider
from app.service.settings import Settings
from app.service.storage.uploads import Uploads
from app.service.store.eventlog import EventLog
from app.service.store.store import Store
from app.worker.protocol import AddStream, Command, Pause, RemoveStream, Resume, SetLayout

log = logging.getLogger(__name__)

# How long a stop may take before the answer says it is still stopping.
STOP_WAIT = 60.0


class TaskManager:
    """Starts, controls and supervises recordings; the routes call it, rooms report to it."""

    def __init__(
        self, settings: Settings, store: Store, events: EventLog, rooms: RoomProvider
    ) -> None:
        self._settings = settings
        self._store = store
        self._events = events
        self._rooms = rooms
        self._pool = backend_for(settings)
        self._tasks: dict[str, ActiveTask] = {}
        self._runs: set[asyncio.Task[None]] = set()
        self._records = Records(store, events)
        self.uploads = Uploads(settings, store, events, finished=self._uploads_done)
        self._life = TaskLife(
            settings.data_dir,
            self._records,
            self.uploads,
            self._tasks,
            send=self._send,
            spawn=self._spawn,
        )
        self._runner = TaskRunner(
            self._life,
            self._pool,
            heartbeat_timeout=settings.heartbeat_timeout,
            # The worker's own floor, below the guard's: normally the guard stops it first.
            disk_reserve=settings.disk_reserve // 2,
            placement_timeout=(
                settings.cluster.placement_timeout if settings.cluster is not None else 5.0
            ),
        )
        self.disk = DiskGuard(
            settings.recordings_dir,
            settings.disk_reserve,
            every=settings.disk_check_seconds,
            events=self._records,
            on_checked=self._disk_checked,
        )

    # --- life of the manager ----------------------------------------------------------------------

    async def start(self) -> None:
        """Warm the workers (or join the cluster) and pick up the tasks a previous run left
        active."""
        await self._pool.open()
        active = self._store.active_recordings()
        await self.uploads.start([rec.id for rec in active if rec.state == "uploading"])
        for rec in active:
            if rec.state != "uploading":  # ended: the upload queue carries it on
                await self._pick_up(rec)
        self.disk.start()

    async def close(self) -> None:
        """Let every worker finish its part; active tasks stay active for the next start."""
        await self.disk.close()
        await self._runner.close()
        for task in self._tasks.values():
            task.changed.set()  # a task waiting for a stream sees the shutdown
        if self._runs:
            await asyncio.wait(self._runs, timeout=20.0)
        for task in self._tasks.values():
            task.cancel_timers()
            task.run_clock(False)
            task.rec.elapsed = round(task.elapsed(), 3)
            self._records.save(task.rec)
        if not self._records.retry():
            log.warning("%d records could not be stored before the stop", self._records.waiting)
        await self._pool.close()
        await self.uploads.close()

    def active_ids(self, room_id: str) -> list[str]:
        """Ids of the room's active recordings."""
        return [t.id for t in self._tasks.values() if t.rec.room_id == room_id]

    def paused_ids(self, room_id: str) -> list[str]:
        """Ids of the room's paused recordings (a room whose recordings are all paused is not
        being recorded right now, and says so)."""
        return [
            t.id for t in self._tasks.values() if t.rec.room_id == room_id and t.state == "paused"
        ]

    def writing(self, recording_id: str) -> tuple[ActiveTask, list[Path]]:
        """An active recording's task and the files it is writing now, not listed yet (404
        unknown, 409 ended)."""
        task = self._active(recording_id)
        return task, unfinished_files(task, self._life.known_files(task))

    async def cluster_health(self) -> list[NodeHealth]:
        """The hosts workers run on (empty without a cluster): each node's id, address, whether
        it is alive, its CPUs and those free, and how many of this service's recordings it runs."""
        return await self._pool.health()

    def node_of(self, recording_id: str) -> str | None:
        """The node an active recording's worker runs on now, if it has one."""
        task = self._tasks.get(recording_id)
        return None if task is None else self._runner.node_of(task)

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
        rec = self._records.overlay(rec)
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
        """Recordings from the store, as they are now (unsaved changes, elapsed time)."""
        recs = [self._records.overlay(rec) for rec in recs]
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
        streams = [s for s in room.streams.values() if wanted(s, request.include, request.exclude)]
        request = with_format(request, streams)
        folder, layout = checked_request(
            request, room, self._settings.recordings_dir, ImageStore(self._settings.images_dir)
        )
        self._check_free(request)
        self.disk.check_start()
        storage = None if request.storage is None else await self.uploads.prepare(request.storage)
        rec = Recording(
            id="r_" + secrets.token_hex(5),
            state="starting",
            layout=layout,
            storage=None if storage is None else storage.info(),
            created=now_utc(),
            **request.model_dump(exclude={"layout", "storage"}),
        )
        task = ActiveTask(rec, folder, images_dir=self._settings.images_dir)
        task.streams = {k: s for k, s in room.streams.items() if task.is_wanted(s)}
        try:
            await self._runner.place(task)  # a cluster: a host for it, or 503 within seconds
        except NoCapacity as exc:
            raise ApiError(ErrorCode.no_capacity, str(exc)) from exc
        try:
            self._check_free(request)  # another start may have come while this one was placed
        except ApiError:
            await self._runner.release(task)
            raise
        folder.mkdir(parents=True, exist_ok=True)
        if storage is not None:
            self.uploads.keep(rec.id, storage)  # sealed first: a stored task always has its keys
        try:
            self._store.add_recording(rec)
        except ApiError as exc:
            await self._runner.release(task)
            if not refused(exc):
                raise
            raise ApiError(
                ErrorCode.insufficient_storage, f"the service cannot store a new recording: {exc}"
            ) from exc
        self._tasks[rec.id] = task
        self._records.publish_state(task.rec, None)
        wait = self._settings.first_media_timeout
        task.later("first-media", wait, lambda: self._life.no_media(task, wait))
        self._life.check_idle(task)
        self._run(task)
        return task.snapshot()

    async def pause(self, recording_id: str) -> Recording:
        """Pause: the file stops growing until `resume`, with no gap in its timeline."""
        task = self._active(recording_id)
        if task.state not in ("starting", "recording"):
            raise self._wrong_state(task, "pause")
        task.run_clock(False)
        self._life.set_state(task, "paused")
        await self._runner.send(task, Pause())
        return self.get(recording_id)

    async def resume(self, recording_id: str) -> Recording:
        """Resume a paused recording."""
        task = self._active(recording_id)
        if task.state != "paused":
            raise self._wrong_state(task, "resume")
        self._life.set_state(task, "recording" if task.media_seen else "starting")
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
        self._life.request_stop(task, "stopped")
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
        layout = changed_layout(
            task.rec.layout,
            spec,
            task.streams.values(),
            images=ImageStore(self._settings.images_dir),
        )
        task.rec.layout = layout
        self._records.save(task.rec)
        await self._runner.send(task, SetLayout(layout))
        # Whoever shows the recording shows the layout in force from now on, not the first one.
        self._records.publish(
            "recording.layout",
            {"recording_id": task.id, "room_id": task.rec.room_id, "template": layout.template},
        )
        return self.get(recording_id)

    async def set_streams(self, recording_id: str, update: StreamsUpdate) -> Recording:
        """Change who is recorded, from now on."""
        task = self._active(recording_id)
        task.rec.include, task.rec.exclude = list(update.include), list(update.exclude)
        self._records.save(task.rec)
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
        self._records.publish(change.kind, change.event_data(self._rooms.room(change.room_id)))
        if change.stream is None:
            return
        for task in [t for t in self._tasks.values() if t.rec.room_id == change.room_id]:
            if change.kind == "stream.joined" and task.is_wanted(change.stream):
                self._spawn(self._add_stream(task, change.stream), f"recording {task.id}: add")
            elif change.kind == "stream.left" and change.stream.stream_id in task.streams:
                stream_id = change.stream.stream_id
                self._spawn(
                    self._remove_stream(task, stream_id, left=True), f"recording {task.id}: remove"
                )

    async def _add_stream(self, task: ActiveTask, stream: LiveStream) -> None:
        known = stream.stream_id in task.streams
        task.streams[stream.stream_id] = stream
        self._life.check_idle(task)
        task.changed.set()
        if not known:
            await self._runner.send(task, AddStream(task.stream_job(stream)))

    async def _remove_stream(self, task: ActiveTask, stream_id: str, *, left: bool = False) -> None:
        if task.streams.pop(stream_id, None) is None:
            return
        self._life.check_idle(task)
        if not left:
            task.release(stream_id)
        # One that left may come back: the worker keeps it for max_idle_seconds (single mode).
        await self._runner.send(task, RemoveStream(stream_id, left))

    # --- inner workings ---------------------------------------------------------------------------

    async def _send(self, task: ActiveTask, command: Command) -> None:
        await self._runner.send(task, command)

    def _run(self, task: ActiveTask) -> None:
        self._spawn(self._runner.run(task), f"recording {task.id}")

    def _spawn(self, coro: Any, what: str) -> None:
        run: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._runs.add(run)
        run.add_done_callback(lambda done: self._ran(done, what))

    def _ran(self, run: asyncio.Task[None], what: str) -> None:
        """A background task's end: its failure is logged, never left for the loop to find."""
        self._runs.discard(run)
        if not run.cancelled() and (exc := run.exception()) is not None:
            log.error("%s failed", what, exc_info=exc)

    def _disk_checked(self, space: DiskSpace) -> None:
        """Each look of the disk guard: retry what the store refused; stop all while short."""
        self._records.retry()
        if space.short:
            for task in list(self._tasks.values()):
                self._life.request_stop(task, "disk-full")

    async def _pick_up(self, rec: Recording) -> None:
        """A task left active by a previous run of the service."""
        folder = self._settings.recordings_dir / rec.folder
        task = ActiveTask(
            rec,
            folder,
            elapsed_before=rec.elapsed,
            media_seen=True,
            images_dir=self._settings.images_dir,
        )
        self._tasks[rec.id] = task
        await self._runner.recover_files(task, self._life.known_files(task))
        self._records.save(rec)
        if rec.state == "stopping":
            self._life.finish(task, "stopped", None)
            return
        self._life.service_restarted(task, rec.files)  # what it missed, once its new part starts
        room = self._rooms.room(rec.room_id)
        if room is not None:
            task.streams = {k: s for k, s in room.streams.items() if task.is_wanted(s)}
        wait = self._settings.first_media_timeout

        def gone() -> None:
            if not task.streams:
                self._life.request_stop(
                    task, "the room was no longer live after the service restarted"
                )

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

    def _check_free(self, request: RecordingCreate) -> None:
        """409 when the room already records in the request's mode."""
        for task in self._tasks.values():
            if task.rec.room_id == request.room_id and task.rec.mode == request.mode:
                raise ApiError(
                    ErrorCode.recording_active,
                    f"room {request.room_id!r} already records in {request.mode} mode "
                    f"({task.id}); stop it first",
                )

    def _wrong_state(self, task: ActiveTask, action: str) -> ApiError:
        return ApiError(
            ErrorCode.recording_state, f"recording {task.id} is {task.state}: cannot {action} it"
        )

    def _uploads_done(self, recording_id: str) -> None:
        """The upload queue has stored every file: an `uploading` recording is `completed`."""
        rec = self._store.recording(recording_id)
        if rec is not None and (rec := self._records.overlay(rec)).state == "uploading":
            rec.state = "completed"
            self._records.state_changed(rec, "uploading")
