"""Real faults around a Janus recording: RTP lost on the network, a killed worker, a killed
service. The video goes on (keyframe requests heal the loss), and no forwarder of ours is left in
Janus once the recordings have ended."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.api.models import Recording
from app.client.client import RecDeskClient
from tests.app.service.janus.conftest import Publish
from tests.app.service.janus.test_janus_recording import (
    _forwarders,
    _live,
    _no_forwarders,
    _state,
)
from tests.helpers.janus.lab import JanusLab
from tests.helpers.media import decodes, probe
from tests.helpers.service import ServiceProcess, children, run, wait_until, writing

pytestmark = pytest.mark.janus


@pytest.fixture
def own_service(janus_lab: JanusLab, tmp_path: Path) -> Iterator[ServiceProcess]:
    """A service of the test's own, on the session's Janus, that the test may kill; RTP comes to
    an address of its own, as each RecDesk service takes the forwarders to its address as its."""
    config = tmp_path / "recdesk.toml"
    config.write_text(janus_lab.service_config(host=janus_lab.other_host_ip))
    service = ServiceProcess(tmp_path / "data", None, "--config", str(config)).start()
    yield service
    service.stop()


def _video_end(path: Path) -> float:
    got = probe(path)
    return got.end("video") - got.start("video")


@pytest.mark.parametrize("percent", [1, 3])
def test_lost_rtp_costs_no_more_than_moments_of_video(
    janus_service: ServiceProcess,
    janus_lab: JanusLab,
    janus_room: int,
    publish: Publish,
    percent: int,
) -> None:
    publish(janus_room, "hana")

    async def scenario() -> Recording:
        await wait_until(lambda: _live(janus_service, janus_room, ["hana"]))
        async with RecDeskClient(janus_service.url) as api:
            with janus_lab.dropping(percent):
                rec = await api.start_recording(room_id=str(janus_room), folder=f"loss{percent}")
                await wait_until(lambda: _state(api, rec.id, "recording"))
                await asyncio.sleep(6.0)
                return await api.stop(rec.id)

    rec = run(scenario())
    [file] = rec.files
    path = janus_service.data_dir / file.path
    # The picture lasts to within a second of the end, and decodes.
    assert _video_end(path) >= rec.elapsed - 1.0
    assert decodes(path)["video"] >= 15 * (rec.elapsed - 2.0)


def test_killed_worker_and_service_leave_no_forwarder_behind(
    own_service: ServiceProcess, janus_lab: JanusLab, janus_room: int, publish: Publish
) -> None:
    publish(janus_room, "ivan")

    async def recording_part(api: RecDeskClient, rec_id: str, part: int) -> Recording | None:
        rec = await api.recording(rec_id)
        listed = [f.part for f in rec.files]
        return rec if rec.state == "recording" and len(listed) >= part - 1 else None

    async def started() -> str:
        await wait_until(lambda: _live(own_service, janus_room, ["ivan"]))
        async with RecDeskClient(own_service.url) as api:
            rec = await api.start_recording(room_id=str(janus_room), folder="faults")
            await wait_until(lambda: _state(api, rec.id, "recording"))
            await asyncio.sleep(2.0)
            assert own_service.process is not None
            folder = own_service.data_dir / "recordings"
            [worker] = [p for p in children(own_service.process.pid) if writing(p, folder)]
            os.kill(worker, 9)
            await wait_until(lambda: recording_part(api, rec.id, 2))
            await asyncio.sleep(2.0)
        return rec.id

    rec_id = run(started())
    own_service.kill()
    # Killed with it: nobody reads them, but Janus still sends.
    assert janus_lab.forwarders(janus_room)
    own_service.start()

    async def finished() -> Recording:
        await wait_until(lambda: _live(own_service, janus_room, ["ivan"]))
        async with RecDeskClient(own_service.url) as api:
            await wait_until(lambda: recording_part(api, rec_id, 3))
            await asyncio.sleep(2.0)
            rec = await api.stop(rec_id)
        await wait_until(lambda: _no_forwarders(janus_lab, janus_room), timeout=15)
        return rec

    rec = run(finished())
    assert rec.state == "completed"
    assert sorted(f.part for f in rec.files) == [1, 2, 3]
    for file in rec.files:
        path = own_service.data_dir / file.path
        assert probe(path).codecs() == {"video": "vp8", "audio": "opus"}
        assert decodes(path)["video"] >= 15


def test_a_service_that_stops_stops_its_forwarders_and_takes_them_up_again(
    own_service: ServiceProcess, janus_lab: JanusLab, janus_room: int, publish: Publish
) -> None:
    publish(janus_room, "jo")

    async def started() -> str:
        await wait_until(lambda: _live(own_service, janus_room, ["jo"]))
        async with RecDeskClient(own_service.url) as api:
            rec = await api.start_recording(room_id=str(janus_room), folder="again")
            await wait_until(lambda: _state(api, rec.id, "recording"))
        return rec.id

    rec_id = run(started())
    assert janus_lab.forwarders(janus_room)
    assert own_service.stop() == 0
    # Stopped with the service: nothing is sent to a port nobody reads.
    assert janus_lab.forwarders(janus_room) == []
    own_service.start()

    async def finished() -> Recording:
        async with RecDeskClient(own_service.url) as api:
            await wait_until(lambda: _state(api, rec_id, "recording"))
            await wait_until(lambda: _forwarders(janus_lab, janus_room, 2))
            await asyncio.sleep(1.5)
            rec = await api.stop(rec_id)
        await wait_until(lambda: _no_forwarders(janus_lab, janus_room), timeout=15)
        return rec

    rec = run(finished())
    assert sorted(f.part for f in rec.files) == [1, 2]
