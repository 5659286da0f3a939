"""Opening the store's database: the kind its location names, with the driver it needs.

psycopg is imported only for a `postgresql://` location, so a service on SQLite runs without the
`cluster` extra installed.
"""

from __future__ import annotations

from pathlib import Path

from app.service.store.connection import Connection
from app.service.store.errors import StoreError
from app.service.store.url import DatabaseUrl


def connect(location: str | Path) -> Connection:
    """A connection to the database at `location` (a path, `sqlite:PATH` or `postgresql://...`);
    `StoreError` saying why when there is none (psycopg missing, a server out of reach)."""
    url = DatabaseUrl.parse(location)
    if url.kind == "sqlite":
        from app.service.store.sqlite import SqliteConnection

        return SqliteConnection(Path(url.target))
    try:
        from app.service.store.postgres import PostgresConnection
    except ImportError as exc:  # the `cluster` extra is not installed
        if (exc.name or "").partition(".")[0] != "psycopg":
            raise
        message = f"database {url.shown}: PostgreSQL needs psycopg: install recdesk[cluster]"
        raise StoreError(message) from exc
    return PostgresConnection(url.target)
