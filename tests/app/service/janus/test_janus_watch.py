"""Watching a Janus room as the desktop does: a stream's picture now, the stream re-served live
(Matroska, as neither MPEG-TS nor FLV carries VP8 and Opus) and recorded by the desktop's local
recorder, and a pause that the recording comes back from with its picture."""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path

import av
import httpx
import pytest

from app.api.models import Recording
from app.client.client import RecDeskClient
from app.media.local import LocalInput, LocalRecorder, LocalSpec
from tests.app.service.janus.conftest import Publish
from tests.app.service.janus.test_janus_recording import _live, _no_forwarders, _state
from tests.helpers.janus.lab import JanusLab
from tests.helpers.media import probe
from tests.helpers.service import ServiceProcess, run, wait_until
from tests.helpers.sync import measure
from ui.local.choices import live_url

pytestmark = pytest.mark.janus


def test_a_janus_stream_has_a_picture_and_plays_live(
    janus_service: ServiceProcess, janus_lab: JanusLab, janus_room: int, publish: Publish
) -> None:
    publish(janus_room, "jill")
    publish(janus_room, "joe", "--screen")

    async def scenario() -> tuple[bytes, bytes, str]:
        await wait_until(lambda: _live(janus_service, janus_room, ["jill", "joe-screen"]))
        base = f"{janus_service.url}/v1/rooms/{janus_room}/streams/jill"
        async with httpx.AsyncClient(timeout=30) as http:
            snapshot = await http.get(f"{base}/snapshot")
            snapshot.raise_for_status()
            # The layout editor's exact preview: both pictures, side by side.
            preview = await http.post(
                f"{janus_service.url}/v1/layouts/preview",
                json={"room_id": str(janus_room), "layout": "grid"},
            )
            preview.raise_for_status()
            with av.open(io.BytesIO(preview.content)) as picture:
                grid = next(picture.decode(video=0)).to_ndarray(format="gray")
            width = grid.shape[1]
            halves = grid[:, : width // 2], grid[:, width // 2 :]
            # The camera is dark grey, the screen light grey: each half shows its own picture.
            assert halves[0].mean() < halves[1].mean() - 40, [h.mean() for h in halves]
            live = bytearray()
            async with http.stream("GET", f"{base}/live") as answer:
                answer.raise_for_status()
                kind = answer.headers["content-type"]
                async for chunk in answer.aiter_bytes():
                    live += chunk
                    if len(live) > 60_000:
                        break
        await wait_until(lambda: _no_forwarders(janus_lab, janus_room), timeout=15)
        return snapshot.content, bytes(live), kind

    jpeg, live, kind = run(scenario())
    with av.open(io.BytesIO(jpeg)) as picture:
        frame = next(picture.decode(video=0))
        assert (frame.width, frame.height) == (320, 240)
    assert kind == "video/x-matroska"
    with av.open(io.BytesIO(live)) as played:
        codecs = {s.type: s.codec_context.name for s in played.streams}
        assert codecs == {"video": "vp8", "audio": "opus"}
        assert sum(1 for _ in played.decode(video=0)) >= 5


def test_a_paused_janus_recording_resumes_with_its_picture(
    janus_service: ServiceProcess, janus_room: int, publish: Publish
) -> None:
    publish(janus_room, "kim")

    async def scenario() -> Recording:
        await wait_until(lambda: _live(janus_service, janus_room, ["kim"]))
        async with RecDeskClient(janus_service.url) as api:
            rec = await api.start_recording(room_id=str(janus_room), folder="pause")
            await wait_until(lambda: _state(api, rec.id, "recording"))
            await asyncio.sleep(2.0)
            await api.pause(rec.id)
            await asyncio.sleep(2.5)
            await api.resume(rec.id)
            await asyncio.sleep(2.5)
            return await api.stop(rec.id)

    rec = run(scenario())
    [file] = rec.files
    got = probe(janus_service.data_dir / file.path)
    # Two stretches of about 2 s and 2.5 s on one timeline: the picture came back at once, in
    # step with the sound.
    video = got.end("video") - got.start("video")
    assert video >= 4.0, video
    sync = measure(janus_service.data_dir / file.path)
    assert len(sync.offsets) >= 3, sync
    assert abs(sync.median) <= 0.1, sync


def test_the_desktop_records_a_janus_participant(
    janus_service: ServiceProcess, janus_room: int, publish: Publish, tmp_path: Path
) -> None:
    publish(janus_room, "lena")
    run(wait_until(lambda: _live(janus_service, janus_room, ["lena"])))
    url = live_url(janus_service.url, str(janus_room), "lena")
    spec = LocalSpec("lena", (LocalInput("lena", url, "camera"),), format="webm")
    recorder = LocalRecorder(spec, tmp_path, name="lena")
    recorder.start()
    deadline = time.monotonic() + 30
    while recorder.stats().elapsed < 3.0:
        assert time.monotonic() < deadline, "the local recorder wrote nothing"
        time.sleep(0.1)
    recorder.stop()
    ended = recorder.wait(30)
    assert ended is not None
    [info] = ended.files
    got = probe(info.path)
    # Copied as it comes: WebM holds VP8 and Opus.
    assert got.codecs() == {"video": "vp8", "audio": "opus"}
    assert got.media_duration() >= 2.5
