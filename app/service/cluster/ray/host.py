"""`WorkerHost`: the Ray actor that runs one recording part's worker process on its node.

The actor starts `python -m app.worker.main` beside itself and relays its lines both ways,
untouched (the service encodes and decodes them, `app.worker.wire`). The service polls it for
lines (`lines`, a long poll); every poll and command proves the service is still there.

**Fencing.** A worker must never go on writing a recording that the service has already given to
another worker. If no poll or command has come for `fence_seconds` (the service is stopped,
dead, or cut off), the actor closes the worker's input: the worker finishes its files and exits,
so a cut-off host stops writing within `fence_seconds` and the time a worker takes to finish.
A service that was only slow sees the fence in the next poll's answer and treats the worker as
gone (its files are finished and listed; the next part starts elsewhere).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import ray

from app.service.cluster.backend import start_worker


class WorkerHost:
    """One worker process on this actor's node.

    Every method is a coroutine, so Ray runs the actor as an async actor: its calls (a long
    poll, a command, the fence's watch) share one event loop and run at once.
    """

    def __init__(self, fence_seconds: float, log_path: str | None) -> None:
        self._fence_seconds = fence_seconds
        self._log_path = log_path
        self._process: asyncio.subprocess.Process | None = None
        self._lines: list[str] = []
        self._arrived: asyncio.Event | None = None
        self._eof = False
        self._fence_mark: int | None = None  # where the fence fell in the unpolled lines
        self._seen = time.monotonic()
        self._tasks: set[asyncio.Task[None]] = set()

    async def node(self) -> str:
        """The id of the node this actor was placed on (answered once it is placed)."""
        return str(ray.get_runtime_context().get_node_id())

    async def start(self) -> int:
        """Start the worker process; its pid. Its `ready` is the first line polled."""
        log_path = None if self._log_path is None else Path(self._log_path)
        self._process = await start_worker(log_path)
        self._arrived = asyncio.Event()
        self._seen = time.monotonic()
        for work in (self._read(), self._watch()):
            task = asyncio.create_task(work)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return self._process.pid

    async def lines(self, wait: float) -> tuple[list[str], bool, int | None]:
        """The worker's lines since the last poll, waiting up to `wait` s for one; whether its
        output has ended; and, once it was fenced, the index in these lines from which they came
        after the fence (what the worker said as it stopped for the fence), else None."""
        assert self._arrived is not None, "start() first"
        self._seen = time.monotonic()
        if not self._lines and not self._eof:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), wait)
        self._seen = time.monotonic()
        lines, self._lines = self._lines, []
        fenced_from = self._fence_mark
        if fenced_from is not None:
            self._fence_mark = 0  # every later line comes after the fence
        return lines, self._eof and not self._lines, fenced_from

    async def send(self, line: str) -> bool:
        """Write one line to the worker; False if it no longer reads."""
        self._seen = time.monotonic()
        process = self._process
        if process is None or process.stdin is None or process.stdin.is_closing():
            return False
        try:
            process.stdin.write(line.encode() + b"\n")
            await process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            return False
        return True

    async def close_input(self) -> None:
        """Close the worker's input: it finishes its files and exits."""
        self._seen = time.monotonic()
        if self._process is not None and self._process.stdin is not None:
            self._process.stdin.close()

    async def kill(self) -> None:
        """End the worker at once."""
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()

    async def wait(self, timeout: float) -> int | None:
        """Wait for the worker's exit (killing it after `timeout`); its exit status."""
        if self._process is None:
            return None
        try:
            return await asyncio.wait_for(self._process.wait(), timeout)
        except TimeoutError:
            await self.kill()
            return await self._process.wait()

    async def _read(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        assert self._arrived is not None
        while True:
            try:
                line = await self._process.stdout.readline()
            except ValueError:  # a line over the limit: the service sees the worker end
                line = b""
            if not line:
                break
            self._lines.append(line.decode(errors="replace").rstrip())
            self._arrived.set()
        self._eof = True
        self._arrived.set()

    async def _watch(self) -> None:
        """The fence: no word from the service for `fence_seconds` closes the worker's input."""
        assert self._process is not None
        while self._process.returncode is None:
            await asyncio.sleep(min(0.5, self._fence_seconds / 4))
            if time.monotonic() - self._seen > self._fence_seconds and self._fence_mark is None:
                self._fence_mark = len(self._lines)
                stdin = self._process.stdin
                if stdin is not None and not stdin.is_closing():
                    stdin.close()
