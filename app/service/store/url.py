"""Where the store keeps its data: a SQLite file or a PostgreSQL database, named by one string.

- a path, or `sqlite:PATH` (`sqlite:///abs/path` too): a SQLite file, the default;
- `postgresql://USER:PASSWORD@HOST:PORT/DATABASE?...` (or `postgres://`): a PostgreSQL database
  through psycopg 3, with any of libpq's parameters (`?host=/run/postgresql` for a unix socket,
  `sslmode=...`); the password may also come from `PGPASSWORD` or `~/.pgpass`, as libpq reads them.

The URL is shown (in errors, logs and `/v1/health`) without its password.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from app.service.store.errors import StoreError

_POSTGRES_SCHEMES = ("postgresql", "postgres")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed store location: its kind and what the driver is given (a path or the URL)."""

    kind: Literal["sqlite", "postgresql"]
    target: str

    @classmethod
    def parse(cls, location: str | Path) -> DatabaseUrl:
        """The location of a path, `sqlite:PATH` or `postgresql://...`; `StoreError` otherwise."""
        if isinstance(location, Path):
            return cls("sqlite", str(location))
        text = location.strip()
        if text.startswith("sqlite:"):
            path = text.removeprefix("sqlite:")
            path = path.removeprefix("//") if path.startswith("///") else path
            if not path:
                raise StoreError(f"database {text!r}: sqlite: needs a file's path")
            return cls("sqlite", path)
        scheme = _SCHEME.match(text)
        if scheme is None:
            if not text:
                raise StoreError("database '': give a file's path or a postgresql:// URL")
            return cls("sqlite", text)
        if scheme.group(1).lower() not in _POSTGRES_SCHEMES:
            raise StoreError(
                f"database {shown(text)}: unknown kind {scheme.group(1)!r}; "
                "give a file's path (SQLite) or a postgresql:// URL"
            )
        return cls("postgresql", text)

    @property
    def shown(self) -> str:
        """The location as it may be printed: a PostgreSQL URL without its password."""
        return self.target if self.kind == "sqlite" else shown(self.target)


def shown(url: str) -> str:
    """`url` without a password, in its user part or its query (`?password=`)."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.partition(':')[0]}@{host}"
        # The query as written, less its password: no parameter is decoded or encoded again.
        query = "&".join(
            pair for pair in parts.query.split("&") if pair.partition("=")[0] != "password"
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
    except ValueError:  # not even a URL: say nothing of what it holds
        return "(an unreadable URL)"


def read_store(table: object, error: Callable[[str, str], Exception]) -> str | None:
    """The config's `[store]` table: its `url`, checked; None when it gives none."""
    if not isinstance(table, dict):
        raise error("store", "must be a table ([store])")
    values: dict[str, Any] = table
    unknown = sorted(set(values) - {"url"})
    if unknown:
        raise error(f"store.{unknown[0]}", "unknown key; use url")
    if "url" not in values:
        return None
    url = values["url"]
    if not isinstance(url, str):
        raise error("store.url", "must be a file's path or a postgresql:// URL")
    try:
        DatabaseUrl.parse(url)
    except StoreError as exc:
        raise error("store.url", str(exc)) from None
    return url
