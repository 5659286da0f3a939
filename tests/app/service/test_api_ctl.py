"""`recdesk-ctl` against the real service: tables for people, `--json` for scripts."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers.service import ServiceProcess

_CTL = [sys.executable, "-c", "import sys; from app.client.ctl import main; sys.exit(main())"]


def _ctl(service: ServiceProcess, *words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_CTL, "--url", service.url, *words],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ctl_records_a_room_from_start_to_files(service: ServiceProcess):
    rooms = _ctl(service, "rooms")
    assert rooms.returncode == 0
    assert rooms.stdout.splitlines()[0].split() == ["ID", "NAME", "LIVE", "STREAMS", "RECORDING"]
    assert any(line.startswith("podcast") for line in rooms.stdout.splitlines())
    started = _ctl(
        service,
        "--json",
        "record",
        "start",
        "podcast",
        "--mode",
        "mixed",
        "--stream-type",
        "audio",
        "--format",
        "ogg",
        "--tag",
        "ctl",
    )
    assert started.returncode == 0, started.stderr
    rec = json.loads(started.stdout)
    assert rec["state"] == "starting"
    assert rec["tags"] == ["ctl"]
    status = _ctl(service, "record", "status", rec["id"], "--json")
    assert json.loads(status.stdout)["id"] == rec["id"]
    stopped = _ctl(service, "record", "stop", rec["id"])
    assert stopped.returncode == 0, stopped.stderr
    assert "completed" in stopped.stdout
    files = json.loads(_ctl(service, "files", "--json", "--room", "podcast").stdout)
    assert any(
        f["recording_id"] == rec["id"] and f["name"].endswith(".ogg") for f in files["items"]
    )
    again = _ctl(service, "record", "stop", rec["id"])
    assert again.returncode == 1
    assert "40902" in again.stderr
