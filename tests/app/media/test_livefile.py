"""The live-file source: real-time pace, looping, live positions, timestamps that keep increasing.

A fake clock stands in for time: `sleep` advances it, so pacing is checked without waiting.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import pytest

from app.media.formats import FORMATS
from app.media.plan import plan_outputs
from app.media.remux import Remuxer
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources.livefile import LiveFileSource
from tests.helpers.media import FPS, av_offset, decodes, probe


class FakeClock:
    """A monotonic clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


def live_times(
    source: LiveFileSource, seconds: float, clock: FakeClock
) -> list[tuple[str, float, float]]:
    """(type, live time, clock time) of each packet until `seconds` of clock time have passed."""
    types = {s.index: s.type for s in source.streams}
    out = []
    start = clock.now
    for packet in source.packets():
        out.append(
            (
                types[packet.stream_index],
                float(packet.dts * Fraction(packet.time_base)),
                clock.now - start,
            )
        )
        if clock.now - start >= seconds:
            break
    return out


def test_packets_are_released_in_real_time_and_loop_with_increasing_timestamps(
    h264_aac: Path,
) -> None:
    clock = FakeClock()
    source = LiveFileSource(str(h264_aac), clock=clock, sleep=clock.sleep)
    times = live_times(source, 10.0, clock)
    source.close()

    for kind in ("video", "audio"):
        stamps = [t for k, t, _ in times if k == kind]
        assert all(b > a for a, b in itertools.pairwise(stamps)), kind
        assert stamps[-1] > 9.5  # two and a half loops of a 4 s clip
    # Each packet leaves when its time has come, never before (those stamped before zero, the
    # B-frame delay and the audio priming, leave at once); at a loop's seam the next loop's first
    # pictures wait for the last sound of the previous one, a few hundredths of a second.
    for _, live, released in times:
        assert -1e-4 <= released - max(0.0, live) < 0.05
    assert clock.slept == pytest.approx(times[-1][2], abs=1e-6)


def test_live_position_starts_at_the_keyframe_before_it(h264_aac: Path) -> None:
    clock = FakeClock()
    source = LiveFileSource(str(h264_aac), position=9.5, clock=clock, sleep=clock.sleep)
    times = live_times(source, 2.0, clock)
    source.close()

    video = [(t, at) for k, t, at in times if k == "video"]
    length = source.length
    # 9.5 s into the live timeline is 1.5 s into the third loop; its keyframes are a second apart.
    assert video[0][0] == pytest.approx(2 * length + 1.0, abs=0.07)
    # The group before the position comes at once, as from a live server's cache; then real time.
    assert [at for t, at in video if t < 9.5] == [0.0] * len([t for t, _ in video if t < 9.5])
    assert video[-1][1] == pytest.approx(video[-1][0] - 9.5, abs=1e-3)


def test_recording_a_live_file_across_loops(h264_aac: Path, tmp_path: Path) -> None:
    clock = FakeClock()
    source = LiveFileSource(str(h264_aac), position=3.0, clock=clock, sleep=clock.sleep)
    [plan] = plan_outputs(source.streams, "av", tmp_path / "room", FORMATS["mp4"])
    sink = ContainerSink(
        plan.path, plan.format, [StreamInput(s, source.frame_rate(s)) for s in plan.streams]
    )
    result = Remuxer(source, [sink], duration=10.0).run()
    source.close()

    assert result.reason == "duration"
    got = probe(tmp_path / "room.mp4")
    assert got.media_duration() == pytest.approx(10.0, abs=1 / FPS)
    assert min(got.start("video"), got.start("audio")) == pytest.approx(0.0, abs=1e-3)  # from zero
    assert got.of("video")[0].keyframe
    # Every picture and sound packet is one of the clip's, and the loop seams decode cleanly.
    clip = probe(h264_aac)
    for kind in ("video", "audio"):
        assert {p.digest for p in got.of(kind)} <= {p.digest for p in clip.of(kind)}
    assert decodes(tmp_path / "room.mp4")["video"] == len(got.of("video"))
    # The recording starts on a keyframe, with the sound that goes with it.
    assert 0 <= av_offset(tmp_path / "room.mp4") < 0.025
