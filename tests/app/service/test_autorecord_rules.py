"""The automatic recorder's decisions, against a stand-in task manager and rooms held in memory.

The stand-ins keep the task manager's rules that the recorder relies on (one active recording per
room and mode, a 409 for a second one, `wait_ended`), and keep what it publishes; the real service
is exercised in `test_autorecord.py`.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from app.api.errors import ApiError, ErrorCode
from app.api.models import ACTIVE_STATES, EventType, Recording, RecordingCreate, RecordingState
from app.service.config import AutoRule, Preset
from app.service.recordings.autorecord import AutoRecorder, auto_tag
from app.service.recordings.formats import with_format
from app.service.rooms.base import LiveStream, RoomChange, RoomState
from tests.helpers.service import run


class Tasks:
    """The task manager as the recorder sees it."""

    def __init__(self) -> None:
        self.recs: dict[str, Recording] = {}
        self.created: list[RecordingCreate] = []
        self.refuse: ApiError | None = None
        self._ended: dict[str, asyncio.Event] = {}

    def active_ids(self, room_id: str) -> list[str]:
        return [
            r.id for r in self.recs.values() if r.room_id == room_id and r.state in ACTIVE_STATES
        ]

    def get(self, recording_id: str) -> Recording:
        return self.recs[recording_id]

    async def create(self, request: RecordingCreate) -> Recording:
        self.created.append(request)
        if self.refuse is not None:
            raise self.refuse
        for rec in self.recs.values():
            same = rec.room_id == request.room_id and rec.mode == request.mode
            if same and rec.state in ACTIVE_STATES:
                raise ApiError(ErrorCode.recording_active, f"{rec.id} records")
        rec = Recording(
            id="r_" + secrets.token_hex(4),
            state="recording",
            created=datetime.now(UTC),
            **with_format(request, []).model_dump(exclude={"layout"}),
        )
        self.recs[rec.id] = rec
        self._ended[rec.id] = asyncio.Event()
        return rec

    async def wait_ended(self, recording_id: str) -> Recording:
        await self._ended.setdefault(recording_id, asyncio.Event()).wait()
        return self.recs[recording_id]

    def end(self, recording_id: str, state: RecordingState, reason: str) -> None:
        self.recs[recording_id].state = state
        self.recs[recording_id].reason = reason
        self._ended.setdefault(recording_id, asyncio.Event()).set()

    def active(self, room_id: str) -> list[Recording]:
        return [self.recs[i] for i in self.active_ids(room_id)]


class Rooms:
    """Rooms whose people come and go when the test says so; each change reaches `listener`."""

    def __init__(self, *room_ids: str) -> None:
        self._rooms = {r: RoomState(r, r) for r in room_ids}
        self.listener: Callable[[RoomChange], None] = lambda change: None

    def rooms(self) -> list[RoomState]:
        return list(self._rooms.values())

    def room(self, room_id: str) -> RoomState | None:
        return self._rooms.get(room_id)

    def join(self, room_id: str, user_id: str) -> None:
        stream = LiveStream(f"{user_id}-camera", user_id, "camera", "x", datetime.now(UTC))
        self._rooms[room_id].streams[stream.stream_id] = stream
        self.listener(RoomChange("stream.joined", room_id, stream))

    def leave(self, room_id: str, user_id: str) -> None:
        stream = self._rooms[room_id].streams.pop(f"{user_id}-camera")
        self.listener(RoomChange("stream.left", room_id, stream))


class Events:
    """The event log as the recorder sees it: what was published, in order."""

    def __init__(self) -> None:
        self.published: list[tuple[EventType, dict[str, Any]]] = []

    def publish(self, type: EventType, data: dict[str, Any]) -> None:
        self.published.append((type, data))


PRESETS = {
    "talks": Preset("talks", {"mode": "mixed", "stream_type": "audio", "format": "m4a"}),
    "cams": Preset("cams", {"mode": "single", "stream_type": "video", "max_idle_seconds": 1}),
    "broken": Preset("broken", {"mode": "sideways"}),
}


def recorder(
    rooms: Rooms, tasks: Tasks, *rules: AutoRule, events: Events | None = None
) -> AutoRecorder:
    rules = rules or (AutoRule(("talk-*",), "talks"),)
    auto = AutoRecorder(rules, PRESETS, tasks, rooms, events or Events())
    rooms.listener = auto.room_changed
    return auto


async def settle() -> None:
    """Let the recorder's background steps run (they take no time: nothing here waits)."""
    for _ in range(5):
        await asyncio.sleep(0)


def scenario(body: Callable[[], Awaitable[None]]) -> None:
    run(body())


def test_a_matching_room_is_recorded_with_its_preset_and_tag_when_someone_publishes() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1", "lobby"), Tasks()
        auto = recorder(rooms, tasks)
        await auto.start()
        await settle()
        assert tasks.created == []  # nobody publishes yet
        rooms.join("lobby", "ann")
        rooms.join("talk-1", "ann")
        rooms.join("talk-1", "bob")
        await settle()
        (created,) = tasks.created
        assert (created.room_id, created.mode, created.stream_type, created.format) == (
            "talk-1",
            "mixed",
            "audio",
            "m4a",
        )
        assert created.tags == [auto_tag("talks")]
        assert tasks.active("lobby") == []
        await auto.stop()

    scenario(body)


def test_the_first_matching_rule_wins() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1"), Tasks()
        auto = recorder(rooms, tasks, AutoRule(("talk-1",), "cams"), AutoRule(("talk-*",), "talks"))
        rooms.join("talk-1", "ann")
        await settle()
        assert [(c.mode, c.tags) for c in tasks.created] == [("single", ["auto:cams"])]
        await auto.stop()

    scenario(body)


def test_joins_and_leaves_while_it_records_start_nothing_more() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1"), Tasks()
        auto = recorder(rooms, tasks)
        rooms.join("talk-1", "ann")
        await settle()
        rooms.leave("talk-1", "ann")  # the task manager's idle timer runs now, not ours
        rooms.join("talk-1", "ann")
        rooms.join("talk-1", "bob")
        await settle()
        assert len(tasks.created) == 1
        await auto.stop()

    scenario(body)


def test_after_an_idle_end_the_next_publisher_gets_a_new_task() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1"), Tasks()
        auto = recorder(rooms, tasks)
        rooms.join("talk-1", "ann")
        await settle()
        rooms.leave("talk-1", "ann")
        (first,) = tasks.active("talk-1")
        tasks.end(first.id, "completed", "idle")
        await settle()
        assert tasks.active("talk-1") == []  # an empty room gets nothing
        rooms.join("talk-1", "bob")
        await settle()
        (second,) = tasks.active("talk-1")
        assert second.id != first.id
        await auto.stop()

    scenario(body)


def test_someone_back_while_the_idle_task_stops_gets_a_new_task_at_once() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1"), Tasks()
        auto = recorder(rooms, tasks)
        rooms.join("talk-1", "ann")
        await settle()
        rooms.leave("talk-1", "ann")
        (first,) = tasks.active("talk-1")
        first.state = "stopping"  # the idle stop is under way when ann comes back
        rooms.join("talk-1", "ann")
        await settle()
        assert len(tasks.created) == 1
        tasks.end(first.id, "completed", "idle")
        await settle()
        (second,) = tasks.active("talk-1")
        assert second.id != first.id
        await auto.stop()

    scenario(body)


def test_an_operator_stop_holds_the_room_until_it_empties() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1"), Tasks()
        auto = recorder(rooms, tasks)
        rooms.join("talk-1", "ann")
        rooms.join("talk-1", "bob")
        await settle()
        (first,) = tasks.active("talk-1")
        tasks.end(first.id, "completed", "stopped")
        await settle()
        assert auto.held("talk-1") is not None
        rooms.join("talk-1", "cat")
        rooms.leave("talk-1", "ann")
        await settle()
        assert tasks.active("talk-1") == []  # bob and cat are still there: not undone
        rooms.leave("talk-1", "bob")
        rooms.leave("talk-1", "cat")
        await settle()
        assert auto.held("talk-1") is None
        rooms.join("talk-1", "ann")
        await settle()
        assert len(tasks.active("talk-1")) == 1
        assert len(tasks.created) == 2
        await auto.stop()

    scenario(body)


def test_a_stop_after_the_room_emptied_holds_nothing() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1"), Tasks()
        auto = recorder(rooms, tasks)
        rooms.join("talk-1", "ann")
        await settle()
        rooms.leave("talk-1", "ann")
        (first,) = tasks.active("talk-1")
        tasks.end(first.id, "completed", "stopped")  # stopped by hand while it waited as idle
        await settle()
        assert auto.held("talk-1") is None
        rooms.join("talk-1", "bob")
        await settle()
        assert len(tasks.active("talk-1")) == 1
        await auto.stop()

    scenario(body)


@pytest.mark.parametrize(
    ("state", "reason"), [("failed", "worker crashed"), ("completed", "max-duration")]
)
def test_other_ends_while_people_stay_are_not_restarted(state: RecordingState, reason: str) -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1"), Tasks()
        auto = recorder(rooms, tasks)
        rooms.join("talk-1", "ann")
        await settle()
        (first,) = tasks.active("talk-1")
        tasks.end(first.id, state, reason)
        rooms.join("talk-1", "bob")
        await settle()
        assert len(tasks.created) == 1
        assert reason in (auto.held("talk-1") or "")
        await auto.stop()

    scenario(body)


def test_a_refused_start_is_not_retried_until_the_room_empties() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1"), Tasks()
        auto = recorder(rooms, tasks)
        tasks.refuse = ApiError(ErrorCode.room_not_found, "no room")
        rooms.join("talk-1", "ann")
        await settle()
        rooms.join("talk-1", "bob")
        await settle()
        assert len(tasks.created) == 1
        assert "room_not_found" in (auto.held("talk-1") or "")
        tasks.refuse = None
        rooms.leave("talk-1", "ann")
        rooms.leave("talk-1", "bob")
        rooms.join("talk-1", "ann")
        await settle()
        assert len(tasks.active("talk-1")) == 1
        await auto.stop()

    scenario(body)


def test_a_preset_that_does_not_fit_is_reported_and_held() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("cam-1"), Tasks()
        auto = recorder(rooms, tasks, AutoRule(("cam-*",), "broken"))
        rooms.join("cam-1", "ann")
        await settle()
        rooms.join("cam-1", "bob")
        await settle()
        assert tasks.created == []
        assert "does not fit" in (auto.held("cam-1") or "")
        await auto.stop()

    scenario(body)


def test_a_recording_started_by_hand_in_the_same_mode_is_left_alone() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1"), Tasks()
        auto = recorder(rooms, tasks)
        rooms.join("talk-1", "ann")
        await settle()
        (auto_rec,) = tasks.active("talk-1")
        tasks.end(auto_rec.id, "completed", "idle")
        rooms.leave("talk-1", "ann")
        await settle()
        manual = await tasks.create(RecordingCreate(room_id="talk-1", mode="mixed"))
        rooms.join("talk-1", "bob")
        await settle()
        assert tasks.active("talk-1") == [manual]
        tasks.end(manual.id, "completed", "stopped")
        rooms.join("talk-1", "cat")
        await settle()
        assert tasks.active("talk-1") == []  # the room has not emptied since
        await auto.stop()

    scenario(body)


def test_after_a_restart_it_follows_its_own_task_and_starts_no_duplicate() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1", "talk-2"), Tasks()
        rooms.join("talk-1", "ann")
        rooms.join("talk-2", "bob")
        # Left active by the previous run: an auto task in talk-1, a manual one in talk-2.
        mine = await tasks.create(
            RecordingCreate(room_id="talk-1", mode="mixed", tags=[auto_tag("talks")])
        )
        theirs = await tasks.create(RecordingCreate(room_id="talk-2", mode="mixed"))
        auto = recorder(rooms, tasks)
        await auto.start()
        await settle()
        assert len(tasks.created) == 2
        assert auto.held("talk-1") is None
        assert theirs.id in (auto.held("talk-2") or "")
        tasks.end(mine.id, "completed", "idle")  # ann is still there
        await settle()
        (new,) = tasks.active("talk-1")
        assert new.id != mine.id
        await auto.stop()

    scenario(body)


def test_stop_cancels_a_start_under_way_and_ignores_later_changes() -> None:
    async def body() -> None:
        rooms, tasks = Rooms("talk-1"), Tasks()
        auto = recorder(rooms, tasks)
        rooms.join("talk-1", "ann")  # its create is scheduled, not yet run
        await auto.stop()
        rooms.join("talk-1", "bob")
        await settle()
        assert tasks.created == []

    scenario(body)


def test_rules_must_name_existing_presets() -> None:
    with pytest.raises(ValueError, match="nope"):
        AutoRecorder([AutoRule(("*",), "nope")], PRESETS, Tasks(), Rooms(), Events())


def test_a_live_room_held_is_published_once_and_an_empty_one_not_at_all() -> None:
    async def body() -> None:
        rooms, tasks, events = Rooms("talk-1", "talk-2", "talk-3"), Tasks(), Events()
        auto = recorder(rooms, tasks, events=events)
        tasks.refuse = ApiError(ErrorCode.internal, "disk full")
        rooms.join("talk-1", "ann")
        await settle()
        rooms.join("talk-1", "bob")  # held already: nothing more
        await settle()
        tasks.refuse = None
        manual = await tasks.create(RecordingCreate(room_id="talk-2", mode="mixed"))
        rooms.join("talk-2", "cat")
        await settle()
        rooms.join("talk-3", "dan")
        await settle()
        rooms.leave("talk-3", "dan")
        (idle,) = tasks.active("talk-3")
        tasks.end(idle.id, "completed", "stopped")  # the room is empty: nothing to hold
        await settle()
        assert [type for type, _ in events.published] == ["autorecord.held"] * 2
        refused, by_hand = (data for _, data in events.published)
        reason = "the start was refused: internal: disk full"
        assert refused == {"room_id": "talk-1", "preset": "talks", "reason": reason, "failed": True}
        reason = f"already recorded in mixed mode by {manual.id}"
        assert by_hand == {
            "room_id": "talk-2",
            "preset": "talks",
            "reason": reason,
            "failed": False,
        }
        await auto.stop()

    scenario(body)
