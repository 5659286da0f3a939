"""Help leads to the README's quick start, the service's API page and the window's shortcuts."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from ui.connection.connection import Connection
from ui.help.quick_start import QuickStartDialog, quick_start
from ui.help.shortcuts import ShortcutsDialog
from ui.window import MainWindow


def help_menu(window: MainWindow) -> QMenu:
    """The window's Help menu."""
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Help"]
    assert isinstance(menu, QMenu)
    return menu


def test_help_lists_the_quick_start_the_api_page_and_the_shortcuts(
    qtbot: QtBot, connection: Connection, settings: QSettings, tmp_path: Path
) -> None:
    window = MainWindow(connection, settings, data_dir=tmp_path / "app")
    qtbot.addWidget(window)
    window.show()
    actions = {a.text().replace("&", ""): a for a in help_menu(window).actions() if a.text()}
    assert list(actions) == [
        "Quick start",
        "Open the service's API page",
        "Keyboard shortcuts",
        "About RecDesk",
    ]
    assert actions["Open the service's API page"].isEnabled()  # connected

    actions["Keyboard shortcuts"].trigger()
    [shortcuts] = window.findChildren(ShortcutsDialog)
    qtbot.waitExposed(shortcuts)
    listed = {
        shortcuts.tree.topLevelItem(i).text(0): {
            shortcuts.tree.topLevelItem(i).child(j).text(0): shortcuts.tree.topLevelItem(i)
            .child(j)
            .text(1)
            for j in range(shortcuts.tree.topLevelItem(i).childCount())
        }
        for i in range(shortcuts.tree.topLevelItemCount())
    }
    assert listed["Room"]["Start recording"] == "Ctrl+R"
    assert listed["Room"]["Edit the layout"] == "Ctrl+E"
    assert listed["File"]["Connect to a service"] == "Ctrl+Shift+O"
    assert listed["Help"]["Keyboard shortcuts"] == "Ctrl+/"

    actions["Quick start"].trigger()
    [guide] = window.findChildren(QuickStartDialog)
    qtbot.waitExposed(guide)
    shown = guide.text.toPlainText()
    assert shown.startswith("Quick start")
    assert "An operator recording rooms from the app" in shown
    assert "Running the service" in shown
    assert "Language and appearance" not in shown  # the next section of the README


def test_an_installed_copy_has_the_quick_start_in_its_metadata() -> None:
    # A wheel or a bundle has no README.md beside `ui/`: its distribution's description is it.
    meta = importlib.metadata.metadata("recdesk")
    section = quick_start("\n".join(meta.get_all("Description") or []))
    assert section.startswith("## Quick start\n")
    assert "### Recording a call on this computer" in section
