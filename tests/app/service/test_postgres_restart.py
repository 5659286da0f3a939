"""A service whose store is PostgreSQL is killed mid-recording and started again on the same
database: every task goes on into a new part, and every file is listed and plays to its end."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.api.models import Recording
from app.client.client import RecDeskClient
from tests.helpers.media import decodes
from tests.helpers.postgres import PostgresServer
from tests.helpers.service import ServiceProcess, children, gone, run, wait_until

pytestmark = pytest.mark.postgres


def _part_files(folder: Path, part: int) -> list[Path]:
    """The files of `part`: a first part's names have no number, a later one's end in `_002`."""
    files = list(folder.rglob("*.mkv"))
    if part == 1:
        return files  # nothing else is written before the kill
    names = (f"-{part:03d}.", f"_{part:03d}.")
    return [p for p in files if any(n in p.name for n in names)]


async def _written(folder: Path, part: int, count: int) -> bool:
    """Whether `count` files of `part` hold some media (20 kB each)."""
    files = _part_files(folder, part)
    return len(files) >= count and all(p.stat().st_size > 20_000 for p in files)


def _start(service: ServiceProcess) -> list[str]:
    """A mixed recording and a single-stream one of the call (two people: two files)."""

    async def go() -> list[str]:
        async with RecDeskClient(service.url) as api:
            mixed = await api.start_recording(room_id="call", mode="mixed", format="mkv")
            single = await api.start_recording(
                room_id="call", mode="single", stream_type="video", format="mkv"
            )
            await wait_until(lambda: _written(service.data_dir / "recordings", 1, 3))
            return [mixed.id, single.id]

    return run(go())


def _stop_after_part_two(service: ServiceProcess, ids: list[str]) -> list[Recording]:
    async def go() -> list[Recording]:
        async with RecDeskClient(service.url) as api:
            await wait_until(lambda: _written(service.data_dir / "recordings", 2, 3))
            return [await api.stop(rec_id) for rec_id in ids]

    return run(go())


def _listed(service: ServiceProcess) -> list[Recording]:
    async def go() -> list[Recording]:
        async with RecDeskClient(service.url) as api:
            return (await api.recordings()).items

    return run(go())


def test_killed_service_on_postgres_accounts_for_every_task_and_file(
    tmp_path: Path, demo_media: Path, postgres: PostgresServer
) -> None:
    url = postgres.create_database()
    data = tmp_path / "data"
    service = ServiceProcess(data, demo_media, "--database-url", url).start()
    try:
        service.wait_rooms("call")
        ids = _start(service)
        assert service.process is not None
        workers = children(service.process.pid)
        service.kill()
        assert gone(workers), "workers outlived their killed service"
        service.start().wait_rooms("call")
        done = _stop_after_part_two(service, ids)
        listed = _listed(service)
    finally:
        service.stop()

    assert not (data / "recdesk.sqlite3").exists()  # the state was kept in PostgreSQL only
    assert sorted(r.id for r in listed) == sorted(ids)
    mixed, single = done
    assert (mixed.state, single.state) == ("completed", "completed")
    assert sorted(f.part for f in mixed.files) == [1, 2]
    assert sorted(f.part for f in single.files) == [1, 1, 2, 2]  # two people, before and after
    listed_paths = {f.path for rec in done for f in rec.files}
    on_disk = {str(p.relative_to(data)) for p in (data / "recordings").rglob("*.mkv")}
    assert on_disk == listed_paths
    for rec in done:
        for f in rec.files:
            frames = decodes(data / f.path)
            assert frames.get("video", 0) > 10, (f.path, frames)
