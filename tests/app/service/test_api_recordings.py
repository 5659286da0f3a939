"""Recordings through the real service and the real client: the files are what users would check."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av
import httpx
import pytest

from app.api.models import Recording
from app.client.client import RecDeskClient
from app.client.errors import AlreadyRecording, AlreadyStopped, InvalidRequest, RoomNotFound
from tests.helpers.service import ServiceProcess, run, wait_until


async def _state(api: RecDeskClient, rec_id: str, state: str) -> Recording | None:
    rec = await api.recording(rec_id)
    return rec if rec.state == state else None


def _media(service: ServiceProcess, rec: Recording) -> list[tuple[str | None, float, set[str]]]:
    """Each file as (stream id, duration, codecs), after opening it with PyAV."""
    found = []
    for f in rec.files:
        path = service.data_dir / f.path
        assert path.is_file(), path
        with av.open(str(path)) as container:
            codecs = {s.codec_context.name for s in container.streams}
            duration = float(container.duration or 0) / 1_000_000
        found.append((f.stream_id, duration, codecs))
    return sorted(found, key=lambda x: x[0] or "")


def test_single_stream_recording_with_pause_gives_a_file_per_stream(service: ServiceProcess):
    async def scenario() -> Recording:
        async with RecDeskClient(service.url) as api:
            rec = await api.start_recording(room_id="call", mode="single", folder="single")
            assert rec.state == "starting"
            await wait_until(lambda: _state(api, rec.id, "recording"))
            await asyncio.sleep(1.5)
            assert (await api.pause(rec.id)).state == "paused"
            await asyncio.sleep(1.0)
            assert (await api.resume(rec.id)).state == "recording"
            await asyncio.sleep(1.5)
            return await api.stop(rec.id)

    done = run(scenario())
    assert (done.state, done.reason) == ("completed", "stopped")
    media = _media(service, done)
    room = httpx.get(f"{service.url}/v1/rooms/call").json()
    assert [m[0] for m in media] == sorted(s["stream_id"] for s in room["streams"])
    for _, duration, codecs in media:
        assert codecs == {"h264", "aac"}
        # The pause is not in the file: it lasts what was recorded, within a group of pictures.
        assert abs(duration - done.elapsed) < 1.2, (duration, done.elapsed)
    assert all(f.path.startswith("recordings/single/") for f in done.files)


def test_a_stream_that_joins_gets_its_own_file_and_exclude_ends_one(service: ServiceProcess):
    room = httpx.get(f"{service.url}/v1/rooms/meeting").json()
    users = sorted({s["user_id"] for s in room["streams"]})
    late, dropped = users[0], users[1]
    httpx.post(f"{service.url}/v1/demo/rooms/meeting/users/{late}/leave").raise_for_status()

    async def scenario() -> Recording:
        async with RecDeskClient(service.url) as api:
            rec = await api.start_recording(room_id="meeting", stream_type="video")
            await wait_until(lambda: _state(api, rec.id, "recording"))
            async with httpx.AsyncClient() as http:
                joined = await http.post(f"{service.url}/v1/demo/rooms/meeting/users/{late}/join")
                joined.raise_for_status()
            await asyncio.sleep(1.5)
            changed = await api.set_streams(rec.id, exclude=[dropped])
            assert changed.exclude == [dropped]

            async def dropped_file() -> bool:
                files = (await api.recording(rec.id)).files
                return any(f.user_id == dropped for f in files)

            await wait_until(dropped_file)
            await asyncio.sleep(0.5)
            return await api.stop(rec.id)

    done = run(scenario())
    by_user = {f.user_id for f in done.files}
    assert by_user == set(users)
    for _, duration, codecs in _media(service, done):
        assert codecs == {"h264"}
        assert duration > 0.5


def test_mixed_recording_with_a_layout_change(service: ServiceProcess):
    async def scenario() -> Recording:
        async with RecDeskClient(service.url) as api:
            rec = await api.start_recording(room_id="class", mode="mixed", layout="grid")
            assert rec.layout is not None
            assert rec.layout.template == "grid"
            await wait_until(lambda: _state(api, rec.id, "recording"))
            await asyncio.sleep(1.0)
            smaller = {
                "version": 1,
                "template": "custom",
                "canvas": {"width": 640, "height": 360, "fps": 30},
                "regions": [],
            }
            with pytest.raises(InvalidRequest) as refused:
                await api.set_layout(rec.id, smaller)
            assert refused.value.number == 42202
            assert "640x360" not in refused.value.message
            assert "1280x720" in refused.value.message
            changed = await api.set_layout(rec.id, "speaker")
            assert changed.layout is not None
            assert changed.layout.template == "speaker"
            await asyncio.sleep(1.0)
            return await api.stop(rec.id)

    done = run(scenario())
    assert done.state == "completed"
    [(stream_id, duration, codecs)] = _media(service, done)
    assert stream_id is None
    assert codecs == {"h264", "aac"}
    assert duration > 1.0
    with av.open(str(service.data_dir / done.files[0].path)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == (1280, 720)


def test_seed_rules_duplicate_start_second_stop_unknown_room(service: ServiceProcess):
    async def scenario() -> None:
        async with RecDeskClient(service.url) as api:
            with pytest.raises(RoomNotFound) as unknown:
                await api.start_recording(room_id="nowhere")
            assert unknown.value.number == 40401
            rec = await api.start_recording(room_id="webinar", mode="mixed")
            with pytest.raises(AlreadyRecording) as twice:
                await api.start_recording(room_id="webinar", mode="mixed")
            assert twice.value.number == 40901
            await wait_until(lambda: _state(api, rec.id, "recording"))
            done = await api.stop(rec.id)
            assert done.state == "completed"
            with pytest.raises(AlreadyStopped) as again:
                await api.stop(rec.id)
            assert again.value.number == 40902

    run(scenario())


def test_files_are_found_by_name_and_downloaded_with_range(service: ServiceProcess, tmp_path: Path):
    async def scenario() -> tuple[Recording, Path]:
        async with RecDeskClient(service.url) as api:
            rec = await api.start_recording(
                room_id="podcast",
                stream_type="audio",
                format="m4a",
                name_rule="pod_{userid}_{part}",
            )
            await wait_until(lambda: _state(api, rec.id, "recording"))
            await asyncio.sleep(1.0)
            done = await api.stop(rec.id)
            found = await api.files(name="pod_")
            assert {f.file_id for f in done.files} <= {f.file_id for f in found.items}
            saved = await api.download(done.files[0].file_id, tmp_path / "copy.m4a")
            return done, saved

    done, saved = run(scenario())
    first = done.files[0]
    assert first.name.startswith("pod_")
    assert first.name.endswith("_001.m4a")
    original = service.data_dir / first.path
    assert saved.read_bytes() == original.read_bytes()
    ranged = httpx.get(
        f"{service.url}/v1/files/{first.file_id}",
        params={"download": 1},
        headers={"Range": "bytes=10-109"},
    )
    assert ranged.status_code == 206
    assert ranged.content == original.read_bytes()[10:110]


def test_max_duration_snapshots_and_filters(service: ServiceProcess):
    async def scenario() -> tuple[Recording, list[Recording]]:
        async with RecDeskClient(service.url) as api:
            rec = await api.start_recording(
                room_id="webinar",
                stream_type="video",
                max_duration_seconds=2,
                snapshot_seconds=1,
                folder="timed",
                user_data={"course": 7},
            )
            assert rec.user_data == '{"course":7}'

            async def ended() -> Recording | None:
                now = await api.recording(rec.id)
                return now if now.state == "completed" else None

            done = await wait_until(ended)
            listed = await api.recordings(room_id="webinar", state="completed")
            return done, listed.items

    done, listed = run(scenario())
    assert done.reason == "max-duration"
    assert done.id in {r.id for r in listed}
    assert all(r.room_id == "webinar" and r.state == "completed" for r in listed)
    for _, duration, _ in _media(service, done):
        assert abs(duration - 2.0) < 0.5
    snaps = list((service.data_dir / "recordings" / "timed").glob("*-snap-*.jpg"))
    assert len(snaps) >= 3  # the camera and the screen, at 0 s and 1 s at least
