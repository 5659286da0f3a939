"""The store on PostgreSQL (psycopg 3): the state several services and hosts share.

One connection, used under the store's lock like SQLite's, in autocommit mode with explicit
`BEGIN`/`COMMIT`; one more, opened when the event log is first followed, that `LISTEN`s. A
connection the server dropped is opened again at the next transaction.

- **Placeholders**: the store's SQL uses `?`; here each `?` outside a quoted literal or name
  becomes `%s`, and every literal `%` is doubled, as psycopg's `%s` style wants.
- **Event order**: identity values are handed out when a row is inserted, not when it commits,
  so two writers' events could commit out of id order and a follower resuming after an id would
  skip the one committed late. Each append takes a transaction-scoped advisory lock first
  (`pg_advisory_xact_lock`), so appends run one at a time across every writer, and ids commit in
  order.
- **Wakeups**: an append sends `NOTIFY recdesk_events` in its transaction (delivered at commit);
  the listening connection wakes the event log's followers, whichever writer appended.
- **Schema**: `recdesk_schema` holds the number of steps applied (SQLite's `user_version`);
  migrations run under an advisory lock, so services started at once migrate once.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import select
import threading
from collections.abc import Callable, Sequence
from typing import Any

import psycopg

from app.service.store.connection import Connection, Rows
from app.service.store.errors import StoreConflict, StoreError, StoreRefused
from app.service.store.schema import POSTGRES_MIGRATIONS
from app.service.store.url import shown

log = logging.getLogger(__name__)

CHANNEL = "recdesk_events"
# Advisory lock keys (one 64-bit space per database): "RecDesk" in ASCII and a number.
_EVENTS_LOCK = 0x5265_6344_6573_6B01
_MIGRATIONS_LOCK = 0x5265_6344_6573_6B02
_CONNECT_TIMEOUT = 10  # seconds; libpq waits for ever by default
# A quiet listening connection is checked this often (a silently dropped one is found).
_LISTEN_CHECK = 30.0


@functools.lru_cache(maxsize=512)
def placeholders(sql: str) -> str:
    """`sql` with `?` placeholders in psycopg's style: `%s`, and `%` written `%%`."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if char == "%":
            out.append("%%")  # psycopg reads every `%`, inside literals too
        elif quote:
            out.append(char)
            if char == quote:  # a doubled quote ('it''s') closes and reopens: the same result
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


def _one_line(exc: BaseException) -> str:
    # libpq's messages run over several lines ("connection failed: ...\n\tIs the server ...").
    return "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())


class PostgresConnection(Connection):
    """A PostgreSQL database named by a `postgresql://` URL."""

    migrations = POSTGRES_MIGRATIONS

    def __init__(self, url: str) -> None:
        self._url = url
        self.name = f"database {shown(url)}"
        self._db: psycopg.Connection[tuple[Any, ...]] | None = None
        self._listener: _Listener | None = None
        self._closed = False
        self._connect()

    def _connect(self) -> None:
        try:
            self._db = psycopg.connect(self._url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            raise StoreRefused(f"{self.name}: cannot connect: {_one_line(exc)}") from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement; psycopg's errors become the store's."""
        if self._db is None:
            raise StoreRefused(f"{self.name}: closed")
        try:
            return self._db.execute(placeholders(sql), tuple(params))
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """The new row's id, by `RETURNING id`."""
        (row_id,) = self.execute(f"{sql} RETURNING id", params).fetchone()
        return int(row_id)

    def _error(self, exc: psycopg.Error) -> StoreError:
        message = f"{self.name}: {_one_line(exc)}"
        if isinstance(exc, psycopg.IntegrityError):
            return StoreConflict(message)
        # A full disk (class 53), a server shutting down (57), a lost connection.
        if isinstance(exc, psycopg.OperationalError):
            return StoreRefused(message)
        return StoreError(message)

    def begin(self) -> None:
        """`BEGIN`, on a new connection if the server dropped the last one (a restarted server,
        a connection cut by an administrator or a proxy): nothing is lost by beginning again."""
        if self._closed:
            raise StoreRefused(f"{self.name}: closed")
        if self._db is None or self._db.closed or self._db.broken:
            self._reconnect()
        try:
            self.execute("BEGIN")
        except StoreRefused:
            if self._db is None or not self._db.broken:
                raise
            self._reconnect()  # the drop is found by the first statement sent
            self.execute("BEGIN")

    def _reconnect(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None
        self._connect()

    def commit(self) -> None:
        """`COMMIT`."""
        self.execute("COMMIT")

    def rollback(self) -> None:
        """`ROLLBACK` where a transaction is open (or failed)."""
        db = self._db
        if db is None or db.closed or db.broken:
            return
        if db.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            # The error that led here is the one to report.
            with contextlib.suppress(psycopg.Error):
                db.execute("ROLLBACK")

    def lock_migrations(self) -> None:
        """Services started at once on an empty database migrate it once."""
        self.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATIONS_LOCK,))

    def schema_version(self) -> int:
        """The `recdesk_schema` table's number (made, holding 0, on a new database)."""
        self.execute("CREATE TABLE IF NOT EXISTS recdesk_schema (version INTEGER NOT NULL)")
        row = self.execute("SELECT version FROM recdesk_schema").fetchone()
        if row is None:
            self.execute("INSERT INTO recdesk_schema (version) VALUES (0)")
            return 0
        return int(row[0])

    def set_schema_version(self, version: int) -> None:
        """Store the number of steps applied."""
        self.execute("UPDATE recdesk_schema SET version = ?", (version,))

    def lock_events(self) -> None:
        """Appends one at a time across every writer, so ids commit in id order."""
        self.execute("SELECT pg_advisory_xact_lock(?)", (_EVENTS_LOCK,))

    def event_appended(self, event_id: int) -> None:
        """`NOTIFY` (sent when the transaction commits, and only if it does)."""
        self.execute("SELECT pg_notify(?, ?)", (CHANNEL, str(event_id)))

    def watch(self, wake: Callable[[], None]) -> Callable[[], None]:
        """Call `wake` on every event any writer commits (from the listening thread)."""
        if self._closed:
            raise StoreRefused(f"{self.name}: closed")
        if self._listener is None:
            self._listener = _Listener(self._url, self.name)
        return self._listener.add(wake)

    def close(self) -> None:
        """Close both connections."""
        self._closed = True
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._db is not None:
            self._db.close()
            self._db = None


class _Listener:
    """A `LISTEN` connection on a thread of its own that calls every watcher on each `NOTIFY`.

    Whenever it (re)connects it calls them too: what was appended while it was not listening
    is read again by the followers, who look at the table itself, never at the payload.
    """

    def __init__(self, url: str, name: str) -> None:
        self._url = url
        self._name = name
        self._watchers: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        # Written to by `close`: the thread waits on it beside the connection's socket.
        self._stop_read, self._stop_write = os.pipe()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-listen", daemon=True)
        self._thread.start()

    def add(self, wake: Callable[[], None]) -> Callable[[], None]:
        """Register `wake`; returns what unregisters it."""
        with self._lock:
            self._watchers.append(wake)

        def remove() -> None:
            with self._lock:
                if wake in self._watchers:
                    self._watchers.remove(wake)

        return remove

    def close(self) -> None:
        """Stop listening and close the connection (waits for the thread a few seconds)."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        os.write(self._stop_write, b"x")
        self._thread.join(_CONNECT_TIMEOUT + 5)
        os.close(self._stop_read)
        os.close(self._stop_write)

    def _wake_all(self) -> None:
        with self._lock:
            watchers = list(self._watchers)
        for wake in watchers:
            try:
                wake()
            except Exception:
                log.exception("%s: a follower's wakeup failed", self._name)

    def _run(self) -> None:
        delay = 0.5
        while not self._stopped.is_set():
            try:
                with psycopg.connect(
                    self._url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT
                ) as db:
                    db.execute(f"LISTEN {CHANNEL}")
                    delay = 0.5
                    self._wake_all()
                    self._listen(db)
            except psycopg.Error as exc:
                if self._stopped.is_set():
                    return
                log.warning(
                    "%s: not listening for events (%s); again in %.1f s",
                    self._name,
                    _one_line(exc),
                    delay,
                )
            # Wait before connecting again, unless told to stop meanwhile.
            if select.select([self._stop_read], [], [], delay)[0]:
                return
            delay = min(delay * 2, 10.0)

    def _listen(self, db: psycopg.Connection[tuple[Any, ...]]) -> None:
        """Until stopped: wake the watchers on each batch of notifications."""
        while True:
            ready = select.select([db.fileno(), self._stop_read], [], [], _LISTEN_CHECK)[0]
            if self._stop_read in ready:
                return
            if not ready:
                # A dropped connection fails here, and is made again; what came with the answer
                # is read just below.
                db.execute("SELECT 1")
            # Drain every notification read with this batch: the socket may not signal them again.
            if list(db.notifies(timeout=0)):
                self._wake_all()
