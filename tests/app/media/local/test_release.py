"""After a local recording, the threads its encoders and decoders ran on are gone, and what it
allocated goes back: the desktop app must not keep a finished recording's pipeline alive."""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.media.allocator import release_memory
from app.media.local import LocalRecorder, LocalSpec
from tests.app.media.local.test_call_mix import MIC, SCREEN, finished, record


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


def test_a_finished_recording_leaves_no_thread_behind(tmp_path: Path) -> None:
    release_memory()
    before = _threads()
    spec = LocalSpec("call", (SCREEN, MIC), mixed=True)
    recorder = LocalRecorder(spec, tmp_path, name="call")
    recorder.start()
    record(recorder, 1.0)
    assert _threads() > before + 2  # the mix's inputs, encoders and the monitor run on threads
    ended = finished(recorder)
    assert ended.reason == "stopped"
    assert ended.files
    assert recorder.stats().state == "ended"
    assert recorder.stats().elapsed >= 1.0

    # The recorder object itself is still held (the desktop keeps it until the save is done).
    deadline = time.monotonic() + 20
    while _threads() > before:
        assert time.monotonic() < deadline, f"{_threads() - before} threads left behind"
        release_memory()
        time.sleep(0.1)
