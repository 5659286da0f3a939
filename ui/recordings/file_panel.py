"""`FilePanel`: one recording's files, and what the operator can do with the selected one.

Open its folder (only when the app runs the service itself, so the file is on this machine; where
no file manager opens it, the window's banner says so and the path goes on the clipboard),
copy its path or its download URL, or download it (`ui.recordings.download_bar`). Each action is a
button, an entry of the table's context menu, and a shortcut while the table has focus; a double
click opens the folder, or downloads when the service is elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import RecordedFile, Recording
from ui.common.opening import open_folder
from ui.common.operations import Operations
from ui.common.tables import table_view
from ui.connection.connection import Connection
from ui.recordings.download_bar import DownloadBar
from ui.recordings.models import FileRole, FilesModel


class FilePanel(QWidget):
    """The files table of one recording, its file actions, a download bar and a status line."""

    download_finished = Signal(str)  # the path written

    def __init__(
        self, connection: Connection, operations: Operations, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._operations = operations
        self.recording: Recording | None = None
        """The recording whose files are shown."""

        self.files_model = FilesModel(self)
        self.label = QLabel()
        self.files_view = table_view(self.files_model)
        header = self.files_view.horizontalHeader()
        header.setSectionResizeMode(FilesModel.NAME, QHeaderView.ResizeMode.Stretch)
        for column in (
            FilesModel.SIZE,
            FilesModel.DURATION,
            FilesModel.STREAMS,
            FilesModel.PART,
            FilesModel.UPLOAD,
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.files_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.files_view.doubleClicked.connect(self._activated)
        self.files_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        keys = QKeySequence
        self.open_folder_action = self._action(
            self.tr("Open folder"), keys(keys.StandardKey.Open), self.open_folder
        )
        self.copy_path_action = self._action(
            self.tr("Copy path"), keys(keys.StandardKey.Copy), self.copy_path
        )
        self.copy_url_action = self._action(
            self.tr("Copy URL"), keys("Ctrl+Shift+C"), self.copy_url
        )
        self.download_action = self._action(
            self.tr("Download…"), keys(keys.StandardKey.Save), self.ask_download
        )
        self.open_folder_button = _button(self.open_folder_action)

        self.download_bar = DownloadBar(operations)
        self.download_bar.finished.connect(self.download_finished)
        self.download_bar.ended.connect(self._selection_changed)
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setWordWrap(True)
        self.status.hide()  # shown once it has something to say: the table keeps the room
        self.download_bar.status_changed.connect(self._say)

        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder_button)
        for action in (self.copy_path_action, self.copy_url_action, self.download_action):
            buttons.addWidget(_button(action))
        buttons.addStretch(1)
        buttons.addWidget(self.download_bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.files_view)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.show_recording(None)

    def _action(self, text: str, keys: QKeySequence, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.files_view)
        action.setShortcut(keys)
        # Only while the files table has focus: Copy elsewhere copies what is there.
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.setToolTip(f"{text} ({keys.toString(QKeySequence.SequenceFormat.NativeText)})")
        action.setIconText(text)  # else a tool button drops the "…" that says a dialog follows
        action.triggered.connect(slot)
        self.files_view.addAction(action)  # its context menu and its shortcuts
        return action

    # --- what is shown --------------------------------------------------------------------------

    def show_recording(self, recording: Recording | None) -> None:
        """Show this recording's files (None: none), keeping the selected file if still there."""
        keep = self.selected_file()
        self.recording = recording
        self.files_model.set_files(recording.files if recording is not None else [])
        if recording is None:
            self.label.setText(self.tr("Select a recording to see its files."))
        else:
            self.label.setText(
                self.tr("<b>Files</b> of the recording in <b>{room}</b> ({files})").format(
                    room=recording.room_id, files=self._count_text(len(recording.files))
                )
            )
        kept = keep is not None and self.select_file(keep.file_id)
        if not kept and self.files_model.rowCount() == 1:
            self.files_view.selectRow(0)  # one file: the actions apply to it without a click
        self._selection_changed()

    def _count_text(self, count: int) -> str:
        if count == 0:
            return self.tr("no file yet")
        return self.tr("%n file(s)", "", count)

    def select_file(self, file_id: str) -> bool:
        """Select a file's row; False if it is not shown."""
        row = self.files_model.row_of(file_id)
        if row is None:
            return False
        self.files_view.selectRow(row)
        return True

    def selected_file(self) -> RecordedFile | None:
        """The file whose row is selected, or None."""
        rows = self.files_view.selectionModel().selectedRows()
        if not rows:
            return None
        file = rows[0].data(FileRole)
        return file if isinstance(file, RecordedFile) else None

    def _selection_changed(self) -> None:
        has_file = self.selected_file() is not None
        self.open_folder_action.setVisible(self._connection.embedded)
        self.open_folder_action.setEnabled(has_file and self._connection.embedded)
        self.copy_path_action.setEnabled(has_file)
        self.copy_url_action.setEnabled(has_file)
        self.download_action.setEnabled(has_file and not self.download_bar.busy)

    def _activated(self) -> None:
        if self._connection.embedded:
            self.open_folder()
        else:
            self.ask_download()

    # --- the actions ----------------------------------------------------------------------------

    def local_path(self, file: RecordedFile) -> Path | None:
        """Where the file lies on this machine, when the app runs the service itself."""
        health = self._connection.health
        if not self._connection.embedded or health is None or not health.data_dir:
            return None
        return Path(health.data_dir) / file.path

    def file_url(self, file: RecordedFile) -> str:
        """The URL that downloads the file from the service."""
        return f"{self._connection.url}/v1/files/{quote(file.file_id, safe='')}?download=1"

    def open_folder(self) -> None:
        """Show the selected file's folder in the system's file manager."""
        file = self.selected_file()
        path = self.local_path(file) if file is not None else None
        if path is None:
            return
        failure = open_folder(path.parent)
        if failure is not None:
            # In the window's banner, as every failure: the status line is easily missed.
            self._say(self.tr("Could not open the folder {folder}.").format(folder=path.parent))
            self._operations.failed.emit(*failure)

    def copy_path(self) -> None:
        """Put the selected file's path on the clipboard (relative when the service is remote)."""
        file = self.selected_file()
        if file is not None:
            path = self.local_path(file)
            self._copy(str(path) if path is not None else file.path)

    def copy_url(self) -> None:
        """Put the selected file's download URL on the clipboard."""
        file = self.selected_file()
        if file is not None:
            self._copy(self.file_url(file))

    def _copy(self, text: str) -> None:
        QApplication.clipboard().setText(text)
        self._say(self.tr("Copied {text}").format(text=text))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def ask_download(self) -> None:
        """Ask where to save the selected file, then download it there."""
        file = self.selected_file()
        if file is None or self.download_bar.busy:
            return
        movies = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
        start = Path(movies) if movies and Path(movies).is_dir() else Path.home()
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the recorded file"), str(start / Path(file.name).name)
        )
        if chosen:
            self.download_to(file.file_id, Path(chosen))

    def download_to(self, file_id: str, path: Path) -> asyncio.Task[Path]:
        """Download a file to `path`, showing its progress; one download at a time."""
        task = self.download_bar.start(self._connection.client, file_id, path)
        self._selection_changed()
        return task


def _button(action: QAction) -> QToolButton:
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    # A tool button follows its action's text and state, but not whether it is shown.
    button.setVisible(action.isVisible())
    action.visibleChanged.connect(lambda: button.setVisible(action.isVisible()))
    return button
