"""A private Ray cluster in a network namespace: a head and worker nodes, each a `ray start --block`
process with its own `--temp-dir` and ports, token auth on; stopped by PID, never `ray stop`.

Ray cannot be kept on loopback (it advertises the host's address and listens on all interfaces), so
every node runs inside a `Namespace` and listens on its `ns_ip` alone; the nodes share that
address and differ by port. The head takes no recordings (`--num-cpus 0`): losing a worker node
loses only its recordings, as on a real cluster whose head is its own machine.

Health checks are the faster setting RecDesk documents for a cluster (`HEALTH_CHECK`): a node
whose raylet stops answering is declared dead after 3 checks a second apart, each allowed 2 s, so
a killed raylet is seen within a few seconds, and a raylet merely slow on a loaded host is not.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.cluster.namespace import Namespace, command_name, process_tree
from tests.helpers.processes import end

RAY = Path(sys.executable).with_name("ray")
GCS_PORT = 6380
HEALTH_CHECK = {
    "RAY_health_check_period_ms": "1000",
    "RAY_health_check_timeout_ms": "2000",
    "RAY_health_check_failure_threshold": "3",
}
# The fast setting docs/cluster.md offers quiet, dedicated hosts (measured by the cluster bench).
FAST_HEALTH_CHECK = {
    "RAY_health_check_period_ms": "500",
    "RAY_health_check_timeout_ms": "500",
    "RAY_health_check_failure_threshold": "3",
}
# A node that loses its head gives up after this long (Ray's default: 60 s) and ends its workers,
# which finish their files: a lost head ends its recordings in seconds, not a minute.
GCS_RECONNECT = {"RAY_gcs_rpc_server_reconnect_timeout_s": "8"}


@dataclass
class RayNode:
    """One `ray start --block` process and what it was started with."""

    name: str
    command: list[str]
    temp_dir: Path
    node_manager_port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    node_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def pids(self) -> list[int]:
        """The node's processes now: `ray start`, its raylet, the workers below it."""
        if self.process is None or self.process.poll() is not None:
            return []
        return process_tree(self.process.pid)

    def raylet_pid(self) -> int:
        """The pid of the node's raylet."""
        for pid in self.pids():
            if command_name(pid) == "raylet":
                return pid
        raise RuntimeError(f"{self.name} has no raylet running")

    def alive(self) -> bool:
        """Whether its raylet runs."""
        return any(command_name(pid) == "raylet" for pid in self.pids())


class RayCluster:
    """A head and `nodes` worker nodes of `cpus` logical CPUs each, in `namespace`, the head
    checking the nodes' health at `health` (Ray's variables)."""

    def __init__(
        self,
        folder: Path,
        namespace: Namespace,
        *,
        nodes: int = 2,
        cpus: int = 1,
        health: dict[str, str] | None = None,
    ) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.ns = namespace
        self.token = secrets.token_hex(16)
        self.address = f"{namespace.ns_ip}:{GCS_PORT}"
        self.env = {
            **os.environ,
            "RAY_AUTH_MODE": "token",
            "RAY_AUTH_TOKEN": self.token,
            "RAY_USAGE_STATS_ENABLED": "0",
            **(HEALTH_CHECK if health is None else health),
            **GCS_RECONNECT,
        }
        self.head = self._node("head", 0, ["--head", f"--port={GCS_PORT}", "--num-cpus=0"])
        self.nodes = [
            self._node(f"node{i}", i, [f"--address={self.address}", f"--num-cpus={cpus}"])
            for i in range(1, nodes + 1)
        ]
        try:
            self._start(self.head)
            _wait_port(namespace.ns_ip, GCS_PORT, 60, self.head)
            for node in self.nodes:
                self._start(node)
            self.wait_nodes(len(self.nodes) + 1)
        except BaseException:
            self.close()
            raise

    def _node(self, name: str, index: int, args: list[str]) -> RayNode:
        base = 20000 + index * 1000  # each node's own ports: they share one address
        temp = Path("/tmp") / f"ray-{self.ns.name}-{name}"  # a socket path must stay short
        command = [
            *self.ns.exec_prefix(),
            str(RAY),
            "start",
            "--block",
            *args,
            f"--node-ip-address={self.ns.ns_ip}",
            f"--temp-dir={temp}",
            f"--node-manager-port={base}",
            f"--object-manager-port={base + 1}",
            f"--metrics-export-port={base + 2}",
            f"--dashboard-agent-listen-port={base + 3}",
            f"--dashboard-agent-grpc-port={base + 4}",
            f"--runtime-env-agent-port={base + 5}",
            f"--min-worker-port={base + 100}",
            f"--max-worker-port={base + 999}",
            "--object-store-memory=100000000",
            "--disable-usage-stats",
        ]
        if name == "head":
            command.append("--include-dashboard=false")
        return RayNode(name, command, temp, base, self.folder / f"{name}.log")

    def _start(self, node: RayNode) -> None:
        with node.log.open("ab") as log:
            node.process = subprocess.Popen(
                node.command, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.folder
            )

    def wait_nodes(self, alive: int, timeout: float = 90.0) -> list[dict[str, object]]:
        """Wait until `alive` nodes are alive; every node's id, port and state (ids are kept)."""
        deadline = time.monotonic() + timeout
        while True:
            nodes = self.list_nodes()
            if sum(1 for n in nodes if n["alive"]) >= alive:
                ports = {node.node_manager_port: node for node in [self.head, *self.nodes]}
                for entry in nodes:
                    if entry["alive"] and (node := ports.get(int(str(entry["port"])))) is not None:
                        node.node_id = str(entry["node_id"])
                return nodes
            for node in [self.head, *self.nodes]:
                if node.process is not None and node.process.poll() is not None:
                    tail = node.log.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{node.name} exited: {tail}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{alive} Ray nodes not alive after {timeout} s: {nodes}")
            time.sleep(0.5)

    def list_nodes(self) -> list[dict[str, object]]:
        """The cluster's nodes as its head lists them (read by a driver in the namespace)."""
        done = subprocess.run(
            self.ns.python("-m", "tests.helpers.cluster.probe", self.address),
            capture_output=True,
            text=True,
            env=self.env,
            timeout=60,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"the probe failed: {done.stderr[-2000:]}")
        nodes: list[dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])
        return nodes

    def kill_raylet(self, node: RayNode) -> int:
        """SIGKILL the node's raylet, as a host lost at once; its pid."""
        pid = node.raylet_pid()
        os.kill(pid, signal.SIGKILL)
        return pid

    def restart(self, node: RayNode) -> None:
        """Stop what is left of a node and start it again (a new node id)."""
        self.stop(node)
        self._start(node)
        self.wait_nodes(1 + sum(1 for n in self.nodes if n.alive() or n is node))

    def lose_head(self) -> None:
        """SIGKILL every process of the head at once, as a head host lost."""
        assert self.head.process is not None
        for pid in reversed(process_tree(self.head.process.pid)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.head.process.wait()

    def start_again(self) -> None:
        """Stop what is left of the cluster and start it whole again (new node ids)."""
        self.close()
        self._start(self.head)
        _wait_port(self.ns.ns_ip, GCS_PORT, 60, self.head)
        for node in self.nodes:
            self._start(node)
        self.wait_nodes(len(self.nodes) + 1)

    def stop(self, node: RayNode) -> None:
        """End a node by PID: SIGTERM to `ray start`, then SIGKILL to whatever it left."""
        if node.process is None:
            return
        tree = process_tree(node.process.pid)
        end(node.process, 15)
        for pid in reversed(tree[1:]):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        node.process = None

    def close(self) -> None:
        """Stop every node, the head last."""
        for node in [*self.nodes, self.head]:
            self.stop(node)


def _wait_port(host: str, port: int, timeout: float, node: RayNode) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if node.process is not None and node.process.poll() is not None:
            raise RuntimeError(
                f"{node.name} exited: {node.log.read_text(errors='replace')[-3000:]}"
            )
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{node.name} did not listen on {host}:{port} within {timeout} s")
