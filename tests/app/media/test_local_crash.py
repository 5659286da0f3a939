"""A local recording whose process is killed is found by the next start and recovered.

The recording runs in a child process, as the desktop app would, which prints how much media it
has written; it is killed with SIGKILL a few seconds in. What is recovered plays up to at most a
second before the last figure printed.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.media.local import LocalInput, LocalSpec, find_unfinished, recover_unfinished
from tests.helpers.media import probe

RUN_FOR = 3.0
LOSS = 1.0

_CHILD = """
import json, sys, time
from pathlib import Path
from app.media.local import LocalRecorder, LocalSpec
spec = LocalSpec.from_json(json.loads(sys.argv[2]))
recorder = LocalRecorder(spec, Path(sys.argv[1]), name="killed")
recorder.start()
while True:
    print(json.dumps({"elapsed": recorder.stats().elapsed}), flush=True)
    time.sleep(0.05)
"""


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
def test_a_killed_recording_is_recovered_up_to_a_second_before_the_kill(
    tmp_path: Path, fmt: str
) -> None:
    spec = LocalSpec(
        "Screen and mic",
        (
            LocalInput("screen", "lavfi:testsrc2=size=640x360:rate=30,realtime", "screen"),
            LocalInput("mic", "lavfi:sine=frequency=440:sample_rate=48000,arealtime", "audio"),
        ),
        mixed=True,
        format=fmt,  # type: ignore[arg-type]
        quality="draft",
    )
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(tmp_path), json.dumps(spec.as_json())],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    elapsed = 0.0
    deadline = time.monotonic() + 60
    try:
        for line in child.stdout:
            elapsed = json.loads(line)["elapsed"]
            if elapsed >= RUN_FOR:
                break
            assert time.monotonic() < deadline, "the child did not record"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)

    (found,) = find_unfinished(tmp_path)
    assert found.killed
    assert found.name == "killed"
    assert found.spec == spec
    (info,) = recover_unfinished(found)
    got = probe(info.path)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert got.media_duration() >= elapsed - LOSS
    # Recovered: found again as finished and unsaved, not as killed.
    (again,) = find_unfinished(tmp_path)
    assert not again.killed
