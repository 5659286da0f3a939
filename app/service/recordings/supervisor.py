"""Recorder worker processes: started, kept warm, spoken to, watched for a heartbeat.

A recording runs in its own process (`python -m app.worker.main`; its messages are those of
`app.worker.protocol`, encoded and decoded there alone), so a crash in native code ends one part
of one recording, never the service. A `WorkerPool` keeps `warm` processes started and waiting for
a job, so a recording starts without paying for an interpreter and PyAV start-up, and more of
them under a burst of starts. Workers read their commands from a pipe: if the service dies, the
pipe closes and every worker finishes its files and exits by itself (no orphans).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from app.service.cluster.backend import (
    LOCAL_NODE,
    NodeHealth,
    WorkerBackend,
    WorkerGone,
    start_worker,
)
from app.worker.fields import JobError
from app.worker.protocol import (
    Command,
    Job,
    Ready,
    WorkerEvent,
)
from app.worker.wire import (
    decode_event,
    encode,
)

if TYPE_CHECKING:
    from app.service.settings import Settings

__all__ = ["Worker", "WorkerGone", "WorkerPool", "default_limit"]

log = logging.getLogger(__name__)


class Worker:
    """One worker process."""

    def __init__(self, process: asyncio.subprocess.Process, log_path: Path | None) -> None:
        self._process = process
        self.log_path = log_path

    @classmethod
    async def spawn(cls, log_dir: Path | None = None, *, background: bool = False) -> Worker:
        """Start a worker; it prints `ready` once it can take a job.

        A `background` worker warms up at a low priority (`app.worker.main`).
        """
        log_path = None if log_dir is None else log_dir / "workers.log"
        process = await start_worker(log_path, *(["--background"] if background else []))
        return cls(process, log_path)

    @property
    def pid(self) -> int:
        """The process id."""
        return self._process.pid

    @property
    def node_id(self) -> str:
        """Where it runs: on this host."""
        return LOCAL_NODE

    @property
    def returncode(self) -> int | None:
        """None while running."""
        return self._process.returncode

    async def wait_ready(self, timeout: float) -> None:
        """Wait for `ready`; `WorkerGone` if it exits or takes longer."""
        event = await self.next_event(timeout)
        if not isinstance(event, Ready):
            raise WorkerGone(f"worker {self.pid} said {encode(event)} before ready")

    async def send(self, message: Job | Command) -> None:
        """Write one message's line to the worker; `WorkerGone` if it no longer reads."""
        stdin = self._process.stdin
        if stdin is None or stdin.is_closing():
            raise WorkerGone(f"worker {self.pid} is gone")
        try:
            stdin.write(encode(message).encode() + b"\n")
            await stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise WorkerGone(f"worker {self.pid} is gone") from exc

    async def next_event(self, timeout: float) -> WorkerEvent:
        """The next event; `WorkerGone` at end of output or after `timeout` of silence.

        A line that is no event this service knows (a stray print, a newer worker's event) is
        logged and skipped.
        """
        stdout = self._process.stdout
        assert stdout is not None
        while True:
            try:
                line = await asyncio.wait_for(stdout.readline(), timeout)
            except TimeoutError as exc:
                raise WorkerGone(f"worker {self.pid} sent nothing for {timeout:g} s") from exc
            except ValueError as exc:  # a line over the limit
                raise WorkerGone(f"worker {self.pid} sent a line too long") from exc
            if not line:
                raise WorkerGone(f"worker {self.pid} exited")
            text = line.decode(errors="replace").rstrip()
            try:
                return decode_event(text)
            except JobError as exc:
                log.warning("worker %s: %s (%s)", self.pid, text, exc)

    def close_input(self) -> None:
        """Close the command pipe: the worker finishes its files and exits."""
        stdin = self._process.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()

    def kill(self) -> None:
        """End the process at once."""
        with contextlib.suppress(ProcessLookupError):
            self._process.kill()

    async def wait(self, timeout: float) -> int | None:
        """Wait for the exit (killing it after `timeout`); its exit status."""
        try:
            return await asyncio.wait_for(self._process.wait(), timeout)
        except TimeoutError:
            self.kill()
            return await self._process.wait()


class WorkerPool:
    """Hands out started workers, keeping spares started: `warm` when idle, more under a burst.

    ```
    take() ─▶ a ready spare? ─yes─▶ it (and a spare more is started in the background)
                    └─no─▶ wait for the first worker ready; one more is started for this wait
    ```

    - **Grows with demand.** Each start of a burst (starts less than `idle` seconds apart) raises
      the spares kept by one, up to `limit`: `warm` + the burst's starts. A start that finds no
      spare ready gets the first worker that becomes ready, and a worker is started for each such
      start, in parallel; at most `limit` such workers are starting at once, so a big burst
      does not start a process per recording in the same instant.
    - **Shrinks when idle.** Once no start has come or waited for `idle` seconds, the spares
      beyond `warm` are stopped.
    - **Spares yield.** A spare started ahead of demand warms up at a low priority
      (`app.worker.main --background`), so a burst of them does not slow the recordings already
      running; a worker started because a start waits for it, at normal priority.
    - **One job per worker.** A worker whose job ended exits: the next job gets a fresh process,
      so nothing a job left behind (threads, native state) reaches the next one.
    """

    def __init__(
        self,
        warm: int,
        log_dir: Path | None = None,
        *,
        limit: int = 0,
        idle: float = 30.0,
        ready_timeout: float = 30.0,
    ) -> None:
        self._warm = warm
        self._limit = max(1, limit or default_limit())
        self._idle = idle
        self._log_dir = log_dir
        self._ready_timeout = ready_timeout
        self._ready: collections.deque[Worker] = collections.deque()
        self._starting: dict[asyncio.Task[None], bool] = {}  # each start: whether one waits for it
        self._waiting: collections.deque[asyncio.Future[Worker]] = collections.deque()
        self._retiring: set[asyncio.Task[int | None]] = set()
        self._burst = 0  # starts since the pool was last idle
        self._trim: asyncio.TimerHandle | None = None
        self._closed = False

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerPool:
        """The pool that `settings` ask for; workers log to DATA_DIR/logs."""
        return cls(
            settings.warm_workers,
            settings.data_dir / "logs",
            limit=settings.max_warm_workers,
            idle=settings.warm_idle_seconds,
        )

    @property
    def limit(self) -> int:
        """The most spares kept, and the most workers starting at once."""
        return self._limit

    @property
    def places(self) -> bool:
        """A start never waits for placement: the workers run on this host."""
        return False

    @property
    def fence_seconds(self) -> float:
        """A worker seen gone was killed: it writes no more."""
        return 0.0

    def start(self) -> None:
        """Begin warming workers."""
        self._refill()

    async def open(self) -> None:
        """The backend's start: begin warming workers."""
        self.start()

    async def health(self) -> list[NodeHealth]:
        """No cluster: the service's own health says how this host is."""
        return []

    async def take(self, job: Job | None = None, *, timeout: float | None = None) -> Worker:
        """A worker that is ready for a job (any job: `job` and `timeout` are the cluster's).

        `WorkerGone` or `OSError` when the worker started for this call could not start, and
        `WorkerGone` once the pool is closed.
        """
        if self._closed:
            raise WorkerGone("the service is stopping")
        self._burst += 1
        self._busy()
        while self._ready:
            worker = self._ready.popleft()
            if worker.returncode is None:
                self._refill()
                return worker
            log.warning("a warm worker %s exited while it waited", worker.pid)
        waiter: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        self._refill()
        try:
            return await waiter
        except asyncio.CancelledError:
            with contextlib.suppress(ValueError):
                self._waiting.remove(waiter)
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._arrived(waiter.result())  # handed over as this call was cancelled
            raise

    def _busy(self) -> None:
        """A start came or was served: the pool is idle only `idle` seconds after the last."""
        if self._trim is not None:
            self._trim.cancel()
        self._trim = asyncio.get_running_loop().call_later(self._idle, self._shrink)

    def _target(self) -> int:
        """The spares wanted now."""
        return max(self._warm, min(self._limit, self._warm + self._burst))

    def _refill(self, *, spares: bool = True) -> None:
        """Start workers for the waiting starts (and the spares wanted), within the limit.

        Each waiting start gets a start of its own at normal priority, at most `limit` of them at
        once, whatever spares are warming: a spare warming at a low priority may be starved on a
        busy host, and a start must not wait behind it.
        """
        if self._closed:
            return
        urgent = sum(self._starting.values())
        for _ in range(min(len(self._waiting) - urgent, self._limit - urgent)):
            self._launch(urgent=True)
        if not spares:
            return
        unclaimed = max(0, len(self._starting) - len(self._waiting))
        wanted = self._target() - len(self._ready) - unclaimed
        for _ in range(min(wanted, self._limit - len(self._starting))):
            self._launch(urgent=False)

    def _launch(self, *, urgent: bool) -> None:
        task = asyncio.create_task(self._start(background=not urgent))
        self._starting[task] = urgent

    async def _start(self, *, background: bool) -> None:
        try:
            worker = await Worker.spawn(self._log_dir, background=background)
            try:
                # A spare warming at a low priority may take long on a busy host: it is not stuck.
                await worker.wait_ready(self._ready_timeout * (4 if background else 1))
            except WorkerGone:
                worker.kill()
                await worker.wait(5.0)
                raise
        except (WorkerGone, OSError) as exc:
            log.warning("a worker failed to start: %s", exc)
            self._forget_start()
            # Only a start that waits learns of it; spares are tried again at the next start,
            # not at once, so a worker that cannot start is not restarted in a loop.
            if len(self._waiting) > len(self._starting):
                self._fail_first(exc)
            self._refill(spares=False)
            return
        self._forget_start()
        self._arrived(worker)
        self._refill()  # this start's place is free for a start still wanted

    def _forget_start(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._starting.pop(task, None)

    def _fail_first(self, exc: BaseException) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_exception(exc)
                return

    def _arrived(self, worker: Worker) -> None:
        """A worker is ready: to the first start waiting, else a spare, else stopped."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                self._busy()
                return
        if self._closed or len(self._ready) >= self._target():
            self._retire(worker)
        else:
            self._ready.append(worker)

    def _shrink(self) -> None:
        """No start for `idle` seconds: back to `warm` spares."""
        self._trim = None
        self._burst = 0
        while len(self._ready) > self._warm:
            self._retire(self._ready.pop())

    def _retire(self, worker: Worker) -> None:
        """Stop a spare: its input closes, it exits without a job."""
        worker.close_input()
        task = asyncio.create_task(worker.wait(5.0))  # reaped, so no zombie is left
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def close(self) -> None:
        """Stop the spare workers; a worker still starting is waited for, so none is left behind."""
        self._closed = True
        if self._trim is not None:
            self._trim.cancel()
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_exception(WorkerGone("the service is stopping"))
        if self._starting:
            await asyncio.wait(list(self._starting))
        while self._ready:
            self._retire(self._ready.popleft())
        if self._retiring:
            await asyncio.wait(list(self._retiring))


def default_limit() -> int:
    """The pool's limit when none is set: twice the CPU count, at least 4.

    A worker's start is not all CPU (it reads its modules, then waits for the service to read its
    `ready`), and a burst's last start waits for every start before it: more than the cores at
    once keeps them busy, while a few more are still far from a process per recording.
    """
    return max(4, 2 * (os.cpu_count() or 1))


def backend_for(settings: Settings) -> WorkerBackend:
    """Local worker processes, or workers on the cluster `[cluster]` or `--cluster` names."""
    cluster = settings.cluster
    if cluster is None or cluster.address is None:
        return WorkerPool.from_settings(settings)
    from app.service.cluster.ray.backend import RayBackend  # Ray only where a cluster is used

    return RayBackend(cluster, settings.data_dir / "logs")
