"""Where local recordings are saved and how they are named: the settings and their dialog.

QSettings keys:

| key                   | value                                                              |
| --------------------- | ------------------------------------------------------------------ |
| `local/save_mode`     | `ask` (a save dialog when a recording stops) or `folder` (no dialog) |
| `local/save_folder`   | the folder `folder` mode saves into                                |
| `local/name_template` | `{label} {date} {time}` by default; also `{room}`                  |
| `local/default_folder`| where the save dialog starts, kept recordings go and the working  |
|                       | folder lies; the system's Movies folder (else home) when unset     |
| `local/disk_reserve`  | bytes kept free on the working folder's disk: a recording stops    |
|                       | below it (reason `disk-full`); 256 MiB, as the service's default   |

`LocalSettingsDialog` edits the first three and the reserve, with a preview of the name a
recording would get.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.media.local.recorder import STOP_BELOW
from ui.common.palette import tint
from ui.local.names import DEFAULT_TEMPLATE, render_name, template_problem

SAVE_MODE = "local/save_mode"
SAVE_FOLDER = "local/save_folder"
NAME_TEMPLATE = "local/name_template"
DEFAULT_FOLDER = "local/default_folder"
DISK_RESERVE = "local/disk_reserve"
WORKDIR_NAME = ".recdesk-recording"

_MIB = 1024 * 1024

SaveMode = Literal["ask", "folder"]


@dataclass(frozen=True)
class SaveSettings:
    """How a stopped recording is saved."""

    mode: SaveMode = "ask"
    folder: str = ""
    template: str = DEFAULT_TEMPLATE

    @classmethod
    def load(cls, settings: QSettings) -> SaveSettings:
        """The settings as stored (defaults for what is unset or unreadable)."""
        mode = str(settings.value(SAVE_MODE, "ask"))
        return cls(
            mode="folder" if mode == "folder" else "ask",
            folder=str(settings.value(SAVE_FOLDER, "") or ""),
            template=str(settings.value(NAME_TEMPLATE, "") or "") or DEFAULT_TEMPLATE,
        )

    def store(self, settings: QSettings) -> None:
        """Keep them."""
        settings.setValue(SAVE_MODE, self.mode)
        settings.setValue(SAVE_FOLDER, self.folder)
        settings.setValue(NAME_TEMPLATE, self.template)


def disk_reserve(settings: QSettings | None) -> int:
    """The free space, in bytes, a local recording keeps on its disk (the default if unset)."""
    if settings is None:
        return STOP_BELOW
    try:
        value = int(str(settings.value(DISK_RESERVE, STOP_BELOW)))
    except ValueError:
        return STOP_BELOW
    return value if value > 0 else STOP_BELOW


def default_folder(settings: QSettings) -> Path:
    """The default folder: the override in the settings, else Movies/Videos, else home."""
    override = str(settings.value(DEFAULT_FOLDER, "") or "")
    if override:
        return Path(override).expanduser()
    movies = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
    if movies and Path(movies).is_dir():
        return Path(movies)
    return Path.home()


class LocalSettingsDialog(QDialog):
    """Edits how local recordings are saved and named; stores them when accepted."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("localSettings")
        self.setWindowTitle(self.tr("Local recording settings"))
        self._settings = settings
        current = SaveSettings.load(settings)
        self.folder_dialog: QFileDialog | None = None

        self.ask_button = QRadioButton(self.tr("Ask where to save it"))
        self.folder_button = QRadioButton(self.tr("Save it straight into this folder:"))
        group = QButtonGroup(self)
        group.addButton(self.ask_button)
        group.addButton(self.folder_button)
        (self.folder_button if current.mode == "folder" else self.ask_button).setChecked(True)
        self.folder_edit = QLineEdit(current.folder or str(default_folder(settings)))
        self.folder_edit.setObjectName("saveFolder")
        self.choose_button = QPushButton(self.tr("Choose…"))
        self.choose_button.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.setContentsMargins(24, 0, 0, 0)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        when_stopped = QGroupBox(self.tr("When a recording stops"))
        box = QVBoxLayout(when_stopped)
        box.addWidget(self.ask_button)
        box.addWidget(self.folder_button)
        box.addLayout(folder_row)

        self.template_edit = QLineEdit(current.template)
        self.template_edit.setObjectName("nameTemplate")
        self.template_edit.setPlaceholderText(DEFAULT_TEMPLATE)
        hint = QLabel(self.tr("{label} the recording's name · {room} its room · {date} · {time}"))
        tint(hint, "hint")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = QLabel()
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        naming = QGroupBox(self.tr("File name"))
        form = QFormLayout(naming)
        form.addRow(self.tr("Template:"), self.template_edit)
        form.addRow("", hint)
        form.addRow(self.tr("Example:"), self.preview)

        self.reserve_spin = QSpinBox()
        self.reserve_spin.setObjectName("diskReserve")
        self.reserve_spin.setRange(1, 1024 * 1024)
        self.reserve_spin.setSuffix(self.tr(" MiB"))
        self.reserve_spin.setValue(max(1, disk_reserve(settings) // _MIB))
        disk = QGroupBox(self.tr("Disk space"))
        disk_form = QFormLayout(disk)
        disk_form.addRow(self.tr("Stop recording when free space is below:"), self.reserve_spin)

        workdir = default_folder(settings) / WORKDIR_NAME
        note = QLabel(
            self.tr(
                "While it records, a recording is written to {0}; saving it on that disk is "
                "instant, saving it on another disk copies it."
            ).format(workdir)
        )
        note.setWordWrap(True)
        tint(note, "hint")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(when_stopped)
        layout.addWidget(naming)
        layout.addWidget(disk)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

        for signal in (self.template_edit.textChanged, self.folder_edit.textChanged):
            signal.connect(self._changed)
        self.folder_button.toggled.connect(self._changed)
        self._changed()

    def chosen(self) -> SaveSettings:
        """The settings as the dialog shows them."""
        return SaveSettings(
            mode="folder" if self.folder_button.isChecked() else "ask",
            folder=self.folder_edit.text().strip(),
            template=self.template_edit.text().strip() or DEFAULT_TEMPLATE,
        )

    def _changed(self, *_: object) -> None:
        chosen = self.chosen()
        folder_mode = chosen.mode == "folder"
        self.folder_edit.setEnabled(folder_mode)
        self.choose_button.setEnabled(folder_mode)
        problem = template_problem(chosen.template)
        if problem is not None:
            self.preview.setText(problem)
            tint(self.preview, "error")
        else:
            example = render_name(
                chosen.template,
                label=self.tr("Team meeting"),
                room="weekly",
                started=datetime.now().replace(microsecond=0),
            )
            self.preview.setText(f"{example}.mp4")
            tint(self.preview, None)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None and (not folder_mode or bool(chosen.folder)))

    def choose_folder(self) -> None:
        """Pick the folder to save into (a non-blocking dialog)."""
        dialog = QFileDialog(self, self.tr("Save local recordings into"), self.folder_edit.text())
        dialog.setObjectName("localSaveFolderDialog")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOptions(QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(self.folder_edit.setText)
        self.folder_dialog = dialog
        dialog.open()

    def accept(self) -> None:
        """Store the settings and close."""
        self.chosen().store(self._settings)
        self._settings.setValue(DISK_RESERVE, self.reserve_spin.value() * _MIB)
        super().accept()
