"""A real `recdesk-server` on loopback, in its own process, for tests that drive it over HTTP.

The service runs as users run it (`python -m app.service.main --port 0 ...`); the test reads the
`{"url": ...}` line, waits for `/v1/health`, and can stop it gracefully (SIGTERM), kill it
(SIGKILL) or start it again on the same data dir.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import uvicorn

from tests.helpers.processes import end

if TYPE_CHECKING:
    from fastapi import FastAPI

T = TypeVar("T")


class ServiceProcess:
    """One `recdesk-server` process."""

    def __init__(self, data_dir: Path, media_dir: Path | None = None, *extra: str) -> None:
        self.data_dir = data_dir
        self.media_dir = media_dir
        self.extra = extra
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self.log = data_dir.parent / f"{data_dir.name}-service.log"

    def start(self, timeout: float = 60.0) -> ServiceProcess:
        """Start it and wait until it answers."""
        command = [sys.executable, "-m", "app.service.main", "--port", "0"]
        command += ["--data-dir", str(self.data_dir), "--log-level", "info"]
        if self.media_dir is not None:
            command += ["--demo", "--no-churn", "--demo-media-dir", str(self.media_dir)]
        command += list(self.extra)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, text=True, env=dict(os.environ)
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the service printed nothing; see {self.log}:\n{self.log.read_text()}"
        self.url = json.loads(line)["url"]
        deadline = time.monotonic() + timeout
        while True:
            try:
                httpx.get(self.url + "/v1/health", timeout=2).raise_for_status()
                return self
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def wait_rooms(self, *room_ids: str, timeout: float = 60.0) -> None:
        """Wait until these rooms are listed and live."""
        deadline = time.monotonic() + timeout
        while True:
            items = httpx.get(self.url + "/v1/rooms", timeout=5).json()["items"]
            live = {r["room_id"] for r in items if r["live"]}
            if set(room_ids) <= live:
                return
            assert time.monotonic() < deadline, f"rooms {room_ids} not live; have {live}"
            time.sleep(0.1)

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM, and wait for it to finish."""
        if self.process is None:
            return None
        return end(self.process, timeout)

    def kill(self) -> None:
        """SIGKILL: what a crash looks like."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run an async scenario from a plain test."""
    return asyncio.run(coro)


async def wait_until(
    check: Callable[[], Awaitable[T | None]], *, timeout: float = 60.0, every: float = 0.1
) -> T:
    """Poll `check` until it returns something other than None/False."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(every)


def children(parent: int) -> list[int]:
    """The pids of a process's children now (Linux: read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended meanwhile
            continue
        # The name in parentheses may hold spaces: the fields after its closing one are fixed.
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return found


def writing(pid: int, folder: Path) -> bool:
    """Whether a process has a file under `folder` open."""
    try:
        return any(
            os.readlink(fd).startswith(str(folder)) for fd in Path(f"/proc/{pid}/fd").iterdir()
        )
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    """The CPU a process has used so far, user and system (Linux: read from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """The service's `app` served by uvicorn on a loopback port, in this event loop: its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))

    async def started() -> bool:
        assert not serving.done(), serving
        return server.started

    await wait_until(started, timeout=30)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await serving


def gone(pids: list[int], timeout: float = 30.0) -> bool:
    """Whether every process of `pids` has exited within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while any(Path(f"/proc/{p}").exists() for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
