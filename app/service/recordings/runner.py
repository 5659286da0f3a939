"""Carrying one task through its worker processes, across crashes, to its end.

```
wait for a stream ─▶ take a warm worker ─▶ send the job ─▶ follow its events ─┬─ ended ─▶ finish
        ▲                                                                     │
        └──────────── died or went silent: finish its files, next part ◀──────┘
```

A worker that exits without `ended`, or sends nothing (not even its heartbeat) for
`heartbeat_timeout`, is killed; the files it left are finished with `app.media.recover` and listed,
and a new worker carries the task on into the next part at once. Workers come from a
`WorkerBackend` (`app.service.cluster`): the local pool, or a cluster whose hosts can be lost. A
lost host's worker may still be finishing its files (it stops writing within the backend's
`fence_seconds`): the next part starts at once elsewhere, and those files are finished and listed
once they have stopped changing, before the task ends. A worker that ended by itself may
leave a file it could not finish too (its disk filled up): that one is finished and listed the
same way. The runner never decides what a task's state is: it reports to its `Host` (the task
manager), which does; but it never returns, short of the service's shutdown, without having
reported the task's end: a failure of its own ends the task as `failed`, after the worker has
finished its files.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from app.media.errors import MediaError, NothingRecorded
from app.media.fileinfo import FileInfo
from app.media.formats import FORMATS
from app.service.cluster.backend import NoCapacity, WorkerBackend, WorkerGone, WorkerHandle
from app.service.recordings.task import ActiveTask
from app.worker.protocol import Command, Ended, Heartbeat, Job, WorkerEvent

log = logging.getLogger(__name__)

_PART = re.compile(r"-(\d{3})(?:\.|$)|_(\d{3})(?:\.|$)")
# A lost host's file is finished once it has not changed for this long (its writer has stopped).
_QUIET_SECONDS = 1.0


class Host(Protocol):
    """What the runner reports to."""

    def worker_event(self, task: ActiveTask, event: WorkerEvent) -> None:
        """An event line of the task's worker (not `ended`)."""
        ...

    def file_recovered(self, task: ActiveTask, info: FileInfo, part: int) -> None:
        """A file a dead worker left, now finished."""
        ...

    def known_files(self, task: ActiveTask) -> set[str]:
        """Absolute paths of the task's files listed so far."""
        ...

    def finish(self, task: ActiveTask, reason: str, error: str | None) -> None:
        """The task has ended: `reason` from the worker's `ended`, `error` when it failed."""
        ...


class Shutdown(Exception):
    """The service is stopping; the task stays active for the next start."""


class TaskRunner:
    """Runs tasks on workers from a backend."""

    def __init__(
        self,
        host: Host,
        backend: WorkerBackend,
        *,
        heartbeat_timeout: float,
        disk_reserve: int = 0,
        placement_timeout: float = 5.0,
    ) -> None:
        self._host = host
        self._backend = backend
        self._heartbeat_timeout = heartbeat_timeout
        self._disk_reserve = disk_reserve  # each job's (`Job.disk_reserve`)
        self._placement_timeout = placement_timeout
        self._workers: dict[str, WorkerHandle] = {}
        self._placed: dict[str, WorkerHandle] = {}  # placed at the start, not yet running
        self._settling: dict[str, dict[Path, asyncio.Task[None]]] = {}  # a lost host's files
        self.closing = False

    def node_of(self, task: ActiveTask) -> str | None:
        """The node the task's worker runs on now, if it has one."""
        worker = self._workers.get(task.id)
        return None if worker is None else worker.node_id

    async def place(self, task: ActiveTask) -> None:
        """Take the task's first worker now, where the backend places workers (a cluster):
        `NoCapacity` when no host can take it within the placement timeout."""
        if not self._backend.places or not task.streams:
            return
        worker = await self._backend.take(self._job(task), timeout=self._placement_timeout)
        self._placed[task.id] = worker

    async def release(self, task: ActiveTask) -> None:
        """Give back the worker placed for a task that will not run after all."""
        if (placed := self._placed.pop(task.id, None)) is not None:
            placed.close_input()
            await placed.wait(5.0)

    def _job(self, task: ActiveTask) -> Job:
        return replace(task.job(), disk_reserve=self._disk_reserve)

    async def send(self, task: ActiveTask, command: Command) -> None:
        """Send a command to the task's worker, if it has one (a new worker gets the job)."""
        worker = self._workers.get(task.id)
        if worker is None:
            return
        # A worker that is gone is seen by the runner, which restarts it with the current state.
        with contextlib.suppress(WorkerGone):
            await worker.send(command)

    async def run(self, task: ActiveTask) -> None:
        """Carry `task` to its end (or to the service's shutdown), whatever fails on the way."""
        try:
            await self._run(task)
        except Exception as exc:
            log.exception("recording %s failed", task.id)
            if self.closing:
                return  # stays active: the next start picks it up, its files with it
            await self._settled(task)
            await self._list_leftovers(task)
            if not task.done.is_set():
                self._host.finish(task, "error", f"the service failed: {exc}")
        finally:
            await self.release(task)

    async def _run(self, task: ActiveTask) -> None:
        try:
            while True:
                while not task.streams and task.stop_reason is None:
                    if self.closing:
                        raise Shutdown
                    task.changed.clear()
                    await task.changed.wait()
                if task.stop_reason is not None and not task.streams:
                    await self._settled(task)
                    self._host.finish(task, "stopped", None)
                    return
                if task.stop_reason is not None and not task.media_seen:
                    await self._settled(task)
                    self._host.finish(task, "stopped", None)
                    return
                ended = await self._one_worker(task)
                if ended is not None:
                    await self._settled(task)
                    await self._list_leftovers(task)
                    error = ended.message if ended.reason == "error" else None
                    self._host.finish(task, ended.reason, error)
                    return
                if self._backend.fence_seconds > 0:
                    self._settle(task)
                else:
                    await self.recover_files(task, self._host.known_files(task))
                if task.stop_reason is not None:
                    await self._settled(task)
                    self._host.finish(task, "stopped", None)
                    return
                log.warning("recording %s: worker died; on to part %s", task.id, task.rec.next_part)
        except Shutdown:
            return

    async def _one_worker(self, task: ActiveTask) -> Ended | None:
        """Run one worker; its `ended` event, or None if it died."""
        worker = self._placed.pop(task.id, None) or await self._take(task)
        if worker is None:
            return Ended("stopped")
        self._workers[task.id] = worker
        try:
            if self.closing:
                worker.close_input()
                raise Shutdown
            if task.stop_reason is not None:
                # Stopped while this worker was being handed over (the stop found no worker to
                # tell): it records nothing.
                worker.close_input()
                await worker.wait(10.0)
                return Ended("stopped")
            await worker.send(self._job(task))
            while True:
                event = await worker.next_event(self._heartbeat_timeout)
                if isinstance(event, Ended):
                    await worker.wait(10.0)
                    if event.reason == "service-gone" or self.closing:
                        raise Shutdown
                    return event
                if not isinstance(event, Heartbeat):
                    self._host.worker_event(task, event)
        except WorkerGone as exc:
            if self.closing:
                raise Shutdown from exc
            log.warning("recording %s: %s", task.id, exc)
            worker.kill()
            await worker.wait(5.0)
            return None
        except Exception:
            # The service's own failure, not the worker's: the worker finishes its files first.
            worker.close_input()
            await worker.wait(15.0)
            raise
        finally:
            self._workers.pop(task.id, None)

    async def _take(self, task: ActiveTask) -> WorkerHandle | None:
        """A worker for the task's next part, waiting for room on a cluster as long as it takes
        (None if the task is stopped meanwhile)."""
        while True:
            try:
                return await self._backend.take(self._job(task), timeout=self._placement_timeout)
            except WorkerGone:
                if self.closing:  # the pool closed while this task waited for a worker
                    raise Shutdown from None
                raise
            except NoCapacity as exc:
                if self.closing:
                    raise Shutdown from None
                if task.stop_reason is not None:
                    return None
                log.warning("recording %s: waiting for room on the cluster: %s", task.id, exc)

    def _settle(self, task: ActiveTask) -> None:
        """A lost host's files: the next part's number now, each file finished once quiet."""
        settling = self._settling.setdefault(task.id, {})
        for path, part in _leftovers(task, self._known(task)):
            settling[path] = asyncio.create_task(self._recover_quiet(task, path, part))

    async def _recover_quiet(self, task: ActiveTask, path: Path, part: int) -> None:
        last = None
        quiet_since = time.monotonic()
        deadline = quiet_since + self._backend.fence_seconds + 30.0
        while time.monotonic() < deadline:
            try:
                stat = path.stat()
            except OSError:  # its writer is replacing it with the finished file
                stat = None
            now = time.monotonic()
            seen = None if stat is None else (stat.st_size, stat.st_mtime_ns)
            if seen != last:
                last, quiet_since = seen, now
            elif seen is not None and now - quiet_since >= _QUIET_SECONDS:
                break
            await asyncio.sleep(0.2)
        await self._recover(task, path, part)

    async def _recover(self, task: ActiveTask, path: Path, part: int) -> None:
        """Finish and list one file a lost or dead worker left: one with no media is removed,
        one that cannot be finished stays on disk, for an operator, and is logged."""
        from app.media.recover import recover  # only needed after a crash

        try:
            info = await asyncio.to_thread(recover, path)
        except NothingRecorded:  # killed before its first media: a file with nothing to keep
            log.info("recording %s: %s holds no media; removed", task.id, path)
            with contextlib.suppress(OSError):
                path.unlink()
            return
        except (MediaError, OSError) as exc:
            log.warning("recording %s: cannot finish %s: %s", task.id, path, exc)
            return
        self._host.file_recovered(task, info, part)

    async def _settled(self, task: ActiveTask) -> None:
        """Wait until every file a lost host left the task is finished and listed."""
        settling = self._settling.pop(task.id, {})
        if settling:
            await asyncio.gather(*settling.values(), return_exceptions=True)

    def _known(self, task: ActiveTask) -> set[str]:
        """The task's files listed, and those of a lost host being finished."""
        return self._host.known_files(task) | {str(p) for p in self._settling.get(task.id, {})}

    async def close(self) -> None:
        """Ask every worker to finish its files and exit; wait for them."""
        self.closing = True
        workers = list(self._workers.values())
        for worker in workers:
            worker.close_input()
        await asyncio.gather(*(w.wait(15.0) for w in workers))

    async def _list_leftovers(self, task: ActiveTask) -> None:
        """Finish and list what the task's last worker left unfinished, if anything."""
        try:
            known = self._known(task)
            if unfinished_files(task, known):
                await self.recover_files(task, known)
        except Exception:  # the task still ends; its files stay on disk for an operator
            log.exception("recording %s: cannot list the files its worker left", task.id)

    async def recover_files(self, task: ActiveTask, known: set[str]) -> None:
        """Finish and list the files a dead worker left behind; the next part comes after them."""
        for path, part in _leftovers(task, known):
            await self._recover(task, path, part)


def _leftovers(task: ActiveTask, known: set[str]) -> list[tuple[Path, int]]:
    """The task's unlisted files and their part numbers; its next part now comes after them."""
    found = [(path, part_of(path, task.rec.next_part)) for path in unfinished_files(task, known)]
    task.rec.next_part = max([task.rec.next_part, *(part for _, part in found)]) + 1
    return found


def unfinished_files(task: ActiveTask, known: set[str]) -> list[Path]:
    """Files in the task's folder made from its stems that are not listed yet."""
    fmt = FORMATS[task.rec.format]
    suffixes = {".m3u8"} if fmt.name == "hls" else {fmt.extension, ".m4a", ".ogg"}
    found: list[Path] = []
    for stem in task.rec.stems.values():
        prefix = stem.split("{part}", 1)[0]
        if not prefix or not task.folder.is_dir():
            continue
        for path in sorted(task.folder.iterdir()):
            if (
                path.name.startswith(prefix)
                and path.suffix in suffixes
                and str(path) not in known
                and path not in found
                and "-snap-" not in path.name
            ):
                found.append(path)
    return found


def part_of(path: Path, default: int) -> int:
    """The part number in a file name (`-003` or `_003`), else `default`."""
    match = _PART.search(path.name)
    if match is None:
        return default
    return int(match[1] or match[2])
