"""Rooms from a real nginx-rtmp server: they come and go with their publishers.

The session's nginx (`rtmp_server`) is shared, so every test publishes under a room name of its own
and looks only at its own rooms. Tests that need an exact sequence of changes read the stat page
themselves until it shows what they wait for, then let the provider poll once; the others let it
poll in the background and wait for what they expect. A page that fails is served by a small HTTP
server on loopback (`StatServer`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from app.service.rooms.base import RoomChange, StreamMedia
from app.service.rooms.rtmp import (
    RtmpRooms,
    RtmpSettings,
)
from app.service.rooms.rtmp_stat import MAX_BYTES, parse_stat
from tests.helpers.rtmp import NginxRtmp, Publisher, free_port, publish_process
from tests.helpers.service import run

DATA = Path(__file__).parent / "data"
CLIP_MEDIA = StreamMedia("h264", 320, 240, 30.0, "aac", 48000, 2)


class Watched:
    """A started `RtmpRooms` and every change it reported, in order."""

    def __init__(self, settings: RtmpSettings) -> None:
        self.provider = RtmpRooms(settings)
        self.changes: list[RoomChange] = []

    async def __aenter__(self) -> Watched:
        await self.provider.start(self.changes.append)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.provider.stop()

    def of(self, room_id: str, since: int = 0) -> list[tuple[str, str | None]]:
        """(kind, stream id) of the changes to one room, from the `since`-th change on."""
        return [
            (c.kind, c.stream.stream_id if c.stream else None)
            for c in self.changes[since:]
            if c.room_id == room_id
        ]

    def streams(self, room_id: str) -> list[str]:
        room = self.provider.room(room_id)
        return list(room.streams) if room else []

    async def until(self, check: Callable[[], object], timeout: float = 30.0) -> None:
        """Wait, as the provider polls in the background, until `check()` is true."""
        deadline = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < deadline, "timed out waiting"
            await asyncio.sleep(0.05)


def _settings(server: NginxRtmp, **changes: object) -> RtmpSettings:
    options: dict[str, object] = {
        "stat_url": server.stat_url,
        "rtmp_url": server.rtmp_url,
        "poll_seconds": 0.1,
    }
    return RtmpSettings(**(options | changes))  # type: ignore[arg-type]


async def _page_shows(server: NginxRtmp, names: set[str], timeout: float = 30.0) -> None:
    """Wait until the stat page's live streams among `names`'s rooms are exactly `names`."""
    rooms = {name.split("__")[0] for name in names} or {""}
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as http:
        while True:
            page = parse_stat((await http.get(server.stat_url)).content)
            live = {s.name for _, s in page.live() if s.name.split("__")[0] in rooms}
            if live == names:
                return
            assert time.monotonic() < deadline, f"the stat page shows {live}, not {names}"
            await asyncio.sleep(0.05)


def test_rooms_and_streams_follow_the_publishers(
    rtmp_server: NginxRtmp, publish: Callable[[str], Publisher], room: str
) -> None:
    started = datetime.now(UTC)
    names = {f"{room}__alice", f"{room}__alice__screen", f"{room}__bob"}

    async def scenario() -> None:
        # The background poll runs once at the start; from then on the test polls.
        async with Watched(_settings(rtmp_server, poll_seconds=3600)) as rooms:
            await rooms.until(lambda: rooms.provider.health()[0].checked_at)
            alice = publish(rtmp_server.url(f"{room}__alice"))
            screen = publish(rtmp_server.url(f"{room}__alice__screen", "studio"))
            bob = publish(rtmp_server.url(f"{room}__bob"))
            await _page_shows(rtmp_server, names)
            await rooms.provider.poll()

            assert rooms.of(room) == [
                ("room.updated", None),
                ("stream.joined", "alice"),
                ("stream.joined", "alice-screen"),
                ("stream.joined", "bob"),
            ]
            state = rooms.provider.room(room)
            assert state is not None
            assert (state.room_id, state.name, state.live) == (room, room, True)
            assert room in [r.room_id for r in rooms.provider.rooms()]
            streams = state.streams
            assert {s: (v.user_id, v.kind) for s, v in streams.items()} == {
                "alice": ("alice", "camera"),
                "alice-screen": ("alice", "screen"),
                "bob": ("bob", "camera"),
            }
            assert streams["alice-screen"].uri == rtmp_server.url(
                f"{room}__alice__screen", "studio"
            )
            assert streams["bob"].uri == rtmp_server.url(f"{room}__bob")
            for stream in streams.values():
                assert stream.media == CLIP_MEDIA
                assert not stream.live_file
                assert started - timedelta(seconds=1) <= stream.since <= datetime.now(UTC)
            # The wire form carries what the stat page said.
            wire = streams["alice"].to_api()
            assert (wire.codec, wire.width, wire.fps, wire.audio_codec) == (
                "h264",
                320,
                30.0,
                "aac",
            )

            # An idle poll reports nothing.
            mark = len(rooms.changes)
            await rooms.provider.poll()
            assert rooms.of(room, mark) == []

            bob.stop()
            await _page_shows(rtmp_server, names - {f"{room}__bob"})
            await rooms.provider.poll()
            assert rooms.of(room, mark) == [("stream.left", "bob"), ("room.updated", None)]
            assert rooms.streams(room) == ["alice", "alice-screen"]

            mark = len(rooms.changes)
            alice.stop()
            screen.stop()
            await _page_shows(rtmp_server, set())
            await rooms.provider.poll()
            assert rooms.of(room, mark) == [
                ("stream.left", "alice"),
                ("stream.left", "alice-screen"),
                ("room.updated", None),
            ]
            assert rooms.provider.room(room) is None
            assert room not in [r.room_id for r in rooms.provider.rooms()]
            assert rooms.provider.health()[0].ok

    run(scenario())


def test_a_publisher_that_crashes_and_comes_back_keeps_its_stream_id(
    rtmp_server: NginxRtmp, h264_aac: Path, room: str
) -> None:
    url = rtmp_server.url(f"{room}__carol__audio")

    async def scenario() -> None:
        async with Watched(_settings(rtmp_server)) as rooms:
            first = await asyncio.to_thread(publish_process, h264_aac, url)
            try:
                await rooms.until(lambda: rooms.streams(room) == ["carol-audio"])
                before = rooms.provider.room(room)
                assert before is not None
                was = before.streams["carol-audio"]
            finally:
                first.kill()
                first.wait()
            await rooms.until(lambda: rooms.provider.room(room) is None)
            again = await asyncio.to_thread(publish_process, h264_aac, url)
            try:
                await rooms.until(lambda: rooms.streams(room) == ["carol-audio"])
                after = rooms.provider.room(room)
                assert after is not None
                back = after.streams["carol-audio"]
            finally:
                again.kill()
                again.wait()

        assert (back.stream_id, back.user_id, back.kind, back.uri) == (
            was.stream_id,
            was.user_id,
            "audio",
            was.uri,
        )
        assert back.since > was.since
        assert rooms.of(room) == [
            ("room.updated", None),
            ("stream.joined", "carol-audio"),
            ("stream.left", "carol-audio"),
            ("room.updated", None),
            ("room.updated", None),
            ("stream.joined", "carol-audio"),
        ]

    run(scenario())


def test_only_the_chosen_applications_with_a_room_prefix(
    rtmp_server: NginxRtmp, publish: Callable[[str], Publisher], room: str
) -> None:
    publish(rtmp_server.url(f"{room}__dave"))
    publish(rtmp_server.url(f"{room}__erin", "studio"))
    settings = _settings(rtmp_server, applications=("studio",), room_prefix="nginx-")

    async def scenario() -> None:
        async with Watched(settings) as rooms:
            await rooms.until(lambda: rooms.streams(f"nginx-{room}") == ["erin"])
            state = rooms.provider.room(f"nginx-{room}")
            assert state is not None
            assert state.name == room
            assert rooms.provider.room(room) is None
            assert all(r.room_id.startswith("nginx-") for r in rooms.provider.rooms())

    run(scenario())


# --- a stat page that fails -----------------------------------------------------------------------


class StatServer:
    """An HTTP server on loopback that answers every GET with `status` and `body`."""

    def __init__(self, body: bytes = b"", status: int = 200) -> None:
        self.body, self.status = body, status
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(served.status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(served.body)))
                self.end_headers()
                self.wfile.write(served.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/stat"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def stat_server() -> Iterator[StatServer]:
    """A stat page the test writes, starting with the captured page of three live streams."""
    server = StatServer((DATA / "rtmp_stat_publishing.xml").read_bytes())
    yield server
    server.close()


def test_a_stat_page_that_fails_keeps_the_rooms_and_says_why(
    stat_server: StatServer, caplog: pytest.LogCaptureFixture
) -> None:
    settings = RtmpSettings(name="studio-a", stat_url=stat_server.url, poll_seconds=0.05)
    good = stat_server.body
    where = f"stat page {stat_server.url}: "

    async def scenario() -> None:
        async with Watched(settings) as rooms:
            provider = rooms.provider
            await rooms.until(lambda: provider.room("meet") and provider.room("solo"))
            health = provider.health()[0]
            assert (health.name, health.kind, health.ok, health.rooms) == (
                "studio-a",
                "rtmp",
                True,
                2,
            )
            assert health.error is None
            assert health.checked_at is not None
            known = [(r.room_id, list(r.streams)) for r in provider.rooms()]
            mark = len(rooms.changes)

            async def failing(message: str) -> None:
                await rooms.until(lambda: (provider.health()[0].error or "").startswith(message))

            failures = [
                (b"<html><body>welcome to nginx</body></html>", 200, "the root element is <html>"),
                (b"<rtmp><server>", 200, "not well-formed XML"),
                (b"oops", 500, "HTTP 500 Internal Server Error"),
                (b"<rtmp>" + b" " * MAX_BYTES + b"</rtmp>", 200, "the page is larger than"),
            ]
            tried = provider.health()[0].checked_at
            for body, status, reason in failures:
                stat_server.body, stat_server.status = body, status
                await failing(where + reason)
                health = provider.health()[0]
                assert not health.ok
                # `checked_at` says the provider still tries.
                assert health.checked_at is not None
                assert tried is not None
                assert health.checked_at > tried
                tried = health.checked_at
                # A recording must not stop because a poll failed: the rooms stay as they were.
                assert [(r.room_id, list(r.streams)) for r in provider.rooms()] == known
                assert health.rooms == 2
            assert rooms.changes[mark:] == []

            stat_server.body, stat_server.status = good, 200
            await rooms.until(lambda: provider.health()[0].ok)
            assert provider.health()[0].error is None
            assert [(r.room_id, list(r.streams)) for r in provider.rooms()] == known
            assert not [c for c in rooms.changes[mark:] if c.kind != "room.updated"]

    with caplog.at_level(logging.INFO, logger="app.service.rooms.rtmp"):
        run(scenario())
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    # Logged once per distinct reason, however many polls failed for it.
    assert len(warnings) == 4, warnings
    assert any("answers again" in r.getMessage() for r in caplog.records)


def test_an_unreachable_stat_page_says_so_and_stops_cleanly() -> None:
    url = f"http://127.0.0.1:{free_port()}/stat"
    settings = RtmpSettings(stat_url=url, poll_seconds=0.05, timeout=1)

    async def scenario() -> None:
        async with Watched(settings) as rooms:
            assert rooms.provider.health()[0].ok  # not polled yet: no news
            await rooms.until(lambda: rooms.provider.health()[0].error)
            health = rooms.provider.health()[0]
            assert not health.ok
            assert health.error is not None
            assert health.error.startswith(f"stat page {url}: cannot connect")
            assert health.checked_at is not None  # when it last tried
            assert rooms.provider.rooms() == []
            assert rooms.changes == []

    run(scenario())


def test_one_stream_id_twice_in_a_room_keeps_the_first_application(stat_server: StatServer) -> None:
    # studio/meet__alice__screen becomes studio/meet__alice: alice's camera in both applications.
    stat_server.body = stat_server.body.replace(b"meet__alice__screen", b"meet__alice")

    async def uri_of_alice(applications: tuple[str, ...]) -> str:
        settings = RtmpSettings(stat_url=stat_server.url, applications=applications)
        async with Watched(settings) as rooms:
            await rooms.until(lambda: rooms.provider.room("meet"))
            state = rooms.provider.room("meet")
            assert state is not None
            assert list(state.streams) == ["alice"]
            return state.streams["alice"].uri

    assert run(uri_of_alice(())).endswith("/live/meet__alice")
    assert run(uri_of_alice(("studio", "live"))).endswith("/studio/meet__alice")
