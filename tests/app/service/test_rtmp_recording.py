"""Recording rooms of a real nginx-rtmp server through a real `recdesk-server --config`.

The service reads the session nginx's stat page (one `rtmp` provider in its config file); the
test publishes the test clip as cameras and screens would, records the room single-stream and
mixed, lets the service's auto-record rule record a room that comes and goes, and opens the files
with PyAV. Each test publishes under a room name of its own.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from app.api.models import Recording
from app.client.client import RecDeskClient
from tests.helpers.media import FPS, HEIGHT, WIDTH, ClipSpec, decodes, make_clip, probe
from tests.helpers.rtmp import NginxRtmp, Publisher, publish_process
from tests.helpers.service import ServiceProcess, run, wait_until


async def _room_streams(service: ServiceProcess, room: str) -> list[str] | None:
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{service.url}/v1/rooms/{room}")
    if answer.status_code == 404:
        return None
    answer.raise_for_status()
    return sorted(s["stream_id"] for s in answer.json()["streams"])


async def _state(api: RecDeskClient, rec_id: str, state: str) -> Recording | None:
    rec = await api.recording(rec_id)
    return rec if rec.state == state else None


async def _record(api: RecDeskClient, room: str, mode: str, seconds: float) -> Recording:
    rec = await api.start_recording(room_id=room, mode=mode, folder=f"{room}-{mode}")
    await wait_until(lambda: _state(api, rec.id, "recording"))
    await asyncio.sleep(seconds)
    return await api.stop(rec.id)


def test_a_room_of_rtmp_publishers_is_recorded_single_and_mixed(
    rtmp_service: ServiceProcess,
    rtmp_server: NginxRtmp,
    publish: Callable[[str], Publisher],
    room: str,
) -> None:
    publish(rtmp_server.url(f"{room}__alice"))
    publish(rtmp_server.url(f"{room}__alice__screen", "studio"))

    async def scenario() -> tuple[Recording, Recording]:
        expected = ["alice", "alice-screen"]
        await wait_until(lambda: _streams_are(rtmp_service, room, expected))
        async with RecDeskClient(rtmp_service.url) as api:
            health = (await api.health()).providers
            assert [(p.name, p.kind, p.ok) for p in health] == [("nginx", "rtmp", True)]
            single = await _record(api, room, "single", 3.0)
            mixed = await _record(api, room, "mixed", 3.0)
        return single, mixed

    single, mixed = run(scenario())

    assert (single.state, single.reason) == ("completed", "stopped")
    assert sorted(f.stream_id or "" for f in single.files) == ["alice", "alice-screen"]
    for file in single.files:
        got = probe(rtmp_service.data_dir / file.path)
        assert got.codecs() == {"video": "h264", "audio": "aac"}
        assert (got.streams[0]["width"], got.streams[0]["height"]) == (WIDTH, HEIGHT)
        assert _lasts_about(got.media_duration(), single.elapsed)

    assert (mixed.state, mixed.reason) == ("completed", "stopped")
    [mix] = mixed.files
    assert mix.stream_id is None
    got = probe(rtmp_service.data_dir / mix.path)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert _lasts_about(got.media_duration(), mixed.elapsed)


def test_a_publisher_that_drops_and_comes_back_continues_the_same_recording(
    rtmp_service: ServiceProcess, rtmp_server: NginxRtmp, h264_aac: Path, room: str
) -> None:
    url = rtmp_server.url(f"{room}__bob")

    async def scenario() -> tuple[Recording, float]:
        first = await asyncio.to_thread(publish_process, h264_aac, url)
        try:
            await wait_until(lambda: _streams_are(rtmp_service, room, ["bob"]))
            async with RecDeskClient(rtmp_service.url) as api:
                rec = await api.start_recording(
                    room_id=room, mode="single", folder=f"{room}-back", max_idle_seconds=60
                )
                await wait_until(lambda: _state(api, rec.id, "recording"))
                began = time.monotonic()
                await asyncio.sleep(2.0)
                first.kill()
                first.wait()
                published = time.monotonic() - began
                # The room empties and goes; the recording waits for its people to come back.
                await wait_until(lambda: _streams_are(rtmp_service, room, None))
                assert (await api.recording(rec.id)).state == "recording"
                again = await asyncio.to_thread(publish_process, h264_aac, url)
                began = time.monotonic()
                try:
                    await wait_until(lambda: _streams_are(rtmp_service, room, ["bob"]))
                    await asyncio.sleep(3.0)
                    done = await api.stop(rec.id)
                    return done, published + time.monotonic() - began
                finally:
                    again.kill()
                    again.wait()
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()

    done, published = run(scenario())

    assert (done.state, done.reason) == ("completed", "stopped")
    # Back within max_idle_seconds with the same streams: the same file goes on, without the gap.
    [file] = [f for f in done.files if f.stream_id == "bob"]
    assert file.part in (None, 1), done.files
    path = rtmp_service.data_dir / file.path
    got = probe(path)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    # Both publishing periods, less the group of pictures each waited for (a keyframe a second),
    # plus what FFmpeg read while it probed the stream.
    assert published - 2.0 < got.media_duration() < published + 2.5, (got, published)
    # One timeline, without the seconds the publisher was away (its clip's laps are 0.1 s apart).
    times = sorted(p.pts for p in got.of("video") if p.pts is not None)
    gaps = [(a, b - a) for a, b in itertools.pairwise(times) if b - a > 2.5 / FPS]
    assert all(gap < 0.2 for _, gap in gaps), gaps
    assert decodes(path)["video"] >= len(times) - 2  # every picture decodes, to the end


def test_a_publisher_that_comes_back_with_another_size_starts_a_new_part(
    rtmp_service: ServiceProcess, rtmp_server: NginxRtmp, h264_aac: Path, clips: Path, room: str
) -> None:
    larger = make_clip(clips / "h264_aac_352.mp4", ClipSpec(width=352, height=288))
    url = rtmp_server.url(f"{room}__bob")

    async def scenario() -> Recording:
        first = await asyncio.to_thread(publish_process, h264_aac, url)
        try:
            await wait_until(lambda: _streams_are(rtmp_service, room, ["bob"]))
            async with RecDeskClient(rtmp_service.url) as api:
                rec = await api.start_recording(
                    room_id=room, mode="single", folder=f"{room}-size", max_idle_seconds=60
                )
                await wait_until(lambda: _state(api, rec.id, "recording"))
                await asyncio.sleep(1.5)
                first.kill()
                first.wait()
                await wait_until(lambda: _streams_are(rtmp_service, room, None))
                again = await asyncio.to_thread(publish_process, larger, url)
                try:
                    await wait_until(lambda: _streams_are(rtmp_service, room, ["bob"]))
                    await asyncio.sleep(2.5)
                    return await api.stop(rec.id)
                finally:
                    again.kill()
                    again.wait()
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()

    done = run(scenario())

    assert (done.state, done.reason) == ("completed", "stopped")
    files = sorted((f for f in done.files if f.stream_id == "bob"), key=lambda f: f.part or 0)
    # The files hold one size each: the publisher's new size goes on in part 2.
    assert [f.part for f in files] == [1, 2], done.files
    assert files[1].path == files[0].path.replace(".mp4", "-002.mp4")
    for file, size in zip(files, [(WIDTH, HEIGHT), (352, 288)], strict=True):
        path = rtmp_service.data_dir / file.path
        got = probe(path)
        assert got.codecs() == {"video": "h264", "audio": "aac"}
        assert (got.streams[0]["width"], got.streams[0]["height"]) == size
        assert got.media_duration() > 0.5
        assert decodes(path)["video"] > 0


def test_an_auto_record_rule_records_a_room_that_comes_and_goes(
    rtmp_service: ServiceProcess, rtmp_server: NginxRtmp, h264_aac: Path
) -> None:
    room = "auto" + secrets.token_hex(4)  # the service's rule records rooms named auto*
    url = rtmp_server.url(f"{room}__carol")

    async def ended(api: RecDeskClient, known: set[str]) -> Recording | None:
        recs = await api.all_recordings(room_id=room)
        done = [r for r in recs if r.id not in known and r.state in ("completed", "failed")]
        return done[0] if done else None

    async def publish_for(seconds: float, api: RecDeskClient, known: set[str]) -> Recording:
        publisher = await asyncio.to_thread(publish_process, h264_aac, url)
        try:
            await wait_until(lambda: _streams_are(rtmp_service, room, ["carol"]))
            await asyncio.sleep(seconds)
        finally:
            publisher.kill()
            publisher.wait()
        # The room empties; its recording stops once it has been empty for the preset's 1.5 s.
        return await wait_until(lambda: ended(api, known))

    async def scenario() -> tuple[Recording, Recording]:
        async with RecDeskClient(rtmp_service.url) as api:
            first = await publish_for(3.0, api, set())
            second = await publish_for(2.0, api, {first.id})
            return first, second

    first, second = run(scenario())

    for rec in (first, second):
        assert (rec.state, rec.reason) == ("completed", "idle")
        assert rec.tags == ["auto:auto"]
        assert rec.mode == "single"
        [file] = rec.files
        assert file.stream_id == "carol"
        got = probe(rtmp_service.data_dir / file.path)
        assert got.codecs() == {"video": "h264", "audio": "aac"}
        assert got.media_duration() > 1.0
    assert first.id != second.id  # it came back after the idle stop: a new recording


def _lasts_about(duration: float, elapsed: float) -> bool:
    """A file lasts what was recorded, within a group of pictures, plus what FFmpeg read while it
    probed the RTMP stream (about 1.3 s here): those packets are written at once, before the
    recording's clock starts with its first packet.
    """
    assert elapsed - 1.2 < duration < elapsed + 2.5, (duration, elapsed)
    return True


async def _streams_are(service: ServiceProcess, room: str, expected: list[str] | None) -> bool:
    return await _room_streams(service, room) == expected
