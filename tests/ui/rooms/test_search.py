"""The room list never stands blank without a word: a search that matches nothing says so and
offers to clear it; a service without rooms says that."""

from __future__ import annotations

from pathlib import Path

import qasync
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.helpers.service import ServiceProcess
from tests.ui.conftest import connected, until
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.rooms.browser import RoomBrowser


def browser_on(qtbot: QtBot, connection: Connection) -> RoomBrowser:
    """The room browser, shown, on `connection`."""
    browser = RoomBrowser(connection, Operations())
    qtbot.addWidget(browser)
    browser.resize(280, 500)
    browser.show()
    qtbot.waitExposed(browser)
    return browser


def test_a_search_without_a_match_says_so_and_clears(
    qtbot: QtBot, aloop: qasync.QEventLoop, connection: Connection
) -> None:
    browser = browser_on(qtbot, connection)
    aloop.run_until_complete(until(lambda: browser.proxy.rowCount() >= 5))
    rooms = browser.proxy.rowCount()
    assert browser.view.isVisible()

    qtbot.keyClicks(browser.search, "xyz")
    assert browser.proxy.rowCount() == 0
    assert not browser.view.isVisible()
    assert browser.empty_text.isVisible()
    assert browser.empty_text.text() == "No room matches “xyz”."
    assert browser.clear_button.isVisible()

    qtbot.mouseClick(browser.clear_button, Qt.MouseButton.LeftButton)
    assert browser.search.text() == ""
    assert browser.view.isVisible()
    assert browser.proxy.rowCount() == rooms

    qtbot.keyClicks(browser.search, "meet")  # a match: the list, not the note
    assert browser.proxy.rowCount() >= 1
    assert browser.view.isVisible()


def test_a_service_without_rooms_says_it_has_none(
    qtbot: QtBot, aloop: qasync.QEventLoop, tmp_path: Path
) -> None:
    bare = ServiceProcess(tmp_path / "data").start()  # no demo: no rooms at all
    links = connected(aloop, bare.url)
    try:
        browser = browser_on(qtbot, next(links))
        aloop.run_until_complete(
            until(lambda: browser.empty_text.text() == "This service has no rooms yet.")
        )
        assert browser.empty_text.isVisible()
        assert not browser.clear_button.isVisible()
        qtbot.keyClicks(browser.search, "xyz")  # no room to find, but a search to clear
        assert browser.empty_text.text() == "This service has no rooms yet."
        assert browser.clear_button.isVisible()
    finally:
        next(links, None)  # closes the connection
        bare.stop()
