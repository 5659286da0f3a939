"""What the task manager writes to the store: recordings, files and events, in order, retried.

The database refuses writes when its disk is full (SQLite's `database or disk is full`), or for a
moment when the disk fails or a PostgreSQL server is out of reach (`StoreRefused`). A recording
must not be lost for that, nor left active with no worker behind it: the manager holds the truth in
memory and writes it through `Records`. A write the store refuses is kept, with every write after
it (so they land in the order they were made), and tried again by `retry`, which the disk guard
calls at each of its looks, until the store takes them all. Meanwhile `overlay` shows a stored
recording as it will be once they are written: an answer never goes back in time because the store
is behind.

```
save(rec) · add_file(file) · publish(type, data) ──▶ store ──refused──▶ waiting (in order)
                                                           retry() ──▶ store, oldest first
```

Any other failure (a bug, a recording the store does not know) is raised as before.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from app.api.errors import ApiError
from app.api.models import EventType, RecordedFile, Recording, RecordingState
from app.service.store.errors import StoreRefused
from app.service.store.eventlog import Publisher
from app.service.store.store import Store

log = logging.getLogger(__name__)


def refused(exc: ApiError) -> bool:
    """Whether a store error is the database refusing a write for now (a full disk, I/O, a
    lock, a server out of reach)."""
    return isinstance(exc.__cause__, StoreRefused)


class Records:
    """The manager's writes; see the module docstring."""

    def __init__(self, store: Store, events: Publisher) -> None:
        self._store = store
        self._events = events
        self._waiting: deque[tuple[str, Callable[[], object]]] = deque()
        self._recordings: dict[str, Recording] = {}  # the newest unsaved copy of each
        self._files: dict[str, dict[str, RecordedFile]] = {}  # unsaved files by recording, id

    @property
    def waiting(self) -> int:
        """How many writes wait for the store."""
        return len(self._waiting)

    def save(self, rec: Recording) -> None:
        """Store a recording's record as it is now (its files apart)."""
        copy = rec.model_copy(deep=True)
        self._recordings[rec.id] = copy

        def write() -> None:
            self._store.update_recording(copy)
            if self._recordings.get(copy.id) is copy:
                del self._recordings[copy.id]

        self._write(f"recording {rec.id} ({rec.state})", write)

    def add_file(self, file: RecordedFile) -> None:
        """Store a finished file."""
        self._files.setdefault(file.recording_id, {})[file.file_id] = file

        def write() -> None:
            self._store.add_file(file)
            unsaved = self._files.get(file.recording_id, {})
            unsaved.pop(file.file_id, None)
            if not unsaved:
                self._files.pop(file.recording_id, None)

        self._write(f"file {file.path}", write)

    def publish(self, type: EventType, data: dict[str, Any]) -> None:
        """Store an event and wake its followers."""
        self._write(f"event {type}", lambda: self._events.publish(type, data))

    def state_changed(self, rec: Recording, previous: RecordingState | None) -> None:
        """Store a recording in its new state and publish the transition."""
        self.save(rec)
        self.publish_state(rec, previous)

    def publish_state(self, rec: Recording, previous: RecordingState | None) -> None:
        """Publish `recording.state` for the recording's state (with what it missed so far)."""
        self.publish(
            "recording.state",
            {
                "recording_id": rec.id,
                "room_id": rec.room_id,
                "mode": rec.mode,
                "state": rec.state,
                "previous": previous,
                "reason": rec.reason,
                "gaps": [gap.model_dump(mode="json") for gap in rec.gaps],
            },
        )

    def file_listed(self, file: RecordedFile) -> None:
        """Store a finished file and publish it as `recording.file`."""
        self.add_file(file)
        self.publish("recording.file", file.model_dump(mode="json"))

    def retry(self) -> bool:
        """Write what waits, oldest first; True once nothing waits."""
        count = len(self._waiting)
        while self._waiting:
            what, write = self._waiting[0]
            try:
                write()
            except ApiError as exc:
                if refused(exc):
                    return False
                log.exception("cannot store %s; it is dropped", what)
            self._waiting.popleft()
        if count:
            log.warning("stored the %d records the store had refused", count)
        return True

    def file_paths(self, recording_id: str) -> set[str]:
        """The paths of a recording's files, stored or waiting (relative to the data folder)."""
        waiting = {f.path for f in self._files.get(recording_id, {}).values()}
        return self._store.file_paths(recording_id) | waiting

    def overlay(self, rec: Recording) -> Recording:
        """A recording read from the store, with what waits to be written applied."""
        unsaved = self._recordings.get(rec.id)
        files = self._files.get(rec.id)
        if unsaved is None and not files:
            return rec
        base = rec if unsaved is None else unsaved.model_copy(deep=True)
        listed = {f.path for f in rec.files}
        extra = [f for f in (files or {}).values() if f.path not in listed]
        base.files = sorted([*rec.files, *extra], key=lambda f: (f.start, f.part, f.name))
        return base

    def _write(self, what: str, write: Callable[[], object]) -> None:
        if not self._waiting:
            try:
                write()
                return
            except ApiError as exc:
                if not refused(exc):
                    raise
                log.warning("the store refused %s; it is kept and tried again: %s", what, exc)
        self._waiting.append((what, write))
