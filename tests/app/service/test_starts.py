"""Starts at once: eight recordings started together all record, the warm pool grows for the
burst and shrinks back after it, and a copy's worker never loads the compositor.

The service runs in this process (its ASGI app served by uvicorn on loopback, its demo rooms from
the session's demo media), so its workers are this process's children: they are counted in
`/proc`, as an operator would see them in `ps`. A worker's imports are read as it prints them
itself, run as the service runs it with Python's `-X importtime`.
"""

from __future__ import annotations

import asyncio
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import av
import httpx
import pytest

from app.service.app import create_app
from app.service.settings import Settings
from tests.helpers.service import children, run, served, wait_until
from tests.helpers.worker import WorkerProcess, job, stream

# Eight starts the demo allows at once: one active recording per room and mode.
STARTS = [(room, "single") for room in ("call", "meeting", "class", "webinar", "podcast")] + [
    (room, "mixed") for room in ("podcast", "call", "meeting")
]
# The pool under test: one spare when idle, at most three under a burst.
WARM, LIMIT = 1, 3


def workers() -> list[int]:
    """This process's worker processes that are alive (not yet reaped ones aside)."""
    found = []
    for pid in children(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # it ended meanwhile
            continue
        if b"app.worker.main" in command and state != "Z":
            found.append(pid)
    return found


def decoded_frames(path: Path) -> int:
    """Every frame of a file, decoded to its end."""
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(*container.streams))


def test_eight_starts_at_once_all_record_and_the_pool_grows_then_shrinks(
    tmp_path: Path, demo_media: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        demo=True,
        demo_media_dir=demo_media,
        demo_churn=False,
        warm_workers=WARM,
        max_warm_workers=LIMIT,
        # Long enough to see the grown pool on a loaded machine, short enough to see it shrink.
        warm_idle_seconds=5.0,
    )

    async def scenario() -> list[dict[str, Any]]:
        async with (
            served(create_app(settings)) as url,
            httpx.AsyncClient(base_url=url, timeout=60) as http,
        ):

            async def rooms_live() -> bool:
                items = (await http.get("/v1/rooms")).json()["items"]
                return {room for room, _ in STARTS} <= {r["room_id"] for r in items if r["live"]}

            await wait_until(rooms_live, timeout=60)

            async def warm() -> bool:
                return len(workers()) == WARM

            await wait_until(warm, timeout=60)
            peak = 0

            async def sample() -> None:
                nonlocal peak
                while True:
                    peak = max(peak, len(workers()))
                    await asyncio.sleep(0.02)

            sampling = asyncio.create_task(sample())
            answers = await asyncio.gather(
                *(
                    http.post(
                        "/v1/recordings",
                        json={"room_id": room, "mode": mode, "folder": f"{room}-{mode}"},
                    )
                    for room, mode in STARTS
                )
            )
            assert [a.status_code for a in answers] == [201] * len(STARTS), [
                a.text for a in answers
            ]
            ids = [a.json()["id"] for a in answers]

            async def all_recording() -> bool:
                states = [(await http.get(f"/v1/recordings/{i}")).json()["state"] for i in ids]
                assert not {"failed", "completed"} & set(states), states
                return set(states) == {"recording"}

            await wait_until(all_recording, timeout=90)

            # Eight workers recorded while the spares grew past `warm`, to the limit.
            async def grown() -> bool:
                return peak >= len(STARTS) + LIMIT

            await wait_until(grown, timeout=30)
            sampling.cancel()
            stopped = await asyncio.gather(*(http.post(f"/v1/recordings/{i}/stop") for i in ids))

            # The recordings' workers exit with their jobs; idle, the spares shrink to `warm`.
            await wait_until(warm, timeout=60)
            return [answer.json() for answer in stopped]

    for rec in run(scenario()):
        assert (rec["state"], rec["reason"]) == ("completed", "stopped"), rec
        assert rec["files"], rec
        for listed in rec["files"]:
            assert decoded_frames(settings.data_dir / listed["path"]) > 0, listed


class ImportingWorker(WorkerProcess):
    """A real worker, run as the service runs it, printing each module it imports to `log`."""

    def __init__(self, log: Path) -> None:
        with log.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-X", "importtime", "-m", "app.worker.main"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        self.events = []
        self._lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()


@pytest.mark.parametrize(
    ("fields", "mixes"),
    [({"mode": "single"}, False), ({"mode": "mixed", "mix_stem": "mix"}, True)],
    ids=["single", "mixed"],
)
def test_only_a_mix_job_imports_the_compositor(
    tmp_path: Path, h264_aac: Path, fields: dict[str, str], mixes: bool
) -> None:
    log = tmp_path / "imports.log"
    folder = tmp_path / "out"
    folder.mkdir()
    with ImportingWorker(log) as worker:
        stem = None if mixes else "alice"
        worker.start(job(folder, [stream("alice", h264_aac, stem=stem)], **fields))
        worker.close_stdin()
        assert worker.ended()["reason"] == "service-gone"
        files = [Path(e["path"]) for e in worker.of("file")]
    assert files
    assert all(decoded_frames(path) > 0 for path in files), files
    imported = {line.split("|")[2].strip() for line in log.read_text().splitlines() if "|" in line}
    assert "av" in imported  # the log is read right
    for module in ("app.worker.mixed", "app.media.mix.source", "numpy"):
        assert (module in imported) == mixes, module
