"""`recdesk-server` serves its health over real HTTP on loopback, and `recdesk-ctl` reads it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.helpers.rtmp import free_port


def test_server_health_through_ctl(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from app.service.main import main; sys.exit(main())",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path),
        ],
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from app.client.ctl import main; sys.exit(main())",
                "--url",
                url,
                "health",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        health = json.loads(out)
        assert health["version"] == "0.1.0"
        assert health["free_bytes"] > 0
        assert health["uptime"] >= 0
    finally:
        server.terminate()
        server.wait(10)
