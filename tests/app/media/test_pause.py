"""Pause and resume: nothing written while paused, one continuous timeline, resume on a keyframe.

File sources stand in for live ones where pacing is not what is tested: a scripted source calls the
remuxer's controls when its packets reach given times, so every run pauses at the same packet.
"""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import av
import av.stream
import pytest

from app.media.events import Event
from app.media.formats import FORMATS
from app.media.plan import plan_outputs
from app.media.remux import Remuxer
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources import ContainerSource, parse_source
from tests.helpers.media import FPS, av_offset, decodes, events, probe


class Scripted:
    """A source that runs `actions[t]()` when its packets first reach `t` seconds (decode time)."""

    def __init__(self, path: Path, actions: dict[float, Callable[[], None]]) -> None:
        self._inner = ContainerSource.open(parse_source(str(path)))
        self._actions = sorted(actions.items())

    @property
    def streams(self) -> Sequence[av.stream.Stream]:
        return self._inner.streams

    @property
    def live(self) -> bool:
        return True

    @property
    def label(self) -> str:
        return "scripted"

    def packets(self) -> Iterator[av.Packet]:
        for packet in self._inner.packets():
            seconds = float((packet.dts or 0) * Fraction(packet.time_base))
            while self._actions and seconds >= self._actions[0][0]:
                self._actions.pop(0)[1]()
            yield packet

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        return self._inner.frame_rate(stream)

    def watch(self, listener: Callable[[Event], None]) -> None:
        pass

    def want_keyframe(self) -> None:
        pass

    def interrupt(self) -> None:
        pass

    def close(self) -> None:
        self._inner.close()


def record_scripted(
    clip: Path, out: Path, script: dict[float, str], fmt: str = "mp4"
) -> tuple[list[Event], Path]:
    """Record `clip` as if live, calling remuxer methods (`pause`, `resume`) at source times."""
    remuxer: Remuxer | None = None

    def call(name: str) -> Callable[[], None]:
        def act() -> None:  # the remuxer is made below: look it up when the time comes
            getattr(remuxer, name)()

        return act

    source = Scripted(clip, {t: call(name) for t, name in script.items()})
    [plan] = plan_outputs(source.streams, "av", out.with_suffix(""), FORMATS[fmt])
    sink = ContainerSink(plan.path, plan.format, [StreamInput(s, FPS) for s in plan.streams])
    seen: list[Event] = []
    remuxer = Remuxer(source, [sink], on_event=seen.append)
    result = remuxer.run()
    source.close()
    assert result.error is None
    return seen, plan.path


@pytest.mark.parametrize("fmt", ["mp4", "mkv", "flv"])
def test_paused_time_is_cut_and_the_timeline_stays_continuous(
    h264_aac: Path, tmp_path: Path, fmt: str
) -> None:
    seen, out = record_scripted(
        h264_aac, tmp_path / f"paused.{fmt}", {1.0: "pause", 2.2: "resume"}, fmt
    )

    names = [e.as_event()["event"] for e in seen]
    assert names == ["started", "paused", "resumed", "file"]
    paused, resumed = seen[1].as_event(), seen[2].as_event()
    # It pauses at the next anchor after 1 s and goes on from there: no jump in the timeline.
    assert 1.0 <= paused["at"] <= 1.0 + 8 / FPS  # decode order runs ahead of presentation
    assert resumed["at"] == pytest.approx(paused["at"], abs=2 / FPS)

    got, clip = probe(out), probe(h264_aac)
    video = got.of("video")
    # Resume waits for the next keyframe (3 s: the one at 2 s was demuxed before 2.2 s).
    recorded = resumed["at"] + (clip.end("video") - 3.0)
    span = got.end("video") - got.start("video")  # FLV shifts all to keep decode times >= 0
    assert span == pytest.approx(recorded, abs=1 / FPS)
    stamps = sorted(p.pts for p in video if p.pts is not None)
    steps = [b - a for a, b in itertools.pairwise(stamps)]
    assert max(steps) == pytest.approx(1 / FPS, abs=0.002)  # no frozen gap
    dts = [p.dts for p in video if p.dts is not None]
    assert all(b > a for a, b in itertools.pairwise(dts))
    audio = sorted(p.pts for p in got.of("audio") if p.pts is not None)
    assert max(b - a for a, b in itertools.pairwise(audio)) < 2 * 1024 / 48000
    # Nothing from the paused time: every packet is the clip's, the one after the pause a keyframe.
    digests = [p.digest for p in clip.of("video")]
    at = resumed["at"] + got.start("video")
    first = min(video, key=lambda p: abs((p.pts or 0) - at))
    resumed_at = digests.index(first.digest)
    assert clip.of("video")[resumed_at].keyframe
    assert clip.of("video")[resumed_at].pts == pytest.approx(3.0, abs=1e-3)
    assert decodes(out)["video"] == len(video)
    assert abs(av_offset(out)) < 0.025


def test_pause_before_the_first_keyframe_and_a_resume_that_never_comes(
    h264_aac: Path, tmp_path: Path
) -> None:
    seen, out = record_scripted(h264_aac, tmp_path / "p.mp4", {-10.0: "pause"})

    assert [e.as_event()["event"] for e in seen] == ["paused"]
    assert not out.exists()  # nothing was written: no empty file is left


def test_pause_twice_and_resume_twice_is_harmless(h264_aac: Path, tmp_path: Path) -> None:
    script = {0.5: "pause", 0.6: "pause", 1.5: "resume", 1.6: "resume"}
    seen, out = record_scripted(h264_aac, tmp_path / "p.mp4", script)

    assert [e.as_event()["event"] for e in seen] == ["started", "paused", "resumed", "file"]
    video = sorted(p.pts for p in probe(out).of("video") if p.pts is not None)
    assert max(b - a for a, b in itertools.pairwise(video)) == pytest.approx(1 / FPS, abs=0.002)


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="SIGUSR1 is POSIX only")
def test_sigusr1_toggles_pause_in_a_live_recording(h264_aac: Path, tmp_path: Path) -> None:
    out = tmp_path / "live.mp4"
    process = subprocess.Popen(
        [sys.executable, "-m", "app.media.cli", str(h264_aac), "--live", "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = [process.stdout.readline()]  # started
    time.sleep(1.0)
    process.send_signal(signal.SIGUSR1)
    lines.append(process.stdout.readline())
    time.sleep(1.5)
    process.send_signal(signal.SIGUSR1)
    lines.append(process.stdout.readline())
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)

    assert process.returncode == 0, stderr
    started, paused, resumed = events("".join(lines), None)
    assert (started["event"], paused["event"], resumed["event"]) == ("started", "paused", "resumed")
    assert resumed["at"] == pytest.approx(paused["at"], abs=2 / FPS)
    [event] = events(stdout)
    got = probe(out)
    stamps = sorted(p.pts for p in got.of("video") if p.pts is not None)
    assert max(b - a for a, b in itertools.pairwise(stamps)) == pytest.approx(1 / FPS, abs=0.002)
    # About 3.5 s went by, 1.5 s of it paused (plus up to a second waiting for a keyframe).
    assert 1.0 < got.media_duration() < 3.0
    assert event["duration"] == pytest.approx(got.media_duration(), abs=1 / FPS)
