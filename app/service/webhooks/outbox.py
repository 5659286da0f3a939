"""The webhook outbox: one row per message and receiver, kept until delivered or given up.

Rows are written by `add` inside the transaction that stores their event, so an event is never
stored without its messages. A row is pending until `delivered` or `given_up` is set; the rows
of one receiver and recording form a queue (`outbox_order`): only its oldest pending row, the
head, may be sent, so a receiver sees a recording's events in order.

Times are ISO-8601 UTC text of fixed width, as everywhere in the store (text order is time
order). The SQL stays portable (PostgreSQL).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.service.store.connection import Connection
from app.service.store.store import Store

_MAX_ERROR = 500


def stamp(moment: datetime) -> str:
    """A datetime as the store's fixed-width UTC text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str) -> datetime:
    """The datetime of a stored stamp."""
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True)
class OutboxRow:
    """One pending message to one receiver."""

    id: int
    # Its `webhook-id`: unique per message across services and resets, the same on every attempt.
    msg_id: str
    recording_id: str | None
    url: str
    type: str
    body: str
    created: datetime
    attempts: int
    next_try: datetime


def new_msg_id() -> str:
    """`msg_` and a UUIDv7 (RFC 9562): time-ordered, unique without asking any database."""
    millis = time.time_ns() // 1_000_000
    value = (millis & (2**48 - 1)) << 80 | int.from_bytes(os.urandom(10)) & (2**80 - 1)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # the RFC 9562 variant
    return f"msg_{uuid.UUID(int=value)}"


def add(
    db: Connection,
    recording_id: str | None,
    url: str,
    *,
    type: str,
    body: str,
    now: datetime,
) -> None:
    """Queue a message (inside the caller's transaction); it is due at once."""
    db.execute(
        "INSERT INTO outbox (msg_id, recording_id, url, type, body, created, next_try)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (new_msg_id(), recording_id, url, type, body, stamp(now), stamp(now)),
    )


class Outbox:
    """The outbox table, read and updated by the sender."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def heads(self) -> list[OutboxRow]:
        """The oldest pending row of each (receiver, recording) queue."""
        with self._store.transaction() as db:
            rows = db.execute(
                "SELECT id, coalesce(msg_id, 'msg_' || id), recording_id, url, type, body, created,"
                " attempts, next_try"
                " FROM outbox WHERE id IN (SELECT min(id) FROM outbox"
                " WHERE delivered IS NULL AND given_up IS NULL GROUP BY url, recording_id)"
                " ORDER BY next_try, id"
            ).fetchall()
        return [_row(values) for values in rows]

    def delivered(self, row: OutboxRow, now: datetime) -> None:
        """The receiver answered 2xx."""
        with self._store.transaction() as db:
            db.execute(
                "UPDATE outbox SET delivered = ?, attempts = ?, error = NULL WHERE id = ?",
                (stamp(now), row.attempts + 1, row.id),
            )

    def failed(self, row: OutboxRow, error: str, next_try: datetime) -> None:
        """An attempt failed; try again at `next_try`."""
        with self._store.transaction() as db:
            db.execute(
                "UPDATE outbox SET attempts = ?, error = ?, next_try = ? WHERE id = ?",
                (row.attempts + 1, error[:_MAX_ERROR], stamp(next_try), row.id),
            )

    def given_up(self, row: OutboxRow, error: str, now: datetime) -> None:
        """The last attempt failed too: no more tries; the queue's next row may go."""
        with self._store.transaction() as db:
            db.execute(
                "UPDATE outbox SET attempts = ?, error = ?, given_up = ? WHERE id = ?",
                (row.attempts + 1, error[:_MAX_ERROR], stamp(now), row.id),
            )

    def counts(self) -> dict[str, int]:
        """How many rows are pending, delivered and given up."""
        with self._store.transaction() as db:
            pending, delivered, given_up = db.execute(
                "SELECT"
                " count(CASE WHEN delivered IS NULL AND given_up IS NULL THEN 1 END),"
                " count(delivered), count(given_up) FROM outbox"
            ).fetchone()
        return {"pending": pending, "delivered": delivered, "given_up": given_up}


def _row(values: Sequence[Any]) -> OutboxRow:
    id_, msg_id, recording_id, url, type_, body, created, attempts, next_try = values
    return OutboxRow(
        id=id_,
        msg_id=msg_id,
        recording_id=recording_id,
        url=url,
        type=type_,
        body=body,
        created=parse_stamp(created),
        attempts=attempts,
        next_try=parse_stamp(next_try),
    )
