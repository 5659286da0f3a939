"""`make bundle-smoke`: use the built bundle as a person would, and check what it recorded.

```
.venv/bin/python packaging/smoke.py [dist/RecDesk/recdesk]
```

1. `recdesk --version` prints `recdesk VERSION` (the distribution's metadata travelled along).
2. `recdesk --self-test 3` offscreen, with its own data and settings folders in a temporary
   folder: the bundle opens its window, starts its embedded service (the bundle's executable run
   as `-m app.service.main`, which runs its worker the same way), records the demo room `call`
   for 3 s with the window's own controls and prints where the file is (`ui.selftest`).
3. The file opens with PyAV, has video and audio, lasts about 3 s and decodes to its end.

Exit status 0 when all holds; otherwise what failed, with the tail of the service's logs.
It runs with the dev venv's Python (PyAV); the bundle runs as its own process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av

SECONDS = 3.0
# A mixed recording starts when its first picture arrives and stops after the last one it
# wrote: the file's length is near what was asked, never exactly.
LENGTH_RANGE = (SECONDS - 1.0, SECONDS + 2.5)


class SmokeFailed(Exception):
    """What the bundle did wrong."""


def check_version(executable: Path) -> str:
    """`recdesk --version` prints the version from the bundled metadata."""
    answer = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    line = answer.stdout.strip()
    if (
        answer.returncode != 0
        or not re.fullmatch(r"recdesk \d+\.\d+\S*", line)
        or "unknown" in line
    ):
        raise SmokeFailed(f"--version: status {answer.returncode}, {line!r} {answer.stderr!r}")
    return line


def record(executable: Path, root: Path) -> Path:
    """Record with the bundle's window; the recorded file."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_DATA_HOME=str(root / "data"),
    )
    command = [str(executable), "--self-test", str(SECONDS), "--data-dir", str(root / "app")]
    answer = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=300, check=False
    )
    lines = [line for line in answer.stdout.splitlines() if line.startswith("{")]
    outcome = json.loads(lines[-1]) if lines else {"error": "no answer"}
    if answer.returncode != 0 or "error" in outcome:
        logs = "".join(_tail(p) for p in sorted((root / "app").rglob("*.log")))
        raise SmokeFailed(
            f"self-test: status {answer.returncode}, {outcome}\n--- stderr\n"
            f"{answer.stderr[-3000:]}{logs}"
        )
    return Path(outcome["file"])


def check_file(path: Path) -> str:
    """The recording opens, has picture and sound, lasts about SECONDS and decodes to its end."""
    with av.open(str(path)) as container:
        kinds = {stream.type for stream in container.streams}
        if not {"video", "audio"} <= kinds:
            raise SmokeFailed(f"{path.name} has {sorted(kinds)}, not video and audio")
        if container.duration is None:
            raise SmokeFailed(f"{path.name} has no duration")
        length = container.duration / av.time_base
        frames = sum(1 for _ in container.decode(video=0))
    with av.open(str(path)) as container:
        samples = sum(frame.samples for frame in container.decode(audio=0))
    low, high = LENGTH_RANGE
    if not low <= length <= high:
        raise SmokeFailed(f"{path.name} lasts {length:.2f} s, not about {SECONDS:g} s")
    return f"{path.name}: {length:.2f} s, {frames} pictures, {samples} samples"


def main(argv: list[str]) -> int:
    """Run the three checks."""
    executable = Path(argv[1] if len(argv) > 1 else "dist/RecDesk/recdesk").absolute()
    began = time.monotonic()
    try:
        print(f"smoke: {check_version(executable)}")
        with tempfile.TemporaryDirectory(prefix="recdesk-smoke-") as tmp:
            print(f"smoke: recorded {check_file(record(executable, Path(tmp)))}")
    except (SmokeFailed, subprocess.TimeoutExpired, av.error.FFmpegError) as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"smoke: passed in {time.monotonic() - began:.1f} s")
    return 0


def _tail(path: Path) -> str:
    return f"\n--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-30:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
