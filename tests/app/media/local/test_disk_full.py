"""A local recording on a disk that fills up: a warning, then a clean stop with every file whole.

The working folder is a real 40 MB tmpfs, filled by the test with a file of its own while a
camera and a microphone (FFmpeg's test sources, in real time) are recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import av

from app.media.local import DiskLow, LocalInput, LocalRecorder, LocalSpec
from tests.helpers.disk import fill, small_disk

MIB = 1024 * 1024
CAMERA = LocalInput("camera", "lavfi:testsrc2=size=640x360:rate=30,realtime", "camera")
MIC = LocalInput("mic", "lavfi:sine=frequency=440:sample_rate=48000,arealtime", "audio")


def wait_for(check: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait until `check()` is true (a generous timeout; never a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def decoded_seconds(path: Path) -> float:
    """Decode every packet of every stream (an error before the end fails); the file's length."""
    with av.open(str(path)) as container:
        for _frame in container.decode(*container.streams):
            pass
        assert container.duration is not None, path
        return container.duration / av.time_base


def test_a_filling_disk_warns_then_stops_the_recording_with_its_files_whole(
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        events: list[object] = []
        recorder = LocalRecorder(
            LocalSpec("camera", (CAMERA, MIC), mixed=True, quality="draft", split=2.0),
            disk,
            name="full",
            on_event=events.append,
            warn_below=8 * MIB,
            stop_below=4 * MIB,
            watch_every=0.1,
        )
        recorder.start()
        wait_for(lambda: recorder.stats().elapsed >= 2.5)  # into its second part
        fill(disk / "filler", 6 * MIB)
        wait_for(lambda: any(isinstance(e, DiskLow) for e in events))
        assert recorder.stats().state == "recording"  # a warning only
        fill(disk / "filler", 3 * MIB)
        ended = recorder.wait(30)
        elapsed = recorder.stats().elapsed

        assert ended is not None
        assert ended.reason == "disk-full"
        assert ended.message == "the disk is almost full"
        lows = [e for e in events if isinstance(e, DiskLow)]
        assert [e.stopping for e in lows] == [False, True]
        assert lows[1].free < 4 * MIB
        names = [f.path.name for f in ended.files]
        assert names[:2] == ["full-001.mp4", "full-002.mp4"]
        on_disk = sorted(p.name for p in ended.folder.iterdir() if p.suffix == ".mp4")
        assert on_disk == sorted(names)  # nothing left unfinished beside them
        total = sum(decoded_seconds(f.path) for f in ended.files)
        assert abs(total - elapsed) < 1.5, (total, elapsed)
