"""One connection to the store's database, the same to its users on SQLite and PostgreSQL.

The modules that own a table (uploads, the webhook outbox, sealed secrets, nonces) get a
`Connection` from `Store.transaction()` and call `execute(sql, params)` with `?` placeholders;
the PostgreSQL connection translates them. What they read back is `Rows`: `rowcount`,
`fetchone()`, `fetchall()` and iteration; `insert` gives a new row's id (SQLite's `lastrowid`,
PostgreSQL's `RETURNING id`). The driver's errors become the store's (`errors.py`).

The rest of a connection's methods are the store's own: transactions, the schema's version, and
what keeps the event log one ordered sequence with more than one writer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol


class Rows(Protocol):
    """What a statement gives back."""

    @property
    def rowcount(self) -> int:
        """How many rows the statement changed (-1 for a query)."""
        ...

    def fetchone(self) -> Any:
        """The next row as a tuple, or None."""
        ...

    def fetchall(self) -> list[Any]:
        """The rows left, as tuples."""
        ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(ABC):
    """A database connection used under the store's lock (never by two threads at once)."""

    #: The database as errors name it: `database PATH` or `database postgresql://USER@HOST/DB`.
    name: str
    #: The schema's steps in this database's dialect (`app.service.store.schema`).
    migrations: tuple[tuple[str, ...], ...]

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement with `?` placeholders; the store's errors on failure."""

    @abstractmethod
    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one `INSERT` of a row into a table whose key is an `id` it numbers; its id."""

    # --- the store's own -------------------------------------------------------------------------

    @abstractmethod
    def begin(self) -> None:
        """Start a transaction (reconnecting first where the server went away)."""

    @abstractmethod
    def commit(self) -> None:
        """Commit the transaction."""

    @abstractmethod
    def rollback(self) -> None:
        """End the transaction, if one is open, undoing it; never raises."""

    @abstractmethod
    def schema_version(self) -> int:
        """How many of `migrations` this database has had (inside a transaction)."""

    @abstractmethod
    def set_schema_version(self, version: int) -> None:
        """Record that `version` steps are applied (inside the transaction that applied them)."""

    def lock_migrations(self) -> None:  # noqa: B027 (nothing to do where the file is the lock)
        """Keep other writers from migrating at once (first in the migration's transaction)."""

    def lock_events(self) -> None:  # noqa: B027 (a SQLite writer holds the file's lock already)
        """Make this transaction the only one appending events until it ends, so event ids
        commit in id order (first in an append's transaction)."""

    def event_appended(self, event_id: int) -> None:  # noqa: B027 (SQLite has one writer)
        """Tell other writers' followers, once this transaction commits, that an event came."""

    def watch(self, wake: Callable[[], None]) -> Callable[[], None]:
        """Call `wake` (from another thread) whenever any writer commits an event; returns what
        stops it. With one writer (SQLite) the store's own appends are all there is: no call."""
        del wake
        return lambda: None

    @abstractmethod
    def close(self) -> None:
        """Close the connection (and any listener); closing twice is harmless."""
