"""Single mode over a real nginx-rtmp: what a worker makes of a publisher that drops and returns.

The publishers are processes of their own (`tests.helpers.rtmp.publish_process`), killed as a crash
would end them; the worker is driven as the service drives it, over its pipes. The files are
checked as a user would: they open, hold one size each, and decode to their end.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.media import HEIGHT, WIDTH, ClipSpec, decodes, make_clip, probe
from tests.helpers.rtmp import NginxRtmp, publish_process
from tests.helpers.worker import TIMEOUT, WorkerProcess, job


@pytest.fixture(scope="module")
def larger(clips: Path) -> Path:
    """The test clip at 352x288: the same publisher with another camera size."""
    return make_clip(clips / "h264_aac_352x288.mp4", ClipSpec(width=352, height=288))


def _rtmp_stream(url: str) -> dict[str, Any]:
    return {"stream_id": "bob", "user_id": "bob", "kind": "camera", "uri": url, "stem": "bob"}


def _sizes(worker: WorkerProcess) -> list[tuple[str, int, int]]:
    """Each file's name and picture size, once it is checked to decode to its end."""
    found = []
    for event in sorted(worker.of("file"), key=lambda e: e["part"]):
        path = Path(event["path"])
        got = probe(path)
        assert got.codecs() == {"video": "h264", "audio": "aac"}
        assert decodes(path)["video"] >= len(got.of("video")) - 2
        found.append((path.name, got.streams[0]["width"], got.streams[0]["height"]))
    return found


def _until_a_picture_is_recorded(worker: WorkerProcess) -> None:
    """Ask for snapshots until one comes: the stream's new files are being written."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        worker.send({"cmd": "snapshot"})
        try:
            worker.wait_for("snapshot", timeout=1.0, stream_id="bob")
            return
        except AssertionError:
            if time.monotonic() > deadline or worker.process.poll() is not None:
                raise


def test_a_publisher_back_at_once_with_another_size_goes_on_in_a_new_part(
    rtmp_server: NginxRtmp, h264_aac: Path, larger: Path, tmp_path: Path
) -> None:
    # Back before anyone saw it leave (no `remove`, no `add`): the server sends the new publisher's
    # stream on the same connection, its new codec headers with it.
    url = rtmp_server.url(f"{tmp_path.name}__bob")
    publisher = publish_process(h264_aac, url)
    try:
        with WorkerProcess() as worker:
            worker.start(job(tmp_path, [_rtmp_stream(url)], max_idle_seconds=30))
            publisher.kill()
            publisher.wait()
            publisher = publish_process(larger, url)
            worker.wait_for("file", part=1)
            _until_a_picture_is_recorded(worker)
            worker.send({"cmd": "stop"})
            assert worker.ended()["reason"] == "stopped"
    finally:
        publisher.kill()
        publisher.wait()
    assert _sizes(worker) == [("bob.mp4", WIDTH, HEIGHT), ("bob-002.mp4", 352, 288)]
    # It went on (the service keeps recording it): it ended only when the recording stopped.
    assert [e["reason"] for e in worker.of("stream-ended")] == ["stopped"]


def test_a_publisher_back_after_max_idle_seconds_starts_a_new_part(
    rtmp_server: NginxRtmp, h264_aac: Path, tmp_path: Path
) -> None:
    url = rtmp_server.url(f"{tmp_path.name}__bob")
    publisher = publish_process(h264_aac, url)
    try:
        with WorkerProcess() as worker:
            worker.start(job(tmp_path, [_rtmp_stream(url)], max_idle_seconds=1.0))
            publisher.kill()
            publisher.wait()
            worker.send({"cmd": "remove", "stream_id": "bob", "left": True})
            worker.wait_for("stream-ended", stream_id="bob")  # kept for 1 s, then let go
            publisher = publish_process(h264_aac, url)
            worker.send({"cmd": "add", "stream": _rtmp_stream(url)})
            _until_a_picture_is_recorded(worker)
            worker.send({"cmd": "stop"})
            assert worker.ended()["reason"] == "stopped"
    finally:
        publisher.kill()
        publisher.wait()
    assert _sizes(worker) == [("bob.mp4", WIDTH, HEIGHT), ("bob-002.mp4", WIDTH, HEIGHT)]
