"""Automatic recording rules through a real `recdesk-server --config FILE --demo`.

Demo rooms appear with everyone in (`--no-churn`), so a matching room is recorded as soon as it
appears; the tests then make people leave and come back through the demo routes, and check what
a user would: the task's settings and tag, its end, the files, opened with PyAV, and the
`autorecord.held` event an operator's stop leaves. Each test has a room of its own, so they do not
depend on one another's order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api.models import Recording
from app.client.client import RecDeskClient
from tests.helpers.media import probe
from tests.helpers.service import ServiceProcess, run, wait_until

# `call` records each person's sound, `webinar` a mix of pictures without sound; `meeting` is
# recorded too (for the operator's stop); `class` and `podcast` match no rule.
CONFIG = """
[presets.voice]
mode = "single"
stream_type = "audio"
format = "m4a"
folder = "auto"
max_idle_seconds = 1.5

[presets.picture]
mode = "mixed"
stream_type = "video"
format = "mp4"
layout = "grid"
max_idle_seconds = 20

[[auto_record]]
rooms = ["call", "meet*"]
preset = "voice"

[[auto_record]]
rooms = "web*"
preset = "picture"
"""

ROOMS = ("call", "meeting", "class", "webinar", "podcast")


@pytest.fixture(scope="module")
def auto_service(
    tmp_path_factory: pytest.TempPathFactory, demo_media: Path
) -> Iterator[ServiceProcess]:
    """A service of its own: its rules record demo rooms that other tests expect idle."""
    folder = tmp_path_factory.mktemp("autorecord")
    config = folder / "recdesk.toml"
    config.write_text(CONFIG)
    service = ServiceProcess(folder / "data", demo_media, "--config", str(config)).start()
    service.wait_rooms(*ROOMS)
    yield service
    service.stop()


async def _recordings(api: RecDeskClient, room_id: str) -> list[Recording]:
    """The room's recordings, oldest first."""
    return list(reversed(await api.all_recordings(room_id=room_id)))


async def _recording(api: RecDeskClient, room_id: str) -> Recording | None:
    """The room's newest recording once it records (the tests count them themselves)."""
    active = [r for r in await _recordings(api, room_id) if r.state == "recording"]
    return active[-1] if active else None


async def _ended(api: RecDeskClient, recording_id: str) -> Recording | None:
    rec = await api.recording(recording_id)
    return rec if rec.state in ("completed", "failed") else None


async def _people(service: ServiceProcess, room_id: str, action: str, *users: str) -> None:
    async with httpx.AsyncClient(base_url=service.url) as http:
        for user in users:
            answer = await http.post(f"/v1/demo/rooms/{room_id}/users/{user}/{action}")
            answer.raise_for_status()


async def _held(api: RecDeskClient, since: int, room_id: str) -> dict[str, Any]:
    """The data of the room's next `autorecord.held` event after event `since`."""
    async with aclosing(api.events(since)) as stream:
        async for event in stream:
            if event.type == "autorecord.held" and event.data["room_id"] == room_id:
                return event.data
    raise AssertionError("the event stream ended")


def _kinds(service: ServiceProcess, rec: Recording) -> list[dict[str, set[str]]]:
    """Each file's stream types and codecs, as PyAV reads them."""
    found = []
    for file in rec.files:
        streams = probe(service.data_dir / file.path).streams
        found.append(
            {
                "types": {str(s["type"]) for s in streams},
                "codecs": {str(s["codec"]) for s in streams},
            }
        )
    return found


def test_a_matching_room_is_recorded_with_its_preset_until_it_empties(
    auto_service: ServiceProcess,
) -> None:
    async def scenario() -> tuple[Recording, Recording]:
        async with RecDeskClient(auto_service.url) as api:
            first = await wait_until(lambda: _recording(api, "call"))
            assert (first.mode, first.stream_type, first.format) == ("single", "audio", "m4a")
            assert first.tags == ["auto:voice"]
            assert first.max_idle_seconds == 1.5
            await asyncio.sleep(1.5)  # something to record
            await _people(auto_service, "call", "leave", "alice", "bob")
            idle = await wait_until(lambda: _ended(api, first.id))
            assert [r.id for r in await _recordings(api, "call")] == [first.id]
            # The room is empty now; the next person to publish starts a new task.
            await _people(auto_service, "call", "join", "bob")
            second = await wait_until(lambda: _recording(api, "call"))
            assert [r.id for r in await _recordings(api, "call")] == [first.id, second.id]
            assert second.tags == ["auto:voice"]
            return idle, await api.stop(second.id)

    idle, second = run(scenario())
    assert (idle.state, idle.reason) == ("completed", "idle")
    assert sorted(f.user_id or "" for f in idle.files) == ["alice", "bob"]
    assert all(f.path.startswith("recordings/auto/") for f in idle.files)
    assert _kinds(auto_service, idle) == [{"types": {"audio"}, "codecs": {"aac"}}] * 2
    assert (second.state, second.reason) == ("completed", "stopped")
    assert [f.user_id for f in second.files] == ["bob"]


def test_rooms_that_match_no_rule_are_not_recorded(auto_service: ServiceProcess) -> None:
    async def scenario() -> None:
        async with RecDeskClient(auto_service.url) as api:
            await _people(auto_service, "podcast", "leave", "rita")
            await _people(auto_service, "podcast", "join", "rita")
            await _people(auto_service, "class", "leave", "heidi")
            await _people(auto_service, "class", "join", "heidi")
            # A matching room's start is decided before its join's answer; so would these be.
            assert await _recordings(api, "podcast") == []
            assert await _recordings(api, "class") == []

    run(scenario())


def test_a_publisher_back_within_the_idle_time_goes_on_in_the_same_task(
    auto_service: ServiceProcess,
) -> None:
    async def scenario() -> Recording:
        async with RecDeskClient(auto_service.url) as api:
            rec = await wait_until(lambda: _recording(api, "webinar"))
            assert (rec.mode, rec.stream_type, rec.format) == ("mixed", "video", "mp4")
            assert rec.tags == ["auto:picture"]
            await asyncio.sleep(1.0)
            # Everyone drops; one comes back well within the 20 s of idle time.
            await _people(auto_service, "webinar", "leave", "peggy", "quinn")
            await _people(auto_service, "webinar", "join", "quinn")
            await asyncio.sleep(1.0)
            assert [r.id for r in await _recordings(api, "webinar")] == [rec.id]
            assert (await api.recording(rec.id)).state == "recording"
            return await api.stop(rec.id)

    done = run(scenario())
    assert (done.state, done.reason) == ("completed", "stopped")
    assert _kinds(auto_service, done) == [{"types": {"video"}, "codecs": {"h264"}}]


def test_an_operator_stop_holds_until_the_room_empties(auto_service: ServiceProcess) -> None:
    room = httpx.get(f"{auto_service.url}/v1/rooms/meeting").json()
    users = sorted({s["user_id"] for s in room["streams"]})

    async def scenario() -> None:
        async with RecDeskClient(auto_service.url) as api:
            first = await wait_until(lambda: _recording(api, "meeting"))
            assert first.tags == ["auto:voice"]
            since = (await api.health()).last_event_id
            stopped = await api.stop(first.id)
            assert (stopped.state, stopped.reason) == ("completed", "stopped")
            held = await asyncio.wait_for(_held(api, since, "meeting"), 30)
            reason = f"{first.id} ended (completed: stopped)"
            assert held == {
                "room_id": "meeting",
                "preset": "voice",
                "reason": reason,
                "failed": False,
            }
            # People leave and come back, but the room never empties: the stop stands.
            await _people(auto_service, "meeting", "leave", users[0])
            await _people(auto_service, "meeting", "join", users[0])
            assert [r.id for r in await _recordings(api, "meeting")] == [first.id]
            # Once it has emptied, the next publisher is recorded again.
            await _people(auto_service, "meeting", "leave", *users)
            await _people(auto_service, "meeting", "join", users[1])
            again = await wait_until(lambda: _recording(api, "meeting"))
            recs = await _recordings(api, "meeting")
            assert [r.id for r in recs] == [first.id, again.id]
            await api.stop(again.id)

    run(scenario())


def test_after_a_restart_the_task_goes_on_and_none_is_added(
    tmp_path: Path, demo_media: Path
) -> None:
    config = tmp_path / "recdesk.toml"
    config.write_text(
        '[presets.voice]\nstream_type = "audio"\nformat = "m4a"\n\n'
        '[[auto_record]]\nrooms = "podcast"\npreset = "voice"\n'
    )
    service = ServiceProcess(tmp_path / "data", demo_media, "--config", str(config))

    async def goes_on(expected: str | None = None) -> Recording:
        async with RecDeskClient(service.url) as api:
            rec = await wait_until(lambda: _recording(api, "podcast"))
            assert expected is None or rec.id == expected
            assert len(await _recordings(api, "podcast")) == 1
            return rec

    try:
        service.start()
        first = run(goes_on())
        assert first.tags == ["auto:voice"]
        assert service.stop() == 0
        service.start()
        service.wait_rooms("podcast")
        run(goes_on(first.id))
        done = httpx.post(f"{service.url}/v1/recordings/{first.id}/stop", timeout=60).json()
        assert (done["state"], done["reason"]) == ("completed", "stopped")
        assert len(done["files"]) >= 3
    finally:
        service.stop()
