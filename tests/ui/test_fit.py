"""The main window fits the screens operators have: at 1280x720 with every option shown nothing is
cut off or out of reach (what does not fit scrolls), the window never grows by itself, its tables
show several rows at 1280x800, and a room's streams fill a grid without scrolling sideways."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QAbstractScrollArea, QScrollBar, QTableView, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import until
from ui.common.language import install_language
from ui.connection.connection import Connection
from ui.local.history import HISTORY_FILE, HistoryStore
from ui.rooms.stream_card import StreamCard
from ui.window import MainWindow

SCREEN_720 = 720


@pytest.fixture
def window(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    tmp_path: Path,
) -> Iterator[MainWindow]:
    """The main window on the demo service, the 9 people of the Class room shown, and a local
    recording in its history."""
    video = tmp_path / "videos" / "class.mp4"
    video.parent.mkdir()
    video.write_bytes(b"mp4!")
    when = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    HistoryStore(tmp_path / "app" / HISTORY_FILE).add([video], "Class", 1.0, 4, when)
    shown = MainWindow(connection, settings, data_dir=tmp_path / "app")
    qtbot.addWidget(shown)
    shown.show()
    aloop.run_until_complete(until(lambda: shown.browser.model.rowCount() > 0))
    assert shown.browser.select("class")
    aloop.run_until_complete(until(lambda: len(shown.room_view.stream_ids()) == 9))
    yield shown
    shown.close_without_asking()
    # The pictures still on their way are not wanted any more, as when the app quits.
    aloop.run_until_complete(shown.operations.cancel_all())


def settle(aloop: qasync.QEventLoop, qtbot: QtBot, window: MainWindow) -> None:
    """Let the layouts (and a window that would grow) take their new sizes."""
    aloop.run_until_complete(until(lambda: True))
    qtbot.wait(50)  # posted layout requests run in the event loop's next passes
    aloop.run_until_complete(until(lambda: True))


def expand_everything(window: MainWindow) -> None:
    """Every option an operator can open: "More options" and the local recordings' history."""
    window.controls.form.show_more(True)
    window.local.history_toggle.setChecked(True)


def in_scroll_area(widget: QWidget, top: QWidget) -> bool:
    """Whether `widget` is in a scroll area: in its viewport (which scrolls to it) or one of its
    own parts (a table's header), which the area lays out itself."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def cut_off(window: MainWindow) -> list[str]:
    """The visible widgets out of reach: outside their parent's area, or squeezed below their
    minimum size, without a scroll area to bring them in."""
    problems = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or isinstance(widget, QScrollBar):
            continue
        if in_scroll_area(widget, window):
            continue
        parent = widget.parentWidget()
        assert parent is not None
        name = f"{type(widget).__name__} {widget.objectName()!r} in {type(parent).__name__}"
        if not parent.rect().contains(widget.geometry()):
            problems.append(f"{name}: {widget.geometry()} outside {parent.rect()}")
        hint = widget.minimumSizeHint()
        too_small = widget.width() < hint.width() or widget.height() < hint.height()
        if hint.isValid() and too_small and widget.minimumSize().isNull():
            problems.append(f"{name}: {widget.size()} under its minimum {hint}")
    return problems


def whole_rows(table: QTableView) -> float:
    """How many rows the table's viewport holds."""
    return table.viewport().height() / table.verticalHeader().defaultSectionSize()


def test_every_screen_fits_1280x720_with_every_option_shown(
    window: MainWindow, aloop: qasync.QEventLoop, qtbot: QtBot, tmp_path: Path
) -> None:
    window.resize(1280, SCREEN_720)
    expand_everything(window)
    for tab in range(window.record_tabs.count()):
        window.record_tabs.setCurrentIndex(tab)
        settle(aloop, qtbot, window)
        window.grab().save(str(tmp_path / f"fit-1280x720-tab{tab}.png"))
        assert window.size().toTuple() == (1280, SCREEN_720), "the window grew by itself"
        assert cut_off(window) == []
    # A screen of 720 pixels, less a title bar and a panel, holds the window at its smallest.
    smallest = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert smallest.width() <= 1280
    assert smallest.height() <= SCREEN_720 - 80
    # The last of "More options" can be brought into sight (by scrolling, where they do not fit).
    form = window.controls.form
    service_tab = window.service_tab
    for field in (form.user_data, form.snapshot):
        service_tab.ensureWidgetVisible(field)
        settle(aloop, qtbot, window)
        seen = QRect(field.mapTo(service_tab.viewport(), field.rect().topLeft()), field.size())
        assert service_tab.viewport().rect().contains(seen)


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    """The app in English, then in Chinese (whose script needs taller lines)."""
    install_language(request.param)
    yield request.param
    install_language("en")


def test_tables_and_the_local_buttons_are_in_sight_at_1280x800(
    language: str, window: MainWindow, aloop: qasync.QEventLoop, qtbot: QtBot, tmp_path: Path
) -> None:
    window.resize(1280, 800)
    expand_everything(window)
    window.record_tabs.setCurrentWidget(window.local_tab)
    settle(aloop, qtbot, window)
    window.grab().save(str(tmp_path / f"fit-1280x800-local-{language}.png"))
    assert whole_rows(window.recordings.view) >= 4
    assert whole_rows(window.recordings.files_view) >= 3
    assert whole_rows(window.local_history.view) >= 3
    # Open, Show in folder and Remove from list without scrolling.
    assert window.local_tab.verticalScrollBar().maximum() == 0
    viewport = window.local_tab.viewport()
    for button in (
        window.local_history.open_button,
        window.local_history.folder_button,
        window.local_history.remove_button,
    ):
        where = QRect(button.mapTo(viewport, button.rect().topLeft()), button.size())
        assert viewport.rect().contains(where), button.text()


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)])
def test_a_rooms_streams_fill_a_grid_that_follows_the_width(
    window: MainWindow,
    aloop: qasync.QEventLoop,
    qtbot: QtBot,
    size: tuple[int, int],
) -> None:
    window.resize(*size)
    settle(aloop, qtbot, window)
    view = window.room_view
    scroll = view._scroll
    assert not scroll.horizontalScrollBar().isVisible()
    assert view.grid.columns >= 3
    cards = view.findChildren(StreamCard)
    assert len(cards) == 9
    width = scroll.viewport().width()
    # Every card whole in the viewport's width, the rows filling it (no more than a gap left).
    for card in cards:
        left = card.mapTo(scroll.viewport(), card.rect().topLeft()).x()
        assert left >= 0
        assert left + card.width() <= width
    top = min(card.y() for card in cards)
    first_row = [card for card in cards if card.y() == top]
    assert len(first_row) == view.grid.columns
    used = sum(card.width() for card in first_row)
    assert used >= width - 8 * view.grid.columns
    assert sorted(card.title() for card in cards)[0] == "grace · camera"
