"""The service's data folder when `--data-dir` is not given, as each system wants it.

On Linux it stays where every earlier version kept it (`$XDG_DATA_HOME/recdesk/service`, else
`~/.local/share/recdesk/service`), so no recordings are left in an old folder: the real service is
started without `--data-dir` and its database must appear there. Windows and macOS follow their
conventions through platformdirs; those tests run on those systems only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.service.main import default_data_dir


def started_without_data_dir(env: dict[str, str], log: Path) -> Path:
    """Start the service with no `--data-dir`, ask where its data is, stop it; that folder."""
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.service.main", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=env,
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, log.read_text()
        health = httpx.get(json.loads(line)["url"] + "/v1/health", timeout=30)
        assert health.status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0, log.read_text()
    data_dir = Path(health.json()["data_dir"])
    assert (data_dir / "recdesk.sqlite3").is_file()  # the database is there, not elsewhere
    return data_dir


@pytest.mark.linux
@pytest.mark.parametrize("xdg", [True, False], ids=["XDG_DATA_HOME", "~/.local/share"])
def test_linux_keeps_the_folder_it_always_had(tmp_path: Path, xdg: bool) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "XDG_DATA_HOME"}
    env["HOME"] = str(home)
    if xdg:
        env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    expected = (tmp_path / "xdg" if xdg else home / ".local" / "share") / "recdesk" / "service"
    assert started_without_data_dir(env, tmp_path / "service.log") == expected


@pytest.mark.macos
def test_macos_keeps_it_in_application_support(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    expected = tmp_path / "Library" / "Application Support" / "RecDesk" / "service"
    assert started_without_data_dir(env, tmp_path / "service.log") == expected


@pytest.mark.windows
def test_windows_keeps_it_in_local_app_data() -> None:
    # The known folder comes from the system (SHGetKnownFolderPath), not from a variable a test
    # could point elsewhere: compared, not started, so a test never writes to a user's folder.
    expected = Path(os.environ["LOCALAPPDATA"]) / "RecDesk" / "service"
    assert default_data_dir() == expected
