"""`RayBackend`: recording workers placed on a Ray cluster, one actor per recording part.

```
take(job) ─▶ actor(num_cpus = cost / headroom) ─ placed within placement_timeout? ─no─▶ NoCapacity
                                                       └─yes─▶ start the worker ─▶ its `ready`
```

Ray places and hosts the workers; everything else stays the service's. Each part of a recording
gets an actor of its own (`WorkerHost`, `max_restarts=0`: Ray never restarts one, the runner
starts the next part itself), asking for `job_cost(job) / headroom` CPUs, so at most `headroom`
of a node's CPUs are admitted. `RayWorker`, the handle the runner gets, polls the actor for the
worker's lines and raises `WorkerGone` when the actor dies (its node was lost), when nothing comes
for the heartbeat timeout, or when the actor fenced the worker off (see `host`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import RayError

from app.service.cluster.backend import NoCapacity, NodeHealth, WorkerGone
from app.service.cluster.cost import job_cost
from app.service.cluster.ray.host import WorkerHost
from app.service.cluster.settings import ClusterSettings
from app.worker.fields import JobError
from app.worker.protocol import Command, Ended, Job, Ready, StreamEnded, WorkerEvent
from app.worker.wire import decode_event, encode

log = logging.getLogger(__name__)

# How long a placed worker may take to start and say `ready` (a cold node imports PyAV first).
READY_TIMEOUT = 30.0
# A call to a live actor answers in milliseconds; this bounds one the cluster has lost.
CALL_TIMEOUT = 10.0


class RayBackend:
    """Workers on the Ray cluster at `settings.address`; see the module docstring."""

    def __init__(self, settings: ClusterSettings, log_dir: Path | None = None) -> None:
        assert settings.address is not None
        self._settings = settings
        self._log_dir = log_dir
        self._host: Any = None
        self._running: dict[RayWorker, float] = {}  # each live handle: the CPUs it holds
        self._closed = False

    @property
    def places(self) -> bool:
        """A start waits for its worker's placement."""
        return True

    @property
    def fence_seconds(self) -> float:
        """How long a worker cut off from the service may go on writing."""
        return self._settings.fence_seconds

    async def open(self) -> None:
        """Join the cluster as a driver (Ray's token, if any, comes from RAY_AUTH_TOKEN)."""
        # Ray's driver takes SIGTERM and SIGINT for itself (it exits at once); the service's
        # handlers stop it cleanly, its workers finishing their files: they are put back.
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
        # Once, at the service's start, before any request is served: a short block is harmless.
        ray.init(
            address=self._settings.address,
            namespace=self._settings.namespace,
            log_to_driver=False,
            logging_level=logging.WARNING,
        )
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        # An async actor: its calls (a long poll, commands) run at once, in one loop.
        self._host = ray.remote(WorkerHost)

    async def take(self, job: Job, *, timeout: float | None = None) -> RayWorker:
        """A worker ready for `job` on a node with room for it; see the module docstring."""
        if self._closed or self._host is None:
            raise WorkerGone("the service is stopping")
        cpus = round(job_cost(job) / self._settings.headroom, 4)
        log_path = None if self._log_dir is None else str(self._log_dir / "workers.log")
        actor = self._host.options(num_cpus=cpus, max_restarts=0, max_task_retries=0).remote(
            self._settings.fence_seconds, log_path
        )
        try:
            try:
                node = await _answer(actor.node.remote(), timeout)
            except TimeoutError:
                raise NoCapacity(
                    f"no node of the cluster has {cpus:g} CPUs free for this recording "
                    f"(it needs {job_cost(job):g} at a headroom of {self._settings.headroom:g}); "
                    f"waited {timeout:g} s"
                ) from None
            log.info("a worker of %g CPUs placed on node %s", cpus, node)
            await _answer(actor.start.remote(), CALL_TIMEOUT)
            worker = RayWorker(actor, node, self._settings.poll_seconds, self._release)
            self._running[worker] = cpus
            event = await worker.next_event(READY_TIMEOUT)
            if not isinstance(event, Ready):
                raise WorkerGone(f"the worker on node {node} said {encode(event)} before ready")
        except (RayError, TimeoutError) as exc:
            ray.kill(actor, no_restart=True)
            raise WorkerGone(f"a worker could not start on the cluster: {exc}") from exc
        except BaseException:
            ray.kill(actor, no_restart=True)
            raise
        return worker

    def _release(self, worker: RayWorker) -> None:
        self._running.pop(worker, None)

    async def health(self) -> list[NodeHealth]:
        """The cluster's nodes; free CPUs are a node's CPUs less those this service holds. The
        node list is a call to the head: it is made off the event loop, which a slow head would
        otherwise hold up."""
        held: collections.defaultdict[str, float] = collections.defaultdict(float)
        count: collections.Counter[str] = collections.Counter()
        for worker, cpus in self._running.items():
            held[worker.node_id] += cpus
            count[worker.node_id] += 1
        nodes = []
        listed: list[dict[str, Any]] = await asyncio.to_thread(ray.nodes)
        for node in listed:
            node_id = str(node["NodeID"])
            cpus = float(node.get("Resources", {}).get("CPU", 0.0))
            alive = bool(node.get("Alive"))
            nodes.append(
                NodeHealth(
                    node_id=node_id,
                    address=f"{node.get('NodeManagerAddress')}:{node.get('NodeManagerPort')}",
                    alive=alive,
                    cpus=cpus,
                    free_cpus=round(max(0.0, cpus - held[node_id]), 4) if alive else 0.0,
                    recordings=count[node_id],
                )
            )
        return nodes

    async def close(self) -> None:
        """Leave the cluster; the runner has stopped every worker by now."""
        self._closed = True
        for worker in list(self._running):
            worker.kill()
        if ray.is_initialized():
            ray.shutdown()


class RayWorker:
    """The handle of one worker on the cluster: the runner's `WorkerHandle`."""

    def __init__(self, actor: Any, node_id: str, poll_seconds: float, released: Any) -> None:
        self._actor = actor
        self._node_id = node_id
        self._poll = poll_seconds
        self._released = released
        self._events: collections.deque[WorkerEvent] = collections.deque()
        self._ended = False
        self._gone: str | None = None

    @property
    def node_id(self) -> str:
        """The Ray node id it runs on."""
        return self._node_id

    async def send(self, message: Job | Command) -> None:
        """Write one message to the worker; `WorkerGone` if it no longer reads."""
        try:
            taken = await _answer(self._actor.send.remote(encode(message)), CALL_TIMEOUT)
        except (RayError, TimeoutError) as exc:
            raise WorkerGone(f"the worker on node {self._node_id} is lost: {exc}") from exc
        if not taken:
            raise WorkerGone(f"the worker on node {self._node_id} no longer reads")

    async def next_event(self, timeout: float) -> WorkerEvent:
        """The next event; `WorkerGone` when the worker ended, its node was lost, it was fenced
        off, or nothing (not even a heartbeat) came for `timeout`."""
        deadline = time.monotonic() + timeout
        while not self._events:
            if self._gone is not None:
                raise WorkerGone(self._gone)
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerGone(
                    f"the worker on node {self._node_id} sent nothing for {timeout:g} s"
                )
            try:
                lines, ended, fenced_from = await _answer(
                    self._actor.lines.remote(min(self._poll, left)), left
                )
            except TimeoutError:
                continue  # the deadline is checked above
            except RayError as exc:
                self._gone = f"node {self._node_id} or its worker was lost: {type(exc).__name__}"
                continue
            self._take(lines, fenced_from)
            if ended:
                self._gone = (
                    f"the worker on node {self._node_id} was cut off from the service and stopped"
                    if fenced_from is not None
                    else f"the worker on node {self._node_id} exited"
                )
        return self._events.popleft()

    def _take(self, lines: list[str], fenced_from: int | None) -> None:
        for index, line in enumerate(lines):
            try:
                event = decode_event(line)
            except JobError as exc:
                log.warning("worker on node %s: %s (%s)", self._node_id, line, exc)
                continue
            # What a fenced worker says as it stops (its streams' ends and its own, whatever
            # their reasons) ends neither the recording nor its streams: the runner carries
            # them on elsewhere.
            if fenced_from is not None and index >= fenced_from and _fence_end(event):
                continue
            self._events.append(event)

    def close_input(self) -> None:
        """Close the worker's input: it finishes its files and exits."""
        self._actor.close_input.remote()

    def kill(self) -> None:
        """End the worker at once, and its actor (freeing its CPUs)."""
        self._actor.kill.remote()
        self._gone = self._gone or "killed"

    async def wait(self, timeout: float) -> int | None:
        """Wait for the worker's exit (killing it after `timeout`); the actor ends with it."""
        try:
            status: int | None = await _answer(self._actor.wait.remote(timeout), timeout + 5)
        except (RayError, TimeoutError):
            status = None
        with contextlib.suppress(RayError):
            ray.kill(self._actor, no_restart=True)
        self._released(self)
        return status


def _fence_end(event: WorkerEvent) -> bool:
    """Whether an event is the worker's end, or a stream's."""
    return isinstance(event, Ended | StreamEnded)


async def _answer(ref: Any, timeout: float | None) -> Any:
    """The result of a Ray call, awaited on this loop; `TimeoutError` after `timeout`."""
    future: Awaitable[Any] = asyncio.wrap_future(ref.future())
    return await asyncio.wait_for(future, timeout)
