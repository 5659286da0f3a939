"""The store's errors: what a database's own failures become at the store's boundary.

    StoreError              the database failed (the driver's error is its `__cause__`)
    ├── StoreConflict       a row's key is taken, or a row it refers to is not stored
    └── StoreRefused        the database refuses work for now: a full disk, an I/O error, a
                            lock, a server that cannot be reached or went away

Nothing outside `app.service.store` sees `sqlite3` or `psycopg`: the store maps their errors to
these, and `Store` reports them as `ApiError(internal)` raised from one of these.
"""

from __future__ import annotations

from app.errors import RecDeskError


class StoreError(RecDeskError):
    """The database failed; the message names it (a PostgreSQL URL without its password)."""

    caller_fault = False


class StoreConflict(StoreError):
    """A write broke a rule of the schema: a key already taken, a reference to nothing."""


class StoreRefused(StoreError):
    """The database refuses work for now (full disk, I/O error, lock, unreachable server)."""
