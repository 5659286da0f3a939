"""A virtual X screen (Xvfb) for screen-capture tests."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path


class Xvfb:
    """Xvfb on a free display number; `display` is its name (`:93`)."""

    def __init__(self, width: int = 640, height: int = 480) -> None:
        binary = shutil.which("Xvfb")
        if binary is None:
            raise RuntimeError("Xvfb is missing: run `make deps`")
        number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
        self.display = f":{number}"
        self._process = subprocess.Popen(
            [binary, self.display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the X server."""
        self._process.terminate()
        self._process.wait(5)
