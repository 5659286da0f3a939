"""The store on SQLite: one file, the default, and what every earlier version wrote.

Autocommit mode with explicit `BEGIN`/`COMMIT`, so every transaction, DDL included, is begun and
ended by the store; WAL so readers do not wait for the writer. The schema's version is
`PRAGMA user_version`. One service writes the file: its store's lock orders every append.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.service.store.connection import Connection, Rows
from app.service.store.errors import StoreConflict, StoreError, StoreRefused
from app.service.store.schema import MIGRATIONS


class SqliteConnection(Connection):
    """A SQLite file, created with its folder if missing."""

    migrations = MIGRATIONS

    def __init__(self, path: Path) -> None:
        self.name = f"database {path}"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db: sqlite3.Connection | None = None
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        try:
            self.execute("PRAGMA journal_mode=WAL")
            self.execute("PRAGMA synchronous=NORMAL")
            self.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            self.close()
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement; SQLite's errors become the store's."""
        if self._db is None:
            raise StoreRefused(f"{self.name}: closed")
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """The new row's `lastrowid` (no `RETURNING`: SQLite before 3.35 has none)."""
        rows = self.execute(sql, params)
        assert isinstance(rows, sqlite3.Cursor)
        assert rows.lastrowid is not None
        return rows.lastrowid

    def _error(self, exc: sqlite3.Error) -> StoreError:
        message = f"{self.name}: {exc}"
        if isinstance(exc, sqlite3.IntegrityError):
            return StoreConflict(message)
        # "database or disk is full", "disk I/O error", "database is locked": for now.
        if isinstance(exc, sqlite3.OperationalError):
            return StoreRefused(message)
        return StoreError(message)

    def begin(self) -> None:
        """`BEGIN`."""
        self.execute("BEGIN")

    def commit(self) -> None:
        """`COMMIT`."""
        self.execute("COMMIT")

    def rollback(self) -> None:
        """`ROLLBACK` where a transaction is open: SQLite ends one itself on some errors."""
        if self._db is not None and self._db.in_transaction:
            # The error that led here is the one to report.
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def schema_version(self) -> int:
        """`PRAGMA user_version`."""
        return int(self.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        """`PRAGMA user_version = N`."""
        # PRAGMA takes no parameters; `version` is an int of ours.
        self.execute(f"PRAGMA user_version = {int(version)}")

    def close(self) -> None:
        """Close the file."""
        if self._db is not None:
            self._db.close()
            self._db = None
