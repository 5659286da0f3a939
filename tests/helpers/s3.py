"""A real S3-compatible server on loopback for the storage tests: moto's server application, run
by werkzeug in a thread of the test process.

It can stop and start again on the same port with everything it stored kept (moto keeps its
buckets in the process), as a storage server that goes down and comes back does. It logs every
request, and it can hold multipart uploads half way: after `hold_parts_after(n)` a request for
part n+1 or later waits, and `stop()` then drops its connection unanswered, so a test takes the
server down in the middle of an upload at a point it knows, not at a moment it guesses.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

# Before moto reads its settings: parts as small as a test likes (S3 itself wants 5 MiB).
os.environ.setdefault("S3_UPLOAD_PART_MIN_SIZE", "1")

import boto3
import moto.s3.models
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

moto.s3.models.S3_UPLOAD_PART_MIN_SIZE = 1  # in case moto was imported before this module

ACCESS_KEY = "AKIARECDESKTEST00001"
REGION = "us-east-1"

StartResponse = Callable[..., Any]


class _QuietHandler(MotoRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class S3Server:
    """moto's S3 on 127.0.0.1; `start()`, `stop()`, and `start()` again on the same port."""

    def __init__(self) -> None:
        self.port = 0
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self.holding = threading.Event()  # a part is being held
        self._app = DomainDispatcherApplication(create_backend_app)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._hold_after: int | None = None
        self._release = threading.Event()
        self._drop = False

    @property
    def url(self) -> str:
        """The endpoint, as a storage request gives it."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> S3Server:
        """Listen (on the same port as before, after a stop) and serve."""
        self._release.clear()
        self._drop = False
        self._server = make_server(
            "127.0.0.1", self.port, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Go down: held requests are dropped unanswered, new connections are refused; the next
        start holds nothing."""
        self._drop = True
        self._hold_after = None
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(10)

    def hold_parts_after(self, number: int | None) -> None:
        """Hold every multipart part above `number` until `release()` or `stop()` (None: none)."""
        self._hold_after = number
        self.holding.clear()

    def release(self) -> None:
        """Let held parts through."""
        self._hold_after = None
        self._release.set()

    def client(self, secret_key: str) -> Any:
        """A boto3 S3 client of this server, to look at what it holds."""
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=secret_key,
        )

    def parts_sent(self) -> list[tuple[str, int]]:
        """(path, part number) of every part request that reached the server, in order."""
        return [
            (path, int(query["partNumber"][0]))
            for method, path, query in self.requests
            if method == "PUT" and "partNumber" in query
        ]

    def _wsgi(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        part = query.get("partNumber")
        hold = self._hold_after
        if method == "PUT" and part and hold is not None and int(part[0]) > hold:
            self.holding.set()
            self._release.wait(60)
            if self._drop:
                connection = environ.get("werkzeug.socket")
                if connection is not None:
                    connection.shutdown(socket.SHUT_RDWR)
                start_response("503 Service Unavailable", [("Content-Length", "0")])
                return [b""]
        self.requests.append((method, path, query))
        result: Iterable[bytes] = self._app(environ, start_response)
        return result
