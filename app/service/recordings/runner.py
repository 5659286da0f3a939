"""Carrying one task through its worker processes, across crashes, to its end.

```
wait for a stream ─▶ take a warm worker ─▶ send the job ─▶ follow its events ─┬─ ended ─▶ finish
        ▲                                                                     │
        └──────────── died or went silent: finish its files, next part ◀──────┘
```

A worker that exits without `ended`, or sends nothing (not even its heartbeat) for
`heartbeat_timeout`, is killed; the files it left are finished with `app.media.recover` and listed,
and a new worker carries the task on into the next part at once. A worker that ended by itself may
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
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from app.media.errors import MediaError
from app.media.fileinfo import FileInfo
from app.media.formats import FORMATS
from app.service.recordings.supervisor import Worker, WorkerGone, WorkerPool
from app.service.recordings.task import ActiveTask
from app.worker.protocol import Command, Ended, Heartbeat, WorkerEvent

log = logging.getLogger(__name__)

_PART = re.compile(r"-(\d{3})(?:\.|$)|_(\d{3})(?:\.|$)")


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
    """Runs tasks on workers from a pool."""

    def __init__(
        self, host: Host, pool: WorkerPool, *, heartbeat_timeout: float, disk_reserve: int = 0
    ) -> None:
        self._host = host
        self._pool = pool
        self._heartbeat_timeout = heartbeat_timeout
        self._disk_reserve = disk_reserve  # each job's (`Job.disk_reserve`)
        self._workers: dict[str, Worker] = {}
        self.closing = False

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
            await self._list_leftovers(task)
            if not task.done.is_set():
                self._host.finish(task, "error", f"the service failed: {exc}")

    async def _run(self, task: ActiveTask) -> None:
        try:
            while True:
                while not task.streams and task.stop_reason is None:
                    if self.closing:
                        raise Shutdown
                    task.changed.clear()
                    await task.changed.wait()
                if task.stop_reason is not None and not task.streams:
                    self._host.finish(task, "stopped", None)
                    return
                if task.stop_reason is not None and not task.media_seen:
                    self._host.finish(task, "stopped", None)
                    return
                ended = await self._one_worker(task)
                if ended is not None:
                    await self._list_leftovers(task)
                    error = ended.message if ended.reason == "error" else None
                    self._host.finish(task, ended.reason, error)
                    return
                await self.recover_files(task, self._host.known_files(task))
                if task.stop_reason is not None:
                    self._host.finish(task, "stopped", None)
                    return
                log.warning("recording %s: worker died; on to part %s", task.id, task.rec.next_part)
        except Shutdown:
            return

    async def _one_worker(self, task: ActiveTask) -> Ended | None:
        """Run one worker; its `ended` event, or None if it died."""
        try:
            worker = await self._pool.take()
        except WorkerGone:
            if self.closing:  # the pool closed while this task waited for a worker
                raise Shutdown from None
            raise
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
            await worker.send(replace(task.job(), disk_reserve=self._disk_reserve))
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
            known = self._host.known_files(task)
            if unfinished_files(task, known):
                await self.recover_files(task, known)
        except Exception:  # the task still ends; its files stay on disk for an operator
            log.exception("recording %s: cannot list the files its worker left", task.id)

    async def recover_files(self, task: ActiveTask, known: set[str]) -> None:
        """Finish and list the files a dead worker left behind; the next part comes after them."""
        from app.media.recover import recover  # only needed after a crash

        found = unfinished_files(task, known)
        top = task.rec.next_part
        for path in found:
            part = part_of(path, task.rec.next_part)
            top = max(top, part)
            try:
                info = await asyncio.to_thread(recover, path)
            except (MediaError, OSError) as exc:
                log.warning("recording %s: cannot finish %s: %s", task.id, path, exc)
                continue
            self._host.file_recovered(task, info, part)
        task.rec.next_part = top + 1


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
