"""The save flow's tests share a flow of their own: its settings (a folder standing in for Movies),
an empty history, and the window its dialogs belong to."""

from __future__ import annotations

from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.helpers.local_save import (
    Flow,
)
from ui.local.history import HISTORY_FILE, HistoryStore
from ui.local.settings import DEFAULT_FOLDER


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings of this test's own, whose default folder stands in for Movies."""
    stored = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    stored.setValue(DEFAULT_FOLDER, str(tmp_path / "Movies"))
    return stored


@pytest.fixture
def history(tmp_path: Path) -> HistoryStore:
    """An empty history in this test's data folder."""
    return HistoryStore(tmp_path / "data" / HISTORY_FILE)


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    """The window the dialogs belong to."""
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 640)
    widget.show()
    return widget


@pytest.fixture
def flow(
    settings: QSettings, history: HistoryStore, window: QWidget, aloop: qasync.QEventLoop
) -> Flow:
    """The save flow under test."""
    return Flow(settings, history, window)
