"""The room browser and the room view against a real demo service: what the operator sees.

The session's service has the six demo rooms and nobody comes or goes unless a test says so
(`POST /v1/demo/rooms/{room}/users/{user}/leave|join`); a test that sends someone away brings
them back before it ends, since the service is shared.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import qasync
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.api.models import Room, Stream
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import until
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.rooms.browser import RoomBrowser
from ui.rooms.model import RoomsFilterModel, RoomsModel
from ui.rooms.stream_card import THUMB_WIDTH
from ui.rooms.view import RoomView

DEMO_ROOMS = {"call", "meeting", "class", "webinar", "podcast", "empty"}


@pytest.fixture
def operations(aloop: qasync.QEventLoop, connection: Connection) -> Iterator[Operations]:
    """Operations for the widgets; the test fails if any reached the operator as a failure."""
    ops = Operations()
    failures: list[str] = []
    ops.failed.connect(lambda what, todo: failures.append(what))
    yield ops
    aloop.run_until_complete(ops.cancel_all())
    assert failures == []


def browser_for(qtbot: QtBot, connection: Connection, operations: Operations) -> RoomBrowser:
    browser = RoomBrowser(connection, operations)
    qtbot.addWidget(browser)
    browser.resize(280, 420)
    browser.show()
    qtbot.waitExposed(browser)
    return browser


def listed(browser: RoomBrowser) -> list[str]:
    """The ids of the rooms the list shows, top to bottom."""
    proxy = browser.proxy
    return [proxy.index(row, 0).data(RoomsModel.RoomIdRole) for row in range(proxy.rowCount())]


def people(browser: RoomBrowser, room_id: str) -> int:
    row = browser.model.row_of(room_id)
    assert row is not None
    return int(browser.model.index(row, 0).data(RoomsModel.PeopleRole))


async def demo(service: ServiceProcess, room_id: str, user_id: str, action: str) -> None:
    async with httpx.AsyncClient(base_url=service.url) as http:
        answer = await http.post(f"/v1/demo/rooms/{room_id}/users/{user_id}/{action}")
        answer.raise_for_status()


def test_browser_lists_the_demo_rooms_and_reloads_on_sync(
    aloop: qasync.QEventLoop,
    connection: Connection,
    operations: Operations,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    browser = browser_for(qtbot, connection, operations)

    async def scenario() -> None:
        await until(lambda: browser.model.rowCount() == 6)
        assert set(listed(browser)) == DEMO_ROOMS
        # A reconnection tells every view to read afresh.
        browser.model.reset([])
        connection.synced.emit()
        await until(lambda: browser.model.rowCount() == 6)

    aloop.run_until_complete(scenario())
    row = browser.model.row_of("meeting")
    assert row is not None
    index = browser.model.index(row, 0)
    assert index.data() == "Team meeting"
    assert index.data(RoomsModel.LiveRole) is True
    assert index.data(RoomsModel.PeopleRole) == 4
    assert index.data(RoomsModel.RecordingRole) is False
    assert index.data(RoomsModel.SummaryRole) == "live · 4 people"
    assert isinstance(index.data(RoomsModel.RoomRole), Room)
    empty = browser.model.index(browser.model.row_of("empty") or 0, 0)
    assert empty.data(RoomsModel.PeopleRole) == 0
    assert browser.search.placeholderText() == "Search rooms…"
    assert browser.search.isClearButtonEnabled()
    assert browser.grab().save(str(tmp_path / "room_browser.png"))


def test_search_filters_by_name_and_id_ignoring_case(
    aloop: qasync.QEventLoop, connection: Connection, operations: Operations, qtbot: QtBot
) -> None:
    browser = browser_for(qtbot, connection, operations)
    aloop.run_until_complete(until(lambda: browser.model.rowCount() == 6))

    browser.focus_search()
    qtbot.keyClicks(browser.search, "meet")
    assert listed(browser) == ["meeting"]
    browser.search.clear()
    qtbot.keyClicks(browser.search, "ROOM")  # "Empty room", by its name
    assert listed(browser) == ["empty"]
    browser.search.setText("podc")  # by its id (and name)
    assert listed(browser) == ["podcast"]
    browser.search.setText("1:1")
    assert listed(browser) == ["call"]
    browser.search.setText("nothing like this")
    assert listed(browser) == []
    browser.search.clear()
    assert len(listed(browser)) == 6


def test_selecting_a_room_emits_its_id(
    aloop: qasync.QEventLoop, connection: Connection, operations: Operations, qtbot: QtBot
) -> None:
    browser = browser_for(qtbot, connection, operations)
    aloop.run_until_complete(until(lambda: browser.model.rowCount() == 6))
    picked: list[str] = []
    browser.room_selected.connect(picked.append)

    index = browser.proxy.mapFromSource(browser.model.index(browser.model.row_of("class") or 0, 0))
    point = browser.view.visualRect(index).center()
    qtbot.mouseClick(browser.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert picked == ["class"]
    assert browser.selected_room() == "class"

    # Picking a room the search hides clears the search to show it.
    browser.search.setText("pod")
    assert browser.select("webinar")
    assert browser.search.text() == ""
    assert picked == ["class", "webinar"]
    assert not browser.select("no-such-room")
    # The same room again is no news.
    browser.select("webinar")
    assert picked == ["class", "webinar"]


def test_a_leave_and_a_join_reach_the_browser_and_the_view_through_events(
    aloop: qasync.QEventLoop,
    connection: Connection,
    operations: Operations,
    qtbot: QtBot,
    service: ServiceProcess,
) -> None:
    browser = browser_for(qtbot, connection, operations)
    view = RoomView(connection, operations)
    qtbot.addWidget(view)
    view.show()
    resets: list[bool] = []
    changed_rows: set[int] = set()
    browser.model.modelReset.connect(lambda: resets.append(True))
    browser.model.dataChanged.connect(
        lambda first, last, roles=(): changed_rows.update(range(first.row(), last.row() + 1))
    )

    async def scenario() -> None:
        await until(lambda: browser.model.rowCount() == 6)
        resets.clear()
        room = await connection.client.room("webinar")
        view.set_room(room)
        before = people(browser, "webinar")
        assert set(view.stream_ids()) == {"peggy-camera", "peggy-screen", "quinn-camera"}
        await demo(service, "webinar", "quinn", "leave")
        try:
            await until(lambda: people(browser, "webinar") == before - 1)
            await until(lambda: view.stream_ids() == ["peggy-camera", "peggy-screen"])
        finally:
            await demo(service, "webinar", "quinn", "join")
        await until(lambda: people(browser, "webinar") == before)
        await until(lambda: "quinn-camera" in view.stream_ids())
        # The rooms are not polled: no reload, only the webinar's row changed.
        await asyncio.sleep(0.3)
        assert resets == []
        assert changed_rows == {browser.model.row_of("webinar")}
        assert not browser._fetcher.busy()

    aloop.run_until_complete(scenario())


def test_room_view_shows_streams_with_real_thumbnails(
    aloop: qasync.QEventLoop,
    connection: Connection,
    operations: Operations,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    # The browser and the view side by side, as the main window places them.
    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    browser = RoomBrowser(connection, operations)
    view = RoomView(connection, operations)
    view.refresh_interval_ms = 300
    row.addWidget(browser, 1)
    row.addWidget(view, 3)
    browser.room_selected.connect(
        lambda room_id: view.set_room(browser.model.room_at(browser.model.row_of(room_id) or 0))
    )
    window.resize(900, 560)
    window.show()
    qtbot.waitExposed(window)

    async def scenario() -> None:
        await until(lambda: browser.model.rowCount() == 6)
        assert browser.select("webinar")
        room = view.room()
        assert room is not None
        assert room.room_id == "webinar"
        assert len(view.stream_ids()) == len(room.streams) == 3
        await until(lambda: all(view.thumbnail(s) is not None for s in view.stream_ids()))
        for stream in room.streams:
            picture = view.thumbnail(stream.stream_id)
            assert picture is not None
            assert not picture.isNull()
            assert picture.width() == THUMB_WIDTH
            assert stream.width
            assert stream.height
            assert picture.height() == pytest.approx(
                THUMB_WIDTH * stream.height / stream.width, abs=1
            )
        # The pictures keep refreshing while the view is shown.
        first = view.thumbnail("peggy-screen")
        assert first is not None
        await until(lambda: view.thumbnail("peggy-screen") is not first)
        window.grab().save(str(tmp_path / "room_view_webinar.png"))

        assert browser.select("podcast")
        await until(lambda: len(view.stream_ids()) == 3)
        await asyncio.sleep(0.5)
        # Sound only: a drawn placeholder, no snapshot asked for.
        assert all(view.thumbnail(s) is None for s in view.stream_ids())
        window.grab().save(str(tmp_path / "room_view_podcast.png"))

        assert browser.select("class")
        await until(lambda: all(view.thumbnail(s) is not None for s in view.stream_ids()))
        window.grab().save(str(tmp_path / "room_view_class.png"))

        # Hidden, it asks for no more pictures.
        view.hide()
        assert view.refresh_interval_ms == 300
        assert not view._timer.isActive()

    aloop.run_until_complete(scenario())


def _rooms(n: int) -> list[Room]:
    since = datetime(2024, 1, 1, tzinfo=UTC)
    words = ("Meeting", "Class", "Standup", "Webinar")
    return [
        Room(
            room_id=f"room-{i:05d}",
            name=f"{words[i % len(words)]} {i}",
            live=i % 2 == 0,
            streams=[
                Stream(stream_id=f"u{j}-{k}", user_id=f"u{j}", kind=k, since=since)
                for j in range(i % 3)
                for k in ("camera", "screen")
            ],
        )
        for i in range(n)
    ]


def test_filter_model_over_10000_rooms(qapp: object) -> None:
    rooms = _rooms(10_000)
    model = RoomsModel()
    model.reset(rooms)
    proxy = RoomsFilterModel()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 10_000

    def expected(text: str) -> int:
        needle = text.casefold()
        return sum(needle in r.name.casefold() or needle in r.room_id for r in rooms)

    for text in ("m", "meeting", "MEETING 4", "meeting 42", "room-0999", "ROOM-09990", "zzz"):
        proxy.setFilterFixedString(text)
        assert proxy.rowCount() == expected(text), text
    proxy.setFilterFixedString("meeting 42")
    assert proxy.rowCount() == 28  # 42, 420..428 by four, 4200..4299 by four
    proxy.setFilterFixedString("")
    assert proxy.rowCount() == 10_000

    # Distinct users, not streams; in place, one row's change, and the filter follows it.
    assert model.index(2, 0).data(RoomsModel.PeopleRole) == 2
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(
        lambda first, last, roles=(): changed.append((first.row(), last.row()))
    )
    proxy.setFilterFixedString("renamed")
    assert proxy.rowCount() == 0
    model.update_room(rooms[7].model_copy(update={"name": "Renamed", "recording": ["r1"]}))
    assert changed == [(7, 7)]
    assert proxy.rowCount() == 1
    assert proxy.index(0, 0).data(RoomsModel.RecordingRole) is True
    model.update_room(Room(room_id="new", name="Renamed too", live=True))
    assert model.row_of("new") == 10_000
    assert proxy.rowCount() == 2
    model.remove_room("room-00007")
    assert model.row_of("room-00007") is None
    assert model.row_of("room-00008") == 7
    assert model.row_of("new") == 9_999
    assert model.room_at(7).room_id == "room-00008"
    assert proxy.rowCount() == 1
    assert model.data(QModelIndex()) is None
