"""Opening a folder or a file where the desktop has no program for it (no `xdg-open` on PATH)
shows in the window's banner what happened and what to do, with the path on the clipboard; with
an opener, it opens and nothing is shown.

The window runs in its own process on an X screen (`tests.helpers.opener_app`), where Qt opens
URLs as on a desktop, with a PATH the test chooses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.service import ServiceProcess
from tests.helpers.xvfb import Xvfb

REPOSITORY = Path(__file__).resolve().parents[2]


def _recorded(service: ServiceProcess, folder: str) -> str:
    """Record the podcast until its file has something in it, stop; the recording's id."""
    with httpx.Client(base_url=service.url, timeout=30) as http:
        body = {"room_id": "podcast", "stream_type": "audio", "format": "m4a", "folder": folder}
        started = http.post("/v1/recordings", json=body)
        started.raise_for_status()
        recording_id = str(started.json()["id"])
        deadline = time.monotonic() + 60
        while http.get(f"/v1/recordings/{recording_id}").json()["elapsed"] < 0.5:
            assert time.monotonic() < deadline, "the recording did not start"
            time.sleep(0.05)
        http.post(f"/v1/recordings/{recording_id}/stop").raise_for_status()
        while True:
            rec = http.get(f"/v1/recordings/{recording_id}").json()
            if rec["state"] == "completed" and rec["files"]:
                return recording_id
            assert rec["state"] != "failed", rec
            assert time.monotonic() < deadline, "the recording did not complete"
            time.sleep(0.05)


@pytest.fixture(scope="module")
def recording_id(service: ServiceProcess, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A completed recording of the session's service, with its file."""
    return _recorded(service, f"ui/{tmp_path_factory.mktemp('opener').name}")


def _history(data_dir: Path, video: Path) -> None:
    """A history of local recordings with one entry: `video`."""
    entry = {"paths": [str(video)], "label": "Class", "when": "2026-12-01T10:00:00+00:00"}
    document = {"version": 1, "entries": [entry | {"duration": 1.0, "size": 4}]}
    data_dir.mkdir(parents=True)
    (data_dir / "local-recordings.json").write_text(json.dumps(document), encoding="utf-8")


def _run_window(
    xvfb: Xvfb, service: ServiceProcess, recording_id: str, tmp_path: Path, path: Path
) -> dict[str, Any]:
    """What the window showed, run with `path` as PATH."""
    data_dir = tmp_path / "app"
    video = tmp_path / "local" / "class.mp4"
    video.parent.mkdir()
    video.write_bytes(b"mp4!")
    _history(data_dir, video)
    env = dict(os.environ, DISPLAY=xvfb.display, QT_QPA_PLATFORM="xcb", PATH=str(path))
    env.pop("XDG_CURRENT_DESKTOP", None)  # no desktop's own launcher: xdg-open or nothing
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.helpers.opener_app",
            service.url,
            str(data_dir),
            recording_id,
        ],
        check=False,  # its output says why it failed
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    seen["video"] = str(video)
    return seen


def test_without_an_opener_the_banner_says_what_to_do_with_the_path_copied(
    xvfb: Xvfb, service: ServiceProcess, recording_id: str, tmp_path: Path
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()  # a PATH where no xdg-open is
    seen = _run_window(xvfb, service, recording_id, tmp_path, empty)

    files = seen["file_panel"]
    folder = files["clipboard"]
    assert Path(folder).is_dir()
    assert Path(folder).is_relative_to(service.data_dir)
    assert f"No file manager could open the folder {folder}." in files["banner"]
    assert "Its path is on the clipboard" in files["banner"]

    video = Path(seen["video"])
    history = seen["history_folder"]
    assert history["clipboard"] == str(video.parent)
    assert f"No file manager could open the folder {video.parent}." in history["banner"]

    opened = seen["history_open"]
    assert opened["clipboard"] == str(video)
    assert f"No program could open {video}." in opened["banner"]
    assert "open it in a video player" in opened["banner"]


def test_with_an_opener_the_folders_open_and_nothing_is_shown(
    xvfb: Xvfb, service: ServiceProcess, recording_id: str, tmp_path: Path
) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    log = tmp_path / "opened.txt"
    opener = tools / "xdg-open"
    opener.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\n')
    opener.chmod(0o755)
    seen = _run_window(xvfb, service, recording_id, tmp_path, tools)

    assert [seen[key]["banner"] for key in ("file_panel", "history_folder", "history_open")] == [
        None,
        None,
        None,
    ]
    deadline = time.monotonic() + 30
    video = Path(seen["video"])
    while len(log.read_text().splitlines() if log.exists() else []) < 3:
        assert time.monotonic() < deadline, "xdg-open was not run three times"
        time.sleep(0.05)
    opened = log.read_text().splitlines()
    assert f"file://{video.parent}" in opened
    assert f"file://{video}" in opened
