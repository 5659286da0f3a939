"""The app's link to one recording service: its client, its state, and its events as signals.

```
connecting ──▶ connected ──(health fails)──▶ lost ──(health answers)──▶ connected (+ synced)
```

`Connection` owns one `RecDeskClient` for the app's life. It checks the service's health every
`poll` seconds (the state the status bar shows) and follows the event stream from the moment it
first connected; the client reconnects the stream with `Last-Event-ID`, so no event is missed
while the service is away. `synced` tells views to read rooms and recordings afresh: after the
first connection and after every reconnection, since the service may have restarted.

May import PySide6, `app.client`, `app.api` and the standard library.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Literal

from PySide6.QtCore import QObject, Signal

from app.api.models import Event, Health
from app.client.client import RecDeskClient
from app.client.errors import ClientError

log = logging.getLogger(__name__)

State = Literal["connecting", "connected", "lost", "closed"]


class Connection(QObject):
    """One service, as the widgets see it."""

    state_changed = Signal(str)
    health_changed = Signal(object)  # Health
    event_received = Signal(object)  # app.api.models.Event
    synced = Signal()

    def __init__(
        self,
        url: str,
        *,
        app_id: str | None = None,
        secret: str | None = None,
        embedded: bool = False,
        poll: float = 2.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.url = url
        self.embedded = embedded
        self.client = RecDeskClient(url, app_id=app_id, secret=secret)
        self.state: State = "connecting"
        self.health: Health | None = None
        self._poll = poll
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Begin checking the service and following its events (on the running loop)."""
        self._tasks = [asyncio.ensure_future(self._watch())]

    async def close(self) -> None:
        """Stop everything and close the client."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        await self.client.aclose()
        self._set_state("closed")

    async def _watch(self) -> None:
        events: asyncio.Task[None] | None = None
        try:
            while True:
                try:
                    health = await self.client.health()
                except Exception as exc:  # whatever fails, the watch goes on: it is the state
                    if not isinstance(exc, ClientError):
                        log.exception("checking the service failed")
                    if self.state != "lost":
                        log.warning("service %s lost: %s", self.url, exc)
                    self._set_state("lost" if self.state != "connecting" else "connecting")
                else:
                    self.health = health
                    self.health_changed.emit(health)
                    if self.state != "connected":
                        self._set_state("connected")
                        if events is None:
                            events = asyncio.ensure_future(self._follow(health.last_event_id))
                            self._tasks.append(events)
                        self.synced.emit()
                await asyncio.sleep(self._poll)
        except asyncio.CancelledError:
            raise

    async def _follow(self, since: int) -> None:
        event: Event
        async for event in self.client.events(since=since):
            self.event_received.emit(event)

    def _set_state(self, state: State) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
