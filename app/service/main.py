"""`recdesk-server`: builds the service with `create_app()` and serves it with uvicorn.

Only the health endpoint exists so far; rooms and recordings arrive with the service's issue.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from shutil import disk_usage
from typing import Any

import uvicorn
from fastapi import FastAPI


def create_app(data_dir: Path) -> FastAPI:
    """The service's ASGI app; nothing heavy happens until it starts."""
    app = FastAPI(title="RecDesk recording service", version=version("recdesk"))
    started = time.monotonic()

    @app.get("/v1/health")
    def health() -> dict[str, Any]:
        data_dir.mkdir(parents=True, exist_ok=True)
        return {
            "version": version("recdesk"),
            "uptime": round(time.monotonic() - started, 3),
            "free_bytes": disk_usage(data_dir).free,
        }

    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `recdesk-server`."""
    parser = argparse.ArgumentParser(
        prog="recdesk-server", description="The RecDesk recording service."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--data-dir", type=Path, default=Path.home() / ".local/share/recdesk")
    args = parser.parse_args(argv)
    uvicorn.run(create_app(args.data_dir), host=args.host, port=args.port, log_level="warning")
    return 0
