"""Downloads resume with Range after a drop or from an earlier partial file, against a real server.

The server speaks plain HTTP ranges over a few random bytes: only the metadata and the file, which
is all a download touches.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import pytest

from app.client.client import RecDeskClient
from app.client.errors import ConnectionFailed
from app.client.policy import RetryPolicy
from tests.app.client.conftest import Sleeps, run
from tests.app.client.loopback import Loopback, Request, json_response, response

DATA = os.urandom(300_000)
META = {
    "file_id": "f1",
    "recording_id": "rec1",
    "room_id": "room1",
    "name": "room1_20250101.mp4",
    "path": "/data/room1_20250101.mp4",
    "size": len(DATA),
    "duration": 12.0,
    "start": "2025-01-01T10:00:00Z",
    "end": "2025-01-01T10:00:12Z",
}


def serve_file(*, ranges: bool = True) -> Loopback:
    """Metadata at /v1/files/f1, the bytes with ?download=1, honouring Range if `ranges`."""

    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if request.query.get("download") != "1":
            writer.write(json_response(200, META))
            return
        wanted = re.fullmatch(r"bytes=(\d+)-", request.headers.get("range", ""))
        if wanted and ranges:
            start = int(wanted.group(1))
            head = {"Content-Range": f"bytes {start}-{len(DATA) - 1}/{len(DATA)}"}
            writer.write(response(206, DATA[start:], head))
        else:
            writer.write(response(200, DATA))

    return Loopback(handler)


def downloads(server: Loopback) -> list[str | None]:
    return [r.headers.get("range") for r in server.requests if r.query.get("download")]


def test_a_drop_mid_file_resumes_from_where_it_stopped(tmp_path: Path, sleeps: Sleeps) -> None:
    cut = 100_000

    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if request.query.get("download") != "1":
            writer.write(json_response(200, META))
        elif "range" not in request.headers:
            promise = {"Content-Length": str(len(DATA))}
            writer.write(response(200, headers=promise, length=False) + DATA[:cut])  # hang up
        else:
            start = int(request.headers["range"].removeprefix("bytes=").rstrip("-"))
            rest = {"Content-Range": f"bytes {start}-{len(DATA) - 1}/{len(DATA)}"}
            writer.write(response(206, DATA[start:], rest))

    progress: list[tuple[int, int | None]] = []

    async def scenario(url: str) -> Path:
        async with RecDeskClient(url, retry=RetryPolicy(sleep=sleeps)) as c:
            return await c.download(
                "f1", tmp_path, progress=lambda done, total: progress.append((done, total))
            )

    with Loopback(handler) as server:
        saved = run(scenario(server.url))
    assert saved == tmp_path / "room1_20250101.mp4"
    assert saved.read_bytes() == DATA
    assert sorted(p.name for p in tmp_path.iterdir()) == ["room1_20250101.mp4"]
    assert downloads(server) == [None, f"bytes={cut}-"]
    assert progress[-1] == (len(DATA), len(DATA))
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert sleeps.delays == [0.2]


def test_an_earlier_partial_file_is_resumed(tmp_path: Path, sleeps: Sleeps) -> None:
    dest = tmp_path / "out.mp4"
    (tmp_path / "out.mp4.f1.part").write_bytes(DATA[:1234])

    async def scenario(url: str) -> Path:
        async with RecDeskClient(url, retry=RetryPolicy(sleep=sleeps)) as c:
            return await c.download("f1", dest)

    with serve_file() as server:
        assert run(scenario(server.url)) == dest
    assert dest.read_bytes() == DATA
    assert downloads(server) == ["bytes=1234-"]
    assert not (tmp_path / "out.mp4.f1.part").exists()


def test_a_server_that_ignores_range_gets_the_file_rewritten(
    tmp_path: Path, sleeps: Sleeps
) -> None:
    dest = tmp_path / "out.mp4"
    (tmp_path / "out.mp4.f1.part").write_bytes(b"x" * 500)

    async def scenario(url: str) -> Path:
        async with RecDeskClient(url, retry=RetryPolicy(sleep=sleeps)) as c:
            return await c.download("f1", dest)

    with serve_file(ranges=False) as server:
        run(scenario(server.url))
    assert dest.read_bytes() == DATA


def test_resume_false_starts_over(tmp_path: Path, sleeps: Sleeps) -> None:
    dest = tmp_path / "out.mp4"
    (tmp_path / "out.mp4.f1.part").write_bytes(DATA[:1000])

    async def scenario(url: str) -> Path:
        async with RecDeskClient(url, retry=RetryPolicy(sleep=sleeps)) as c:
            return await c.download("f1", dest, resume=False)

    with serve_file() as server:
        run(scenario(server.url))
    assert downloads(server) == [None]
    assert dest.read_bytes() == DATA


def test_a_file_that_never_comes_gives_up_and_keeps_the_part(
    tmp_path: Path, sleeps: Sleeps
) -> None:
    (tmp_path / "out.mp4.f1.part").write_bytes(DATA[:10])

    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if request.query.get("download") != "1":
            writer.write(json_response(200, META))
        # the bytes: never an answer

    async def scenario(url: str) -> Path:
        async with RecDeskClient(url, retry=RetryPolicy(sleep=sleeps)) as c:
            return await c.download("f1", tmp_path / "out.mp4")

    with Loopback(handler) as server, pytest.raises(ConnectionFailed):
        run(scenario(server.url))
    assert downloads(server) == ["bytes=10-"] * 3
    assert (tmp_path / "out.mp4.f1.part").read_bytes() == DATA[:10]
    assert not (tmp_path / "out.mp4").exists()


def test_a_part_longer_than_the_file_is_thrown_away(tmp_path: Path, sleeps: Sleeps) -> None:
    dest = tmp_path / "out.mp4"
    (tmp_path / "out.mp4.f1.part").write_bytes(DATA + b"extra")

    async def scenario(url: str) -> Path:
        async with RecDeskClient(url, retry=RetryPolicy(sleep=sleeps)) as c:
            return await c.download("f1", dest)

    with serve_file() as server:
        run(scenario(server.url))
    assert downloads(server) == [None]
    assert dest.read_bytes() == DATA
