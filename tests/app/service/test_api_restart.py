"""The service and its workers die and come back; recordings go on and no file is forgotten."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import av
import httpx
import pytest

from app.api.models import Event, Recording
from app.client.client import RecDeskClient
from app.client.tables import recording_detail, when
from tests.helpers.service import ServiceProcess, children, gone, run, wait_until, writing


async def _recording(url: str, rec_id: str) -> Recording | None:
    async with RecDeskClient(url) as api:
        rec = await api.recording(rec_id)
        return rec if rec.state == "recording" else None


def _start(service: ServiceProcess, **fields: object) -> Recording:
    async def go() -> Recording:
        async with RecDeskClient(service.url) as api:
            rec = await api.start_recording(room_id="call", **fields)
            await wait_until(lambda: _recording(service.url, rec.id))
            await asyncio.sleep(1.5)
            return rec

    return run(go())


def _stop(service: ServiceProcess, rec_id: str, *, part: int = 1) -> Recording:
    """Stop once `part` has media on disk and 1.5 s more were recorded (a task picked up after
    a restart is `recording` before its new worker has written anything)."""

    async def written() -> bool:
        folder = service.data_dir / "recordings"
        names = (f"-{part:03d}.", f"_{part:03d}.")
        sizes = [p.stat().st_size for p in folder.rglob("*") if any(n in p.name for n in names)]
        return part == 1 or any(size > 20_000 for size in sizes)

    async def go() -> Recording:
        async with RecDeskClient(service.url) as api:
            await wait_until(lambda: _recording(service.url, rec_id), timeout=60)
            await wait_until(written, timeout=60)
            await asyncio.sleep(1.5)
            return await api.stop(rec_id)

    return run(go())


def _playable(service: ServiceProcess, rec: Recording) -> list[float]:
    durations = []
    for f in rec.files:
        with av.open(str(service.data_dir / f.path)) as container:
            durations.append(float(container.duration or 0) / 1e6)
    return durations


@pytest.fixture
def own_service(tmp_path: Path, demo_media: Path):
    service = ServiceProcess(tmp_path / "data", demo_media).start()
    service.wait_rooms("call")
    yield service
    service.stop()


def _state_events(service: ServiceProcess, rec_id: str) -> list[Event]:
    """The recording's `recording.state` events from the first to its `completed`."""

    async def go() -> list[Event]:
        found: list[Event] = []
        async with RecDeskClient(service.url) as api:
            async for event in api.events(since=0):
                if event.type == "recording.state" and event.data.get("recording_id") == rec_id:
                    found.append(event)
                    if event.data["state"] == "completed":
                        return found
        return found

    return run(asyncio.wait_for(go(), 30))


def test_restarted_service_goes_on_into_a_new_part(own_service: ServiceProcess):
    rec = _start(own_service, mode="mixed")
    assert own_service.process is not None
    workers = children(own_service.process.pid)
    assert own_service.stop() == 0
    assert gone(workers), "workers outlived their service"
    down = datetime.now(UTC)
    own_service.start().wait_rooms("call")
    done = _stop(own_service, rec.id, part=2)
    assert done.state == "completed"
    assert [f.part for f in done.files] == [1, 2]
    assert all(d > 1.0 for d in _playable(own_service, done))
    # The minutes the service was away are on the record, from the first part's end to the
    # second's start, and said in its state events from the moment the second part started.
    [gap] = done.gaps
    assert gap.reason == "service-restarted"
    assert done.started is not None
    assert done.started < gap.from_ <= down < gap.to
    first, second = sorted(done.files, key=lambda f: f.part)
    assert gap.from_ == first.end
    assert gap.to <= second.end
    states = _state_events(own_service, rec.id)
    said = [e for e in states if e.data.get("gaps")]
    assert said, "no recording.state event carries the gap"
    assert said[0].data["gaps"] == [gap.model_dump(mode="json")]
    assert said[0].data["state"] == "recording"
    assert states[-1].data["state"] == "completed"
    assert states[-1].data["gaps"] == [gap.model_dump(mode="json")]
    # `recdesk-ctl recording ID` says it too.
    [said_by_ctl] = [
        line for line in recording_detail(done).splitlines() if line.startswith("gaps")
    ]
    assert said_by_ctl.endswith(f"missing from {when(gap.from_)} (service-restarted)")


def test_killed_service_leaves_no_orphans_and_loses_no_file(own_service: ServiceProcess):
    rec = _start(own_service, mode="single", stream_type="video", format="mkv")
    assert own_service.process is not None
    workers = children(own_service.process.pid)
    own_service.kill()
    assert gone(workers), "workers outlived their killed service"
    own_service.start().wait_rooms("call")
    done = _stop(own_service, rec.id, part=2)
    parts = sorted(f.part for f in done.files)
    assert parts.count(1) == 2  # two streams, before and after
    assert parts.count(2) == 2
    assert all(d > 0.5 for d in _playable(own_service, done))


def test_killed_worker_is_restarted_into_the_next_part(own_service: ServiceProcess):
    rec = _start(own_service, mode="mixed", format="mp4")
    assert own_service.process is not None
    folder = own_service.data_dir / "recordings"
    [worker] = [p for p in children(own_service.process.pid) if writing(p, folder)]
    os.kill(worker, 9)
    done = _stop(own_service, rec.id, part=2)
    assert done.state == "completed"
    assert [f.part for f in done.files] == [1, 2]
    first, second = _playable(own_service, done)
    assert first > 1.0
    assert second > 1.0
    [gap] = done.gaps  # the moments between the dead worker's last frame and the new one's first
    assert gap.reason == "worker-restarted"
    assert done.files[0].end == gap.from_ < gap.to <= done.files[1].end


def _kill_at_first_header(service: ServiceProcess, folder: Path) -> None:
    """SIGKILL the worker writing under `folder` as soon as its file is more than empty (a
    header; the first fragment, its first media, comes a second later)."""
    assert service.process is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if folder.is_dir() and any(p.stat().st_size for p in folder.iterdir() if p.is_file()):
            for pid in children(service.process.pid):
                if writing(pid, folder):
                    os.kill(pid, 9)
                    return
        time.sleep(0.002)
    raise AssertionError(f"no worker wrote under {folder}")


def test_a_worker_killed_before_its_first_media_leaves_no_file_behind(
    own_service: ServiceProcess,
):
    early = []
    for attempt in range(3):  # a kill after the first fragment is tried again, with a new one
        name = f"early-{attempt}"
        rec = run(_begin(own_service, name))
        folder = own_service.data_dir / "recordings" / name
        _kill_at_first_header(own_service, folder)
        done = _stop(own_service, rec.id, part=2)
        assert done.state == "completed"
        # Whenever the kill came, every file on disk is listed and plays.
        listed = sorted(own_service.data_dir / f.path for f in done.files)
        assert sorted(p for p in folder.iterdir() if not p.name.startswith(".")) == listed
        assert all(duration > 1.0 for duration in _playable(own_service, done))
        if [f.part for f in done.files] == [2]:  # part 1 held only its header: removed
            early.append(done)
            break
    assert early, "no kill came before a first fragment"


async def _begin(service: ServiceProcess, folder: str) -> Recording:
    async with RecDeskClient(service.url) as api:
        return await api.start_recording(room_id="call", mode="mixed", format="mp4", folder=folder)


def test_no_media_fails_and_nothing_left_stops_as_idle(tmp_path: Path, demo_media: Path):
    service = ServiceProcess(tmp_path / "data", demo_media, "--first-media-timeout", "1.5").start()
    try:
        service.wait_rooms("call")

        async def go() -> tuple[Recording, Recording]:
            async with RecDeskClient(service.url) as api:
                empty = await api.start_recording(room_id="empty")
                failed = await wait_until(lambda: _ended(api, empty.id), timeout=30)
                rec = await api.start_recording(room_id="call", max_idle_seconds=1)
                await wait_until(lambda: _recording(service.url, rec.id))
                async with httpx.AsyncClient() as http:
                    for stream in (await api.room("call")).streams:
                        await http.post(
                            f"{service.url}/v1/demo/rooms/call/users/{stream.user_id}/leave"
                        )
                idle = await wait_until(lambda: _ended(api, rec.id), timeout=30)
                return failed, idle

        failed, idle = run(go())
        assert (failed.state, failed.reason) == ("failed", "no media within 1.5 s of start")
        assert (idle.state, idle.reason) == ("completed", "idle")
        assert len(idle.files) == 2
    finally:
        service.stop()


async def _ended(api: RecDeskClient, rec_id: str) -> Recording | None:
    rec = await api.recording(rec_id)
    return rec if rec.state in ("completed", "failed") else None
