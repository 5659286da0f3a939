"""The built-in service lives and dies with the app; profiles and their secrets are kept."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from ui.connection.dialog import ConnectDialog
from ui.connection.profiles import Profile, Profiles, SecretStore

_CHILD = """
import asyncio, sys
from pathlib import Path
from ui.connection.embedded import EmbeddedService
service = EmbeddedService(Path(sys.argv[1]), demo=False)
asyncio.run(service.start())
print(service.pid, flush=True)
import time; time.sleep(600)
"""


def test_the_service_stops_when_the_app_is_killed(tmp_path: Path):
    app = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(tmp_path / "service")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert app.stdout is not None
    service_pid = int(app.stdout.readline())
    assert Path(f"/proc/{service_pid}").exists()
    app.kill()
    app.wait()
    deadline = time.monotonic() + 30
    while _alive(service_pid):
        assert time.monotonic() < deadline, "the service outlived the app"
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    if state == "Z":  # a zombie of the killed app's: it has exited
        return False
    os.kill(pid, 0)
    return True


def test_profiles_are_kept_and_the_dialog_says_where_secrets_go(qtbot: QtBot, tmp_path: Path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    profiles, secrets = Profiles(settings), SecretStore()
    profiles.save(Profile("studio", "http://studio.example:8080", "app-1"))
    secrets.set("studio", "s3cret")
    dialog = ConnectDialog(profiles, secrets)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2  # the built-in service, then the profile
    dialog.list.setCurrentRow(1)
    assert dialog.chosen() == "studio"
    assert dialog.url.text() == "http://studio.example:8080"
    assert dialog.secret.text() == "s3cret"
    if not secrets.persistent:
        assert "this session only" in dialog.secret_note.text()
    again = Profiles(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert [p.name for p in again.all()] == ["studio"]
