"""A real recorder worker (`python -m app.worker.main`) run as the service runs it: over pipes.

`WorkerProcess` starts the process, reads its event lines in a thread, sends the job and commands,
and waits for events by name; `job()` and `stream()` build the JSON a service sends.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

# Generous: a loaded CI machine may take seconds to start Python and PyAV.
TIMEOUT = 30.0


def stream(
    stream_id: str, uri: Path, *, kind: str = "camera", stem: str | None = None
) -> dict[str, Any]:
    """One stream of a job: a clip played live, joined where its live timeline is now."""
    item: dict[str, Any] = {
        "stream_id": stream_id,
        "user_id": stream_id.partition("-")[0],
        "kind": kind,
        "uri": str(uri),
        "live_file": True,
        "epoch": time.time(),
    }
    if stem is not None:
        item["stem"] = stem
    return item


def job(folder: Path, streams: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """A job for these streams, single mode, audio and video in MP4, unless `fields` say else."""
    return {
        "task_id": "r_test",
        "mode": "single",
        "stream_type": "av",
        "format": "mp4",
        "folder": str(folder),
        "split_seconds": None,
        "max_idle_seconds": 60.0,
        "max_duration_seconds": None,
        "snapshot_seconds": None,
        "first_part": 1,
        "paused": False,
        "layout": None,
        "streams": streams,
    } | fields


class WorkerProcess:
    """One worker process and the events it printed so far."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.worker.main"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.events: list[dict[str, Any]] = []
        self._lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(json.loads(line))
        self._lines.put(None)

    def __enter__(self) -> WorkerProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def send(self, data: dict[str, Any] | str) -> None:
        """Write one line (a dict as JSON) to the worker's stdin."""
        assert self.process.stdin is not None
        text = data if isinstance(data, str) else json.dumps(data)
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def close_stdin(self) -> None:
        """What the worker sees when the service goes away."""
        assert self.process.stdin is not None
        self.process.stdin.close()

    def wait_for(self, name: str, timeout: float = TIMEOUT, **match: Any) -> dict[str, Any]:
        """The next event called `name` (with these field values); fails on the end or timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {name} event in {timeout} s: {self._story()}") from None
            if event is None:
                raise AssertionError(f"the worker ended before a {name} event: {self._story()}")
            self.events.append(event)
            if event["event"] == name and all(event.get(k) == v for k, v in match.items()):
                return event

    def start(self, job: dict[str, Any]) -> dict[str, Any]:
        """Wait for `ready`, send the job and wait for `started`."""
        self.wait_for("ready")
        self.send(job)
        return self.wait_for("started")

    def ended(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Wait for `ended` and for the process to exit."""
        event = self.wait_for("ended", timeout)
        self.process.wait(timeout)
        return event

    def of(self, name: str) -> list[dict[str, Any]]:
        """The events called `name` seen so far."""
        return [e for e in self.events if e["event"] == name]

    def _story(self) -> str:
        seen = [e for e in self.events if e["event"] != "heartbeat"]
        err = ""
        if self.process.poll() is not None and self.process.stderr is not None:
            err = self.process.stderr.read()[-2000:]
        return f"events {seen}, stderr {err!r}"
