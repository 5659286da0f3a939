"""Rooms as the service shows them: the demo rooms, their pictures, their live streams, the docs."""

from __future__ import annotations

import io

import av
import httpx

from app.client.client import RecDeskClient
from tests.helpers.service import ServiceProcess, run


def test_six_demo_rooms_with_their_streams(service: ServiceProcess):
    async def scenario():
        async with RecDeskClient(service.url) as api:
            return await api.all_rooms()

    rooms = {r.room_id: r for r in run(scenario())}
    assert set(rooms) == {"call", "meeting", "class", "webinar", "podcast", "empty"}
    assert not rooms["empty"].live
    kinds = {r: sorted(s.kind for s in rooms[r].streams) for r in rooms}
    assert kinds["webinar"].count("screen") == 1
    assert set(kinds["podcast"]) == {"audio"}
    assert len(kinds["class"]) == 9
    for room in rooms.values():
        ids = [s.stream_id for s in room.streams]
        assert len(ids) == len(set(ids))
        for stream in room.streams:
            if stream.kind != "audio":
                assert stream.codec == "h264"
                assert stream.width
                assert stream.fps


def test_snapshot_preview_and_live_restream(service: ServiceProcess):
    room = httpx.get(f"{service.url}/v1/rooms/meeting").json()
    stream = room["streams"][0]
    base = f"{service.url}/v1/rooms/meeting/streams/{stream['stream_id']}"
    picture = httpx.get(f"{base}/snapshot", timeout=20)
    assert picture.headers["content-type"] == "image/jpeg"
    with av.open(io.BytesIO(picture.content)) as jpeg:
        frame = next(jpeg.decode(video=0))
        assert (frame.width, frame.height) == (stream["width"], stream["height"])
    preview = httpx.post(
        f"{service.url}/v1/layouts/preview",
        json={"room_id": "meeting", "layout": "grid"},
        timeout=30,
    )
    assert preview.status_code == 200, preview.text
    with av.open(io.BytesIO(preview.content)) as jpeg:
        frame = next(jpeg.decode(video=0))
        assert (frame.width, frame.height) == (1280, 720)
    data = bytearray()
    with httpx.stream("GET", f"{base}/live", timeout=20) as live:
        assert live.headers["content-type"] == "video/mp2t"
        for chunk in live.iter_bytes():
            data += chunk
            if len(data) > 200_000:
                break
    with av.open(io.BytesIO(bytes(data)), format="mpegts") as ts:
        assert {s.type for s in ts.streams} >= {"video"}


def test_docs_work_offline_and_health(service: ServiceProcess):
    docs = httpx.get(f"{service.url}/docs")
    assert docs.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert httpx.get(f"{service.url}/docs-assets/swagger-ui-bundle.js").status_code == 200
    spec = httpx.get(f"{service.url}/openapi.json").json()
    assert "/v1/recordings/{recording_id}/stop" in spec["paths"]
    health = httpx.get(f"{service.url}/v1/health").json()
    assert health["free_bytes"] > 0
    assert health["version"]
