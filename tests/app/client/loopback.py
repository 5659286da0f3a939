"""A raw HTTP/1.1 server on loopback, in its own thread, whose every answer the test writes by hand.

Not an imitation of the recording service: a test's handler gets each request (one per
connection) and writes whatever bytes it needs to, or nothing at all, and then the connection
closes. That is how the client's retries meet real dropped connections, silences, 503s and cut
bodies. Its own thread and loop let both `asyncio.run` tests and `recdesk-ctl` use it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """A request as it arrived: header names in lower case."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""

    @property
    def path(self) -> str:
        """The target without its query."""
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        """The query's parameters, the first value of each."""
        return {key: values[0] for key, values in parse_qs(urlsplit(self.target).query).items()}


Handler = Callable[[Request, int, asyncio.StreamWriter], Awaitable[None]]
"""Answers request number `n` (from 0, in arrival order) by writing to the stream, or not."""

_REASONS = {
    200: "OK",
    206: "Partial Content",
    404: "Not Found",
    409: "Conflict",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def response(
    status: int, body: bytes = b"", headers: dict[str, str] | None = None, *, length: bool = True
) -> bytes:
    """An HTTP/1.1 answer that closes the connection; `length=False` leaves Content-Length out."""
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", "Connection: close"]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def json_response(status: int, value: Any) -> bytes:
    """An answer with a JSON body."""
    return response(status, json.dumps(value).encode(), {"Content-Type": "application/json"})


def error_response(status: int, code: int, name: str, message: str) -> bytes:
    """An answer with the service's error body shape."""
    return json_response(status, {"code": code, "name": name, "message": message})


def chunk(data: bytes) -> bytes:
    """One chunk of a `Transfer-Encoding: chunked` body."""
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


@dataclass
class Loopback:
    """The server: `with Loopback(handler) as server:` then `server.url`, `server.requests`."""

    handler: Handler
    requests: list[Request] = field(default_factory=list)
    port: int = 0
    _ready: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Loopback:
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the loopback server did not start")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._loop is not None
        assert self._stop is not None
        assert self._thread is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        tasks: set[asyncio.Task[None]] = set()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)
            try:
                request = await _read_request(reader)
                if request is not None:
                    self.requests.append(request)
                    await self.handler(request, len(self.requests) - 1, writer)
                    await writer.drain()
            except (ConnectionError, asyncio.IncompleteReadError):
                pass  # the client hung up first: part of what some tests do
            except asyncio.CancelledError:
                pass  # the server is closing under a handler that waits for the client to go
            finally:
                writer.close()
                tasks.discard(task)

        server = await asyncio.start_server(connection, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        await self._stop.wait()
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    first, *lines = head.decode("latin-1").split("\r\n")
    method, target, _ = first.split(" ", 2)
    headers = {}
    for line in lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Request(method, target, headers, body)
