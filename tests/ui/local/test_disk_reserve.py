"""The free space a local recording keeps on its disk is the user's setting (256 MiB by default).

The settings dialog stores it; the panel's recorder stops at it. The working folder is a real
40 MB tmpfs, filled by the test while the panel records: with the old fixed reserve (100 MB) it
could not have recorded at all there.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.helpers.disk import fill, small_disk
from tests.helpers.local_panel import PATTERN_AND_TONE, make_panel, probe, record
from tests.ui.conftest import until
from ui.connection.connection import Connection
from ui.local.history import HistoryStore
from ui.local.settings import DEFAULT_FOLDER, DISK_RESERVE, LocalSettingsDialog, disk_reserve

MIB = 1024 * 1024


def test_the_dialog_stores_the_disk_reserve(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert disk_reserve(settings) == 256 * MIB
    dialog = LocalSettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.reserve_spin.value() == 256
    assert dialog.reserve_spin.suffix() == " MiB"
    dialog.reserve_spin.setValue(4)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert int(str(settings.value(DISK_RESERVE))) == 4 * MIB
    assert disk_reserve(settings) == 4 * MIB


def test_the_panel_stops_at_the_users_reserve_on_a_filling_disk(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    history: HistoryStore,
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        settings.setValue(DEFAULT_FOLDER, str(disk))  # the working folder lies on it
        settings.setValue(DISK_RESERVE, 4 * MIB)
        panel = make_panel(qtbot, connection, settings, history)
        choice = panel.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)

        async def scenario() -> None:
            await record(qtbot, panel, choice.key, 1.5)
            await asyncio.to_thread(fill, disk / "filler", 3 * MIB)
            await until(lambda: panel.state == "idle")

        try:
            aloop.run_until_complete(scenario())
        finally:
            if panel.recorder is not None and panel.state != "idle":
                panel.recorder.stop()
                panel.recorder.wait(30)
        assert panel.ended is not None
        assert panel.ended.reason == "disk-full"
        assert panel.status_label.text().startswith("Stopped: disk almost full")
        # What was recorded is saved (into the save folder, on another disk), whole.
        assert panel.outcome is not None
        assert panel.outcome.action == "saved"
        assert probe(panel.outcome.paths[0]).duration >= 1.0
