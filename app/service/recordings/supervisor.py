"""Recorder worker processes: started, kept warm, spoken to, watched for a heartbeat.

A recording runs in its own process (`python -m app.worker.main`; its messages are those of
`app.worker.protocol`, encoded and decoded there alone), so a
crash in native code ends one part of one recording, never the service. A `WorkerPool` keeps
`warm` processes started and waiting for a job, so a recording starts without paying for an
interpreter and PyAV start-up. Workers read their commands from a pipe: if the service dies, the
pipe closes and every worker finishes its files and exits by itself (no orphans).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path
from typing import Any

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

log = logging.getLogger(__name__)

# A worker prints one line per event; a file event with many streams stays far below this.
_LINE_LIMIT = 1 << 20


class WorkerGone(Exception):
    """The worker exited or stopped answering."""


class Worker:
    """One worker process."""

    def __init__(self, process: asyncio.subprocess.Process, log_path: Path | None) -> None:
        self._process = process
        self.log_path = log_path

    @classmethod
    async def spawn(cls, log_dir: Path | None = None) -> Worker:
        """Start a worker; it prints `ready` once it can take a job."""
        stderr: Any = asyncio.subprocess.DEVNULL
        log_path = None
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            # One log for every worker, appended to: each line is written whole (O_APPEND).
            log_path = log_dir / "workers.log"
            stderr = log_path.open("ab")
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "app.worker.main",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
                limit=_LINE_LIMIT,
            )
        finally:
            if log_path is not None:
                stderr.close()
        return cls(process, log_path)

    @property
    def pid(self) -> int:
        """The process id."""
        return self._process.pid

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
    """Hands out started workers, keeping `warm` more started in the background."""

    def __init__(self, warm: int, log_dir: Path | None = None, *, ready_timeout: float = 30.0):
        self._warm = warm
        self._log_dir = log_dir
        self._ready_timeout = ready_timeout
        self._spare: list[asyncio.Task[Worker]] = []
        self._closed = False

    def start(self) -> None:
        """Begin warming workers."""
        self._refill()

    def _refill(self) -> None:
        while not self._closed and len(self._spare) < self._warm:
            self._spare.append(asyncio.create_task(self._started()))

    async def _started(self) -> Worker:
        worker = await Worker.spawn(self._log_dir)
        try:
            await worker.wait_ready(self._ready_timeout)
        except WorkerGone:
            worker.kill()
            raise
        return worker

    async def take(self) -> Worker:
        """A worker that is ready for a job."""
        while self._spare:
            task = self._spare.pop(0)
            self._refill()
            try:
                worker = await task
            except (WorkerGone, OSError) as exc:
                log.warning("a warm worker failed to start: %s", exc)
                continue
            if worker.returncode is None:
                return worker
        self._refill()
        return await self._started()

    async def close(self) -> None:
        """Stop the spare workers."""
        self._closed = True
        for task in self._spare:
            # A worker still starting is waited for rather than cancelled, so none is left behind.
            try:
                worker = await task
            except (WorkerGone, OSError):
                continue
            worker.close_input()
            await worker.wait(5.0)
        self._spare.clear()
