"""Named layout presets: JSON layout files in the app's data folder, and a bar to use them.

`PresetStore` keeps one file per preset, `<name>.json`, in the layout's JSON form
(`Layout.save` / `Layout.load`), so a preset can be shared or edited like any layout file. File
names are the preset names with the characters no file system takes percent-encoded (`a/b` is
`a%2Fb.json`), so every name comes back as it was typed. Every failure is a `LayoutError` whose
message names the preset and says what is wrong.

`PresetsBar` offers the presets in one row above the editor: Load (an undoable edit of the
document), Save as…, Delete, Import… and Export…. It reports failures on `failed(str)`; with
nothing connected it shows them in a message box.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.layout.errors import LayoutError
from app.layout.model import Layout
from ui.common.translate import translate
from ui.layout_editor.document import LayoutDocument

_SUFFIX = ".json"
_MAX_NAME = 100
# Kept as they are in file names; everything else is percent-encoded (quote keeps letters,
# digits and "_.-~" too).
_SAFE = " ()[]{}+,;=@!#$&'"
# Names Windows refuses as file names, whatever the extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}


def file_stem(name: str) -> str:
    """The file name (without `.json`) a preset called `name` is kept in; reversible."""
    stem = quote(name, safe=_SAFE)
    # A leading dot hides the file, a trailing dot or space is dropped by Windows, and reserved
    # device names cannot be files: encode the character that makes the trouble.
    if stem.startswith(".") or stem.upper() in _RESERVED:
        stem = f"%{ord(stem[0]):02X}{stem[1:]}"
    if stem.endswith((".", " ")):
        stem = f"{stem[:-1]}%{ord(stem[-1]):02X}"
    return stem


class PresetStore:
    """Named layout presets, one JSON layout file each, in `folder` (made when first needed)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def names(self) -> list[str]:
        """The presets' names, sorted without regard to case."""
        if not self.folder.is_dir():
            return []
        names = (
            unquote(path.name[: -len(_SUFFIX)])
            for path in self.folder.iterdir()
            if path.name.endswith(_SUFFIX) and path.is_file()
        )
        return sorted(names, key=lambda name: (name.casefold(), name))

    def path(self, name: str) -> Path:
        """The file the preset `name` is kept in (whether or not it exists)."""
        return self.folder / f"{file_stem(self._checked(name))}{_SUFFIX}"

    def save(self, name: str, layout: Layout) -> None:
        """Keep `layout` as the preset `name`, replacing one of that name all at once.

        An invalid layout is refused (`LayoutError` with its problems) and nothing is written.
        """
        path = self.path(name)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LayoutError(f"cannot create the presets folder {self.folder}: {exc}") from exc
        try:
            layout.save(path)
        except LayoutError as exc:
            raise LayoutError(
                f"preset {name!r} not saved: {exc}", [f"preset {name!r}: {p}" for p in exc.problems]
            ) from None

    def load(self, name: str) -> Layout:
        """The preset `name`; `LayoutError` if there is none or its file is no valid layout."""
        path = self.path(name)
        if not path.is_file():
            raise LayoutError(f"there is no preset named {name!r}")
        return Layout.load(path)

    def delete(self, name: str) -> None:
        """Remove the preset `name`; `LayoutError` if there is none."""
        try:
            self.path(name).unlink()
        except FileNotFoundError:
            raise LayoutError(f"there is no preset named {name!r}") from None
        except OSError as exc:
            raise LayoutError(f"cannot delete preset {name!r}: {exc.strerror or exc}") from exc

    def import_file(self, path: str | os.PathLike[str], name: str | None = None) -> str:
        """Keep the layout file at `path` as a preset (named after the file, made unique unless
        `name` is given); its name. A file that is no valid layout raises `LayoutError` with
        every problem, and the presets stay as they were."""
        layout = Layout.load(path)
        if name is None:
            name = self._unique(Path(path).stem.strip() or translate("LayoutPresets", "Imported"))
        self.save(name, layout)
        return name

    def export(self, name: str, path: str | os.PathLike[str]) -> None:
        """Write the preset `name` to `path` as a layout file (replaced all at once)."""
        self.load(name).save(path)

    def _unique(self, name: str) -> str:
        taken = {n.casefold() for n in self.names()}
        candidate, number = name, 2
        while candidate.casefold() in taken:
            candidate, number = f"{name} ({number})", number + 1
        return candidate

    @staticmethod
    def _checked(name: str) -> str:
        if not name.strip():
            raise LayoutError("a preset needs a name")
        if len(name) > _MAX_NAME:
            raise LayoutError(f"a preset name has at most {_MAX_NAME} characters, got {len(name)}")
        return name


class PresetsBar(QWidget):
    """A combo of the presets with Load, Save as…, Delete, Import… and Export… buttons.

    `failed(str)` carries what went wrong; `loaded(str)` the name of a preset just loaded.
    """

    failed = Signal(str)
    loaded = Signal(str)

    def __init__(
        self, store: PresetStore, document: LayoutDocument, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._document = document
        self.combo = QComboBox()
        self.combo.setToolTip(translate("LayoutPresets", "Saved layouts"))
        self.combo.setPlaceholderText(translate("LayoutPresets", "No presets yet"))
        self.combo.setMinimumContentsLength(16)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.load_button = QPushButton(translate("LayoutPresets", "Load"))
        self.load_button.clicked.connect(lambda: self.load(self.combo.currentText()))
        self.save_button = QPushButton(translate("LayoutPresets", "Save as…"))
        self.save_button.clicked.connect(self._ask_save)
        self.delete_button = QPushButton(translate("LayoutPresets", "Delete"))
        self.delete_button.clicked.connect(self._ask_delete)
        self.import_button = QPushButton(translate("LayoutPresets", "Import…"))
        self.import_button.clicked.connect(self._ask_import)
        self.export_button = QPushButton(translate("LayoutPresets", "Export…"))
        self.export_button.clicked.connect(self._ask_export)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.combo, 1)
        for button in (
            self.load_button,
            self.save_button,
            self.delete_button,
            self.import_button,
            self.export_button,
        ):
            row.addWidget(button)
        self.refresh()

    def refresh(self, current: str | None = None) -> None:
        """List the presets again, selecting `current` (or keeping the one selected)."""
        current = current if current is not None else self.combo.currentText()
        self.combo.clear()
        try:
            names = self.store.names()
        except OSError as exc:
            self._fail(
                translate("LayoutPresets", "Cannot list the presets: {error}").format(error=exc)
            )
            names = []
        self.combo.addItems(names)
        # With a placeholder set, a combo selects nothing by itself; Load needs a preset.
        if current in names:
            self.combo.setCurrentIndex(names.index(current))
        elif names:
            self.combo.setCurrentIndex(0)
        for button in (self.load_button, self.delete_button, self.export_button):
            button.setEnabled(bool(names))

    def load(self, name: str) -> bool:
        """Make the preset `name` the edited layout (one undo step); whether it worked."""
        try:
            layout = self.store.load(name)
        except LayoutError as exc:
            return self._fail(str(exc))
        self._document.edit(
            layout, translate("LayoutPresets", "Load preset {name}").format(name=name)
        )
        self.loaded.emit(name)
        return True

    def save_as(self, name: str) -> bool:
        """Keep the edited layout as the preset `name`; whether it worked."""
        try:
            self.store.save(name.strip(), self._document.layout)
        except LayoutError as exc:
            return self._fail(str(exc))
        self.refresh(name.strip())
        return True

    def delete(self, name: str) -> bool:
        """Remove the preset `name`; whether it worked."""
        try:
            self.store.delete(name)
        except LayoutError as exc:
            return self._fail(str(exc))
        self.refresh()
        return True

    def import_file(self, path: str) -> str | None:
        """Add the layout file at `path` as a preset; its name, or None if it failed."""
        try:
            name = self.store.import_file(path)
        except LayoutError as exc:
            headline = translate("LayoutPresets", "Cannot import {file}:").format(
                file=Path(path).name
            )
            problems = (problem.removeprefix(f"{path}: ") for problem in exc.problems)
            self._fail("\n".join([headline, *(f"• {problem}" for problem in problems)]))
            return None
        self.refresh(name)
        return name

    def export(self, name: str, path: str) -> bool:
        """Write the preset `name` to `path`; whether it worked."""
        try:
            self.store.export(name, path)
        except LayoutError as exc:
            return self._fail(str(exc))
        return True

    def _fail(self, message: str) -> bool:
        if self.isSignalConnected(self.metaObject().method(self._failed_index())):
            self.failed.emit(message)
        else:
            QMessageBox.warning(self, translate("LayoutPresets", "Layout presets"), message)
        return False

    def _failed_index(self) -> int:
        return self.metaObject().indexOfSignal("failed(QString)")

    def _ask_save(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            translate("LayoutPresets", "Save layout preset"),
            translate("LayoutPresets", "Name:"),
            text=self.combo.currentText(),
        )
        if not ok or not name.strip():
            return
        if name.strip() in self.store.names():
            answer = QMessageBox.question(
                self,
                translate("LayoutPresets", "Save layout preset"),
                translate("LayoutPresets", "Replace the preset {name}?").format(name=name.strip()),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.save_as(name)

    def _ask_delete(self) -> None:
        name = self.combo.currentText()
        answer = QMessageBox.question(
            self,
            translate("LayoutPresets", "Delete layout preset"),
            translate("LayoutPresets", "Delete the preset {name}?").format(name=name),
        )
        if name and answer == QMessageBox.StandardButton.Yes:
            self.delete(name)

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            translate("LayoutPresets", "Import layout"),
            "",
            translate("LayoutPresets", "Layouts (*.json);;All files (*)"),
        )
        if path:
            self.import_file(path)

    def _ask_export(self) -> None:
        name = self.combo.currentText()
        if not name:
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            translate("LayoutPresets", "Export layout"),
            f"{file_stem(name)}.json",
            translate("LayoutPresets", "Layouts (*.json)"),
        )
        if path:
            self.export(name, path)
