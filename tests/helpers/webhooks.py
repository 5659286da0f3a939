"""A webhook receiver on loopback, and the Standard Webhooks check a receiver makes.

`Receiver` is a plain `http.server` in a thread. It starts bound but not listening, so senders
see their connections refused until `listen()`; then it answers every POST with `status` (or
what `answer(request)` says) and keeps every request it got, in order.

`verify` follows standardwebhooks.com, written here from the spec rather than imported from the
service: the key is the base64 after `whsec_`; the signed content is `{id}.{timestamp}.{body}`;
`webhook-signature` is a space-separated list of `v1,<base64 HMAC-SHA256>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TOLERANCE = 300  # seconds a timestamp may be off, as the spec's libraries allow


@dataclass(frozen=True)
class Received:
    """One request the receiver got, and the status it answered."""

    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    status: int

    @property
    def msg_id(self) -> str:
        return self.headers.get("webhook-id", "")

    def json(self) -> Any:
        return json.loads(self.body)


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None) -> None:
    """Raise AssertionError unless the request is signed with `secret` and recent."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    assert msg_id, f"no webhook-id: {headers}"
    assert timestamp, f"no webhook-timestamp: {headers}"
    assert signatures, f"unsigned: {headers}"
    assert secret.startswith("whsec_")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    versions = [s.split(",", 1) for s in signatures.split(" ")]
    assert any(v == "v1" and hmac.compare_digest(sig, expected) for v, sig in versions), (
        f"bad signature for {msg_id}"
    )
    moment = time.time() if now is None else now
    assert abs(moment - int(timestamp)) <= TOLERANCE, f"stale timestamp {timestamp}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        # HTTPServer's own looks the host's name up, which can stall without a network.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]


class Receiver:
    """A loopback webhook receiver whose answers a test switches: refused, 500s, 200s."""

    def __init__(self) -> None:
        self.status = 200
        self.answer: Callable[[str, dict[str, str], bytes], int] | None = None
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = receiver.status
                if receiver.answer is not None:
                    status = receiver.answer(self.path, headers, body)
                with receiver._changed:
                    receiver.requests.append(Received(self.path, headers, body, status))
                    receiver._changed.notify_all()
                self.send_response(status)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self._server.server_bind()  # bound, not listening: connections are refused
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def listen(self) -> None:
        """Accept connections from now on."""
        self._server.server_activate()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
        self._server.server_close()

    def got(self, path: str | None = None) -> list[Received]:
        """The requests so far (to `path` only, if given)."""
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def wait(self, check: Callable[[list[Received]], bool], timeout: float = 60.0) -> None:
        """Wait until `check(requests)` is true."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not check(list(self.requests)):
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; got {len(self.requests)} requests"
                self._changed.wait(min(left, 0.5))


def distinct(requests: list[Received]) -> list[Received]:
    """The messages in the order they first came, each once (retries dropped)."""
    seen: dict[str, Received] = {}
    for request in requests:
        seen.setdefault(request.msg_id, request)
    return list(seen.values())


def retries_in_order(requests: list[Received]) -> bool:
    """Whether a message is only ever repeated right after itself (its retries, in a row)."""
    runs = [
        r.msg_id for i, r in enumerate(requests) if i == 0 or requests[i - 1].msg_id != r.msg_id
    ]
    return len(runs) == len(set(runs))


def printed_secret(data_dir: Path, *extra: str) -> str:
    """What `recdesk-server --print-webhook-secret` prints for this data dir."""
    command = [sys.executable, "-m", "app.service.main", "--print-webhook-secret", *extra]
    out = subprocess.run(
        [*command, "--data-dir", str(data_dir)], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()
