"""The event log: every room change, task transition and finished file, in one global sequence.

`EventLog.publish` stores the event (its id is the SSE id) and wakes every listener; `follow`
yields what was stored after an id, then each new event as it comes, so a client that reconnects
with `Last-Event-ID` misses nothing and sees nothing twice, whatever happened while it was away.
Writers registered with `store_along` (the webhook outbox) write their rows in the transaction
that stores each event. Followers are woken by this service's events and, where the database is
shared (PostgreSQL), by those another service appends (`Store.watch`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from app.api.models import Event, EventType
from app.service.store.connection import Connection
from app.service.store.store import Store

log = logging.getLogger(__name__)

# A quiet stream still sends something this often, so proxies and clients see it is alive.
KEEPALIVE = 15.0

AlongWriter = Callable[[Connection, Event], None]


class Publisher(Protocol):
    """What a part that only reports needs of the log (`EventLog.publish`)."""

    def publish(self, type: EventType, data: dict[str, Any]) -> object:
        """Store an event and wake its followers (on the event loop)."""
        ...


class EventLog:
    """Stores events and hands them to whoever follows the log."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._changed = asyncio.Condition()
        self._closed = False
        self._along: list[AlongWriter] = []
        self._unwatch: Callable[[], None] | None = None

    def store_along(self, writer: AlongWriter) -> None:
        """Have `writer(db, event)` store its rows with each event, in the same transaction.

        A writer that raises is logged and its rows are dropped; the event is stored anyway.
        """
        self._along.append(writer)

    def publish(self, type: EventType, data: dict[str, Any]) -> Event:
        """Store an event and wake the followers (called on the event loop's thread)."""
        event = self._store.append_event(type, data, self._write_along if self._along else None)
        asyncio.get_running_loop().create_task(self._notify())
        return event

    def _write_along(self, db: Connection, event: Event) -> None:
        for writer in self._along:
            db.execute("SAVEPOINT along")
            try:
                writer(db, event)
            except Exception:
                db.execute("ROLLBACK TO along")
                log.exception(
                    "event %s (%s): %r failed to store its rows", event.id, event.type, writer
                )
            db.execute("RELEASE along")

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _watch(self) -> None:
        """Be woken by the events other writers append too, from the first `follow` on."""
        if self._unwatch is not None or self._closed:
            return
        loop = asyncio.get_running_loop()

        def woken() -> None:  # on the store's listening thread
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody follows any more
                loop.call_soon_threadsafe(lambda: loop.create_task(self._notify()))

        self._unwatch = self._store.watch(woken)

    def _unwatch_store(self) -> None:
        if self._unwatch is not None:
            self._unwatch()
            self._unwatch = None

    async def close(self) -> None:
        """End every `follow` (at shutdown)."""
        self._closed = True
        self._unwatch_store()
        await self._notify()

    def close_from(self, loop: asyncio.AbstractEventLoop) -> None:
        """`close` from outside the loop (a signal handler): open streams end, so a shutdown
        does not wait for clients that would never hang up by themselves."""
        self._closed = True
        loop.call_soon_threadsafe(lambda: loop.create_task(self._notify()))

    async def follow(
        self, after: int, *, keepalive: float = KEEPALIVE
    ) -> AsyncIterator[Event | None]:
        """Events after id `after`, then new ones as they come; None: nothing new for a while."""
        self._watch()
        while not self._closed:
            events = self._store.events_after(after)
            if events:
                for event in events:
                    yield event
                after = events[-1].id
                continue
            async with self._changed:
                if self._store.last_event_id() > after or self._closed:
                    continue
                try:
                    await asyncio.wait_for(self._changed.wait(), keepalive)
                except TimeoutError:
                    yield None
