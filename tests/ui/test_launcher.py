"""`recdesk` as a person runs it: without the desktop extra, and asked for its version."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSize

from app.version import version_line
from ui.common.icons import SIZES, app_icon

ROOT = Path(__file__).resolve().parents[2]


def test_without_the_desktop_extra_it_says_how_to_install_it_in_one_line():
    # `-S`: no site-packages, so this Python truly lacks PySide6 and qasync; only the source tree.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    answer = subprocess.run(
        [sys.executable, "-S", "-m", "ui.launcher"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = (answer.stdout + answer.stderr).strip()
    assert answer.returncode == 1
    assert len(output.splitlines()) == 1, output
    assert "pip install 'recdesk[desktop]'" in output
    assert "PySide6" in output


def test_version_answers_without_starting_qt():
    recdesk = Path(sys.executable).with_name("recdesk")
    # A platform that does not exist: Qt, if it started, would abort on it.
    env = dict(os.environ, QT_QPA_PLATFORM="no-such-platform")
    answer = subprocess.run(
        [str(recdesk), "--version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == version_line("recdesk")
    assert answer.stdout.strip() != "recdesk 0+unknown"


def test_the_app_icon_has_every_size(qapp: object):
    sizes = app_icon().availableSizes()
    assert sizes == [QSize(size, size) for size in SIZES]
