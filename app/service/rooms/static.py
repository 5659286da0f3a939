"""A provider with no rooms: the service without `--demo` until a media server is configured.

May import `app.service.rooms.base` and the standard library.
"""

from __future__ import annotations

from app.service.rooms.base import OnChange, RoomState


class NoRooms:
    """A `RoomProvider` that has no rooms."""

    def rooms(self) -> list[RoomState]:
        """None."""
        return []

    def room(self, room_id: str) -> RoomState | None:
        """None."""
        return None

    async def start(self, on_change: OnChange) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""
