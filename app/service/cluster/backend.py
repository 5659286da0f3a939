"""The worker backend seam: where a recording's worker runs, and how the runner speaks to it.

```
TaskRunner ──take(job)──▶ WorkerBackend ──▶ WorkerHandle ─ send · next_event · close_input
                              │                               kill · wait · node_id
                              ├─ local: WorkerPool (app.service.recordings.supervisor)
                              └─ Ray:   RayBackend (app.service.cluster.ray), one actor per part
```

The typed worker protocol (`app.worker.protocol`, one JSON line per message) is the contract on
both sides of the seam: a backend only carries the lines. The errors the runner sees:

```
WorkerGone      the worker exited, went silent, or its host was lost: finish its files, next part
NoCapacity      no host can take the job within the placement timeout (HTTP 503, 50303)
```
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from app.worker.protocol import Command, Job, WorkerEvent

LOCAL_NODE = "local"
"""The node id of a worker started by this service on its own host."""

# A worker prints one line per event; a file event with many streams stays far below this.
LINE_LIMIT = 1 << 20


async def start_worker(log_path: Path | None, *args: str) -> asyncio.subprocess.Process:
    """`python -m app.worker.main ARGS`: its commands on its stdin, its events (one line each)
    on its stdout, its log appended to `log_path` (one file for every worker: each line is
    written whole, O_APPEND), else dropped. Both backends start their workers here."""
    stderr: Any = asyncio.subprocess.DEVNULL
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        stderr = log_path.open("ab")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.worker.main",
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            limit=LINE_LIMIT,
        )
    finally:
        if log_path is not None:
            stderr.close()  # the child holds it


class WorkerGone(Exception):
    """The worker exited, stopped answering, or its host was lost."""


class NoCapacity(Exception):
    """No host of the cluster could take the job within the placement timeout."""


class WorkerHandle(Protocol):
    """One worker process, wherever it runs."""

    @property
    def node_id(self) -> str:
        """The node it runs on (`LOCAL_NODE` for a local worker)."""
        ...

    async def send(self, message: Job | Command) -> None:
        """Write one message to the worker; `WorkerGone` if it no longer reads."""
        ...

    async def next_event(self, timeout: float) -> WorkerEvent:
        """The next event; `WorkerGone` at its end, when its host is lost, or after `timeout`."""
        ...

    def close_input(self) -> None:
        """Close its command pipe: it finishes its files and exits."""
        ...

    def kill(self) -> None:
        """End it at once."""
        ...

    async def wait(self, timeout: float) -> int | None:
        """Wait for its exit (killing it after `timeout`); its exit status, if known."""
        ...


@dataclass(frozen=True)
class NodeHealth:
    """One host as `/v1/health` shows it; CPUs are the scheduler's logical CPUs."""

    node_id: str
    address: str
    alive: bool
    cpus: float
    free_cpus: float
    recordings: int


class WorkerBackend(Protocol):
    """Starts workers for jobs; the local pool and the Ray cluster are the two kinds."""

    @property
    def places(self) -> bool:
        """Whether a start waits for its worker to be placed (a cluster), refusing with
        `NoCapacity` when none can take it; the local pool always can."""
        ...

    @property
    def fence_seconds(self) -> float:
        """How long a lost worker may still write after it was seen gone (0: it was killed)."""
        ...

    async def open(self) -> None:
        """Connect, and start warming workers."""
        ...

    async def take(self, job: Job, *, timeout: float | None = None) -> WorkerHandle:
        """A worker ready for `job` (not yet sent); `NoCapacity` after `timeout` unplaced,
        `WorkerGone` or `OSError` when it could not start, `WorkerGone` once closed."""
        ...

    async def health(self) -> list[NodeHealth]:
        """The hosts workers run on, as of now (asked of the cluster off the event loop)."""
        ...

    async def close(self) -> None:
        """Stop the spare workers; workers still recording are the runner's to stop."""
        ...
