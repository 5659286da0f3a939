"""Layout previews at once: at most `max_previews` render, and one whose client left stops.

The service runs in this process, its ASGI app served by uvicorn on loopback, with a room whose
streams are a real TCP media server run by the test (`HeldSource`): it accepts the preview's
connection and sends its MPEG-TS clip only when the test says, so a render is in flight for as long
as the test needs, without a clock and without touching the service's code.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.service.app import create_app
from app.service.rooms.base import LiveStream, OnChange, ProviderHealth, RoomState
from app.service.settings import Settings
from tests.helpers.media import ClipSpec, make_clip
from tests.helpers.service import run, served, wait_until


class HeldSource:
    """A TCP server that holds each connection until `release`, then sends a clip and closes."""

    def __init__(self, clip: bytes) -> None:
        self.clip = clip
        self.connections = 0
        self.connected = asyncio.Event()
        self._released = asyncio.Event()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"tcp://127.0.0.1:{port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    def release(self) -> None:
        self._released.set()

    async def close(self) -> None:
        self.release()
        if self._server is not None:
            self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.connected.set()
        await self._released.wait()
        writer.write(self.clip)
        await writer.drain()
        writer.close()


class HeldRoom:
    """A `RoomProvider` with one room, `held`, whose camera streams all come from one URL."""

    def __init__(self, url: str, count: int) -> None:
        since = datetime.now(UTC)
        streams = {
            f"s{i}": LiveStream(f"s{i}", f"user{i}", "camera", url, since) for i in range(count)
        }
        self._room = RoomState("held", "held", streams)

    def rooms(self) -> list[RoomState]:
        return [self._room]

    def room(self, room_id: str) -> RoomState | None:
        return self._room if room_id == "held" else None

    async def start(self, on_change: OnChange) -> None:
        pass

    async def stop(self) -> None:
        pass

    def health(self) -> list[ProviderHealth]:
        return [ProviderHealth("held", "test", ok=True, rooms=1)]


def regions(*stream_ids: str | None) -> dict[str, Any]:
    boxes = [
        {"x": 80 * i, "y": 0, "width": 80, "height": 60, "stream_id": sid}
        for i, sid in enumerate(stream_ids)
    ]
    canvas = {"width": 320, "height": 240}
    layout = {"version": 1, "template": "custom", "canvas": canvas, "regions": boxes}
    return {"room_id": "held", "layout": layout}


@pytest.fixture
def clip(tmp_path: Path) -> bytes:
    """A second of 320x240 H.264 in MPEG-TS, which FFmpeg reads from a socket as it comes."""
    return make_clip(tmp_path / "clip.ts", ClipSpec(audio=None, seconds=1.0)).read_bytes()


def test_one_preview_past_the_cap_is_429_and_one_whose_client_left_stops(
    tmp_path: Path, clip: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.service.limits")
    placeholders_only = regions(None, None)  # renders at once: no stream to read

    async def scenario() -> HeldSource:
        source = HeldSource(clip)
        await source.start()
        settings = Settings(data_dir=tmp_path / "data", max_previews=1, warm_workers=0)
        try:
            async with served(create_app(settings, rooms=HeldRoom(source.url, 3))) as url:
                # One preview of three streams, held at the first: the one slot is taken.
                leaving = httpx.AsyncClient(base_url=url, timeout=60)
                first = asyncio.create_task(
                    leaving.post("/v1/layouts/preview", json=regions("s0", "s1", "s2"))
                )
                await asyncio.wait_for(source.connected.wait(), 30)
                async with httpx.AsyncClient(base_url=url, timeout=60) as client:
                    busy = await client.post("/v1/layouts/preview", json=placeholders_only)
                    assert busy.status_code == 429, busy.text
                    assert (busy.json()["code"], busy.json()["name"]) == (42901, "busy")
                    assert int(busy.headers["retry-after"]) > 0

                    # Its client goes away; once the service has seen it, the stream answers.
                    first.cancel()
                    await leaving.aclose()

                    async def noticed() -> bool:
                        return any("went away" in r.getMessage() for r in caplog.records)

                    await wait_until(noticed, timeout=30)
                    source.release()

                    # The render stops after that stream: its slot comes back, for this one.
                    async def rendered() -> httpx.Response | None:
                        answer = await client.post("/v1/layouts/preview", json=placeholders_only)
                        assert answer.status_code in (200, 429), answer.text
                        return answer if answer.status_code == 200 else None

                    done = await wait_until(rendered, timeout=30)
                    assert done.headers["content-type"] == "image/jpeg"
        finally:
            await source.close()
        return source

    source = run(scenario())
    # The two streams after the first were never opened: the work stopped with its client.
    assert source.connections == 1
