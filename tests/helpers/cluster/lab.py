"""`ClusterLab`: a namespace holding a Ray cluster (a head, two nodes) and the `recdesk-server
--cluster` that drives it; the tests reach the service over the veth pair, with a bearer token.

Admission is sized so that `per_node` two-camera single-stream recordings fill a node (one by
default): the nodes' CPUs and the `headroom` are derived from the cost the backend charges for such
a job (`job_cost`), so the tests hold whatever the measured cost table says. Everything runs on this
machine, so the recordings folder is the "shared volume" every node sees at the same path.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import signal
import subprocess
import time
from pathlib import Path

import httpx

from app.media.formats import FORMATS
from app.service.cluster.ray.backend import job_cost
from app.worker.protocol import Job, StreamJob
from tests.helpers.cluster.namespace import Namespace
from tests.helpers.cluster.ray_cluster import RayCluster, RayNode
from tests.helpers.processes import end
from tests.helpers.service import writing

_CONFIG = """
[auth]
tokens = [{{ name = "tests", token = "{token}" }}]

[cluster]
headroom = {headroom}
placement_timeout = {placement_timeout}
fence_seconds = {fence_seconds}
"""


def two_camera_cost() -> float:
    """What the backend charges for a single-stream recording of two cameras."""
    streams = tuple(
        StreamJob(f"{user}-camera", user, "camera", f"file:/{user}.mp4") for user in ("a", "b")
    )
    return job_cost(Job("r", "single", "av", FORMATS["mp4"], Path("/tmp"), streams))


class ClusterLab:
    """See the module docstring; `close()` stops everything by PID and removes the namespace."""

    def __init__(
        self,
        folder: Path,
        demo_media: Path,
        *,
        placement_timeout: float = 3.0,
        fence_seconds: float = 3.0,
        rooms: tuple[str, ...] = ("call", "meeting", "class"),
        nodes: int = 2,
        per_node: int = 1,
        health: dict[str, str] | None = None,
    ) -> None:
        self.folder = folder
        self.rooms = rooms
        # A node admits `per_node` and a third of such recordings: one more never fits.
        capacity = two_camera_cost() * (per_node + 1 / 3)
        self.cpus = max(1, math.ceil(capacity))
        headroom = capacity / self.cpus
        self.ns = Namespace("rdc", third_octet=78)
        self.cluster: RayCluster | None = None
        self.process: subprocess.Popen[str] | None = None
        self.token = secrets.token_hex(16)
        try:
            self.cluster = RayCluster(
                folder / "ray", self.ns, nodes=nodes, cpus=self.cpus, health=health
            )
            config = folder / "recdesk.toml"
            config.write_text(
                _CONFIG.format(
                    token=self.token,
                    headroom=round(headroom, 6),
                    placement_timeout=placement_timeout,
                    fence_seconds=fence_seconds,
                )
            )
            self.data_dir = folder / "data"
            self.command = self.ns.python(
                "-m",
                "app.service.main",
                "--host",
                self.ns.ns_ip,
                "--port",
                "0",
                "--data-dir",
                str(self.data_dir),
                "--demo",
                "--no-churn",
                "--demo-media-dir",
                str(demo_media),
                "--config",
                str(config),
                "--cluster",
                self.cluster.address,
                "--log-level",
                "info",
            )
            self.url = ""
            self.start_service()
        except BaseException:
            self.close()
            raise

    @property
    def nodes(self) -> list[RayNode]:
        """The worker nodes."""
        assert self.cluster is not None
        return self.cluster.nodes

    def start_service(self, timeout: float = 90.0) -> None:
        """Start the service in the namespace; wait until its demo rooms are live."""
        assert self.cluster is not None
        log = self.folder / "service.log"
        with log.open("a") as out:
            self.process = subprocess.Popen(
                self.command, stdout=subprocess.PIPE, stderr=out, text=True, env=self.cluster.env
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the service printed nothing: {log.read_text()[-3000:]}"
        self.url = json.loads(line)["url"]
        deadline = time.monotonic() + timeout
        with self.client() as client:
            while True:
                try:
                    items = client.get("/v1/rooms").json()["items"]
                    if set(self.rooms) <= {r["room_id"] for r in items if r["live"]}:
                        return
                except httpx.HTTPError:
                    pass
                assert self.process.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "the cluster service did not come up"
                time.sleep(0.2)

    def client(self) -> httpx.Client:
        """A client of the service, over the veth pair, with the token."""
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.token}"},
            trust_env=False,
            timeout=60,
        )

    def recordings_dir(self) -> Path:
        """Where recordings are written: every node's "shared volume"."""
        return self.data_dir / "recordings"

    def writer(self, folder: Path) -> tuple[RayNode, int] | None:
        """The node and pid of a process writing under `folder`, if one is."""
        for node in self.nodes:
            for pid in node.pids():
                if writing(pid, folder):
                    return node, pid
        return None

    def pause_service(self) -> None:
        """SIGSTOP the service: to the cluster it is cut off."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume_service(self) -> None:
        """SIGCONT the service."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def stop_service(self) -> None:
        """SIGTERM the service and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGCONT)
        end(self.process, 30)

    def close(self) -> None:
        """Stop the service, the cluster and the namespace."""
        self.stop_service()
        if self.cluster is not None:
            self.cluster.close()
        self.ns.close()
