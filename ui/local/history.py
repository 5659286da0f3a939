"""The history of local recordings: what was saved where, kept as JSON, and shown as a table.

- `HistoryEntry`: one saved recording (its file, or its parts), label, when it started, how long
  it lasts and how big it is.
- `HistoryStore`: the entries, newest first, in a JSON file in the app's data folder
  (`local-recordings.json`), written atomically on every change; `changed` says when.
- `HistoryModel`: the entries as table rows; a file deleted or moved since shows as *missing*.
- `HistoryList`: the table with **Open** (the system's player; a double click too), **Show in
  folder** (the file manager) and **Remove from list** (the entry only, never the file). Where no
  program opens the file or folder, `failed` says so (the window's banner) and its path goes on
  the clipboard.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QProcess,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.common.formats import format_duration, format_size
from ui.common.opening import open_file, open_folder
from ui.common.palette import row_colour, tint
from ui.common.tables import table_view

log = logging.getLogger(__name__)

HISTORY_FILE = "local-recordings.json"
_Index = QModelIndex | QPersistentModelIndex


def default_history_path() -> Path:
    """Where the history is kept: the app's data folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) / HISTORY_FILE


@dataclass(frozen=True)
class HistoryEntry:
    """One saved local recording."""

    paths: tuple[Path, ...]
    label: str
    when: datetime
    duration: float
    size: int

    @property
    def missing(self) -> bool:
        """Whether a file of it was deleted or moved away since (asks the disk)."""
        return not self.paths or not all(p.is_file() for p in self.paths)

    def as_json(self) -> dict[str, Any]:
        """The JSON object kept in the file."""
        return {
            "paths": [str(p) for p in self.paths],
            "label": self.label,
            "when": self.when.isoformat(timespec="seconds"),
            "duration": round(self.duration, 3),
            "size": self.size,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HistoryEntry:
        """The inverse of `as_json`."""
        return cls(
            paths=tuple(Path(p) for p in data["paths"]),
            label=str(data.get("label", "")),
            when=datetime.fromisoformat(data["when"]),
            duration=float(data.get("duration", 0.0)),
            size=int(data.get("size", 0)),
        )


class HistoryStore(QObject):
    """The saved local recordings, newest first, persisted as JSON at `path`."""

    changed = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._entries = self._load()

    def _load(self) -> list[HistoryEntry]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries = [HistoryEntry.from_json(item) for item in data["entries"]]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # Keep the unreadable file for whoever wants to look at it; start a new history.
            log.warning("the history %s does not read (%s); starting a new one", self.path, exc)
            with contextlib.suppress(OSError):
                os.replace(self.path, self.path.with_name(self.path.name + ".unreadable"))
            return []
        return sorted(entries, key=lambda e: e.when, reverse=True)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(self.path.name + ".tmp")
        document = {"version": 1, "entries": [e.as_json() for e in self._entries]}
        temp.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, self.path)

    def add(
        self, paths: Sequence[Path], label: str, duration: float, size: int, when: datetime
    ) -> None:
        """Add a saved recording (it goes on top: the newest first)."""
        entry = HistoryEntry(tuple(Path(p) for p in paths), label, when, duration, size)
        self._entries.insert(0, entry)
        self._entries.sort(key=lambda e: e.when, reverse=True)
        self._save()
        self.changed.emit()

    def entries(self) -> list[HistoryEntry]:
        """The entries, newest first."""
        return list(self._entries)

    def remove(self, index: int) -> None:
        """Forget one entry (its files stay where they are)."""
        del self._entries[index]
        self._save()
        self.changed.emit()


class HistoryModel(QAbstractTableModel):
    """The store's entries as rows; whether each file is still there is checked on `refresh`."""

    LABEL, WHEN, DURATION, SIZE, FILE = range(5)
    _HEADERS = (
        QT_TRANSLATE_NOOP("HistoryModel", "Recording"),
        QT_TRANSLATE_NOOP("HistoryModel", "Started"),
        QT_TRANSLATE_NOOP("HistoryModel", "Duration"),
        QT_TRANSLATE_NOOP("HistoryModel", "Size"),
        QT_TRANSLATE_NOOP("HistoryModel", "File"),
    )

    def __init__(self, store: HistoryStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._entries: list[HistoryEntry] = []
        self._missing: list[bool] = []
        store.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Read the store again and look again for each file."""
        self.beginResetModel()
        self._entries = self._store.entries()
        self._missing = [e.missing for e in self._entries]
        self.endResetModel()

    def entry_at(self, row: int) -> HistoryEntry:
        """The entry shown in a row."""
        return self._entries[row]

    def is_missing(self, row: int) -> bool:
        """Whether the row's file was deleted or moved (as of the last refresh)."""
        return self._missing[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """One row per entry."""
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Label, start, duration, size, file."""
        return 0 if parent.isValid() else len(self._HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(str(self._HEADERS[section]))
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What a cell shows."""
        if not index.isValid():
            return None
        entry, missing, column = (
            self._entries[index.row()],
            self._missing[index.row()],
            index.column(),
        )
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, missing, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            where = "\n".join(str(p) for p in entry.paths)
            return self.tr("Missing (deleted or moved):\n{0}").format(where) if missing else where
        if role == Qt.ItemDataRole.ForegroundRole and missing:
            return row_colour("error") if column == self.FILE else row_colour("hint")
        if role == Qt.ItemDataRole.FontRole and missing and column == self.FILE:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _text(self, entry: HistoryEntry, missing: bool, column: int) -> str:
        if column == self.LABEL:
            if entry.label or not entry.paths:
                return entry.label
            return entry.paths[0].stem
        if column == self.WHEN:
            return entry.when.astimezone().strftime("%Y-%m-%d %H:%M")
        if column == self.DURATION:
            return format_duration(entry.duration)
        if column == self.SIZE:
            return format_size(entry.size)
        if missing:
            return self.tr("missing — {0}").format(entry.paths[0].name if entry.paths else "")
        more = len(entry.paths) - 1
        if more > 0:
            return self.tr("{0} + %n more part(s)", "", more).format(entry.paths[0].name)
        return entry.paths[0].name


class HistoryList(QWidget):
    """The local recordings saved so far, with Open, Show in folder and Remove from list."""

    failed = Signal(str, str)  # what happened, what to do: no program opened a file or folder

    def __init__(self, store: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = HistoryModel(store, self)
        self.view = table_view(self.model, rows=3)
        self.view.setObjectName("localHistory")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(HistoryModel.LABEL, QHeaderView.ResizeMode.Stretch)
        for column in (HistoryModel.WHEN, HistoryModel.DURATION, HistoryModel.SIZE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(HistoryModel.FILE, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)

        self.empty = QLabel(self.tr("No local recording saved yet."))
        tint(self.empty, "hint")
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setToolTip(self.tr("Play the recording in the system's player"))
        self.open_button.clicked.connect(self.open_selected)
        self.folder_button = QPushButton(self.tr("Show in folder"))
        self.folder_button.setToolTip(self.tr("Open the folder that holds the recording"))
        self.folder_button.clicked.connect(self.show_selected_in_folder)
        self.remove_button = QPushButton(self.tr("Remove from list"))
        self.remove_button.setToolTip(self.tr("Forget the entry; the file stays where it is"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()  # shown once it has something to say: the buttons stay in sight

        buttons = QHBoxLayout()
        for button in (self.open_button, self.folder_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(0)  # the room the table leaves when it is hidden goes below
        self._selection_changed()

    def showEvent(self, event: QShowEvent) -> None:
        """Look again for the files: one may have been deleted while the list was hidden."""
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """Look again for each entry's files, keeping the selected row."""
        row = self.selected_row()
        self.model.refresh()
        if row is not None and row < self.model.rowCount():
            self.select_row(row)

    def selected_row(self) -> int | None:
        """The selected row, or None."""
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select_row(self, row: int) -> None:
        """Select a row (tests, and after a refresh)."""
        self.view.selectRow(row)

    def _selection_changed(self, *_: object) -> None:
        row = self.selected_row()
        present = row is not None and not self.model.is_missing(row)
        self.open_button.setEnabled(present)
        self.folder_button.setEnabled(row is not None and self._folder_of(row).is_dir())
        self.remove_button.setEnabled(row is not None)
        empty = self.model.rowCount() == 0
        # An empty table says less than the sentence, and takes the room of several lines.
        self.empty.setVisible(empty)
        self.view.setVisible(not empty)

    def _folder_of(self, row: int) -> Path:
        paths = self.model.entry_at(row).paths
        return paths[0].parent if paths else Path()

    def open_selected(self) -> None:
        """Play the selected recording (its first part) in the system's player."""
        row = self.selected_row()
        if row is not None:
            self.open_row(row)

    def open_row(self, row: int) -> None:
        """Play a row's recording (its first part) in the system's player."""
        entry = self.model.entry_at(row)
        present = [p for p in entry.paths if p.is_file()]
        if not present:
            self.refresh()
            self._say(self.tr("{0} is missing: it was deleted or moved.").format(entry.paths[0]))
            return
        failure = open_file(present[0])
        if failure is None:
            self._say(self.tr("Opened {0}").format(present[0]))
        else:
            self._say(self.tr("No program opens {0}.").format(present[0]))
            self.failed.emit(*failure)

    def show_selected_in_folder(self) -> None:
        """Open the folder that holds the selected recording in the file manager."""
        row = self.selected_row()
        if row is None:
            return
        entry = self.model.entry_at(row)
        folder = self._folder_of(row)
        if not folder.is_dir():
            self._say(self.tr("The folder {0} is gone.").format(folder))
            return
        target = next((p for p in entry.paths if p.is_file()), None)
        if target is not None and _reveal(target):
            return
        failure = open_folder(folder)
        if failure is not None:
            self._say(self.tr("Could not open the folder {0}.").format(folder))
            self.failed.emit(*failure)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def remove_selected(self) -> None:
        """Forget the selected entry; its files stay."""
        row = self.selected_row()
        if row is not None:
            self.store.remove(row)


def _reveal(path: Path) -> bool:
    """Show the file selected in its folder where the system has a way (macOS, Windows)."""
    if sys.platform == "darwin":
        return bool(QProcess.startDetached("open", ["-R", str(path)])[0])
    if sys.platform == "win32":
        return bool(QProcess.startDetached("explorer", [f"/select,{path}"])[0])
    return False  # Linux: file managers differ; the folder is opened instead
