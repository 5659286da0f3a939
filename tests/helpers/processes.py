"""Ending a child process the tests started: asked first, then made to."""

from __future__ import annotations

import signal
import subprocess
from typing import Any


def end(process: subprocess.Popen[Any], timeout: float) -> int:
    """SIGTERM (if it still runs), wait up to `timeout` s, then SIGKILL; its exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()
