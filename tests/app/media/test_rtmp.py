"""Recording from a real RTMP server: nginx with libnginx-mod-rtmp, fed by a PyAV publisher."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.media.conftest import Record
from tests.helpers.media import FPS, HEIGHT, WIDTH, av_offset, decodes, events, probe
from tests.helpers.rtmp import NginxRtmp, Publisher


@pytest.fixture
def camera(rtmp_server: NginxRtmp, h264_aac: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A stream being published to nginx-rtmp as a camera would; yields its URL."""
    url = rtmp_server.url(request.node.name.replace("[", "-").replace("]", ""))
    publisher = Publisher(h264_aac, url)
    publisher.start()
    assert publisher.published.wait(10), publisher.error
    yield url
    publisher.stop()
    assert publisher.error is None, publisher.error


@pytest.mark.parametrize("fmt", ["mp4", "flv"])
def test_rtmp_stream_is_recorded_packet_for_packet(
    record: Record, camera: str, h264_aac: Path, tmp_path: Path, fmt: str
) -> None:
    [event] = record(camera, "-o", tmp_path / f"cam.{fmt}", "--duration", "3")

    out = tmp_path / f"cam.{fmt}"
    got, clip = probe(out), probe(h264_aac)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert (got.streams[0]["width"], got.streams[0]["height"]) == (WIDTH, HEIGHT)
    assert got.media_duration() == pytest.approx(3.0, abs=1 / FPS)
    assert event["duration"] == pytest.approx(3.0, abs=1 / FPS)
    assert event["reencoded"] == []
    # A recording joins the live stream on a keyframe, and every packet is the camera's own.
    assert got.of("video")[0].keyframe
    for kind in ("video", "audio"):
        assert {p.digest for p in got.of(kind)} <= {p.digest for p in clip.of(kind)}
    assert decodes(out)["video"] == len(got.of("video"))
    assert 0 <= av_offset(out) < 0.025


def test_rtmp_stream_into_hls_and_separate_files(
    record: Record, camera: str, tmp_path: Path
) -> None:
    [hls] = record(camera, "-o", tmp_path / "cam.m3u8", "--duration", "2", "--segment-length", "1")
    separate = record(
        camera, "-o", tmp_path / "cam.mp4", "--duration", "2", "--stream-type", "separate"
    )

    assert probe(Path(hls["path"])).media_duration() == pytest.approx(2.0, abs=1 / FPS)
    assert "#EXT-X-ENDLIST" in (tmp_path / "cam.m3u8").read_text()
    assert [Path(e["path"]).name for e in separate] == ["cam.video.mp4", "cam.audio.m4a"]
    for event in separate:
        assert probe(Path(event["path"])).media_duration() == pytest.approx(2.0, abs=1 / FPS)


def test_a_publisher_that_stops_leaves_a_finished_file(
    rtmp_server: NginxRtmp, h264_aac: Path, tmp_path: Path
) -> None:
    url = rtmp_server.url("leaves")
    publisher = Publisher(h264_aac, url)
    publisher.start()
    assert publisher.published.wait(10)
    out = tmp_path / "cam.mp4"
    recorder = subprocess.Popen(
        [sys.executable, "-m", "app.media.cli", url, "-o", str(out), "--max-idle", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while not (out.exists() and out.stat().st_size > 60_000):
        assert recorder.poll() is None
        time.sleep(0.05)
    publisher.stop()
    stdout, stderr = recorder.communicate(timeout=60)

    assert recorder.returncode == 0
    assert stderr.startswith(f"recdesk-record: stopped: no data from {url} for ")
    [event] = events(stdout)
    got = probe(out)
    assert got.media_duration() == pytest.approx(event["duration"], abs=1 / FPS)
    assert got.media_duration() > 2.0
    # The stream was cut where the publisher stopped: the last group may miss a frame it needed.
    assert decodes(out)["video"] >= len(got.of("video")) - 2
