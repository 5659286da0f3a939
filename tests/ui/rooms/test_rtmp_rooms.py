"""RTMP rooms in the desktop's room browser: they come and go as publishers do, like demo rooms.

The service's rooms come from the session's nginx-rtmp (`rtmp_service`); the test publishes the
test clip as a camera and a screen under a room name of its own, and watches the browser list the
room with its people, then drop it when the publishers stop.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from pytestqt.qtbot import QtBot

from tests.helpers.rtmp import NginxRtmp, Publisher
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import connected, until
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.rooms.browser import RoomBrowser
from ui.rooms.model import RoomsModel


@pytest.fixture
def rtmp_connection(aloop: qasync.QEventLoop, rtmp_service: ServiceProcess) -> Iterator[Connection]:
    """A connection to the service whose rooms come from nginx-rtmp."""
    yield from connected(aloop, rtmp_service.url)


def rooms_listed(browser: RoomBrowser) -> dict[str, tuple[int, int, str]]:
    """Room id → (people, streams, the summary the list shows under its name)."""
    proxy = browser.proxy
    shown = {}
    for row in range(proxy.rowCount()):
        index = proxy.index(row, 0)
        room = index.data(RoomsModel.RoomRole)
        shown[index.data(RoomsModel.RoomIdRole)] = (
            index.data(RoomsModel.PeopleRole),
            len(room.streams),
            index.data(RoomsModel.SummaryRole),
        )
    return shown


def test_the_browser_lists_rtmp_rooms_as_publishers_come_and_go(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    rtmp_connection: Connection,
    rtmp_server: NginxRtmp,
    h264_aac: Path,
) -> None:
    room = "desk" + secrets.token_hex(3)
    operations = Operations()
    browser = RoomBrowser(rtmp_connection, operations)
    qtbot.addWidget(browser)
    browser.resize(280, 420)
    browser.show()
    publishers = [
        Publisher(h264_aac, rtmp_server.url(f"{room}__alice")),
        Publisher(h264_aac, rtmp_server.url(f"{room}__alice__screen")),
    ]

    async def scenario() -> None:
        for publisher in publishers:
            publisher.start()
        await until(lambda: room in rooms_listed(browser))
        await until(lambda: rooms_listed(browser)[room][:2] == (1, 2))  # a camera and a screen
        assert "1 person" in rooms_listed(browser)[room][2]
        for publisher in publishers:
            publisher.stop()
        await until(lambda: room not in rooms_listed(browser))

    try:
        aloop.run_until_complete(scenario())
    finally:
        for publisher in publishers:
            publisher.stop()
        aloop.run_until_complete(operations.cancel_all())  # nothing of this test runs on later
