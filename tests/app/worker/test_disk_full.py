"""A worker whose disk fills up ends `disk-full`, its files finished, never as an `error`.

The job's folder is a real 40 MB tmpfs, filled by the test while the worker records a clip played
live: below the job's `disk_reserve` the worker stops by itself, every file whole; a disk filled
to the last byte (no reserve) still ends with the reason that says why.
"""

from __future__ import annotations

from pathlib import Path

import av

from tests.helpers.disk import fill, small_disk
from tests.helpers.worker import WorkerProcess, job, stream

MIB = 1024 * 1024


def test_below_its_reserve_a_worker_stops_with_every_file_whole(
    h264_aac: Path, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "disk") as disk, WorkerProcess() as worker:
        streams = [stream("alice", h264_aac, stem="alice"), stream("bob", h264_aac, stem="bob")]
        worker.start(job(disk, streams, disk_reserve=4 * MIB))
        worker.wait_for("heartbeat")
        fill(disk / "filler", 3 * MIB)
        ended = worker.ended()
        assert ended["reason"] == "disk-full"
        assert "less than the reserve of 4.0 MiB" in ended["message"]
        assert worker.process.returncode == 0
        files = {Path(e["path"]).name: e for e in worker.of("file")}
        assert sorted(files) == ["alice.mp4", "bob.mp4"]
        assert sorted(p.name for p in disk.glob("*.mp4")) == sorted(files)
        for name, event in files.items():
            with av.open(str(disk / name)) as container:
                for _frame in container.decode(*container.streams):
                    pass  # an error before the last packet fails the test
                assert container.duration is not None
                assert abs(container.duration / av.time_base - event["duration"]) < 0.1


def test_a_disk_filled_to_the_last_byte_ends_disk_full_not_error(
    h264_aac: Path, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "disk") as disk, WorkerProcess() as worker:
        worker.start(job(disk, [stream("alice", h264_aac)], mode="mixed", mix_stem="mix"))
        fill(disk / "filler", 0)
        ended = worker.ended()
        assert ended["reason"] == "disk-full"
        assert "no space left on device" in ended["message"]
