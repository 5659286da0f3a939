"""The pump: many demo-room streams (looping clips played live) recorded by a thread per core.

Each recording is a real `LiveFileSource` copied by a real `Remuxer` into a real MP4; the files
are checked as a user would (they open, hold sound and picture, last as long as asked, decode to
their end, have no frozen gap where a pause was), and so is what the process runs on: a thread
per core for all of them, where a thread per stream was.
"""

from __future__ import annotations

import itertools
import queue
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.media.events import Event, Paused, Resumed, Started
from app.media.formats import FORMATS
from app.media.plan import plan_outputs
from app.media.pump import PacedSource, Pump, default_lanes
from app.media.remux import Remuxer, RemuxResult
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources.livefile import LiveFileSource
from tests.helpers.disk import fill, small_disk
from tests.helpers.media import FPS, decodes, probe

FRAME = 1 / FPS
# A remuxer ends each stream at its first anchor at or past the limit.
DURATION_SLACK = 0.2
# Generous: a loaded machine may run far behind real time without anything being wrong.
TIMEOUT = 60.0


@dataclass(eq=False)
class Recording:
    """One demo stream recorded through the pump, and what it reported."""

    source: LiveFileSource
    remuxer: Remuxer
    path: Path
    events: queue.Queue[Event] = field(default_factory=queue.Queue)
    result: RemuxResult | None = None

    def wait_for(self, kind: type[Event]) -> Event:
        """The next event of this kind."""
        while True:
            event = self.events.get(timeout=TIMEOUT)
            if isinstance(event, kind):
                return event


class Room:
    """Demo streams recorded by one pump; `add` joins one, `wait` waits for all to end."""

    def __init__(self, clip: Path) -> None:
        self.clip = clip
        self.pump = Pump(name="pump-test")
        self.recordings: list[Recording] = []
        self._done: queue.Queue[Recording] = queue.Queue()
        self._random = random.Random(23)

    def add(
        self, folder: Path, name: str, *, duration: float | None = None, loop: bool = True
    ) -> Recording:
        position = self._random.uniform(0.0, 60.0) if loop else 2.0
        source = LiveFileSource(str(self.clip), position=position, loop=loop)
        assert isinstance(source, PacedSource)
        [plan] = plan_outputs(source.streams, "av", folder / name, FORMATS["mp4"])
        sink = ContainerSink(
            plan.path, plan.format, [StreamInput(s, source.frame_rate(s)) for s in plan.streams]
        )
        events: queue.Queue[Event] = queue.Queue()
        remuxer = Remuxer(source, [sink], duration=duration, on_event=events.put)
        recording = Recording(source, remuxer, plan.path, events)

        def done(result: RemuxResult) -> None:
            recording.result = result
            source.close()
            self._done.put(recording)

        self.pump.add(remuxer, source.paced_packets(), done, label=name)
        self.recordings.append(recording)
        return recording

    def wait(self) -> dict[str, RemuxResult]:
        """Every recording's result, by file name, once all have ended."""
        for _ in self.recordings:
            self._done.get(timeout=TIMEOUT)
        self.pump.close()
        return {r.path.name: r.result for r in self.recordings if r.result is not None}


def wait_written(path: Path, size: int) -> None:
    """Wait until the file on disk is larger than `size` bytes: media written since then reached
    it (a muxer writes in blocks of tens of kilobytes, half a second of the test clip)."""
    deadline = time.monotonic() + TIMEOUT
    while not path.exists() or path.stat().st_size <= size:
        assert time.monotonic() < deadline, f"{path.name} did not grow past {size} bytes"
        time.sleep(0.02)


def assert_whole(path: Path, duration: float | None = None) -> None:
    """The file holds sound and picture from a keyframe, decodes to its end, lasts `duration`."""
    got = probe(path)
    assert sorted(str(s["type"]) for s in got.streams) == ["audio", "video"]
    assert got.of("video")[0].keyframe
    assert decodes(path)["video"] == len(got.of("video"))
    if duration is not None:
        assert got.media_duration() == pytest.approx(duration, abs=DURATION_SLACK)


def test_a_big_room_is_recorded_by_one_thread_and_every_file_is_whole(
    h264_aac: Path, tmp_path: Path
) -> None:
    room = Room(h264_aac)
    before = threading.active_count()
    recordings = [room.add(tmp_path, f"s{i:02d}", duration=2.0) for i in range(16)]
    for recording in recordings:
        recording.wait_for(Started)
    # Sixteen streams recording, one thread per lane (core) more than before they joined.
    assert threading.active_count() == before + default_lanes()
    results = room.wait()
    assert sorted(results) == sorted(f"s{i:02d}.mp4" for i in range(16))
    for name, result in results.items():
        assert (result.reason, result.error) == ("duration", None)
        [info] = result.files
        assert info.path == tmp_path / name
        assert_whole(tmp_path / name, 2.0)


def test_pause_resume_and_stop_behave_as_in_a_thread_of_their_own(
    h264_aac: Path, tmp_path: Path
) -> None:
    room = Room(h264_aac)
    recordings = [room.add(tmp_path, name) for name in ("a", "b")]
    for recording in recordings:
        recording.wait_for(Started)
        wait_written(recording.path, 0)
        recording.remuxer.pause()
    paused = [r.wait_for(Paused) for r in recordings]
    sizes = [r.path.stat().st_size for r in recordings]
    for recording in recordings:
        recording.remuxer.resume()
    resumed = [r.wait_for(Resumed) for r in recordings]
    for recording, size in zip(recordings, sizes, strict=True):
        wait_written(recording.path, size)  # written again since the pause
        recording.remuxer.stop()
    results = room.wait()
    assert {r.reason for r in results.values()} == {"stopped"}
    for before, after in zip(paused, resumed, strict=True):
        assert isinstance(before, Paused)
        assert isinstance(after, Resumed)
        assert 0 < before.at <= after.at
    for name in ("a.mp4", "b.mp4"):
        assert_whole(tmp_path / name)
        times = sorted(p.pts for p in probe(tmp_path / name).of("video") if p.pts is not None)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert max(gaps) < 2.5 * FRAME  # one timeline: no frozen gap where the pause was


def test_a_stream_that_ends_or_fails_leaves_the_others_recording(
    h264_aac: Path, tmp_path: Path
) -> None:
    room = Room(h264_aac)
    with small_disk(tmp_path / "disk", "8m") as disk:
        fill(disk / "filler", 0)
        full = room.add(disk, "full", duration=3.0)
        # A clip played once from 2 s in: its source runs out after about 2 s.
        once = room.add(tmp_path, "once", duration=3.0, loop=False)
        others = [room.add(tmp_path, f"s{i}", duration=3.0) for i in range(3)]
        results = room.wait()
    assert full.result is not None
    assert full.result.reason == "error"
    assert full.result.error is not None
    assert once.result is not None
    assert once.result.reason == "source-ended"
    assert_whole(once.path)
    assert probe(once.path).media_duration() < 3.0 - DURATION_SLACK
    for recording in others:
        assert results[recording.path.name].reason == "duration"
        assert_whole(recording.path, 3.0)
