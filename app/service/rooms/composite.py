"""Several room providers as one (`Providers`): the rooms of each, in the order they are given.

The service runs one provider per `[[providers]]` table of its config (`app.service.config`),
and `--demo` adds the demo rooms. Room ids stay unique across them: the config refuses two providers
that could name the same room (at most one without a `room_prefix`, no prefix the start of
another), and at run time a room belongs to the first provider that showed it. The same id from
another provider meanwhile is ignored, its changes too, until that provider's room has gone; it is
logged once, and that provider's health says so (`ok` false) while it lasts.

A provider that fails to start leaves the others running; its health says why. `stop` stops
them all, whatever happened before.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections.abc import Sequence
from typing import TypeVar

from app.service.rooms.base import OnChange, ProviderHealth, RoomChange, RoomProvider, RoomState

log = logging.getLogger(__name__)

T = TypeVar("T")


class Providers:
    """A `RoomProvider` over several."""

    def __init__(self, providers: Sequence[RoomProvider]) -> None:
        self._providers = tuple(providers)
        # room id → the provider it belongs (or last belonged) to; ids are few and short: kept
        self._owners: dict[str, int] = {}
        self._shadowed: dict[str, set[int]] = {}  # room id → providers whose room is ignored
        self._failed: dict[int, str] = {}  # index → why its start failed
        self._on_change: OnChange = lambda change: None

    @property
    def providers(self) -> tuple[RoomProvider, ...]:
        """The providers, in order."""
        return self._providers

    def find(self, kind: type[T]) -> T | None:
        """The first provider of this class (looking inside nested composites), or None."""
        for provider in self._providers:
            if (found := find_provider(provider, kind)) is not None:
                return found
        return None

    def rooms(self) -> list[RoomState]:
        """Each provider's rooms in turn, without those another provider already has."""
        return [
            room
            for index, provider in enumerate(self._providers)
            for room in provider.rooms()
            if self._owner(room.room_id) == index
        ]

    def room(self, room_id: str) -> RoomState | None:
        """The room from the provider it belongs to, or None."""
        index = self._owner(room_id)
        return None if index is None else self._providers[index].room(room_id)

    async def start(self, on_change: OnChange) -> None:
        """Start each provider; one that fails is logged and reported by `health`."""
        self._on_change = on_change
        for index, provider in enumerate(self._providers):
            try:
                await provider.start(functools.partial(self._changed, index))
            except Exception as exc:
                self._failed[index] = f"did not start: {exc}"
                log.exception("room provider %s did not start", self._name(index))

    async def stop(self) -> None:
        """Stop every provider, each whatever the others do."""
        results = await asyncio.gather(
            *(provider.stop() for provider in self._providers), return_exceptions=True
        )
        for index, result in enumerate(results):
            if isinstance(result, Exception):
                log.error("room provider %s did not stop cleanly: %s", self._name(index), result)

    def health(self) -> list[ProviderHealth]:
        """Every provider's health, in order, with failed starts and ignored rooms added."""
        every: list[ProviderHealth] = []
        for index, provider in enumerate(self._providers):
            entries = _health(provider, index)
            ignored = [r.room_id for r in provider.rooms() if self._owner(r.room_id) != index]
            problems = [self._failed[index]] if index in self._failed else []
            if ignored:
                names = ", ".join(repr(room_id) for room_id in ignored)
                problems.append(
                    f"rooms another provider already has are ignored here: {names} "
                    "(give this provider a room_prefix)"
                )
            if not problems:
                every += entries
                continue
            for entry in entries:
                error = "; ".join([*problems, *([entry.error] if entry.error else [])])
                rooms = entry.rooms - len(ignored) if len(entries) == 1 else entry.rooms
                every.append(dataclasses.replace(entry, ok=False, error=error, rooms=max(0, rooms)))
        return every

    # --- room ownership ---------------------------------------------------------------------------

    def _owner(self, room_id: str) -> int | None:
        """The index of the provider whose room `room_id` is now, or None.

        A room belongs to the first provider that showed it. Another that shows the same id
        meanwhile is shadowed: its room stays ignored until it has gone from that provider, even
        if the owner's goes first, so no recording ever sees streams of two providers' rooms.
        """
        having = {i for i, p in enumerate(self._providers) if p.room(room_id) is not None}
        shadowed = self._shadowed.pop(room_id, set()) & having
        owner = self._owners.get(room_id)
        if owner not in having:
            free = sorted(having - shadowed)
            if free:
                owner = self._owners[room_id] = free[0]
        for index in sorted(having - shadowed - {owner}):
            log.warning(
                "room %r of provider %s is ignored until it has gone: provider %s had it first",
                room_id,
                self._name(index),
                "?" if owner is None else self._name(owner),
            )
        if shadowed := shadowed | (having - {owner}):
            self._shadowed[room_id] = shadowed
        return owner if owner in having else None

    def _changed(self, index: int, change: RoomChange) -> None:
        owner = self._owner(change.room_id)
        # The room has gone from its owner: the owner's last changes (who left) still count.
        if owner == index or (owner is None and self._owners.get(change.room_id) == index):
            self._on_change(change)

    def _name(self, index: int) -> str:
        entries = _health(self._providers[index], index)
        return entries[0].name if entries else f"#{index + 1}"


def _health(provider: RoomProvider, index: int) -> list[ProviderHealth]:
    # A provider's health must never take the health page down with it.
    try:
        return provider.health()
    except Exception as exc:
        log.exception("room provider #%d could not say how it is", index + 1)
        kind = type(provider).__name__
        return [ProviderHealth(f"#{index + 1}", kind, ok=False, rooms=0, error=f"health: {exc}")]


def find_provider(rooms: RoomProvider, kind: type[T]) -> T | None:
    """`rooms` itself if it is a `kind`, or the first `kind` inside it if it is a `Providers`."""
    if isinstance(rooms, kind):
        return rooms
    if isinstance(rooms, Providers):
        return rooms.find(kind)
    return None
