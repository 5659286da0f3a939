"""How a local recording ends when nobody stops it, and the local recorder in the main window.

A source that cannot be opened, and a disk that fills up (its free space faked through the
engine's `disk_usage` seam), each end the recording with a reason the operator reads; the window
offers the local_panel in its own tab, with menu actions and shortcuts.
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import SimpleNamespace

import qasync
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.media.local import LocalInput, LocalRecorder
from tests.helpers.local_panel import (
    PATTERN_AND_TONE,
    click,
    elapsed,
    make_panel,
    probe,
    record,
)
from tests.ui.conftest import until
from ui.connection.connection import Connection
from ui.local.history import HistoryStore
from ui.local.panel import LocalRecorderPanel
from ui.window import MainWindow


def test_a_source_that_fails_to_open_says_why(
    qtbot: QtBot, aloop: qasync.QEventLoop, local_panel: LocalRecorderPanel
) -> None:
    choice = local_panel.picker.add_device(
        "Missing camera", [LocalInput("cam", "lavfi:nosuchfilter")]
    )

    async def scenario() -> None:
        assert local_panel.picker.select(choice.key)
        click(qtbot, local_panel.start_button)
        await until(lambda: local_panel.state == "idle")

    aloop.run_until_complete(scenario())
    assert local_panel.ended is not None
    assert local_panel.ended.reason == "error"
    assert local_panel.status_label.text().startswith("Failed: ")
    assert len(local_panel.status_label.text()) > len("Failed: ")
    assert local_panel.start_button.isEnabled()  # try again, or pick another source


def test_a_stop_before_the_source_opens_ends_cleanly(
    qtbot: QtBot, aloop: qasync.QEventLoop, local_panel: LocalRecorderPanel
) -> None:
    choice = local_panel.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)
    seen: list[str] = []
    local_panel.state_changed.connect(seen.append)

    async def scenario() -> None:
        assert local_panel.picker.select(choice.key)
        click(qtbot, local_panel.start_button)
        assert local_panel.state == "starting"
        click(qtbot, local_panel.stop_button)  # at once, while the sources open
        await until(lambda: local_panel.state == "idle")

    aloop.run_until_complete(scenario())
    assert seen[:2] == ["starting", "stopping"]
    assert "recording" not in seen  # once asked to stop, it never shows as recording again
    assert local_panel.ended is not None
    assert local_panel.ended.reason == "stopped"
    assert local_panel.start_button.isEnabled()


def test_low_disk_space_warns_then_stops_and_says_why(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    history: HistoryStore,
) -> None:
    disk = SimpleNamespace(free=3_000_000_000)
    factory = functools.partial(
        LocalRecorder, disk_usage=lambda _path: disk, watch_every=0.2, stop_below=100_000_000
    )
    local_panel = make_panel(qtbot, connection, settings, history, recorder_factory=factory)
    choice = local_panel.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)

    async def scenario() -> None:
        await record(qtbot, local_panel, choice.key, 1.0)
        await until(local_panel.warning_label.isVisible)
        assert local_panel.warning_label.text() == "⚠ Disk space is low: 3.0 GB left."
        assert local_panel.state == "recording"  # a warning only
        disk.free = 85_000_000
        await until(lambda: local_panel.state == "idle")

    aloop.run_until_complete(scenario())
    assert local_panel.ended is not None
    assert local_panel.ended.reason == "disk-full"
    assert local_panel.status_label.text().startswith("Stopped: disk almost full (85.0 MB left).")
    # What was recorded before is saved all the same.
    assert local_panel.outcome is not None
    assert local_panel.outcome.action == "saved"
    assert probe(local_panel.outcome.paths[0]).duration >= 0.5


def test_the_window_records_here_from_its_tab_and_menu(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    window = MainWindow(connection, settings, data_dir=tmp_path / "app")
    qtbot.addWidget(window)
    window.show()
    tabs = window.record_tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["On the service", "On this computer"]
    assert window.local_record_action.shortcut().toString() == "Ctrl+Shift+L"
    local = window.local

    async def scenario() -> None:
        await until(lambda: window.browser.model.rowCount() > 0)
        assert window.browser.select("meeting")
        await until(lambda: any(c.key == "room-mix" for c in local.picker.choices()))
        editor = window.edit_layout()
        assert editor is not None
        assert local.picker.select("room-mix")
        window.local_record_action.trigger()  # Ctrl+Shift+L
        assert tabs.currentWidget() is window.local_tab
        await until(lambda: local.state == "recording")
        assert local.recorder is not None
        # The whole room is mixed with the layout the editor holds for it.
        assert local.recorder.spec.layout == editor.document.layout
        assert not tabs.tabIcon(1).isNull()  # the tab shows that something records here
        await until(lambda: elapsed(local) >= 1.0)
        window.local_record_action.trigger()
        await until(lambda: local.state == "idle")
        editor.close()

    aloop.run_until_complete(scenario())
    assert local.outcome is not None
    assert local.outcome.action == "saved"
    assert [list(e.paths) for e in window.history.entries()] == [local.outcome.paths]
    assert (tmp_path / "app" / "local-recordings.json").exists()
    assert tabs.tabIcon(1).isNull()
    # Drawn on the editor's canvas: what its exact preview shows is what is recorded.
    canvas = window.layout_editor.document.layout.canvas if window.layout_editor else None
    assert canvas is not None
    info = probe(local.outcome.paths[0])
    assert [(w, h) for _codec, w, h in info.video] == [(canvas.width, canvas.height)]
