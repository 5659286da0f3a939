"""A provider with no rooms: the service with neither `--demo` nor a provider in its `--config`."""

from __future__ import annotations

from app.service.rooms.base import OnChange, ProviderHealth, RoomState


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

    def health(self) -> list[ProviderHealth]:
        """Always fine."""
        return [ProviderHealth("none", "none", ok=True, rooms=0)]
