"""Where local recordings are saved and how they are named: the settings dialog stores what the
save flow reads, and the names it makes are valid file names on every system."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from ui.local.names import render_name, sanitize_file_name, targets_for, unique_targets
from ui.local.settings import (
    DEFAULT_FOLDER,
    NAME_TEMPLATE,
    SAVE_FOLDER,
    SAVE_MODE,
    LocalSettingsDialog,
    SaveSettings,
    default_folder,
)

STARTED = datetime(2026, 11, 21, 18, 30, 5)


def test_the_dialog_stores_the_mode_the_folder_and_the_template(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(DEFAULT_FOLDER, str(tmp_path / "Movies"))
    assert SaveSettings.load(settings) == SaveSettings()  # ask, {label} {date} {time}
    dialog = LocalSettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.open()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.ask_button.isChecked()
    assert not dialog.folder_edit.isEnabled()
    assert dialog.preview.text().startswith("Team meeting ")

    dialog.template_edit.setText("{room} {label} {dat}")
    assert "Unknown placeholder {dat}" in dialog.preview.text()
    assert not ok.isEnabled()
    dialog.template_edit.setText("{room} - {label} {date}")
    assert dialog.preview.text().startswith("weekly - Team meeting 20")
    assert dialog.preview.text().endswith(".mp4")
    assert ok.isEnabled()

    dialog.folder_button.setChecked(True)
    assert dialog.folder_edit.isEnabled()
    dialog.folder_edit.setText("")
    assert not ok.isEnabled()  # a folder to save into is needed
    dialog.folder_edit.setText(str(tmp_path / "Saved"))
    assert not dialog.grab().isNull()
    ok.click()

    assert settings.value(SAVE_MODE) == "folder"
    assert settings.value(SAVE_FOLDER) == str(tmp_path / "Saved")
    assert settings.value(NAME_TEMPLATE) == "{room} - {label} {date}"
    assert SaveSettings.load(settings).mode == "folder"


def test_the_default_folder_is_the_override_else_movies_else_home(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert default_folder(settings).is_dir()  # Movies where the system has one, else home
    settings.setValue(DEFAULT_FOLDER, str(tmp_path / "Videos"))
    assert default_folder(settings) == tmp_path / "Videos"


def test_names_are_valid_file_names_everywhere() -> None:
    assert render_name("{label} {date} {time}", label="Team meeting", started=STARTED) == (
        "Team meeting 2026-11-21 18-30-05"
    )
    assert sanitize_file_name('a<b>c:d"e/f\\g|h?i*j') == "a-b-c-d-e-f-g-h-i-j"
    assert sanitize_file_name("ends with dots. . ") == "ends with dots"
    assert sanitize_file_name("CON") == "_CON"
    assert sanitize_file_name("  ") == "Recording"
    assert sanitize_file_name("tab\there") == "tab-here"
    assert len(sanitize_file_name("x" * 500)) <= 180
    assert render_name("{label} {nope}", label="Talk", started=STARTED) == "Talk {nope}"


def test_parts_keep_their_numbers_under_the_chosen_name(tmp_path: Path) -> None:
    parts = [Path("w/rec-001.mp4"), Path("w/rec-002.mp4")]
    assert targets_for(parts, tmp_path / "Talk.mp4") == [
        tmp_path / "Talk-001.mp4",
        tmp_path / "Talk-002.mp4",
    ]
    assert targets_for([Path("w/rec.mp4")], tmp_path / "v1.2 review") == [
        tmp_path / "v1.2 review.mp4"
    ]
    (tmp_path / "Talk-002.mp4").write_bytes(b"taken")
    assert unique_targets(parts, tmp_path / "Talk.mp4") == [
        tmp_path / "Talk (2)-001.mp4",
        tmp_path / "Talk (2)-002.mp4",
    ]
