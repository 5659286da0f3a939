"""A big room in single mode: many demo streams (clips played live) copied by one worker process.

The worker runs as the service runs it; its paced streams share a pump thread per core, so the
process's thread count stays flat as the room grows (where it was a thread per stream), and every
stream's file is whole: it opens, holds sound and picture, lasts as long as its `file` event says
and decodes to its end.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.media import decodes, probe
from tests.helpers.worker import WorkerProcess, job, stream

STREAMS = 24
# Stopped a second or more after it started, every stream has recorded more than this.
MIN_SECONDS = 0.5


def _threads(pid: int) -> int:
    """How many threads the process runs now, as `ps -T` counts them."""
    return len(os.listdir(f"/proc/{pid}/task"))


def test_a_big_room_records_every_stream_whole_on_a_few_threads(
    h264_aac: Path, tmp_path: Path
) -> None:
    streams = [stream(f"user{i:02d}-camera", h264_aac, stem=f"s{i:02d}") for i in range(STREAMS)]
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, streams))
        # Sampled twice while the streams record: the fewer counts the threads that record (a
        # stream's opening thread may still be ending at the first).
        threads = []
        for _ in range(2):
            worker.wait_for("heartbeat")
            threads.append(_threads(worker.process.pid))
        worker.send({"cmd": "stop"})
        ended = worker.ended()
    assert ended["reason"] == "stopped"
    # The worker's own few threads and a pump thread per core: far fewer than one per stream.
    assert min(threads) < STREAMS // 2
    ends = worker.of("stream-ended")
    assert sorted(e["stream_id"] for e in ends) == sorted(s["stream_id"] for s in streams)
    assert {e["reason"] for e in ends} == {"stopped"}
    files = {Path(e["path"]).name: e for e in worker.of("file")}
    assert sorted(files) == [f"s{i:02d}.mp4" for i in range(STREAMS)]
    for name, event in files.items():
        got = probe(tmp_path / name)
        assert sorted(str(s["type"]) for s in got.streams) == ["audio", "video"]
        assert got.media_duration() == pytest.approx(event["duration"], abs=0.1)
        assert got.media_duration() > MIN_SECONDS
        assert decodes(tmp_path / name)["video"] == len(got.of("video"))
