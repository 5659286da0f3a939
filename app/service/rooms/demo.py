"""Six built-in demo rooms (`recdesk-server --demo`): generated media, played as live.

| id        | name         | people                                                   |
| --------- | ------------ | -------------------------------------------------------- |
| `call`    | 1:1 call     | 2 cameras                                                |
| `meeting` | Team meeting | 4 cameras                                                |
| `class`   | Class        | a teacher and 8 students, cameras                        |
| `webinar` | Webinar      | a host with a camera and a screen, a panelist's camera   |
| `podcast` | Podcast      | 3 hosts, sound only                                      |
| `empty`   | Empty room   | no one                                                   |

A stream's id is `USER-KIND` (`alice-camera`), the same each time its user joins. Its `uri` is the
generated file, played as a live file from the moment its user (re)joined (`epoch`).

`start` returns at once: the media is generated (or found from an earlier run, see `demo_media`)
in a worker thread, room by room, the small rooms first, and each room appears as soon as its own
files are ready: `room.updated`, then `stream.joined` for each stream. `empty` appears at once.

With churn on, people come and go on a cycle of `CHURN_PERIOD` seconds counted from when their room
appeared (someone leaves the meeting and comes back, a student is late for class). Every join
and rejoin happens a whole number of loops after the room appeared, so that the room's people
keep taking turns to talk. `join` and `leave` do the same on demand. Either reports `stream.joined`
or `stream.left` for each stream, then `room.updated`. The clock and the sleep are injectable, so
tests drive the churn without waiting for it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from app.api.errors import ApiError, ErrorCode
from app.service.rooms.base import LiveStream, OnChange, ProviderHealth, RoomChange, RoomState
from app.service.rooms.demo_media import (
    LOOP,
    GenerationCancelled,
    MediaFile,
    MediaInfo,
    Participant,
    generate,
    plan_room,
)

log = logging.getLogger(__name__)

CHURN_PERIOD = 10 * LOOP


@dataclass(frozen=True)
class ChurnStep:
    """Someone joins or leaves `at` seconds into each churn cycle of their room."""

    at: float
    user_id: str
    action: Literal["join", "leave"]


@dataclass(frozen=True)
class DemoRoom:
    """A demo room: who is in it, and how they come and go."""

    room_id: str
    name: str
    people: tuple[Participant, ...] = ()
    churn: tuple[ChurnStep, ...] = ()

    def late(self) -> frozenset[str]:
        """Who is not there when the room appears: those whose first step is a join."""
        first: dict[str, str] = {}
        for step in self.churn:
            first.setdefault(step.user_id, step.action)
        return frozenset(user for user, action in first.items() if action == "join")


def _cameras(*users: str) -> tuple[Participant, ...]:
    return tuple(Participant(user, ("camera",)) for user in users)


# In the order their media is generated: the rooms people try first are ready first.
DEMO_ROOMS: tuple[DemoRoom, ...] = (
    DemoRoom("call", "1:1 call", _cameras("alice", "bob")),
    DemoRoom(
        "meeting",
        "Team meeting",
        _cameras("carol", "dave", "erin", "frank"),
        (ChurnStep(4 * LOOP, "frank", "leave"), ChurnStep(6 * LOOP, "frank", "join")),
    ),
    DemoRoom(
        "class",
        "Class",
        # The teacher talks for a third of the time, the students take turns in the rest.
        (
            Participant("grace", ("camera",), share=4.0),
            *_cameras("heidi", "ivan", "judy", "ken", "liam", "mia", "noah", "olivia"),
        ),
        (ChurnStep(2 * LOOP, "olivia", "join"), ChurnStep(9 * LOOP, "olivia", "leave")),
    ),
    DemoRoom(
        "webinar",
        "Webinar",
        (Participant("peggy", ("camera", "screen"), share=2.0), Participant("quinn", ("camera",))),
        (ChurnStep(5 * LOOP, "quinn", "leave"), ChurnStep(8 * LOOP, "quinn", "join")),
    ),
    DemoRoom(
        "podcast",
        "Podcast",
        tuple(Participant(user, ("audio",)) for user in ("rita", "sam", "tess")),
    ),
    DemoRoom("empty", "Empty room"),
)


class DemoRooms:
    """The demo rooms, as a `RoomProvider`."""

    def __init__(
        self,
        media_dir: Path,
        *,
        name: str = "demo",
        churn: bool = True,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._media_dir = media_dir
        self._name = name
        self._churn = churn
        self._clock = clock
        self._sleep = sleep
        self._plans = {room.room_id: room for room in DEMO_ROOMS}
        self._files = {room.room_id: plan_room(room.room_id, room.people) for room in DEMO_ROOMS}
        self._media: dict[str, dict[str, MediaInfo]] = {}  # room → stream id → its file
        self._rooms: dict[str, RoomState] = {}
        self._on_change: OnChange = lambda change: None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cancel = threading.Event()
        self._generation: asyncio.Task[None] | None = None
        self._churners: list[asyncio.Task[None]] = []
        self._generated: list[str] = []
        self._failure: str | None = None
        self._stopped = False

    @property
    def generated(self) -> tuple[str, ...]:
        """The files this provider had to make (relative names); the others were reused."""
        return tuple(self._generated)

    def rooms(self) -> list[RoomState]:
        """The rooms that have appeared, in the order of `DEMO_ROOMS`."""
        return [self._rooms[r.room_id] for r in DEMO_ROOMS if r.room_id in self._rooms]

    def room(self, room_id: str) -> RoomState | None:
        """One room, or None (unknown, or its media not ready yet)."""
        return self._rooms.get(room_id)

    async def start(self, on_change: OnChange) -> None:
        """Show the rooms without media at once; generate the others' media in a thread."""
        if self._loop is not None:
            raise RuntimeError("the demo rooms have already started")
        self._on_change = on_change
        self._loop = asyncio.get_running_loop()
        for plan in DEMO_ROOMS:
            if not self._files[plan.room_id]:
                self._appear(plan.room_id, {})
        self._generation = asyncio.create_task(
            asyncio.to_thread(self._generate, self._loop), name="demo-media"
        )
        self._generation.add_done_callback(self._report_failure)

    async def ready(self) -> None:
        """Wait until every room has appeared; raise what stopped the generation, if anything."""
        if self._generation is None:
            raise RuntimeError("the demo rooms have not started")
        await asyncio.shield(self._generation)

    async def stop(self) -> None:
        """Stop the churn and the generation (at the next frame); nothing is left running."""
        self._stopped = True
        self._cancel.set()
        for task in self._churners:
            task.cancel()
        tasks = [*self._churners, *([self._generation] if self._generation else [])]
        await asyncio.gather(*tasks, return_exceptions=True)
        self._churners.clear()

    def health(self) -> list[ProviderHealth]:
        """Fine unless the media could not be generated; `rooms` counts those that have appeared."""
        return [
            ProviderHealth(
                self._name,
                "demo",
                ok=self._failure is None,
                rooms=len(self._rooms),
                error=self._failure,
            )
        ]

    def join(self, room_id: str, user_id: str) -> list[LiveStream]:
        """`user_id` joins `room_id` with all their streams; none if they are there already."""
        self._check(room_id, user_id)
        return self._join(room_id, user_id)

    def leave(self, room_id: str, user_id: str) -> list[LiveStream]:
        """`user_id` leaves `room_id`, with all their streams; none if they were not there."""
        self._check(room_id, user_id)
        return self._leave(room_id, user_id)

    # --- the generation thread --------------------------------------------------------------------

    def _generate(self, loop: asyncio.AbstractEventLoop) -> None:
        started = time.monotonic()
        count = 0
        try:
            for plan in DEMO_ROOMS:
                files = self._files[plan.room_id]
                if not files:
                    continue
                media: dict[str, MediaInfo] = {}
                for file, info, made in generate(
                    files, self._media_dir, cancelled=self._cancel.is_set
                ):
                    media[file.stream_id] = info
                    count += 1
                    if made:
                        self._generated.append(file.name)
                loop.call_soon_threadsafe(self._appear, plan.room_id, media)
        except GenerationCancelled:
            return
        log.info(
            "demo media in %s: %d files, %d generated, in %.1f s",
            self._media_dir,
            count,
            len(self._generated),
            time.monotonic() - started,
        )

    def _report_failure(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and (exc := task.exception()) is not None:
            self._failure = f"the demo media could not be generated: {exc}"
            log.error("the demo rooms' media could not be generated: %s", exc, exc_info=exc)

    # --- on the event loop ------------------------------------------------------------------------

    def _appear(self, room_id: str, media: dict[str, MediaInfo]) -> None:
        if self._stopped:
            return
        plan = self._plans[room_id]
        now = self._clock()
        self._media[room_id] = media
        room = RoomState(room_id, plan.name, created=_utc(now))
        self._rooms[room_id] = room
        late = plan.late() if self._churn else frozenset()
        for person in plan.people:
            if person.user_id not in late:
                room.streams.update((s.stream_id, s) for s in self._streams(room_id, person, now))
        self._emit(RoomChange("room.updated", room_id))
        for stream in list(room.streams.values()):
            self._emit(RoomChange("stream.joined", room_id, stream))
        if self._churn and plan.churn:
            task = asyncio.create_task(self._churn_room(plan, now), name=f"demo-churn-{room_id}")
            task.add_done_callback(self._report_churn_failure)
            self._churners.append(task)

    async def _churn_room(self, plan: DemoRoom, start: float) -> None:
        for cycle in itertools.count():
            for step in plan.churn:
                delay = start + cycle * CHURN_PERIOD + step.at - self._clock()
                if delay > 0:
                    await self._sleep(delay)
                if step.action == "join":
                    self._join(plan.room_id, step.user_id)
                else:
                    self._leave(plan.room_id, step.user_id)

    def _report_churn_failure(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("demo room churn stopped: %s", exc, exc_info=exc)

    def _check(self, room_id: str, user_id: str) -> None:
        plan = self._plans.get(room_id)
        if plan is None:
            raise ApiError(ErrorCode.room_not_found, f"no demo room is called {room_id!r}")
        if room_id not in self._rooms:
            raise ApiError(ErrorCode.unavailable, f"the {room_id} room's media is not ready yet")
        users = [p.user_id for p in plan.people]
        if user_id not in users:
            raise ApiError(
                ErrorCode.invalid_value,
                f"{user_id!r} is not one of the {room_id} room's people ({', '.join(users)})",
            )

    def _join(self, room_id: str, user_id: str) -> list[LiveStream]:
        room = self._rooms[room_id]
        if self._stopped or any(s.user_id == user_id for s in room.streams.values()):
            return []
        plan = self._plans[room_id]
        person = next(p for p in plan.people if p.user_id == user_id)
        joined = self._streams(room_id, person, self._clock())
        room.streams.update((s.stream_id, s) for s in joined)
        # Streams stay in the room's order of people, whoever joined last (`sorted` is stable).
        order = {p.user_id: i for i, p in enumerate(plan.people)}
        room.streams = dict(sorted(room.streams.items(), key=lambda item: order[item[1].user_id]))
        for stream in joined:
            self._emit(RoomChange("stream.joined", room_id, stream))
        self._emit(RoomChange("room.updated", room_id))
        return joined

    def _leave(self, room_id: str, user_id: str) -> list[LiveStream]:
        room = self._rooms[room_id]
        if self._stopped:
            return []
        left = [s for s in room.streams.values() if s.user_id == user_id]
        if not left:
            return []
        for stream in left:
            del room.streams[stream.stream_id]
        for stream in left:
            self._emit(RoomChange("stream.left", room_id, stream))
        self._emit(RoomChange("room.updated", room_id))
        return left

    def _streams(self, room_id: str, person: Participant, now: float) -> list[LiveStream]:
        """A person's streams, joining at `now`."""
        files: list[MediaFile] = [f for f in self._files[room_id] if f.user_id == person.user_id]
        return [_live(file, self._media[room_id][file.stream_id], now) for file in files]

    def _emit(self, change: RoomChange) -> None:
        self._on_change(change)


def _live(file: MediaFile, info: MediaInfo, now: float) -> LiveStream:
    return LiveStream(
        stream_id=file.stream_id,
        user_id=file.user_id,
        kind=file.kind,
        uri=str(info.path),
        since=_utc(now),
        live_file=True,
        epoch=now,
        media=info.media,
    )


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
