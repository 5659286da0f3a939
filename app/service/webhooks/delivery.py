"""`Webhooks`: every event of a recording becomes outbox rows as it is stored, and each row is
POSTed to its receiver until it answers 2xx, in order per receiver and recording.

```
EventLog.publish ─▶ Store.append_event ─┬─ INSERT the event           one transaction
                                        └─ Webhooks.write: INSERT rows
sender loop: heads of the queues that are due ─▶ POST (one httpx.AsyncClient) ─▶ delivered
                                                   └─ not 2xx / no answer ─▶ retry later,
                                                      or give up after `give_up_after`
```

Receivers: the recording's `callback_url`, and the service-wide URL (`[webhooks] url` or
`--callback-url`). Both get the Standard Webhooks envelope `{"type", "timestamp", "data"}`; a
recording tagged `callback:anyrtc` (made through the anyRTC-style API) gets seed 001's flat body
at its own URL instead, for its files and snapshots only. Every message is signed
(`signing.WebhookSecret`), and a file's or snapshot's `downloadUrl` kept here is a signed link
(`app.service.links`) made when the message is written, so every retry carries the same body.

Delivery is at least once: a row is marked delivered only after its 2xx, so a service stopped
in between sends it again after its restart (with the same `webhook-id`). A failed attempt waits
`RetryPolicy.delay` (1 s doubling to 10 min, jittered); a row still failing 24 h after it was
written is given up with a warning in the log and a `webhook.given_up` event (its URL without
query or credentials, which may carry a receiver's token), and its queue goes on. `write` makes
rows for `recording.*` events only, so that event is never sent anywhere itself. Nothing here
blocks the event loop: the HTTP is async, and the SQL is a few rows by index.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx

from app.api.models import Event, RecordedFile, Recording
from app.service.links import DownloadLinks, download_links
from app.service.settings import Settings
from app.service.store.connection import Connection
from app.service.store.eventlog import Publisher
from app.service.store.store import Store
from app.service.webhooks import outbox
from app.service.webhooks.outbox import Outbox, OutboxRow
from app.service.webhooks.payloads import iso_time, payload_of
from app.service.webhooks.settings import RetryPolicy
from app.service.webhooks.signing import WebhookSecret, stored_secret

log = logging.getLogger(__name__)

ANYRTC_TAG = "callback:anyrtc"
USER_AGENT = "RecDesk-Webhooks/1"
# Queues sent to at once; each queue has at most one message in flight.
MAX_IN_FLIGHT = 16
# How long a shutdown lets attempts in flight finish before it cancels them.
CLOSE_WAIT = 2.0

Clock = Callable[[], datetime]
_Body = TypeVar("_Body", Recording, RecordedFile)


def _now() -> datetime:
    return datetime.now(UTC)


class Webhooks:
    """Writes each recording event's messages to the outbox and delivers them."""

    def __init__(
        self,
        store: Store,
        events: Publisher,
        *,
        secret: WebhookSecret,
        data_dir: Path,
        service_url: str | None = None,
        links: DownloadLinks | None = None,
        retry: RetryPolicy | None = None,
        clock: Clock = _now,
        rng: Callable[[], float] = random.random,
        timeout: float = 10.0,
    ) -> None:
        self._outbox = Outbox(store)
        self._events = events
        self._secret = secret
        self._data_dir = data_dir
        self._service_url = service_url
        self._links = links
        self._retry = retry or RetryPolicy()
        self._clock = clock
        self._rng = rng
        self._timeout = timeout
        self._wake = asyncio.Event()
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.Task[None] | None = None
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._closed = False

    @classmethod
    def from_settings(cls, settings: Settings, store: Store, events: Publisher) -> Webhooks:
        """The service's webhooks: its secret, `--callback-url` or the config's URL, and its
        download links."""
        config = settings.config.webhooks if settings.config is not None else None
        url = settings.webhook_url or (config.url if config is not None else None)
        return cls(
            store,
            events,
            secret=service_secret(settings),
            data_dir=settings.data_dir,
            service_url=url,
            links=download_links(settings),
            retry=RetryPolicy(*settings.webhook_backoff),
        )

    # --- the sender's life ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start sending; rows a previous run left pending go first, in their order."""
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self._timeout),
            follow_redirects=False,
            headers={"user-agent": USER_AGENT},
        )
        self._loop = asyncio.get_running_loop().create_task(self._send_loop())

    async def close(self) -> None:
        """Stop sending: attempts in flight get a moment, then stay pending for the next start."""
        self._closed = True
        self._wake.set()
        if self._loop is not None:
            await self._loop
        if self._in_flight:
            await asyncio.wait(list(self._in_flight.values()), timeout=CLOSE_WAIT)
        for attempt in list(self._in_flight.values()):
            attempt.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._in_flight.values(), return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    def wake(self) -> None:
        """Look at the outbox now (new rows, or a clock moved by a test)."""
        self._wake.set()

    def counts(self) -> dict[str, int]:
        """Rows pending, delivered and given up."""
        return self._outbox.counts()

    # --- writing, inside the event's transaction --------------------------------------------------

    def write(self, db: Connection, event: Event) -> None:
        """The outbox rows of `event`, in the transaction that stores it (`EventLog` calls it)."""
        recording_id = event.data.get("recording_id")
        if not event.type.startswith("recording.") or not isinstance(recording_id, str):
            return
        rec = _stored(db, "SELECT body FROM recordings WHERE id = ?", recording_id, Recording)
        if rec is None:
            return
        receivers = self._receivers(rec)
        if not receivers:
            return

        def stored_file(file_id: str) -> RecordedFile | None:
            return _stored(db, "SELECT body FROM files WHERE file_id = ?", file_id, RecordedFile)

        payload = payload_of(event, rec, stored_file, self._data_dir, self._links)
        if payload is None:
            return
        now = self._clock()
        for url, flat in receivers:
            body: dict[str, Any] | None
            if flat:
                body = payload.flat
            else:
                body = {"type": payload.type, "timestamp": iso_time(event.at), "data": payload.data}
            if body is not None:
                outbox.add(db, rec.id, url, type=payload.type, body=_json(body), now=now)
        self._wake.set()

    def _receivers(self, rec: Recording) -> list[tuple[str, bool]]:
        """(URL, flat) of each receiver of `rec`'s events; one URL gets each event once."""
        receivers = []
        if rec.callback_url:
            receivers.append((rec.callback_url, ANYRTC_TAG in rec.tags))
        if self._service_url and self._service_url != rec.callback_url:
            receivers.append((self._service_url, False))
        return receivers

    # --- sending ----------------------------------------------------------------------------------

    async def _send_loop(self) -> None:
        while not self._closed:
            self._wake.clear()
            wait: float | None = None
            try:
                heads = self._outbox.heads()
            except Exception:
                log.exception("webhooks: cannot read the outbox")
                heads, wait = [], 5.0
            now = self._clock()
            for row in heads:
                if row.id in self._in_flight:
                    continue
                due = (row.next_try - now).total_seconds()
                if due > 0:
                    wait = due if wait is None else min(wait, due)
                elif len(self._in_flight) < MAX_IN_FLIGHT:
                    self._in_flight[row.id] = asyncio.get_running_loop().create_task(
                        self._attempt(row)
                    )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def _attempt(self, row: OutboxRow) -> None:
        try:
            error = await self._post(row)
            now = self._clock()
            if error is None:
                self._outbox.delivered(row, now)
                return
            limit = row.created + timedelta(seconds=self._retry.give_up_after)
            if now >= limit:
                self._outbox.given_up(row, error, now)
                log.warning(
                    "webhook %s (%s of recording %s) to %s: given up after %d attempts over %s: %s",
                    row.msg_id,
                    row.type,
                    row.recording_id,
                    public_url(row.url),
                    row.attempts + 1,
                    now - row.created,
                    error,
                )
                self._events.publish("webhook.given_up", _given_up_data(row, error))
                return
            delay = self._retry.delay(row.attempts + 1, self._rng)
            next_try = min(now + timedelta(seconds=delay), limit)
            self._outbox.failed(row, error, next_try)
            log.info(
                "webhook %s to %s: %s; attempt %d in %.1f s",
                row.msg_id,
                public_url(row.url),
                error,
                row.attempts + 2,
                (next_try - now).total_seconds(),
            )
        except Exception:
            log.exception("webhook %s to %s: the attempt failed", row.msg_id, public_url(row.url))
        finally:
            self._in_flight.pop(row.id, None)
            self._wake.set()

    async def _post(self, row: OutboxRow) -> str | None:
        """Send one attempt; None when the receiver answered 2xx, else what went wrong."""
        assert self._client is not None
        timestamp = int(self._clock().timestamp())
        headers = self._secret.headers(row.msg_id, timestamp, row.body)
        headers["content-type"] = "application/json"
        try:
            # The answer's body is never read: its status is all that counts.
            async with self._client.stream(
                "POST", row.url, content=row.body.encode(), headers=headers
            ) as answer:
                status = answer.status_code
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return None if 200 <= status < 300 else f"HTTP {status}"


def service_secret(settings: Settings) -> WebhookSecret:
    """The secret webhooks are signed with: the config's, else the data dir's own."""
    config = settings.config.webhooks if settings.config is not None else None
    if config is not None and config.secret is not None:
        return config.secret
    return stored_secret(settings.data_dir)


def _given_up_data(row: OutboxRow, error: str) -> dict[str, Any]:
    """The `webhook.given_up` event's data for a row whose last attempt failed with `error`."""
    return {
        "msg_id": row.msg_id,
        "recording_id": row.recording_id,
        "url": public_url(row.url),
        "type": row.type,
        "attempts": row.attempts + 1,
        "error": error,
        "created": iso_time(row.created),
    }


def public_url(url: str) -> str:
    """`url` without its query, fragment and user:password, which may hold a receiver's token."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _json(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def _stored(db: Connection, sql: str, key: str, model: type[_Body]) -> _Body | None:
    row = db.execute(sql, (key,)).fetchone()
    return None if row is None else model.model_validate_json(row[0])
