"""The history of local recordings: kept as JSON newest first, read back, shown with Open and
Show in folder, and a file deleted since shown as missing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from ui.local.history import HISTORY_FILE, HistoryList, HistoryModel, HistoryStore

NOW = datetime(2026, 11, 21, 18, 30, 5, tzinfo=UTC)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """The URLs the app asks the system to open (nothing is opened for real)."""
    urls: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


def recorded(folder: Path, name: str, size: int = 2000) -> Path:
    """A file standing in for a saved recording."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"\0" * size)
    return path


def test_entries_are_kept_newest_first_and_read_back(tmp_path: Path, qtbot: QtBot) -> None:
    store = HistoryStore(tmp_path / "data" / HISTORY_FILE)
    changes: list[bool] = []
    store.changed.connect(lambda: changes.append(True))
    older = recorded(tmp_path, "older.mp4")
    newer = recorded(tmp_path, "newer.mp4")
    store.add([newer], "Newer", 61.5, 2000, NOW)
    store.add([older], "Older", 30.0, 2000, NOW - timedelta(days=1))  # saved later, started first
    assert [e.label for e in store.entries()] == ["Newer", "Older"]
    assert len(changes) == 2

    again = HistoryStore(store.path)
    assert again.entries() == store.entries()
    first = again.entries()[0]
    assert first.paths == (newer,)
    assert first.duration == 61.5
    assert first.when == NOW
    assert json.loads(store.path.read_text())["entries"][0]["label"] == "Newer"

    again.remove(0)
    assert [e.label for e in HistoryStore(store.path).entries()] == ["Older"]
    assert newer.exists()  # forgetting an entry never deletes its file


def test_an_unreadable_history_is_set_aside_not_lost(tmp_path: Path, qtbot: QtBot) -> None:
    path = tmp_path / HISTORY_FILE
    path.write_text("{ not json")
    store = HistoryStore(path)
    assert store.entries() == []
    assert (tmp_path / f"{HISTORY_FILE}.unreadable").read_text() == "{ not json"


def test_open_and_show_in_folder_ask_the_system(
    tmp_path: Path, qtbot: QtBot, opened: list[QUrl]
) -> None:
    store = HistoryStore(tmp_path / HISTORY_FILE)
    talk = recorded(tmp_path / "Movies", "Talk 2026-11-21 18-30-05.mp4", 48_100_000)
    parts = [recorded(tmp_path / "Lectures", f"Lecture-00{n}.mp4", 1_000_000) for n in (1, 2)]
    gone = recorded(tmp_path / "Movies", "Deleted.mp4")
    store.add([gone], "Deleted since", 12.0, 2000, NOW - timedelta(days=2))
    store.add(parts, "Lecture", 7200.0, 2_000_000, NOW - timedelta(days=1))
    store.add([talk], "Team meeting", 1834.0, 48_100_000, NOW)
    gone.unlink()

    widget = HistoryList(store)
    qtbot.addWidget(widget)
    widget.resize(820, 260)
    widget.show()
    model = widget.model
    assert model.rowCount() == 3
    assert not widget.empty.isVisible()
    assert model.index(0, HistoryModel.LABEL).data() == "Team meeting"
    assert model.index(0, HistoryModel.DURATION).data() == "0:30:34"
    assert model.index(0, HistoryModel.SIZE).data() == "48.1 MB"
    assert model.index(1, HistoryModel.FILE).data() == "Lecture-001.mp4 + 1 more part"
    assert model.index(2, HistoryModel.FILE).data().startswith("missing")
    assert "Deleted.mp4" in model.index(2, HistoryModel.FILE).data()

    assert not widget.open_button.isEnabled()  # nothing selected
    widget.select_row(0)
    assert widget.open_button.isEnabled()
    widget.open_button.click()
    widget.folder_button.click()
    assert [url.toLocalFile() for url in opened] == [str(talk), str(talk.parent)]

    # A double click opens too; a recording in parts opens its first part.
    opened.clear()
    rect = widget.view.visualRect(model.index(1, HistoryModel.LABEL))
    viewport = widget.view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert [url.toLocalFile() for url in opened] == [str(parts[0])]

    # A missing file cannot be opened, and says so; its folder still can be shown.
    opened.clear()
    widget.select_row(2)
    assert not widget.open_button.isEnabled()
    assert widget.folder_button.isEnabled()
    widget.open_selected()
    assert opened == []
    assert "missing" in widget.status.text()
    assert not widget.grab().isNull()

    widget.remove_button.click()
    assert model.rowCount() == 2
    assert [e.label for e in HistoryStore(store.path).entries()] == ["Team meeting", "Lecture"]


def test_a_file_deleted_while_the_list_was_hidden_shows_as_missing_when_shown_again(
    tmp_path: Path, qtbot: QtBot
) -> None:
    store = HistoryStore(tmp_path / HISTORY_FILE)
    path = recorded(tmp_path, "Talk.mp4")
    store.add([path], "Talk", 5.0, 2000, NOW)
    widget = HistoryList(store)
    qtbot.addWidget(widget)
    widget.show()
    assert not widget.model.is_missing(0)
    widget.hide()
    path.unlink()
    widget.show()
    assert widget.model.is_missing(0)
    assert widget.model.index(0, HistoryModel.FILE).data() == "missing — Talk.mp4"


def test_an_empty_history_says_so(tmp_path: Path, qtbot: QtBot) -> None:
    widget = HistoryList(HistoryStore(tmp_path / HISTORY_FILE))
    qtbot.addWidget(widget)
    widget.show()
    assert widget.empty.isVisible()
    assert not widget.open_button.isEnabled()
    assert not widget.folder_button.isEnabled()
    assert not widget.remove_button.isEnabled()
