"""`recdesk-ctl`: drive a recording service from the command line.

Only `health` exists so far; the recording commands arrive with the service's issue.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

import httpx


async def _health(url: str) -> int:
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        try:
            response = await client.get("/v1/health")
            response.raise_for_status()
        except httpx.HTTPError as exc:
            print(f"recdesk-ctl: cannot reach {url}: {exc}", file=sys.stderr)
            return 1
    print(json.dumps(response.json()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `recdesk-ctl`."""
    parser = argparse.ArgumentParser(
        prog="recdesk-ctl", description="Drive a RecDesk recording service."
    )
    parser.add_argument("--url", default="http://127.0.0.1:8787", help="the service's base URL")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("health", help="show the service's version, uptime and free disk space")
    args = parser.parse_args(argv)
    return asyncio.run(_health(args.url))
