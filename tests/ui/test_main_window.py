"""The first window opens and shows what this machine can record."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.main import MainWindow


def test_main_window_lists_devices_and_protocols(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    assert window.windowTitle() == "RecDesk"
    assert window.devices.count() >= 1
    shot = tmp_path / "main.png"
    assert window.grab().save(str(shot))
    assert shot.stat().st_size > 0
