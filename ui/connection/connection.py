"""The app's link to one recording service: its client, its state, and its events as signals.

```
connecting ──▶ connected ──(health fails)──▶ lost ──(health answers)──▶ connected (+ synced)
     │  ▲          │                          ▲
     │  │          ▼ (a request or the events answer 401)
     │  └───── refused   (checked again at every poll; connected once the credentials are taken)
     └──(the first check fails)───────────────┘
```

`Connection` owns one `RecDeskClient` for the app's life. It checks the service's health every
`poll` seconds (the state the status bar shows) and follows the event stream from the moment it
connected; the client reconnects the stream with `Last-Event-ID`, so no event is missed while the
service is away. `synced` tells views to read rooms and recordings afresh: after the first
connection and after every reconnection, since the service may have restarted.

Each check has `check_timeout` seconds to answer (`ui.connection.reasons`), so a service that
cannot be reached says so within seconds, with its reason in `failure` (`failed` when the reason
changes), whether it was never reached or was lost. While it is not connected, what the views
show is as of `last_contact`, the last time the service answered (`stale_since`).

Health is open to every caller, so it cannot tell whether the service takes this app's
credentials: before it says "connected", the connection makes one signed request (a page of
rooms). A refusal is the state "refused", with the service's words in `refusal`, not a window
that looks connected and fails at every click; the credentials are tried again every
`REFUSED_RETRY` seconds, not at every poll, so a refused app does not fill the service's log. The
event stream ending with an error the client cannot retry is a refusal (401) or a loss, and the
next poll follows again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Literal

from PySide6.QtCore import QObject, Signal

from app.api.models import Event, Health
from app.client.client import RecDeskClient
from app.client.errors import ClientError, Unauthorized
from ui.connection.reasons import CHECK_TIMEOUT, reason_of, within

log = logging.getLogger(__name__)

State = Literal["connecting", "connected", "refused", "lost", "closed"]

REFUSED_RETRY = 30.0  # seconds between two tries of credentials the service refused


class Connection(QObject):
    """One service, as the widgets see it."""

    state_changed = Signal(str)
    health_changed = Signal(object)  # Health
    event_received = Signal(object)  # app.api.models.Event
    synced = Signal()
    failed = Signal(object)  # the ClientError that says why, each time the reason changes

    def __init__(
        self,
        url: str,
        *,
        app_id: str | None = None,
        secret: str | None = None,
        embedded: bool = False,
        poll: float = 2.0,
        check_timeout: float = CHECK_TIMEOUT,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.url = url
        self.embedded = embedded
        self.client = RecDeskClient(url, app_id=app_id, secret=secret)
        self.state: State = "connecting"
        self.health: Health | None = None
        self.refusal: Unauthorized | None = None  # why the service refused us, while "refused"
        self._refused_at = 0.0  # the loop's time of the last refusal
        self.failure: Exception | None = None  # why the service was not usable at the last check
        self.last_contact: datetime | None = None  # when it last answered while connected
        self._poll = poll
        self._check_timeout = check_timeout
        self._watching: asyncio.Task[None] | None = None
        self._following: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin checking the service and following its events (on the running loop)."""
        self._watching = asyncio.ensure_future(self._watch())

    async def close(self) -> None:
        """Stop everything and close the client."""
        tasks = [t for t in (self._watching, self._following) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._watching = self._following = None
        await self.client.aclose()
        self._set_state("closed")

    @property
    def stale_since(self) -> datetime | None:
        """While not connected, when the service last answered (what views show is as of then);
        None while connected, or if it never answered."""
        return None if self.state == "connected" else self.last_contact

    async def _watch(self) -> None:
        while True:
            try:
                health = await within(self.client.health(), self._check_timeout, self.url)
            except Exception as exc:  # whatever fails, the watch goes on: it is the state
                if not isinstance(exc, ClientError):
                    log.exception("checking the service failed")
                self._lose(exc)
            else:
                self.health = health
                self.health_changed.emit(health)
                if self.state == "connected":
                    self.last_contact = datetime.now()
                elif not self._refused_lately():
                    await self._connect(health)
            await asyncio.sleep(self._poll)

    async def _connect(self, health: Health) -> None:
        """Connected, if a signed request is taken; then follow the events and resync views."""
        try:
            await within(self.client.rooms(), self._check_timeout, self.url)
        except Unauthorized as exc:
            self._refuse(exc)
            return
        except ClientError as exc:
            self._lose(exc)
            return
        self.refusal = None
        self.failure = None
        self.last_contact = datetime.now()
        self._set_state("connected")
        if self._following is None or self._following.done():
            self._following = asyncio.ensure_future(self._follow(health.last_event_id))
        self.synced.emit()

    async def _follow(self, since: int) -> None:
        event: Event
        try:
            async for event in self.client.events(since=since):
                self.event_received.emit(event)
        except Unauthorized as exc:
            self._refuse(exc)
        except ClientError as exc:  # what another attempt could fix, the client retries itself
            log.error("the events of %s stopped: %s", self.url, exc)
            self._lose(exc)

    def _refused_lately(self) -> bool:
        """Refused less than `REFUSED_RETRY` seconds ago: the same credentials wait."""
        now = asyncio.get_running_loop().time()
        return self.state == "refused" and now < self._refused_at + REFUSED_RETRY

    def _refuse(self, error: Unauthorized) -> None:
        if self.state != "refused":
            log.warning("service %s refused this app's credentials: %s", self.url, error)
        self.refusal = error
        self._note_failure(error)
        self._refused_at = asyncio.get_running_loop().time()
        self._set_state("refused")

    def _lose(self, error: Exception) -> None:
        if self.state == "connecting":
            log.warning("service %s cannot be reached: %s", self.url, error)
        elif self.state != "lost":
            log.warning("service %s lost: %s", self.url, error)
        self._note_failure(error)
        self._set_state("lost")

    def _note_failure(self, error: Exception) -> None:
        before = self.failure
        self.failure = error
        if before is None or reason_of(before) != reason_of(error) or str(before) != str(error):
            self.failed.emit(error)

    def _set_state(self, state: State) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
