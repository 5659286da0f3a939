"""`recdesk-server --port 0` says where it listens; `recdesk-ctl` reads its health."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.service import ServiceProcess


def test_server_prints_its_url_and_ctl_reads_health(tmp_path: Path) -> None:
    service = ServiceProcess(tmp_path / "data").start()
    try:
        assert service.url.startswith("http://127.0.0.1:")
        ctl = [
            sys.executable,
            "-c",
            "import sys; from app.client.ctl import main; sys.exit(main())",
        ]
        plain = subprocess.run(
            [*ctl, "--url", service.url, "health"], capture_output=True, text=True, check=True
        )
        assert "0.1.0" in plain.stdout
        out = subprocess.run(
            [*ctl, "--url", service.url, "health", "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        health = json.loads(out.stdout)
        assert health["version"] == "0.1.0"
        assert health["uptime"] >= 0
        assert health["free_bytes"] > 0
    finally:
        assert service.stop() == 0
