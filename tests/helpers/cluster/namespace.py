"""A network namespace joined to this one by a veth pair: a second host, as far as sockets go.

Servers that will not stay on loopback (Ray listens on every interface and advertises the host's
address) run inside it on `ns_ip`; this side reaches them at that address over the veth pair, and
nothing of theirs reaches the host's own addresses. Making one needs root (CI runs as root).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


class Namespace:
    """Namespace `<prefix><pid>`: `host_ip` on this side, `ns_ip` inside; `close()` removes it."""

    def __init__(self, prefix: str, *, third_octet: int) -> None:
        if os.geteuid() != 0:
            raise RuntimeError("a network namespace needs root")
        tag = f"{os.getpid() % 100000}"
        self.name = f"{prefix}{tag}"
        self.veth_host = f"{prefix}h{tag}"
        self.veth_ns = f"{prefix}n{tag}"
        net = _free_subnet(third_octet)
        self.host_ip = f"10.{net}.{third_octet}.1"
        self.ns_ip = f"10.{net}.{third_octet}.2"
        self.close()
        try:
            _ip("netns", "add", self.name)
            _ip("link", "add", self.veth_host, "type", "veth", "peer", "name", self.veth_ns)
            _ip("link", "set", self.veth_ns, "netns", self.name)
            _ip("addr", "add", f"{self.host_ip}/24", "dev", self.veth_host)
            _ip("link", "set", self.veth_host, "up")
            _ip("-n", self.name, "addr", "add", f"{self.ns_ip}/24", "dev", self.veth_ns)
            _ip("-n", self.name, "link", "set", self.veth_ns, "up")
            _ip("-n", self.name, "link", "set", "lo", "up")
        except BaseException:
            self.close()
            raise

    def exec_prefix(self) -> list[str]:
        """The command prefix that runs a program inside the namespace (`ip netns exec` execs
        the program: the pid of the process started is the program's)."""
        return ["ip", "netns", "exec", self.name]

    def python(self, *args: str) -> list[str]:
        """A command line that runs this Python inside the namespace."""
        return [*self.exec_prefix(), sys.executable, *args]

    def close(self) -> None:
        """Remove the veth pair and the namespace (what still runs inside keeps running)."""
        subprocess.run(["ip", "link", "del", self.veth_host], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True, check=False)


def _free_subnet(third: int) -> int:
    """A second octet N for 10.N.third.0/24 that no interface here has."""
    taken = subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True, check=True).stdout
    first = 16 + os.getpid() % 200
    for step in range(200):
        net = 16 + (first - 16 + step) % 200
        if f" 10.{net}.{third}." not in taken:
            return net
    raise RuntimeError(f"no free 10.N.{third}.0/24 subnet")


def _ip(*args: str) -> None:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")


def process_tree(pid: int) -> list[int]:
    """`pid` and every process below it, parents first (Linux: read from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    tree, queue = [], [pid]
    while queue:
        current = queue.pop(0)
        tree.append(current)
        queue.extend(parents.get(current, []))
    return tree


def command_name(pid: int) -> str:
    """A process's name (`comm`), or "" once it has ended."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""
