"""Live sources that drop: reconnects with backoff, one continuous file across the gap, idle stop.

The reconnect logic runs on a fake clock with real media: each "connection" is a clip opened with
FFmpeg, so the gap and the backoff take no time. The RTMP test restarts a real publisher.
"""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from app.media.errors import SourceError
from app.media.formats import FORMATS
from app.media.plan import plan_outputs
from app.media.remux import Remuxer, RemuxResult
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources import ContainerSource, MediaSource, parse_source
from app.media.sources.reconnect import ReconnectingSource
from tests.app.media.conftest import Record
from tests.helpers.media import FPS, decodes, probe
from tests.helpers.rtmp import NginxRtmp, Publisher


class FakeClock:
    """Time that moves only when the code under test waits, or an open attempt takes time."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += seconds
        return False  # never interrupted


def connections(clock: FakeClock, *plan: Path | None) -> Any:
    """An opener that plays `plan` in turn: a clip connects, None fails to (taking 1 s)."""
    queue = list(plan)

    def open_(timeout: float, read_timeout: float) -> MediaSource:
        item = queue.pop(0) if queue else None
        if item is None:
            clock.now += min(1.0, timeout)
            raise SourceError("cannot open rtmp://example/live/cam: connection refused")
        return ContainerSource.open(parse_source(str(item)))

    return open_


def record(source: ReconnectingSource, out: Path) -> tuple[RemuxResult, list[dict[str, Any]]]:
    [plan] = plan_outputs(source.streams, "av", out.with_suffix(""), FORMATS["mp4"])
    sink = ContainerSink(plan.path, plan.format, [StreamInput(s, FPS) for s in plan.streams])
    seen: list[dict[str, Any]] = []
    result = Remuxer(source, [sink], on_event=lambda e: seen.append(e.as_event())).run()
    source.close()
    return result, seen


def test_a_dropped_source_comes_back_into_the_same_file_then_idles_out(
    h264_aac: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    opener = connections(clock, h264_aac, None, None, h264_aac)
    source = ReconnectingSource(opener, scheme="rtmp", max_idle=10, clock=clock, wait=clock.wait)
    result, seen = record(source, tmp_path / "cam.mp4")

    assert result.reason == "idle"
    assert str(result.error) == "no data from " + str(h264_aac) + " for 10 s"
    names = [e["event"] for e in seen]
    assert names == ["started", "source-lost", "source-back", "source-lost", "file"]
    assert seen[2]["attempts"] == 3
    # Backoff: 0.5 s, then 1 s, then 2 s between attempts; then capped by the idle time left.
    assert clock.waits[:3] == [0.5, 1.0, 2.0]
    # The file goes on across the gap: both connections' pictures, one continuous timeline.
    got, clip = probe(tmp_path / "cam.mp4"), probe(h264_aac)
    assert [p.digest for p in got.of("video")] == [p.digest for p in clip.of("video")] * 2
    stamps = sorted(p.pts for p in got.of("video") if p.pts is not None)
    assert max(b - a for a, b in itertools.pairwise(stamps)) == pytest.approx(1 / FPS, abs=1e-3)
    assert got.end("video") == pytest.approx(2 * clip.end("video"), abs=1 / FPS)
    audio = sorted(p.pts for p in got.of("audio") if p.pts is not None)
    assert max(b - a for a, b in itertools.pairwise(audio)) < 2 * 1024 / 48000
    assert decodes(tmp_path / "cam.mp4")["video"] == 2 * len(clip.of("video"))


def test_a_source_that_comes_back_different_stops_and_keeps_the_file(
    h264_aac: Path, vp8_opus: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    source = ReconnectingSource(
        connections(clock, h264_aac, vp8_opus), scheme="rtmp", clock=clock, wait=clock.wait
    )
    result, seen = record(source, tmp_path / "cam.mp4")

    assert result.reason == "error"
    assert "came back with different streams (video codec h264 before, vp8 now)" in str(
        result.error
    )
    assert [e["event"] for e in seen] == ["started", "source-lost", "file"]
    assert probe(tmp_path / "cam.mp4").media_duration() == pytest.approx(4.0, abs=0.05)


def test_the_end_of_an_http_stream_is_the_end_of_the_recording(
    h264_aac: Path, tmp_path: Path
) -> None:
    clock = FakeClock()
    source = ReconnectingSource(
        connections(clock, h264_aac, h264_aac), scheme="http", clock=clock, wait=clock.wait
    )
    result, seen = record(source, tmp_path / "cam.mp4")

    assert result.reason == "source-ended"
    assert [e["event"] for e in seen] == ["started", "file"]


def test_stop_while_waiting_to_reconnect_ends_at_once(h264_aac: Path, tmp_path: Path) -> None:
    clock = FakeClock()
    source = ReconnectingSource(connections(clock, h264_aac), scheme="rtmp", max_idle=3600)
    [plan] = plan_outputs(source.streams, "av", tmp_path / "cam", FORMATS["mp4"])
    sink = ContainerSink(plan.path, plan.format, [StreamInput(s, FPS) for s in plan.streams])
    lost = threading.Event()
    remuxer = Remuxer(
        source,
        [sink],
        on_event=lambda e: lost.set() if e.as_event()["event"] == "source-lost" else None,
    )
    done: list[RemuxResult] = []
    thread = threading.Thread(target=lambda: done.append(remuxer.run()))
    thread.start()
    assert lost.wait(30)
    remuxer.stop()
    thread.join(30)
    source.close()

    assert done[0].reason == "stopped"
    assert [Path(f.path).name for f in done[0].files] == ["cam.mp4"]


def test_rtmp_publisher_restarted_within_the_idle_window(
    record: Record, rtmp_server: NginxRtmp, h264_aac: Path, tmp_path: Path
) -> None:
    url = rtmp_server.url("restarts")
    first = Publisher(h264_aac, url)
    first.start()
    assert first.published.wait(10)

    def restart() -> None:
        time.sleep(2.0)
        first.stop()
        time.sleep(1.0)  # the camera is away for a second, then publishes again
        second = Publisher(h264_aac, url)
        second.start()
        second.published.wait(10)
        time.sleep(4.0)
        second.stop()

    threading.Thread(target=restart, daemon=True).start()
    seen = record(url, "-o", tmp_path / "cam.mp4", "--duration", "4", "--max-idle", "20", kind=None)

    names = [e["event"] for e in seen]
    assert names[:2] == ["started", "source-lost"]
    assert "source-back" in names
    assert names[-1] == "file"
    got = probe(tmp_path / "cam.mp4")
    # One file, one continuous timeline: the second publisher's pictures follow the first's.
    assert got.media_duration() == pytest.approx(4.0, abs=1 / FPS)
    stamps = sorted(p.pts for p in got.of("video") if p.pts is not None)
    # The first publisher stopped in the middle of a group: the B-frames it never sent are
    # missing before the seam (at most the two of a group), and nothing is missing at the seam.
    assert max(b - a for a, b in itertools.pairwise(stamps)) < 3.5 / FPS
    dts = [p.dts for p in got.of("video")]
    assert all(b > a for a, b in itertools.pairwise(dts))
    assert decodes(tmp_path / "cam.mp4")["video"] >= len(got.of("video")) - 2
