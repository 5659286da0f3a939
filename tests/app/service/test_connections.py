"""Connections: a flood of idle ones leaves the service reachable, silent ones are closed, event
streams are capped; the service runs as users run it, with a 1024 open-file limit."""

from __future__ import annotations

import contextlib
import json
import resource
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

FLOOD = 1100
FILE_LIMIT = 1024


class Service:
    """`recdesk-server` in its own process, started under `ulimit -n FILE_LIMIT`."""

    def __init__(self, folder: Path, *flags: str) -> None:
        self.log = folder / "service.log"
        command = ["sh", "-c", f'ulimit -n {FILE_LIMIT} && exec "$@"', "sh"]
        command += [sys.executable, "-m", "app.service.main", "--port", "0"]
        command += ["--data-dir", str(folder / "data"), *flags]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, self.log.read_text()
        self.url = json.loads(line)["url"]
        host, port = self.url.removeprefix("http://").rsplit(":", 1)
        self.address = (host, int(port))
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.url + "/v1/health", timeout=5).raise_for_status()
                return
            except httpx.HTTPError:
                assert self.process.poll() is None, self.log.read_text()
                assert time.monotonic() < deadline, "the service never answered"
                time.sleep(0.05)

    def stop(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture
def sockets() -> Iterator[list[socket.socket]]:
    """Client sockets, all closed at the end; the test process may open `FLOOD` and more."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = FLOOD + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.fail(
                f"the open-file hard limit ({hard}) is below {wanted}: raise it (ulimit -Hn)"
            )
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    opened: list[socket.socket] = []
    yield opened
    for sock in opened:
        sock.close()
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def wait_closed_by_server(socks: list[socket.socket], timeout: float) -> None:
    """Wait until the service has closed each of `socks` (its end reads as EOF or a reset)."""
    selector = selectors.DefaultSelector()
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    open_ = len(socks)
    deadline = time.monotonic() + timeout
    while open_:
        left = deadline - time.monotonic()
        assert left > 0, f"{open_} of {len(socks)} connections still open"
        for key, _ in selector.select(left):
            peer = key.fileobj
            assert isinstance(peer, socket.socket)
            try:
                data = peer.recv(4096)
            except ConnectionResetError:
                data = b""
            if not data:
                selector.unregister(peer)
                open_ -= 1
    selector.close()


def test_a_flood_of_idle_connections_leaves_the_service_reachable(
    tmp_path: Path, sockets: list[socket.socket]
) -> None:
    service = Service(tmp_path, "--log-level", "info")
    try:
        before = service.log.stat().st_size
        for n in range(FLOOD):
            sock = socket.create_connection(service.address, timeout=10)
            sockets.append(sock)
            if n % 2:  # half-open: a request head that never ends
                with contextlib.suppress(OSError):  # closed already to make room: as good
                    sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")

        health = httpx.get(service.url + "/v1/health", timeout=10)
        assert health.status_code == 200
        assert health.json()["version"]
        # More than the file limit allows: the oldest idle ones were closed to make room.
        wait_closed_by_server(sockets[: FLOOD - FILE_LIMIT], timeout=30)
        listed = httpx.get(service.url + "/v1/recordings", timeout=10)
        assert listed.status_code == 200
        assert listed.json()["items"] == []

        assert service.stop() == 0
        grown = service.log.stat().st_size - before
        assert grown < 1024 * 1024, service.log.read_text()[-5000:]
    finally:
        service.stop()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A service with a short header timeout, a long idle one, and at most 2 event streams."""
    flags = ["--header-timeout", "0.5", "--idle-timeout", "60", "--max-event-streams", "2"]
    service = Service(tmp_path_factory.mktemp("guarded"), *flags)
    yield service
    service.stop()


def read_response(sock: socket.socket) -> bytes:
    """One whole HTTP response from `sock`: its head, and a body of its Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, f"closed before the end of the answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(4096)
        assert chunk, "closed before the end of the body"
        body += chunk
    return head + b"\r\n\r\n" + body


def test_a_connection_without_a_complete_request_head_is_closed(guarded: Service) -> None:
    address = guarded.address
    with (
        socket.create_connection(address, timeout=30) as silent,
        socket.create_connection(address, timeout=30) as partial,
        socket.create_connection(address, timeout=30) as kept_alive,
    ):
        partial.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        # A kept-alive connection that starts its next request and stops half-way.
        kept_alive.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_response(kept_alive).startswith(b"HTTP/1.1 200 ")
        kept_alive.sendall(b"GET /v1/health HTTP/1.1\r\n")

        assert silent.recv(4096) == b""
        assert partial.recv(4096) == b""
        assert kept_alive.recv(4096) == b""
    # The service goes on serving.
    assert httpx.get(guarded.url + "/v1/health", timeout=10).status_code == 200


def test_event_streams_beyond_the_cap_are_refused_until_one_ends(guarded: Service) -> None:
    # Streams are requests in flight: the service's short header timeout spares them.
    clients = [httpx.Client(base_url=guarded.url, timeout=10) for _ in range(3)]
    try:
        with clients[0].stream("GET", "/v1/events") as one:
            assert one.status_code == 200
            with clients[1].stream("GET", "/v1/events") as two:
                assert two.status_code == 200
                refused = clients[2].get("/v1/events")
                assert refused.status_code == 429
                assert refused.json()["code"] == 42901
                assert refused.json()["name"] == "busy"
                assert int(refused.headers["Retry-After"]) > 0

                one.close()  # the first stream ends, and its connection with it
                deadline = time.monotonic() + 30
                while True:
                    with clients[2].stream("GET", "/v1/events") as three:
                        if three.status_code == 200:
                            break
                    assert time.monotonic() < deadline, "the ended stream's slot stays taken"
                    time.sleep(0.1)
    finally:
        for client in clients:
            client.close()
