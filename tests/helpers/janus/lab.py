"""Janus in a network namespace of its own, reached over a veth pair.

Janus never offers loopback addresses for ICE, so a test cannot keep it on 127.0.0.1. `JanusLab`
makes a namespace `rdj<pid>` joined to this one by a veth pair (`HOST_IP` here, `NS_IP` there),
writes a configuration with the VideoRoom plugin and the HTTP and Admin APIs, and runs the real
`janus` binary inside the namespace. The publishers (`tests.helpers.janus.publisher`) run there too;
RecDesk stays here and reaches Janus at `NS_IP`, and Janus forwards RTP to `HOST_IP`, over the veth
pair: the network path of a service and an SFU on two hosts. Everything is removed by `close()`.
Making a namespace needs root (CI runs as root).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.helpers.processes import end

JANUS = Path("/usr/bin/janus")
PLUGINS = Path("/usr/lib/x86_64-linux-gnu/janus")
HTTP_PORT = 8088
ADMIN_PORT = 7088
ADMIN_SECRET = "lab-admin-secret"
SECRET = "lab-room-secret"  # every lab room's secret
ROOT = Path(__file__).resolve().parents[3]

SERVICE_CONFIG = """
[[providers]]
kind = "janus"
name = "sfu"
api_url = "{api_url}"
forward_host = "{host}"
secret = "{secret}"
poll_seconds = {poll}
"""

_JANUS_JCFG = """
general: {{
    configs_folder = "{conf}"
    plugins_folder = "{lib}/plugins"
    transports_folder = "{lib}/transports"
    events_folder = "{lib}/events"
    loggers_folder = "{lib}/loggers"
    log_to_stdout = false
    log_to_file = "{folder}/janus.log"
    debug_level = 4
    admin_secret = "{admin_secret}"
    session_timeout = 4
    protected_folders = []
}}
certificates: {{ }}
media: {{
    rtp_port_range = "20000-40000"
}}
nat: {{
    ice_enforce_list = "{veth}"
    nice_debug = false
}}
plugins: {{ disable = "{plugins}" }}
transports: {{ disable = "{transports}" }}
events: {{ broadcast = false }}
loggers: {{ disable = "libjanus_jsonlog.so" }}
"""

_OTHER_PLUGINS = (
    "audiobridge duktape echotest lua nosip recordplay sip streaming textroom videocall voicemail"
)
_OTHER_TRANSPORTS = "mqtt nanomsg pfunix rabbitmq websockets"

_HTTP_JCFG = """
general: {{ json = "plain" base_path = "/janus" http = true port = {http_port} https = false }}
admin: {{
    admin_base_path = "/admin" admin_http = true admin_port = {admin_port} admin_https = false
}}
cors: {{ }}
"""

_VIDEOROOM_JCFG = """
general: {{ }}
"""


class JanusLab:
    """A namespace, a veth pair and Janus inside; see the module docstring."""

    def __init__(self, folder: Path, *, subnet: int | None = None) -> None:
        if os.geteuid() != 0:
            raise RuntimeError("the Janus tests make a network namespace: they need root")
        if not JANUS.exists():
            raise RuntimeError("janus is missing: run `make deps` (Debian package janus)")
        tag = f"{os.getpid() % 100000}"
        self.folder = folder
        self.ns = f"rdj{tag}"
        self.veth_host = f"rdjh{tag}"
        self.veth_ns = f"rdjn{tag}"
        net = subnet if subnet is not None else _free_subnet(16 + os.getpid() % 200)
        self.host_ip = f"10.{net}.77.1"
        self.ns_ip = f"10.{net}.77.2"
        # A second address on this side: a second service (each takes forwarders to its own).
        self.other_host_ip = f"10.{net}.77.3"
        self.api_url = f"http://{self.ns_ip}:{HTTP_PORT}/janus"
        self.admin_url = f"http://{self.ns_ip}:{ADMIN_PORT}/admin"
        self.process: subprocess.Popen[bytes] | None = None
        self._control: str | None = None
        self._keepalive: threading.Thread | None = None
        self._network()
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _network(self) -> None:
        self.close_network()
        run = _ip
        run("netns", "add", self.ns)
        run("link", "add", self.veth_host, "type", "veth", "peer", "name", self.veth_ns)
        run("link", "set", self.veth_ns, "netns", self.ns)
        run("addr", "add", f"{self.host_ip}/24", "dev", self.veth_host)
        run("addr", "add", f"{self.other_host_ip}/24", "dev", self.veth_host)
        run("link", "set", self.veth_host, "up")
        run("-n", self.ns, "addr", "add", f"{self.ns_ip}/24", "dev", self.veth_ns)
        run("-n", self.ns, "link", "set", self.veth_ns, "up")
        run("-n", self.ns, "link", "set", "lo", "up")
        for dev in ("all", self.veth_host):
            _sysctl(f"net.ipv4.conf.{dev}.rp_filter", "0")
            _sysctl(f"net.ipv4.conf.{dev}.accept_local", "1")

    def _start(self) -> None:
        conf = self.folder / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        values = {
            "conf": conf,
            "lib": PLUGINS,
            "folder": self.folder,
            "admin_secret": ADMIN_SECRET,
            "veth": self.veth_ns,
            "http_port": HTTP_PORT,
            "admin_port": ADMIN_PORT,
            "plugins": ",".join(f"libjanus_{name}.so" for name in _OTHER_PLUGINS.split()),
            "transports": ",".join(f"libjanus_{name}.so" for name in _OTHER_TRANSPORTS.split()),
        }
        (conf / "janus.jcfg").write_text(_JANUS_JCFG.format(**values))
        (conf / "janus.transport.http.jcfg").write_text(_HTTP_JCFG.format(**values))
        (conf / "janus.plugin.videoroom.jcfg").write_text(_VIDEOROOM_JCFG.format(**values))
        self.process = subprocess.Popen(
            [*self.exec_prefix(), str(JANUS), "-F", str(conf), "-C", str(conf / "janus.jcfg")],
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / "janus.stderr", "wb"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"janus exited: {self.log_tail()}")
            try:
                reply = httpx.post(
                    self.api_url, json={"janus": "info", "transaction": "t"}, trust_env=False
                )
                if reply.json().get("janus") == "server_info":
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"janus did not answer within 20 s: {self.log_tail()}")

    def create_room(
        self, room: int, *, description: str = "", videocodec: str = "vp8,h264"
    ) -> None:
        """A VideoRoom room with the lab's `SECRET`, for up to 16 publishers."""
        body = {
            "request": "create",
            "room": room,
            "secret": SECRET,
            "description": description or f"Room {room}",
            "publishers": 16,
            "videocodec": videocodec,
            "audiocodec": "opus",
        }
        answer = self.request(body)
        if answer.get("videoroom") != "created":
            raise RuntimeError(f"cannot create room {room}: {answer}")

    def request(self, body: dict[str, Any]) -> dict[str, Any]:
        """A synchronous VideoRoom request on a session of the lab's own; the plugin's answer."""
        if self._control is None:
            session = _call(self.api_url, {"janus": "create"})["data"]["id"]
            attached = _call(
                f"{self.api_url}/{session}", {"janus": "attach", "plugin": "janus.plugin.videoroom"}
            )
            self._control = f"{self.api_url}/{session}/{attached['data']['id']}"
            self._keepalive = threading.Thread(
                target=self._keep, args=(f"{self.api_url}/{session}",), daemon=True
            )
            self._keepalive.start()
        answer = _call(self._control, {"janus": "message", "body": body})
        data: dict[str, Any] = answer["plugindata"]["data"]
        return data

    def forwarders(self, room: int) -> list[dict[str, Any]]:
        """Every RTP forwarder of a room: the publisher's id and display with each."""
        answer = self.request({"request": "listforwarders", "room": room, "secret": SECRET})
        return [
            {"publisher_id": p["publisher_id"], "display": p.get("display"), **f}
            for p in answer.get("publishers", [])
            for f in p.get("forwarders", [])
        ]

    def publish(self, room: int, display: str, *options: str) -> Publisher:
        """Start a publisher in the namespace; it has published when this returns."""
        command = self.python("-m", "tests.helpers.janus.publisher", self.inner_api_url)
        return Publisher([*command, str(room), display, *options], self.folder / f"{display}.log")

    @property
    def inner_api_url(self) -> str:
        """Janus's API as a program inside the namespace reaches it."""
        return f"http://127.0.0.1:{HTTP_PORT}/janus"

    def _keep(self, session_url: str) -> None:
        # Sessions quiet for `session_timeout` (4 s) are dropped: a killed publisher goes soon.
        while self.process is not None and self.process.poll() is None:
            with contextlib.suppress(httpx.HTTPError, RuntimeError):
                _call(session_url, {"janus": "keepalive"})
            time.sleep(1.0)

    def service_config(self, *, host: str | None = None, poll_seconds: float = 0.5) -> str:
        """A `recdesk-server --config` file whose one provider is this Janus; RTP is forwarded
        to `host` (this side's first address by default)."""
        return SERVICE_CONFIG.format(
            api_url=self.api_url, host=host or self.host_ip, secret=SECRET, poll=poll_seconds
        )

    @contextlib.contextmanager
    def dropping(self, percent: int) -> Iterator[None]:
        """Drop `percent` % of the UDP packets Janus sends to this side, at random, in the kernel
        (nftables inside the namespace): RTP lost on its way, as on a real network."""
        table = ["ip", "netns", "exec", self.ns, "nft"]
        subprocess.run([*table, "add", "table", "inet", "rdloss"], check=True)
        try:
            hook = "{ type filter hook output priority 0; }"
            subprocess.run([*table, "add", "chain", "inet", "rdloss", "out", hook], check=True)
            rule = (
                f"ip daddr {self.host_ip} meta l4proto udp numgen random mod 100 < {percent} drop"
            )
            subprocess.run(
                [*table, "add", "rule", "inet", "rdloss", "out", *rule.split()], check=True
            )
            yield
        finally:
            subprocess.run([*table, "delete", "table", "inet", "rdloss"], check=False)

    def exec_prefix(self) -> list[str]:
        """The command prefix that runs a program inside the namespace."""
        return ["ip", "netns", "exec", self.ns]

    def python(self, *args: str) -> list[str]:
        """A command line that runs this Python inside the namespace."""
        return [*self.exec_prefix(), sys.executable, *args]

    def log_tail(self, lines: int = 20) -> str:
        log = self.folder / "janus.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def close(self) -> None:
        if self.process is not None:
            end(self.process, 10)
        self.close_network()

    def close_network(self) -> None:
        subprocess.run(["ip", "link", "del", self.veth_host], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True, check=False)


class Publisher:
    """An aiortc publisher process (`tests.helpers.janus.publisher`) that has published."""

    def __init__(self, command: list[str], log: Path, timeout: float = 30.0) -> None:
        self.log = log
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=open(log, "wb"),  # noqa: SIM115
            text=True,
        )
        assert self.process.stdout is not None
        ready = threading.Event()
        lines: list[str] = []

        def read() -> None:
            assert self.process.stdout is not None
            lines.append(self.process.stdout.readline())
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(timeout) or not lines[0].startswith("published"):
            self.kill()
            raise RuntimeError(f"the publisher did not publish: {log.read_text(errors='replace')}")
        self.id = int(lines[0].split()[1])

    def stop(self) -> None:
        """Leave the room and end, as a person closing the call does."""
        end(self.process, 10)

    def kill(self) -> None:
        """End it at once, as a crash or a closed browser tab would."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _call(url: str, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.post(
        url, json={**body, "transaction": secrets.token_hex(6)}, timeout=10, trust_env=False
    ).json()
    if answer.get("janus") == "error":
        raise RuntimeError(f"janus: {answer['error']}")
    return answer


def _free_subnet(first: int) -> int:
    """A second octet for 10.N.77.0/24 that no interface here has (two labs at once)."""
    taken = subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True, check=True).stdout
    for step in range(200):
        net = 16 + (first - 16 + step) % 200
        if f" 10.{net}.77." not in taken:
            return net
    raise RuntimeError("no free 10.N.77.0/24 subnet for the Janus lab")


def _ip(*args: str) -> None:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")


def _sysctl(key: str, value: str) -> None:
    Path("/proc/sys", *key.split(".")).write_text(value)


if __name__ == "__main__" and shutil.which("ip"):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        lab = JanusLab(Path(tmp))
        print(lab.api_url, flush=True)
        try:
            time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 3600)
        finally:
            lab.close()
