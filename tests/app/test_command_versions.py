"""Every command answers `--version` with its name and the installed version, and exits 0."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest


@pytest.mark.parametrize("program", ["recdesk-server", "recdesk-ctl", "recdesk-record"])
def test_version(program: str) -> None:
    answer = subprocess.run(
        [Path(sys.executable).with_name(program), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (answer.returncode, answer.stderr) == (0, "")
    assert answer.stdout == f"{program} {version('recdesk')}\n"
