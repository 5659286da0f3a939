"""The embedded service: `recdesk-server --demo --port 0` as a child of the desktop app.

The app starts it with its data in the app's data folder, reads the `{"url": ...}` line, and
stops it on exit by closing its stdin (`--watch-parent`): the service then finishes the parts
it records and exits. If the app is killed, the pipe closes all the same, so the service never
outlives the app. Its log goes to `service.log` beside its data.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from app.errors import RecDeskError


class EmbeddedServiceError(RecDeskError):
    """The embedded service did not start."""


class EmbeddedService:
    """A service process owned by the app."""

    def __init__(self, data_dir: Path, *, demo: bool = True, extra: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self.demo = demo
        self.extra = extra
        self.url = ""
        self.log_path = data_dir / "service.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._announced = False  # its URL line was read: a `start` now means a new process

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The process id, while it runs."""
        return self._process.pid if self._process is not None else None

    def launch(self) -> EmbeddedService:
        """Start the process without waiting for its URL: the app starts it first thing, so the
        service's start-up runs beside the app's own imports and window (`start` then waits).

        A restart takes the port it had, so clients keep their URL and simply reconnect.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = self.url.rsplit(":", 1)[1] if self.url else "0"
        command = [sys.executable, "-m", "app.service.main", "--port", port, "--watch-parent"]
        command += ["--data-dir", str(self.data_dir), "--log-level", "info", *self.extra]
        if self.demo:
            command.append("--demo")
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log
            )
        self._announced = False
        return self

    async def start(self, timeout: float = 30.0) -> str:
        """Start the service (unless `launch` did already) and return its URL once it listens."""
        if self._process is None or self._process.poll() is not None or self._announced:
            self.launch()
        assert self._process is not None
        stdout = self._process.stdout
        assert stdout is not None
        try:
            line = await asyncio.wait_for(asyncio.to_thread(stdout.readline), timeout)
            self.url = json.loads(line)["url"]
        except (TimeoutError, ValueError, KeyError) as exc:
            self._process.kill()
            raise EmbeddedServiceError(
                f"the embedded service did not start; see {self.log_path}"
            ) from exc
        self._announced = True
        return self.url

    async def stop(self, timeout: float = 20.0) -> int | None:
        """Ask it to finish and exit; kill it after `timeout`."""
        process = self._process
        if process is None or process.poll() is not None:
            return None if process is None else process.returncode
        if process.stdin is not None:
            process.stdin.close()
        try:
            return await asyncio.wait_for(asyncio.to_thread(process.wait), timeout)
        except TimeoutError:
            process.kill()
            return await asyncio.to_thread(process.wait)

    def kill(self) -> None:
        """End it at once (tests: what a crash of the service looks like)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
