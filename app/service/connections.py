"""Connection handling for uvicorn: header and idle timeouts, and a cap on open connections.

Each open connection holds a file descriptor, and a process has a limited number of them
(`RLIMIT_NOFILE`, often 1024). A client that connects and never sends a request, or sends half a
request head and stops, would hold one for ever; enough of them and the service can open nothing
more, neither a connection nor a file. `ConnectionGuard` bounds that:

- a connection has `Settings.header_timeout` seconds, from its connection or from the first byte
  of its next request, to send a complete request head; otherwise it is closed;
- between requests a keep-alive connection is closed after `Settings.idle_timeout` seconds
  (uvicorn's keep-alive timeout);
- at most `connection_limit(settings)` connections are open at once. A newcomer at the cap is still
  served: the connection idle the longest (one with no request in flight: idle between requests,
  or never having sent a whole head) is closed for it. Only when every open connection has a
  request in flight is the newcomer closed instead;
- `ListeningSocket` keeps a burst of connections waiting in the kernel's queue and accepts them a
  few at a time, so the cap is applied before more descriptors are taken; if the descriptors run
  out anyway, the failure is logged once per retry rather than once per queued connection.

Event streams are requests in flight for as long as they last; `Slots` caps them separately.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import resource
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.service.settings import Settings

log = logging.getLogger(__name__)

# Descriptors left to everything but connections when the cap is derived from the open-file
# limit: the database, recordings being written, pipes to workers, demo media, the log.
RESERVED_DESCRIPTORS = 256
MIN_CONNECTIONS = 64
# Without a limit on open files, a cap all the same: each connection costs memory too.
UNLIMITED_CONNECTIONS = 16384
# How many connections asyncio accepts in one turn of its loop (uvicorn's `backlog`), and how
# deep the kernel's queue of connections waiting to be accepted is kept.
ACCEPT_BATCH = 32
LISTEN_QUEUE = 2048
# Failures of accept() that mean "out of descriptors or memory", not "this connection failed".
_EXHAUSTED = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
# asyncio tries accept() again one second after such a failure; until then it is not retried.
_EXHAUSTED_REST = 0.5


def raise_open_file_limit(wanted: int = 16384) -> int:
    """Raise the open-file soft limit towards the hard one (at most `wanted`); the soft limit now.

    Many systems start processes at a soft 1024 under a far higher hard limit: a service holding
    connections, recordings, worker pipes and demo media needs more, and may take it.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    ceiling = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
    if soft != resource.RLIM_INFINITY and soft < ceiling:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))
        except (ValueError, OSError):
            return soft
        return ceiling
    return soft


def connection_limit(settings: Settings) -> int:
    """`settings.max_connections`, or when 0, what the process's open-file limit leaves room for."""
    if settings.max_connections > 0:
        return settings.max_connections
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return UNLIMITED_CONNECTIONS
    return max(MIN_CONNECTIONS, soft - RESERVED_DESCRIPTORS)


class ConnectionGuard:
    """The open connections of one server, their timeouts and their cap.

    `protocol` is the class to pass as `uvicorn.Config(http=...)`; `socket` makes the listening
    socket. Connections are kept in two groups: those with a request in flight, and the idle
    ones in the order they became idle, so the one idle the longest is the first to close.
    """

    def __init__(self, settings: Settings) -> None:
        self.limit = connection_limit(settings)
        self.header_timeout = settings.header_timeout
        self.idle_timeout = settings.idle_timeout
        self._idle: dict[GuardedProtocol, None] = {}  # insertion order: idle the longest first
        self._busy: set[GuardedProtocol] = set()
        guard = self

        class _Protocol(GuardedProtocol):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(guard, *args, **kwargs)

        self.protocol: type[asyncio.Protocol] = _Protocol

    @property
    def open_count(self) -> int:
        """How many connections are open now."""
        return len(self._idle) + len(self._busy)

    def socket(self, family: socket.AddressFamily) -> ListeningSocket:
        """A TCP socket to bind and listen on; when accept runs out of descriptors, idle
        connections are closed so that the next try finds some."""
        return ListeningSocket(family, on_exhausted=self._exhausted)

    def opened(self, connection: GuardedProtocol) -> None:
        """A connection was accepted: make room for it, or close it if there is none."""
        self._idle[connection] = None
        if self.open_count <= self.limit:
            return
        oldest = next((c for c in self._idle if c is not connection), None)
        if oldest is not None:
            self._close(oldest)
        else:
            log.warning(
                "%d connections are open, all with a request in flight: closing a new one",
                self.limit,
            )
            self._close(connection)

    def busy(self, connection: GuardedProtocol) -> None:
        """A connection has a request in flight: it is not closed to make room."""
        if connection in self._idle:
            del self._idle[connection]
            self._busy.add(connection)

    def idle(self, connection: GuardedProtocol) -> None:
        """A connection's response is complete: it waits for its next request."""
        if connection in self._busy:
            self._busy.discard(connection)
            self._idle[connection] = None

    def closed(self, connection: GuardedProtocol) -> None:
        """A connection is gone."""
        self._idle.pop(connection, None)
        self._busy.discard(connection)

    def _close(self, connection: GuardedProtocol) -> None:
        self.closed(connection)
        connection.close()

    def _exhausted(self) -> None:
        closing = list(self._idle)[:ACCEPT_BATCH]
        log.warning(
            "out of file descriptors with %d connections open: closing %d idle ones",
            self.open_count,
            len(closing),
        )
        for connection in closing:
            self._close(connection)


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol, with a header timeout and a place in a `ConnectionGuard`."""

    def __init__(self, guard: ConnectionGuard, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = guard
        # uvicorn's keep-alive timeout, as a float: tests use fractions of a second.
        self.timeout_keep_alive = guard.idle_timeout  # type: ignore[assignment]
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the header clock, and take a place under the cap."""
        super().connection_made(transport)
        self._start_header_timer()
        self.guard.opened(self)

    def connection_lost(self, exc: Exception | None) -> None:
        """Leave the guard."""
        self._stop_header_timer()
        self.guard.closed(self)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """The first bytes of a request start its header clock."""
        if self._header_timer is None and not self._in_flight():
            self._start_header_timer()
        super().data_received(data)

    def handle_events(self) -> None:
        """A complete request head stops the header clock and puts a request in flight."""
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:
            self._stop_header_timer()
            self.guard.busy(self)

    def on_response_complete(self) -> None:
        """The connection is idle again (until a pipelined request, handled by uvicorn)."""
        self.guard.idle(self)
        super().on_response_complete()

    def close(self) -> None:
        """Close the connection now (it has no request in flight)."""
        self._stop_header_timer()
        self._unset_keepalive_if_required()
        if not self.transport.is_closing():
            self.transport.close()

    def _in_flight(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _start_header_timer(self) -> None:
        self._stop_header_timer()
        self._header_timer = self.loop.call_later(self.guard.header_timeout, self.close)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None


class ListeningSocket(socket.socket):
    """The service's listening socket, shaped for asyncio's accept loop.

    asyncio uses one number, the server's backlog, both for the kernel's queue of connections
    waiting to be accepted and for how many it accepts in one turn of its loop. A deep queue
    keeps a burst from being refused; a short turn lets the protocols of the connections just
    accepted run (and close idle ones at the cap) before more descriptors are taken. So uvicorn is
    given `ACCEPT_BATCH` as its backlog, and `listen` keeps the queue `LISTEN_QUEUE` deep.

    When accept fails for want of descriptors, asyncio (until python/cpython#151615) logs it,
    pauses accepting for a second, and goes on calling accept for the rest of its turn, logging
    and scheduling one more retry for each failure, so the failures multiply while the queue is
    full. Here the first failure is raised, and the rest of the turn finds an empty queue.
    """

    def __init__(
        self, family: socket.AddressFamily, *, on_exhausted: Callable[[], None] | None = None
    ) -> None:
        super().__init__(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._on_exhausted = on_exhausted
        self._rest_until = 0.0

    def listen(self, backlog: int = LISTEN_QUEUE) -> None:
        """Listen with a queue at least `LISTEN_QUEUE` deep."""
        super().listen(max(backlog, LISTEN_QUEUE))

    def accept(self) -> tuple[socket.socket, Any]:
        """The next connection; one failure for want of descriptors per retry of asyncio's."""
        if time.monotonic() < self._rest_until:
            raise BlockingIOError(errno.EAGAIN, "accepting again after a pause")
        try:
            return super().accept()
        except OSError as exc:
            if exc.errno in _EXHAUSTED:
                self._rest_until = time.monotonic() + _EXHAUSTED_REST
                if self._on_exhausted is not None:
                    self._on_exhausted()
            raise


class Slots:
    """At most `limit` of something open at once: `take` says whether one more may open."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.taken = 0

    @classmethod
    def on(cls, state: Any, name: str, limit: int) -> Slots:
        """The slots kept as `name` on an app's `state`, made on first use."""
        slots = getattr(state, name, None)
        if not isinstance(slots, Slots):
            slots = cls(limit)
            setattr(state, name, slots)
        return slots

    def take(self) -> bool:
        """Take a slot; False when all are taken."""
        if self.taken >= self.limit:
            return False
        self.taken += 1
        return True

    def give_back(self) -> None:
        """Free a slot taken before."""
        self.taken = max(0, self.taken - 1)


class SlotStream(StreamingResponse):
    """A streaming response holding one of `slots`, given back when the response ends, whether
    its body finished, its client went away, or it never started."""

    def __init__(self, content: AsyncIterator[bytes], slots: Slots, **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self._slots = slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._slots.give_back()
