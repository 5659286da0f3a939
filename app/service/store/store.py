"""The service's store: recording tasks, their files and the event log (and the tables of
uploads, webhooks, secrets and nonces, which their own modules use through `transaction()`).

It lives in a SQLite file (the default: `app.service.store.sqlite`) or a PostgreSQL database that
several services may share (`app.service.store.postgres`), named by one location
(`app.service.store.url`). One `Connection` is shared by the event loop's thread and any worker
thread, every call under one lock (calls are short: a few rows by index). The schema is
versioned; `app.service.store.schema` lists the steps in both dialects.

The SQL is portable: plain tables, row-value comparisons, `?` placeholders (the PostgreSQL
connection translates them), new ids from `Connection.insert`, timestamps as ISO-8601 UTC text
of fixed width (so text order is time order). A recording and a file are kept whole as their
wire JSON, next to the columns they are looked up and ordered by; a recording's `files` come
from the files table, never from its JSON.

Event ids are one increasing sequence that commits in id order, whichever writer appends (see
`append_event`), so a follower that resumes after an id misses nothing; `watch` wakes followers
when another writer appends.

Lists are pages in keyset order; a cursor is the base64 of the last row's key, opaque to callers.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pydantic_core

from app.api.errors import ApiError, ErrorCode
from app.api.models import ACTIVE_STATES, Event, EventType, RecordedFile, Recording
from app.service.store.backends import connect
from app.service.store.connection import Connection
from app.service.store.errors import StoreConflict, StoreError

_MAX_PAGE = 1000


def _stamp(moment: datetime) -> str:
    """A datetime as fixed-width ISO-8601 UTC text; a naive one is taken to be UTC already."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _encode_cursor(kind: str, stamp: str, key: str) -> str:
    raw = json.dumps([kind, stamp, key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(kind: str, cursor: str) -> tuple[str, str]:
    """The (timestamp, id) a cursor of `kind` points after; anything else is the caller's error."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
        if isinstance(value, list) and len(value) == 3 and value[0] == kind:
            stamp, key = value[1], value[2]
            if isinstance(stamp, str) and isinstance(key, str):
                datetime.fromisoformat(stamp)
                return stamp, key
    except (binascii.Error, ValueError):  # json and unicode errors are ValueErrors too
        pass
    raise ApiError(ErrorCode.invalid_value, f"cursor {cursor!r}: not a cursor this service gave")


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= _MAX_PAGE:
        raise ApiError(ErrorCode.invalid_value, f"limit {limit}: must be 1 to {_MAX_PAGE}")


class Store:
    """Recordings, files and events in one database; safe to call from any thread.

    `location` is a path or `sqlite:PATH` (SQLite) or a `postgresql://` URL; a store that
    cannot open it raises `ApiError(internal)` from the `StoreError` that says why.
    """

    def __init__(self, location: str | Path) -> None:
        self._lock = threading.Lock()
        self._name = "the database"  # its name once known: never a URL's password
        self._db: Connection | None = None
        try:
            self._db = connect(location)
            self._name = self._db.name
            self._migrate()
        except BaseException as exc:
            self.close()
            if isinstance(exc, StoreError):
                raise ApiError(ErrorCode.internal, str(exc)) from exc
            raise

    # --- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database; later calls answer `unavailable`. Closing twice is harmless."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        """The database as messages name it (a PostgreSQL URL without its password)."""
        return self._name

    def transaction(self) -> contextlib.AbstractContextManager[Connection]:
        """The connection inside one transaction under the store's lock, for the modules that
        own a table of their own (uploads, outbox, secrets, nonces); keep it short."""
        return self._transaction()

    def watch(self, wake: Callable[[], None]) -> Callable[[], None]:
        """Call `wake`, from another thread, whenever another writer sharing the database (a
        second service on PostgreSQL) appends an event; returns what stops it."""
        with self._lock:
            if self._db is None:
                raise ApiError(ErrorCode.unavailable, f"{self._name}: closed")
            try:
                return self._db.watch(wake)
            except StoreError as exc:
                raise ApiError(ErrorCode.internal, str(exc)) from exc

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """The connection, inside one transaction under the lock; its errors become ours."""
        with self._lock:
            db = self._db
            if db is None:
                raise ApiError(ErrorCode.unavailable, f"{self._name}: closed")
            try:
                db.begin()
                yield db
                db.commit()
            except BaseException as exc:
                db.rollback()
                if isinstance(exc, StoreError):
                    raise ApiError(ErrorCode.internal, str(exc)) from exc
                raise

    def _migrate(self) -> None:
        with self._transaction() as db:
            db.lock_migrations()
            version = db.schema_version()
            steps = db.migrations
            if version > len(steps):
                raise ApiError(
                    ErrorCode.internal,
                    f"{self._name}: schema version {version} is newer than this "
                    f"service knows ({len(steps)}); run a newer RecDesk",
                )
            for number, statements in enumerate(steps[version:], start=version + 1):
                for statement in statements:
                    db.execute(statement)
                db.set_schema_version(number)

    # --- recordings -------------------------------------------------------------------------------

    def add_recording(self, recording: Recording) -> None:
        """Store a new recording task (its `files` are ignored: files are added one by one)."""
        row = self._recording_row(recording)
        with self._transaction() as db:
            try:
                db.execute(
                    "INSERT INTO recordings (id, room_id, state, created, body)"
                    " VALUES (?, ?, ?, ?, ?)",
                    row,
                )
            except StoreConflict as exc:
                message = f"recording {recording.id}: already stored"
                raise ApiError(ErrorCode.internal, message) from exc

    def update_recording(self, recording: Recording) -> None:
        """Replace a stored recording (its `files` are ignored)."""
        id_, room_id, state, created, body = self._recording_row(recording)
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE recordings SET room_id = ?, state = ?, created = ?, body = ? WHERE id = ?",
                (room_id, state, created, body, id_),
            ).rowcount
        if not changed:
            raise ApiError(ErrorCode.recording_not_found, f"recording {recording.id}: not found")

    def recording(self, recording_id: str) -> Recording | None:
        """One recording with its files, or None."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT body FROM recordings WHERE id = ?", (recording_id,)
            ).fetchall()
            return self._with_files(db, rows)[0] if rows else None

    def recordings(
        self,
        *,
        room_id: str | None = None,
        state: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> tuple[list[Recording], str | None]:
        """A page of recordings, newest first, and the cursor of the next page (None at the end)."""
        _check_limit(limit)
        where: list[str] = []
        args: list[Any] = []
        if room_id is not None:
            where.append("room_id = ?")
            args.append(room_id)
        if state is not None:
            where.append("state = ?")
            args.append(state)
        if cursor is not None:
            where.append("(created, id) < (?, ?)")
            args.extend(_decode_cursor("recordings", cursor))
        sql = "SELECT body, created, id FROM recordings"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created DESC, id DESC LIMIT ?"
        with self._transaction() as db:
            rows = db.execute(sql, (*args, limit + 1)).fetchall()
            page = self._with_files(db, rows[:limit])
        more = None
        if len(rows) > limit:
            _, created, last = rows[limit - 1]
            more = _encode_cursor("recordings", created, last)
        return page, more

    def active_recordings(self) -> list[Recording]:
        """Every recording in an active state (`ACTIVE_STATES`), oldest first, with its files."""
        marks = ", ".join("?" for _ in ACTIVE_STATES)
        with self._transaction() as db:
            rows = db.execute(
                f"SELECT body FROM recordings WHERE state IN ({marks}) ORDER BY created, id",
                ACTIVE_STATES,
            ).fetchall()
            return self._with_files(db, rows)

    @staticmethod
    def _recording_row(recording: Recording) -> tuple[str, str, str, str, str]:
        body = recording.model_dump_json(exclude={"files"})
        created = _stamp(recording.created)
        return recording.id, recording.room_id, recording.state, created, body

    @staticmethod
    def _with_files(db: Connection, rows: Sequence[Sequence[Any]]) -> list[Recording]:
        """Recordings from rows whose first column is the body, each with its files filled."""
        recordings = [Recording.model_validate_json(row[0]) for row in rows]
        if not recordings:
            return []
        by_id = {r.id: r for r in recordings}
        marks = ", ".join("?" for _ in by_id)
        for (body,) in db.execute(
            f"SELECT body FROM files WHERE recording_id IN ({marks})"
            " ORDER BY recording_id, start, part, name",
            tuple(by_id),
        ):
            file = RecordedFile.model_validate_json(body)
            by_id[file.recording_id].files.append(file)
        return recordings

    # --- files ------------------------------------------------------------------------------------

    def add_file(self, file: RecordedFile) -> None:
        """Store a finished file; the same path of the same recording again is ignored."""
        row = (
            file.file_id,
            file.recording_id,
            file.room_id,
            file.name,
            file.path,
            _stamp(file.start),
            file.part,
            file.model_dump_json(),
        )
        with self._transaction() as db:
            # A worker may report a file again after a restart; the first report stands.
            if db.execute(
                "SELECT 1 FROM files WHERE recording_id = ? AND path = ?",
                (file.recording_id, file.path),
            ).fetchone():
                return
            try:
                db.execute(
                    "INSERT INTO files (file_id, recording_id, room_id, name, path, start, part,"
                    " body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
            except StoreConflict as exc:
                message = (
                    f"file {file.file_id} of recording {file.recording_id}: "
                    "its id is taken or its recording is not stored"
                )
                raise ApiError(ErrorCode.internal, message) from exc

    def update_file(self, file: RecordedFile) -> None:
        """Replace a stored file's record (its upload state and download URL change later)."""
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE files SET body = ? WHERE file_id = ?",
                (file.model_dump_json(), file.file_id),
            ).rowcount
        if not changed:
            raise ApiError(ErrorCode.file_not_found, f"file {file.file_id}: not found")

    def file(self, file_id: str) -> RecordedFile | None:
        """One file, or None."""
        with self._transaction() as db:
            row = db.execute("SELECT body FROM files WHERE file_id = ?", (file_id,)).fetchone()
        return RecordedFile.model_validate_json(row[0]) if row else None

    def files(
        self,
        *,
        name: str | None = None,
        room_id: str | None = None,
        recording_id: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> tuple[list[RecordedFile], str | None]:
        """A page of files, newest first; `name` matches any part of the name, in any case."""
        _check_limit(limit)
        where: list[str] = []
        args: list[Any] = []
        if name is not None:
            escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            # lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            where.append("lower(name) LIKE lower(?) ESCAPE '\\'")
            args.append(f"%{escaped}%")
        if room_id is not None:
            where.append("room_id = ?")
            args.append(room_id)
        if recording_id is not None:
            where.append("recording_id = ?")
            args.append(recording_id)
        if cursor is not None:
            where.append("(start, file_id) < (?, ?)")
            args.extend(_decode_cursor("files", cursor))
        sql = "SELECT body, start, file_id FROM files"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY start DESC, file_id DESC LIMIT ?"
        with self._transaction() as db:
            rows = db.execute(sql, (*args, limit + 1)).fetchall()
        page = [RecordedFile.model_validate_json(row[0]) for row in rows[:limit]]
        more = None
        if len(rows) > limit:
            _, start, last = rows[limit - 1]
            more = _encode_cursor("files", start, last)
        return page, more

    def file_paths(self, recording_id: str) -> set[str]:
        """The paths of a recording's stored files."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT path FROM files WHERE recording_id = ?", (recording_id,)
            ).fetchall()
        return {path for (path,) in rows}

    # --- events -----------------------------------------------------------------------------------

    def append_event(
        self,
        type: EventType,
        data: dict[str, Any],
        along: Callable[[Connection, Event], None] | None = None,
    ) -> Event:
        """Log an event now; its id is the next of one global increasing sequence.

        `along` writes what must be stored with the event (the webhook outbox's rows) in the
        same transaction: both are stored, or neither. Appends run one at a time across every
        writer of the database, so ids commit in id order: a follower reading after an id
        never sees a smaller one commit later.
        """
        at = datetime.now(UTC)
        # Stored and returned as the same JSON, so a live event equals its replay.
        text = pydantic_core.to_json(data).decode()
        with self._transaction() as db:
            db.lock_events()
            event_id = db.insert(
                "INSERT INTO events (type, at, data) VALUES (?, ?, ?)", (type, _stamp(at), text)
            )
            event = Event(id=event_id, type=type, at=at, data=json.loads(text))
            if along is not None:
                along(db, event)
            db.event_appended(event_id)
        return event

    def events_after(self, after: int, limit: int = 500) -> list[Event]:
        """Up to `limit` events whose id is above `after`, in id order."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id, type, at, data FROM events WHERE id > ? ORDER BY id LIMIT ?",
                (after, limit),
            ).fetchall()
        return [
            Event(id=id_, type=type_, at=datetime.fromisoformat(at), data=json.loads(data))
            for id_, type_, at, data in rows
        ]

    def last_event_id(self) -> int:
        """The id of the newest event, 0 when there is none."""
        with self._transaction() as db:
            (last,) = db.execute("SELECT max(id) FROM events").fetchone()
        return int(last or 0)
