"""The dialogs of saving a local recording, built ready to `open()` (never a blocking `exec()`).

- `save_dialog(...)`: the one question a stopped recording asks, in Qt's own (non-native) save
  dialog, so it looks the same everywhere and a test can type a name and accept it: Save where
  chosen, `Keep for later` (its Cancel: kept in the default folder, nothing lost), or `Discard…`;
  a line under it says where a kept recording goes, and names the parts of a recording in parts.
- `message_box(...)`: a question with named buttons (`box.findChild(QPushButton, "discard")`),
  and the flow's questions built with it: replace an existing file, sure to discard, a save that
  failed.
- `CopyProgressDialog`: bytes copied of the total across volumes, with a Cancel button.

Each has an objectName, so tests and screenshots find it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.common.formats import format_name, format_size
from ui.common.palette import tint
from ui.common.translate import TranslationContext, translate

SaveFlow = TranslationContext("SaveFlow")  # the context of every text here
_AUDIO_SUFFIXES = (".m4a", ".ogg")
_SCALE = 1000  # a QProgressBar holds an int: it counts per mille, not bytes
Role = QMessageBox.ButtonRole


def save_dialog(
    parent: QWidget | None,
    title: str,
    start: Path,
    suffix: str,
    parts_for: Callable[[str], Sequence[str]] | None = None,
    *,
    note: str = "",
    on_discard: Callable[[], None] | None = None,
) -> QFileDialog:
    """A save dialog at `start` (a folder and a proposed name) for files ending in `suffix`.

    `parts_for(typed name)` gives the names a recording in parts is saved as; they are shown
    under the dialog as the name is typed, so the operator knows one name stands for them all.
    `note` is a line under it (what `Keep for later` does); its Cancel button reads `Keep for
    later`, and `on_discard` adds a `Discard…` button (named `discard`) that calls it.
    """
    dialog = QFileDialog(parent, title, str(start.parent))
    dialog.setObjectName("localSaveDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    # Qt's own overwrite question would block in exec(); SaveFlow asks its own, non-blocking.
    dialog.setOptions(
        QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.DontConfirmOverwrite
    )
    filters = [_filter(suffix)] if suffix else []
    dialog.setNameFilters([*filters, translate("SaveFlow", "All files (*)")])
    if suffix:
        dialog.setDefaultSuffix(suffix.lstrip("."))
    # Closing the dialog, Esc and Cancel all keep the recording: the button says so.
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, translate("SaveFlow", "Keep for later"))
    if parts_for is not None:
        _add_parts_note(dialog, parts_for)
    if note or on_discard is not None:
        _add_note(dialog, note, "saveNote", _discard_button(on_discard) if on_discard else None)
    dialog.selectFile(start.name)
    dialog.resize(760, 480)
    return dialog


def _filter(suffix: str) -> str:
    """The dialog's filter for a format: `MP4 video (*.mp4)`, named by the glossary."""
    if suffix in _AUDIO_SUFFIXES:
        text = translate("SaveFlow", "{0} audio ({1})")
    else:
        text = translate("SaveFlow", "{0} video ({1})")
    return text.format(format_name(suffix.lstrip(".")), f"*{suffix}")


def _discard_button(on_discard: Callable[[], None]) -> QPushButton:
    # Apart from Save and Keep for later, under them: the one answer that deletes stands alone.
    discard = QPushButton(translate("SaveFlow", "Discard…"))
    discard.setObjectName("discard")
    discard.setToolTip(translate("SaveFlow", "Delete the recording (asks first)"))
    discard.setAutoDefault(False)
    discard.clicked.connect(on_discard)
    return discard


def _add_note(dialog: QFileDialog, text: str, name: str, beside: QWidget | None = None) -> QLabel:
    """A hint line under the dialog's own rows, with `beside` in its last column."""
    note = QLabel(text)
    note.setObjectName(name)
    note.setWordWrap(True)
    note.setContentsMargins(0, 4, 0, 4)
    tint(note, "hint")
    grid = dialog.layout()
    if isinstance(grid, QGridLayout):
        row, columns = grid.rowCount(), grid.columnCount()
        if beside is None:
            grid.addWidget(note, row, 0, 1, columns)
        else:
            grid.addWidget(note, row, 0, 1, columns - 1)
            grid.addWidget(beside, row, columns - 1, Qt.AlignmentFlag.AlignTop)
    return note


def _add_parts_note(dialog: QFileDialog, parts_for: Callable[[str], Sequence[str]]) -> None:
    note = _add_note(dialog, "", "partsNote")

    def update(typed: str) -> None:
        names = list(parts_for(typed.strip())) if typed.strip() else []
        if len(names) < 2:
            note.setText("")
            return
        count = len(names)  # lupdate reads a plain name as the count, not a call
        between = translate("SaveFlow", "and") if count == 2 else translate("SaveFlow", "to")
        note.setText(
            SaveFlow.tr(
                "This recording has %n part(s); they are saved together as "
                "{first} {between} {last}.",
                "",
                count,
            )
            .replace("{first}", f"“{names[0]}”")
            .replace("{between}", between)
            .replace("{last}", f"“{names[-1]}”")
        )

    edit = dialog.findChild(QLineEdit, "fileNameEdit")
    if edit is not None:
        edit.textChanged.connect(update)


def type_and_accept(dialog: QFileDialog, path: Path) -> None:
    """Type `path` into an open save dialog and accept it, as an operator would (tests, scripts).

    `selectFile` alone does not do: once the dialog has focus, Qt leaves its name field as typed.
    """
    dialog.setDirectory(str(path.parent))
    edit = dialog.findChild(QLineEdit, "fileNameEdit")
    if edit is None:
        dialog.selectFile(str(path))
    else:
        edit.setText(path.name)
    dialog.accept()


def message_box(
    parent: QWidget | None,
    name: str,
    *,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    informative: str,
    buttons: Sequence[tuple[str, str, QMessageBox.ButtonRole]],
    default: str,
    escape: str,
) -> QMessageBox:
    """A message box whose buttons are named (`objectName`) as given: (name, text, role)."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(informative)
    box.setTextFormat(Qt.TextFormat.PlainText)
    named: dict[str, QPushButton] = {}
    for button_name, button_text, role in buttons:
        button = box.addButton(button_text, role)
        button.setObjectName(button_name)
        named[button_name] = button
    box.setDefaultButton(named[default])
    box.setEscapeButton(named[escape])
    return box


def clicked_name(box: QMessageBox) -> str:
    """The objectName of the button that closed the box ("" if none)."""
    button = box.clickedButton()
    return button.objectName() if button is not None else ""


def replace_question(parent: QWidget | None, existing: Sequence[Path], folder: Path) -> QMessageBox:
    """Replace the existing file(s) (`replace`), or choose another name (`rename`)?"""
    if len(existing) == 1:
        text = translate("SaveFlow", "“{0}” already exists.").format(existing[0].name)
    else:
        count = len(existing)
        text = SaveFlow.tr("%n of the files already exist, such as “{0}”.", "", count).format(
            existing[0].name
        )
    return message_box(
        parent,
        "localSaveReplace",
        icon=QMessageBox.Icon.Warning,
        title=translate("SaveFlow", "Replace the file?"),
        text=text,
        informative=translate(
            "SaveFlow", "In {0}. Replacing it overwrites what it holds now."
        ).format(folder),
        buttons=[
            ("replace", translate("SaveFlow", "Replace"), Role.DestructiveRole),
            ("rename", translate("SaveFlow", "Choose another name"), Role.RejectRole),
        ],
        default="rename",
        escape="rename",
    )


def discard_question(parent: QWidget | None, label: str, count: int, size: int) -> QMessageBox:
    """Really `discard` (delete) the recording, or `cancel`?"""
    what = SaveFlow.tr("its %n file(s)", "", count)
    return message_box(
        parent,
        "localSaveDiscard",
        icon=QMessageBox.Icon.Warning,
        title=translate("SaveFlow", "Discard the recording?"),
        text=translate("SaveFlow", "Discard the recording “{0}”?").format(label),
        informative=translate("SaveFlow", "This deletes {0} ({1}); it cannot be undone.").format(
            what, format_size(size)
        ),
        buttons=[
            ("discard", translate("SaveFlow", "Discard"), Role.DestructiveRole),
            ("cancel", translate("SaveFlow", "Cancel"), Role.RejectRole),
        ],
        default="cancel",
        escape="cancel",
    )


def error_box(parent: QWidget | None, text: str, folder: Path) -> QMessageBox:
    """A save failed: what happened, that nothing was lost, and `ok` to choose another place."""
    return message_box(
        parent,
        "localSaveError",
        icon=QMessageBox.Icon.Critical,
        title=translate("SaveFlow", "Could not save the recording"),
        text=text,
        informative=translate(
            "SaveFlow", "Nothing was lost: the recording is still in {0}."
        ).format(folder),
        buttons=[("ok", translate("SaveFlow", "Choose another place…"), Role.AcceptRole)],
        default="ok",
        escape="ok",
    )


class CopyProgressDialog(QDialog):
    """How much of a recording is copied; Cancel (or Esc, or closing it) asks to stop."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None, title: str, text: str) -> None:
        super().__init__(parent)
        self.setObjectName("localSaveProgress")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, _SCALE)
        self.bar.setValue(0)
        self.bar.setFormat(self.tr("starting…"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setToolTip(self.tr("Stop copying; the recording stays where it is"))
        self.cancel_button.clicked.connect(self.request_cancel)
        note = QLabel(
            self.tr(
                "The recording is deleted from its working folder only once the copy is complete."
            )
        )
        note.setWordWrap(True)
        tint(note, "hint")
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addLayout(row)
        layout.addWidget(note)
        self.resize(480, self.sizeHint().height())
        self.progress: tuple[int, int] = (0, 0)

    def set_progress(self, done: int, total: int) -> None:
        """Show `done` of `total` bytes."""
        self.progress = (done, total)
        self.bar.setValue(done * _SCALE // total if total else _SCALE)
        self.bar.setFormat(
            self.tr("{done} of {total}")
            .replace("{done}", format_size(done))
            .replace("{total}", format_size(total))
        )

    def request_cancel(self) -> None:
        """Ask the copy to stop; the dialog stays until it has."""
        self.cancel_button.setEnabled(False)
        self.label.setText(self.tr("Cancelling…"))
        self.cancel_requested.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc cancels the copy rather than hiding the dialog while it goes on."""
        if event.key() == Qt.Key.Key_Escape:
            self.request_cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window cancels the copy; the flow closes it once the copy has stopped."""
        event.ignore()
        if self.cancel_button.isEnabled():
            self.request_cancel()
