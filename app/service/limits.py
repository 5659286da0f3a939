"""Limits of the service's own resources: request bodies, and work nobody waits for any more.

- `BodyLimit` (ASGI middleware, `install`): a request body larger than its route's limit is
  answered 413 `request_too_large` (41301). A declared `Content-Length` over the limit is refused
  before the app sees the request; a body without one (chunked) is counted as it arrives and
  refused at the first byte past the limit, so the service never holds more than the limit. The
  limit is `MAX_BODY` (1 MiB: every JSON body of the API) unless a path prefix of `BODY_LIMITS`
  says otherwise (`/v1/images/`, whose route checks its own, smaller limit on the image itself).
- `run_while_connected`: blocking work in a thread that is told to stop (a `threading.Event` it
  checks between its steps) once its client has gone away, so that a layout preview nobody waits
  for gives its thread, and its slot of `Settings.max_previews`, back.

The layout's own limits (canvas size, region count) are `app.layout.checks`'s; those of a start
request's fields (`user_data`, `tags`) `app.api.models`'s; a folder's and a name's
`app.service.recordings.naming`'s; how many previews and event streams run at once is counted
with `app.service.connections.Slots`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import ApiError, ErrorCode

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_BODY = 1024 * 1024
"""The largest request body, in bytes, outside the prefixes of `BODY_LIMITS`."""
BODY_LIMITS: Mapping[str, int] = {"/v1/images/": 9 * 1024 * 1024}
"""Path prefixes whose bodies may be larger: an image upload (8 MiB, and room for its headers)."""
# How often a route doing work in a thread asks whether its client is still there.
DISCONNECT_POLL_SECONDS = 0.1


def install(app: FastAPI) -> None:
    """Put `BodyLimit` in front of `app`; installed after the credentials check, it runs before
    it, so a client without credentials cannot send more either."""
    app.add_middleware(BodyLimit)


# --- request bodies -------------------------------------------------------------------------------


class BodyTooLarge(Exception):
    """Raised by `BodyLimit`'s `receive` once a body passes its limit; the app need not catch it."""


class BodyLimit:
    """ASGI middleware: refuses a request body over its path's limit with 413 (41301)."""

    def __init__(
        self, app: ASGIApp, *, default: int = MAX_BODY, prefixes: Mapping[str, int] = BODY_LIMITS
    ) -> None:
        self.app = app
        self.default = default
        # Longest first, so `/v1/images/x/` finds a more precise prefix before a shorter one.
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        """The largest body a request to `path` may send."""
        return next(
            (size for prefix, size in self.prefixes if path.startswith(prefix)), self.default
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0
        exceeded = False
        started = False  # a response has begun: the app's or ours

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded:
                # Whatever the app answers once its body was cut off (FastAPI makes a 400 of the
                # exception) is replaced by the 413 that says why.
                if not started:
                    started = True
                    await _refuse(send, limit)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except BodyTooLarge:
            if not started:
                started = True
                await _refuse(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the HTTP server refuses it before us
    return None


async def _refuse(send: Send, limit: int) -> None:
    error = ApiError(
        ErrorCode.request_too_large,
        f"the request body is larger than {_size(limit)} ({limit} bytes), the limit here",
    )
    body = json.dumps(error.body()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.code.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is not wanted; a client must not send its next request
                # on a connection that may still carry it.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _size(limit: int) -> str:
    return f"{limit // 1024**2} MiB" if limit % 1024**2 == 0 else f"{limit // 1024} KiB"


# --- work a client waits for ----------------------------------------------------------------------


async def run_while_connected(
    request: Request,
    work: Callable[[threading.Event], T],
    *,
    ended: Callable[[], None] = lambda: None,
    poll: float = DISCONNECT_POLL_SECONDS,
) -> T | None:
    """`work(cancel)` in a thread of its own; None once the client has gone away, after setting
    `cancel` for the work to stop at its next step. `ended` runs on the event loop once the thread
    has ended, however it ended (a slot taken for the work is given back there).

    Work that is still finishing a step after its client left counts as running until it has
    stopped, and nothing (a cancelled route, a shutdown) can skip `ended` while the loop runs.
    """
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[T] = loop.create_future()
    # Read the outcome of work left behind, so that it is never "never retrieved".
    outcome.add_done_callback(lambda done: done.cancelled() or done.exception())
    cancel = threading.Event()

    def settle(result: T | None, error: Exception | None) -> None:
        ended()
        if outcome.done():
            return
        if error is not None:
            outcome.set_exception(error)
        else:
            outcome.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        result: T | None = None
        error: Exception | None = None
        try:
            result = work(cancel)
        except Exception as exc:  # handed to the route, which answers it
            error = exc
        finally:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
                loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name=f"recdesk {request.url.path}", daemon=True).start()
    try:
        while True:
            finished, _ = await asyncio.wait({outcome}, timeout=poll)
            if finished:
                return outcome.result()
            if await request.is_disconnected():
                log.info(
                    "%s %s: the client went away; its work stops",
                    request.method,
                    request.url.path,
                )
                return None
    finally:
        cancel.set()  # a no-op for finished work; otherwise (client gone, or cancelled) it stops
