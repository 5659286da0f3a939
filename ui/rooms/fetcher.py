"""Re-reading rooms when their events say they changed, one read per room at a time.

A join or a leave arrives as a burst (`stream.joined` for each stream, then `room.updated`), so
reading the room once per event would send several identical requests. `RoomFetcher` keeps at
most one read per room in flight and, if more events came meanwhile, reads it once more when that
one answers, so the last read always starts after the last event.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Signal

from app.api.models import Event, Room
from app.client.errors import RoomNotFound
from ui.common.operations import Operations
from ui.connection.connection import Connection

# The events that change what a room shows: its streams, whether it is live, its recordings.
ROOM_EVENTS = frozenset({"room.updated", "stream.joined", "stream.left", "recording.state"})


def changed_room(event: Event) -> str | None:
    """The id of the room an event changed, or None if it changed no room."""
    if event.type not in ROOM_EVENTS:
        return None
    room_id = event.data.get("room_id")
    return room_id if isinstance(room_id, str) and room_id else None


class RoomFetcher(QObject):
    """Reads rooms on request: `fetched(Room)` with the answer, `gone(room_id)` if it has closed."""

    fetched = Signal(object)  # Room
    gone = Signal(str)

    def __init__(
        self, connection: Connection, operations: Operations, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._operations = operations
        self._in_flight: set[str] = set()
        self._again: set[str] = set()

    def request(self, room_id: str) -> None:
        """Read `room_id` now, or once more after the read already in flight."""
        if room_id in self._in_flight:
            self._again.add(room_id)
            return
        self._in_flight.add(room_id)
        self._operations.run(
            self._read(room_id),
            on_done=partial(self._answered, room_id),
            on_error=partial(self._failed, room_id),
        )

    def busy(self) -> bool:
        """Whether a read is in flight."""
        return bool(self._in_flight)

    async def _read(self, room_id: str) -> Room | None:
        try:
            return await self._connection.client.room(room_id)
        except RoomNotFound:
            # A room that closed is news for the views, not a failure for the operator.
            return None

    def _answered(self, room_id: str, room: Room | None) -> None:
        self._in_flight.discard(room_id)
        if room is None:
            self.gone.emit(room_id)
        else:
            self.fetched.emit(room)
        if room_id in self._again:
            self._again.discard(room_id)
            self.request(room_id)

    def _failed(self, room_id: str, error: BaseException) -> None:
        # Operations has told the operator; the next event for the room tries again.
        self._in_flight.discard(room_id)
        self._again.discard(room_id)
