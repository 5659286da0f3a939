"""A disk that fills up is a fault the service outlives, losing nothing.

The data folder is a real 40 MB tmpfs, filled by the test with a file of its own while recordings
run, as a disk fills in production:

- below twice the reserve a `disk.low` warning; below the reserve both recordings (single-stream
  and mixed) end `completed` with reason `disk-full`, every file on disk is listed and decodes to
  its end, and starts answer 507 `insufficient_storage` until the filler is deleted;
- with the database on a disk of its own that fills (SQLite answers "database or disk is full"),
  a stop still answers with the recording ended and its files, nothing is lost, and once space
  is freed the store catches up: the recording, its files and its events are all there.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import pytest

from app.api.models import Event, Recording
from app.client.client import RecDeskClient
from tests.helpers.disk import fill, small_disk
from tests.helpers.service import ServiceProcess, run, wait_until

MIB = 1024 * 1024
RESERVE = 4 * MIB
MEDIA = {".mp4", ".mkv", ".webm", ".flv", ".ts", ".m4a", ".ogg", ".m3u8"}


@pytest.fixture
def service(tmp_path: Path, demo_media: Path) -> Iterator[ServiceProcess]:
    """A service whose data folder is a 40 MB tmpfs, with a 4 MiB reserve."""
    with small_disk(tmp_path / "data") as data:
        running = ServiceProcess(data, demo_media, "--disk-reserve", "4M").start()
        try:
            running.wait_rooms("call")
            yield running
        finally:
            running.stop()


async def _collect(api: RecDeskClient, into: list[Event]) -> None:
    async for event in api.events(since=0):
        into.append(event)


async def _recording(api: RecDeskClient, rec_id: str, seconds: float) -> Recording | None:
    rec = await api.recording(rec_id)
    return rec if rec.state == "recording" and rec.elapsed >= seconds else None


async def _ended(api: RecDeskClient, rec_id: str) -> Recording | None:
    rec = await api.recording(rec_id)
    return rec if rec.state in ("completed", "failed") else None


def _found(events: list[Event], kind: str, **data: Any) -> Event | None:
    return next(
        (e for e in events if e.type == kind and all(e.data.get(k) == v for k, v in data.items())),
        None,
    )


def _small_mix(stream_ids: list[str]) -> dict[str, Any]:
    """Both people of the call side by side on a small canvas: a mix the 2 cores keep up with."""
    return {
        "version": 1,
        "template": "custom",
        "canvas": {"width": 640, "height": 360, "fps": 15},
        "regions": [
            {"x": 320 * i, "y": 0, "width": 320, "height": 360, "stream_id": sid}
            for i, sid in enumerate(stream_ids)
        ],
    }


def _decoded_seconds(path: Path) -> float:
    """Decode every packet of every stream (an error before the end fails); the file's length."""
    with av.open(str(path)) as container:
        for _frame in container.decode(*container.streams):
            pass
        assert container.duration is not None, path
        return container.duration / av.time_base


def _media_on_disk(folder: Path) -> set[str]:
    return {
        str(p.relative_to(folder))
        for p in (folder / "recordings").rglob("*")
        if p.suffix in MEDIA and "-snap-" not in p.name
    }


async def _start(url: str, **body: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(url + "/v1/recordings", json=body)


def test_a_filling_disk_stops_every_recording_cleanly_and_refuses_starts(
    service: ServiceProcess,
) -> None:
    data = service.data_dir
    filler = data / "filler"

    async def scenario() -> tuple[list[Recording], Recording, list[Event]]:
        events: list[Event] = []
        async with RecDeskClient(service.url) as api:
            follower = asyncio.create_task(_collect(api, events))
            try:
                call = await api.room("call")
                single = await api.start_recording(room_id="call", mode="single")
                mixed = await api.start_recording(
                    room_id="call",
                    mode="mixed",
                    layout=_small_mix([s.stream_id for s in call.streams]),
                )
                for rec in (single, mixed):
                    await wait_until(lambda rec=rec: _recording(api, rec.id, 2.0))

                await asyncio.to_thread(fill, filler, 7 * MIB)  # below twice the reserve
                low = await wait_until(lambda: _async(_found(events, "disk.low", short=False)))
                assert low.data["reserve_bytes"] == RESERVE
                assert RESERVE <= low.data["free_bytes"] < 2 * RESERVE
                for rec in (single, mixed):  # a warning only
                    assert (await api.recording(rec.id)).state == "recording"

                # Below the reserve, above the workers' own floor (half of it).
                await asyncio.to_thread(fill, filler, 3 * MIB)
                ended = [
                    await wait_until(lambda rec=rec: _ended(api, rec.id), timeout=60)
                    for rec in (single, mixed)
                ]
                short = await wait_until(lambda: _async(_found(events, "disk.low", short=True)))
                assert short.data["free_bytes"] < RESERVE

                refused = await _start(service.url, room_id="meeting")
                assert refused.status_code == 507
                body = refused.json()
                assert (body["code"], body["name"]) == (50701, "insufficient_storage")
                assert "reserve of 4.0 MiB" in body["message"]
                health = await api.health()
                assert (health.space_short, health.reserve_bytes) == (True, RESERVE)

                filler.unlink()
                accepted = await _start(service.url, room_id="meeting")
                assert accepted.status_code == 201, accepted.text
                later = await api.stop(accepted.json()["id"])
                assert not (await api.health()).space_short

                await wait_until(
                    lambda: _async(
                        all(
                            _found(events, "recording.state", recording_id=r.id, state="completed")
                            for r in ended
                        )
                    )
                )
                return ended, later, list(events)
            finally:
                follower.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await follower

    ended, later, events = run(scenario())
    for rec in ended:
        assert (rec.state, rec.reason) == ("completed", "disk-full"), rec
        finished = _found(events, "recording.state", recording_id=rec.id, state="completed")
        assert finished is not None
        assert finished.data["reason"] == "disk-full"
    single, mixed = ended
    assert len(single.files) == 2  # one per person of the call
    assert len(mixed.files) == 1
    listed = {f.path for rec in (*ended, later) for f in rec.files}
    assert _media_on_disk(data) == listed  # every file on disk is listed
    for rec in ended:
        for file in rec.files:
            seconds = _decoded_seconds(data / file.path)
            assert abs(seconds - rec.elapsed) < max(1.5, 0.25 * rec.elapsed), (file, rec.elapsed)


async def _async(value: Any) -> Any:
    return value


def test_a_full_database_disk_loses_nothing_and_a_stop_still_answers(
    tmp_path: Path, demo_media: Path
) -> None:
    # The database on a small disk of its own, the recordings on another: SQLite fails alone.
    with small_disk(tmp_path / "data", "8m") as data, small_disk(data / "recordings"):
        service = ServiceProcess(data, demo_media, "--disk-reserve", "1M").start()
        try:
            service.wait_rooms("call")
            rec, stopped, refused, events = run(_fill_the_database(service, data / "filler"))
        finally:
            service.stop()
        log = service.log.read_text()
        assert "database or disk is full" in log  # the fault happened
        assert "never retrieved" not in log

        # The stop answered at once from what the service knew, files included...
        assert (stopped.state, stopped.reason) == ("completed", "stopped")
        assert len(stopped.files) == 2
        assert (refused["code"], refused["name"]) == (50701, "insufficient_storage")
        # ...and once space was freed, the store caught up with all of it.
        assert (rec.state, rec.reason) == ("completed", "stopped")
        assert {f.path for f in rec.files} == {f.path for f in stopped.files}
        assert _media_on_disk(data) == {f.path for f in rec.files}
        states = [e.data["state"] for e in events if e.data.get("recording_id") == rec.id]
        assert states == ["starting", "recording", "stopping", "completed"]
        for file in rec.files:
            assert _decoded_seconds(data / file.path) > 1.0


async def _fill_the_database(
    service: ServiceProcess, filler: Path
) -> tuple[Recording, Recording, dict[str, Any], list[Event]]:
    async with RecDeskClient(service.url) as api, httpx.AsyncClient(timeout=90) as http:
        started = await api.start_recording(room_id="call", mode="single")
        await wait_until(lambda: _recording(api, started.id, 1.5))
        await asyncio.to_thread(fill, filler, 0)
        answer = await http.post(f"{service.url}/v1/recordings/{started.id}/stop")
        assert answer.status_code == 200, answer.text
        stopped = Recording.model_validate(answer.json())
        refused = await _start(service.url, room_id="meeting")
        assert refused.status_code == 507, refused.text

        filler.unlink()

        async def stored() -> Recording | None:
            files = (await api.files(recording_id=started.id)).items
            rec = await api.recording(started.id)
            return rec if len(files) == 2 and rec.state == "completed" else None

        rec = await wait_until(stored, timeout=30)
        events: list[Event] = []
        follower = asyncio.create_task(_collect(api, events))
        try:
            await wait_until(
                lambda: _async(
                    _found(events, "recording.state", recording_id=started.id, state="completed")
                )
            )
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
        return rec, stopped, refused.json(), [e for e in events if e.type == "recording.state"]
