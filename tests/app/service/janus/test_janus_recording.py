"""Recording a Janus VideoRoom through a real service: single and mixed, formats, a publisher that
comes back, A/V sync read from the pictures and sound (in a mix, each tile against its own
publisher's sound), and no forwarder left behind."""

from __future__ import annotations

import asyncio
import statistics

import httpx
import pytest

from app.api.models import Recording
from app.client.client import RecDeskClient
from tests.app.service.janus.conftest import Publish
from tests.helpers.janus.lab import JanusLab
from tests.helpers.media import decodes, probe
from tests.helpers.service import ServiceProcess, run, wait_until
from tests.helpers.sync import Region, measure

pytestmark = pytest.mark.janus


async def _live(service: ServiceProcess, room: int, streams: list[str]) -> bool | None:
    """Whether the room has these streams now (none: it is not listed)."""
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{service.url}/v1/rooms/{room}")
    if answer.status_code == 404:
        return not streams or None
    answer.raise_for_status()
    return sorted(s["stream_id"] for s in answer.json()["streams"]) == streams or None


async def _state(api: RecDeskClient, rec_id: str, state: str) -> Recording | None:
    rec = await api.recording(rec_id)
    return rec if rec.state == state else None


async def _forwarders(lab: JanusLab, room: int, count: int) -> bool | None:
    return len(await asyncio.to_thread(lab.forwarders, room)) == count or None


async def _no_forwarders(lab: JanusLab, room: int) -> bool | None:
    return await _forwarders(lab, room, 0)


# Where each publisher's tile is in a two-person mix (left, top, right, bottom; alice joined
# first) and the pitch they beep at.
ALICE: tuple[Region, float] = ((0.0, 0.0, 0.5, 1.0), 1000.0)
BOB: tuple[Region, float] = ((0.5, 0.0, 1.0, 1.0), 1600.0)


def _lasts_about(duration: float, elapsed: float) -> bool:
    return elapsed - 1.0 <= duration <= elapsed + 0.5


def test_a_janus_room_is_recorded_single_and_mixed_in_sync(
    janus_service: ServiceProcess, janus_lab: JanusLab, janus_room: int, publish: Publish
) -> None:
    # Each at a pitch of their own, so that the mix's sound tells their beeps apart.
    publish(janus_room, "alice", "--tone", str(ALICE[1]))
    publish(janus_room, "bob", "--tone", str(BOB[1]))

    async def scenario() -> tuple[Recording, Recording]:
        await wait_until(lambda: _live(janus_service, janus_room, ["alice", "bob"]))
        async with RecDeskClient(janus_service.url) as api:
            single = await api.start_recording(room_id=str(janus_room), folder=f"j{janus_room}")
            mixed = await api.start_recording(
                room_id=str(janus_room), mode="mixed", folder=f"j{janus_room}"
            )
            for rec in (single, mixed):
                await wait_until(lambda rec=rec: _state(api, rec.id, "recording"))
            # Two recordings of two publishers, each with its sound and picture.
            await wait_until(lambda: _forwarders(janus_lab, janus_room, 8), timeout=15)
            await asyncio.sleep(4.0)
            single, mixed = await api.stop(single.id), await api.stop(mixed.id)
        await wait_until(lambda: _no_forwarders(janus_lab, janus_room), timeout=15)
        return single, mixed

    single, mixed = run(scenario())

    assert (single.state, single.format) == ("completed", "webm")
    assert sorted(f.stream_id or "" for f in single.files) == ["alice", "bob"]
    for file in single.files:
        path = janus_service.data_dir / file.path
        got = probe(path)
        assert path.suffix == ".webm"
        assert got.codecs() == {"video": "vp8", "audio": "opus"}
        assert _lasts_about(got.media_duration(), single.elapsed)
        assert decodes(path)["video"] >= 15 * (single.elapsed - 1.5)
        sync = measure(path)
        assert len(sync.offsets) >= 3, sync
        assert abs(sync.median) <= 0.1, sync

    assert (mixed.state, mixed.format) == ("completed", "mp4")
    [mix] = mixed.files
    path = janus_service.data_dir / mix.path
    assert probe(path).codecs() == {"video": "h264", "audio": "aac"}
    # Each tile's picture against its own publisher's sound.
    tiles = {tile: measure(path, region=tile[0], tone=tile[1]) for tile in (ALICE, BOB)}
    for sync in tiles.values():
        assert len(sync.offsets) >= 3, tiles
        assert abs(sync.median) <= 0.1, tiles
    # Both flash at the same wall-clock moments: the mix shows them together, each placed by when
    # its media arrived here, not by when FFmpeg first gave one of its packets after opening.
    alice, bob = tiles[ALICE].flashes, tiles[BOB].flashes
    apart = [min(abs(flash - other) for other in bob) for flash in alice]
    assert statistics.median(apart) <= 0.1, tiles


def test_a_format_that_cannot_hold_the_codec_is_refused_unless_reencoding(
    janus_service: ServiceProcess, janus_room: int, publish: Publish
) -> None:
    publish(janus_room, "dora")

    async def scenario() -> Recording:
        await wait_until(lambda: _live(janus_service, janus_room, ["dora"]))
        async with httpx.AsyncClient() as http:
            refused = await http.post(
                f"{janus_service.url}/v1/recordings",
                json={"room_id": str(janus_room), "format": "mp4"},
            )
        assert refused.status_code == 422
        assert refused.json()["code"] == 42210
        assert "dora's vp8 video" in refused.json()["message"]
        async with RecDeskClient(janus_service.url) as api:
            rec = await api.start_recording(
                room_id=str(janus_room), format="mp4", reencode=True, folder="re"
            )
            await wait_until(lambda: _state(api, rec.id, "recording"))
            await asyncio.sleep(2.0)
            return await api.stop(rec.id)

    rec = run(scenario())
    [file] = rec.files
    assert probe(janus_service.data_dir / file.path).codecs() == {"video": "h264", "audio": "opus"}


def test_a_publisher_who_comes_back_goes_on_in_the_same_file(
    janus_service: ServiceProcess, janus_lab: JanusLab, janus_room: int, publish: Publish
) -> None:
    first = publish(janus_room, "erin")

    async def scenario() -> Recording:
        await wait_until(lambda: _live(janus_service, janus_room, ["erin"]))
        async with RecDeskClient(janus_service.url) as api:
            rec = await api.start_recording(
                room_id=str(janus_room), folder="back", max_idle_seconds=20
            )
            await wait_until(lambda: _state(api, rec.id, "recording"))
            await asyncio.sleep(2.0)
            first.stop()
            await wait_until(lambda: _live(janus_service, janus_room, []))
            publish(janus_room, "erin")  # a new Janus id, the same person
            await wait_until(lambda: _live(janus_service, janus_room, ["erin"]))
            await asyncio.sleep(3.0)
            return await api.stop(rec.id)

    rec = run(scenario())
    [file] = rec.files  # one file: the timeline goes on without the gap
    path = janus_service.data_dir / file.path
    got = probe(path)
    assert got.codecs() == {"video": "vp8", "audio": "opus"}
    assert got.media_duration() >= 4.0
    assert decodes(path)["video"] >= 15 * 4.0
    sync = measure(path)  # before and after the return alike
    assert len(sync.offsets) >= 3, sync
    # One flash may pair with where the returning publisher's sound starts rather than with a
    # beep (its first beep cut, when it joins mid-beep): every other one is in sync.
    assert sorted(abs(offset) for offset in sync.offsets)[-2] <= 0.1, sync
    assert abs(sync.median) <= 0.04, sync
