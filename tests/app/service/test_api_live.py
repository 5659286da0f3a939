"""A running recording as it is now, over HTTP: the files it writes, its picture, paused rooms."""

from __future__ import annotations

import io

import av
import httpx
import pytest

from app.client.client import RecDeskClient
from app.client.errors import ServiceError
from tests.helpers.service import ServiceProcess, run, wait_until


def test_a_mixed_recordings_files_grow_and_its_picture_is_its_layout_now(service: ServiceProcess):
    async def scenario() -> None:
        async with RecDeskClient(service.url) as api:
            rec = await api.start_recording(room_id="webinar", mode="mixed", layout="grid")
            try:
                sizes: list[int] = []

                async def grown() -> bool:
                    live = await api.recording_live(rec.id)
                    sizes.extend(f.size for f in live.writing)
                    return len(set(sizes)) >= 2 and sizes[-1] > sizes[0]

                await wait_until(grown, timeout=30)
                live = await api.recording_live(rec.id)
                assert [f.stream_id for f in live.writing] == [None]  # the mix's one file
                assert live.writing[0].path.endswith(live.writing[0].name)

                jpeg = await api.recording_picture(rec.id, width=320)
                with av.open(io.BytesIO(jpeg)) as picture:
                    frame = next(picture.decode(video=0))
                    assert frame.width == 320

                await api.pause(rec.id)
                room = await api.room("webinar")
                assert room.paused == [rec.id]
                assert room.recording == [rec.id]
                await api.resume(rec.id)
                assert (await api.room("webinar")).paused == []
            finally:
                await api.stop(rec.id)
            # Ended: everything it wrote is listed, and nothing is live any more.
            with pytest.raises(ServiceError) as ended:
                await api.recording_live(rec.id)
            assert ended.value.status == 409
            assert ended.value.name == "recording_stopped"

    run(scenario())


def test_a_single_stream_recording_has_no_mix_picture(service: ServiceProcess):
    async def scenario() -> None:
        async with RecDeskClient(service.url) as api:
            rec = await api.start_recording(room_id="webinar", mode="single")
            try:
                answer = httpx.get(f"{service.url}/v1/recordings/{rec.id}/picture", timeout=20)
                assert answer.status_code == 409
                assert answer.json()["name"] == "recording_state"
            finally:
                await api.stop(rec.id)
        unknown = httpx.get(f"{service.url}/v1/recordings/r_nothing/live", timeout=20)
        assert unknown.status_code == 404
        assert unknown.json()["name"] == "recording_not_found"

    run(scenario())
