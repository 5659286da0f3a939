"""A local recording in a child process, killed with SIGKILL mid-way, as a crashing app leaves it.

`record_and_kill(workdir, spec, name)` starts a `LocalRecorder` in a fresh Python process, which
prints how much media it has written every 50 ms, kills it once `run_for` seconds are written,
and returns the last figure printed: what recovery must give back, less at most a second.
`kill_at_header(clip, out)` kills `recdesk-record` as soon as its MP4 has a header and no media.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.media.local import LocalInput, LocalSpec
from tests.helpers.media import top_level_boxes

# Screen and microphone, paced in real time by FFmpeg's test sources.
SCREEN_AND_MIC = LocalSpec(
    "Screen and mic",
    (
        LocalInput("screen", "lavfi:testsrc2=size=640x360:rate=30,realtime", "screen"),
        LocalInput("mic", "lavfi:sine=frequency=440:sample_rate=48000,arealtime", "audio"),
    ),
    mixed=True,
    quality="draft",
)

_CHILD = """
import json, sys, time
from pathlib import Path
from app.media.local import LocalRecorder, LocalSpec
spec = LocalSpec.from_json(json.loads(sys.argv[2]))
recorder = LocalRecorder(spec, Path(sys.argv[1]), name=sys.argv[3])
recorder.start()
while True:
    print(json.dumps({"elapsed": recorder.stats().elapsed}), flush=True)
    time.sleep(0.05)
"""


def record_and_kill(workdir: Path, spec: LocalSpec, name: str, run_for: float = 3.0) -> float:
    """Record `spec` in a child process, SIGKILL it after `run_for` s; the seconds it wrote."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(workdir), json.dumps(spec.as_json()), name],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    elapsed = 0.0
    deadline = time.monotonic() + 60
    try:
        for line in child.stdout:
            elapsed = json.loads(line)["elapsed"]
            if elapsed >= run_for:
                break
            assert time.monotonic() < deadline, "the child did not record"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    return float(elapsed)


def kill_at_header(clip: Path, out: Path) -> None:
    """Record `clip` live into the MP4 `out` with `recdesk-record` and SIGKILL it as soon as the
    file has its first bytes: its header (`ftyp`, `free`) and no media, which comes a second
    later. A kill that came too late is tried again."""
    for _ in range(3):
        out.unlink(missing_ok=True)
        command = [sys.executable, "-m", "app.media.cli", str(clip), "--live", "-o", str(out)]
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not (out.exists() and out.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.002)
        proc.kill()
        proc.wait()
        if set(top_level_boxes(out)) <= {"ftyp", "free"}:
            return
    raise AssertionError(f"{out} has media: {top_level_boxes(out)}")
