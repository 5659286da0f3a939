"""`RecordingList`: every recording of the service, filtered by room and state, over the selected
one's files (`ui.recordings.file_panel`: its files and what to do with them).

It reads all recordings when the connection is (re)synced and then follows the event stream: a
`recording.state` or `recording.file` event re-fetches that one recording and replaces its row, so
the list shows what the service says, never a guess built from events. `recording.upload` events
say how far uploads got (`uploading 40%`); one that ends a try (uploaded, failed) re-fetches too.
"""

from __future__ import annotations

import asyncio
import typing
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Event, RecordedFile, Recording, RecordingState
from ui.common.formats import NamedRoom, state_icon, state_name
from ui.common.operations import Operations
from ui.common.tables import table_view
from ui.connection.connection import Connection
from ui.recordings.file_panel import FilePanel
from ui.recordings.models import RecordingRole, RecordingsFilterModel, RecordingsModel

_FOLLOWED_EVENTS = ("recording.state", "recording.file", "recording.upload")


class RecordingList(QWidget):
    """The recordings table, filtered by room and state, over the selected recording's files."""

    recordings_loaded = Signal()  # every recording was read afresh
    download_finished = Signal(str)  # the path written

    def __init__(
        self, connection: Connection, operations: Operations, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._operations = operations
        self._fetching: set[str] = set()  # recordings being re-fetched
        self._stale: set[str] = set()  # ... that had another event meanwhile
        self._loading = False
        self._fetched_while_loading: set[str] = set()

        self.model = RecordingsModel(self)
        self.proxy = RecordingsFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.files = FilePanel(connection, operations)
        self.files.download_finished.connect(self.download_finished)
        self.files_view = self.files.files_view
        self.files_model = self.files.files_model
        self.files_model.uploads = self.model.uploads  # one view of the upload events
        self._build()

        connection.synced.connect(self.refresh)
        connection.event_received.connect(self._on_event)
        if connection.state == "connected":
            # Made after the connection synced: read now, once the loop runs.
            QTimer.singleShot(0, self.refresh)

    def _build(self) -> None:
        self.room_filter = QComboBox()
        self.room_filter.addItem(self.tr("All rooms"), None)
        self.room_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.room_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_room(self.room_filter.currentData())
        )
        self.state_filter = QComboBox()
        self.state_filter.addItem(self.tr("All states"), None)
        for state in typing.get_args(RecordingState):
            self.state_filter.addItem(state_icon(state), state_name(state), state)
        self.state_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_state(self.state_filter.currentData())
        )
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Room:")))
        filters.addWidget(self.room_filter)
        filters.addSpacing(12)
        filters.addWidget(QLabel(self.tr("State:")))
        filters.addWidget(self.state_filter)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.view = table_view(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(RecordingsModel.STARTED, Qt.SortOrder.DescendingOrder)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(RecordingsModel.REASON, QHeaderView.ResizeMode.Stretch)
        for column in range(RecordingsModel.REASON):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().selectionChanged.connect(self._show_selected)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset):
            signal.connect(self._count_changed)
        # A filter that hides the selected row takes its files off the screen too.
        self.proxy.rowsRemoved.connect(self._show_selected)

        top = QWidget()
        upper = QVBoxLayout(top)
        upper.setContentsMargins(0, 0, 0, 0)
        upper.addLayout(filters)
        upper.addWidget(self.view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.files)
        # The files table under its label and buttons gets as many rows as the recordings'.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._count_changed()

    # --- recordings -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read every recording afresh (on connecting, and after the service may have restarted)."""
        self._loading = True
        self._fetched_while_loading.clear()
        self._operations.run(
            self._connection.client.all_recordings(), self._loaded, self._load_failed
        )

    def _loaded(self, recordings: list[Recording]) -> None:
        self._loading = False
        # A row re-fetched for an event while the list was read is newer than the list's copy.
        current = {rec.id: rec for rec in self.model.recordings()}
        merged = [
            current[rec.id] if rec.id in self._fetched_while_loading and rec.id in current else rec
            for rec in recordings
        ]
        selected, file = self.selected_recording(), self.selected_file()
        self.model.reset(merged)
        self._add_rooms(rec.room_id for rec in merged)
        if selected is not None:
            self.select_recording(selected.id)
        self._show_selected()
        if file is not None:
            self.files.select_file(file.file_id)
        self.recordings_loaded.emit()

    def _load_failed(self, _error: BaseException) -> None:
        self._loading = False  # the operation reports it; the next `synced` reads again

    def _on_event(self, event: Event) -> None:
        recording_id = event.data.get("recording_id")
        if event.type == "recording.upload":
            self.model.upload_event(event.data)
            self.files.files_model.upload_changed(str(event.data.get("file_id")))
            if event.data.get("state") == "uploading":
                return  # progress only: the record changes when a try ends
        if event.type in _FOLLOWED_EVENTS and isinstance(recording_id, str):
            self._fetch(recording_id)

    def _fetch(self, recording_id: str) -> None:
        if recording_id in self._fetching:
            self._stale.add(recording_id)  # fetch again once this answer is in
            return
        self._fetching.add(recording_id)
        task = self._operations.run(self._connection.client.recording(recording_id), self._fetched)
        task.add_done_callback(lambda _task: self._fetch_ended(recording_id))

    def _fetch_ended(self, recording_id: str) -> None:
        self._fetching.discard(recording_id)
        if recording_id in self._stale:
            self._stale.discard(recording_id)
            self._fetch(recording_id)

    def _fetched(self, recording: Recording) -> None:
        if self._loading:
            self._fetched_while_loading.add(recording.id)
        self.model.update_recording(recording)
        self._add_rooms([recording.room_id])
        shown = self.files.recording
        if shown is not None and shown.id == recording.id:
            self.files.show_recording(recording)

    def _add_rooms(self, room_ids: Iterable[str]) -> None:
        known = {self.room_filter.itemData(i) for i in range(1, self.room_filter.count())}
        for room_id in sorted(set(room_ids) - known):
            at = 1
            while at < self.room_filter.count() and self.room_filter.itemData(at) < room_id:
                at += 1
            self.room_filter.insertItem(at, self.model.room_label(room_id), room_id)

    def set_rooms(self, rooms: Iterable[NamedRoom]) -> None:
        """The rooms the service lists: the table and the room filter name each by its name."""
        self.model.set_rooms(rooms)
        for at in range(1, self.room_filter.count()):
            self.room_filter.setItemText(at, self.model.room_label(self.room_filter.itemData(at)))

    def _count_changed(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown != total:
            text = self.tr("{shown} of %n recording(s)", "", total).format(shown=shown)
        else:
            text = self.tr("%n recording(s)", "", total)
        self.count_label.setText(text)

    # --- selection ------------------------------------------------------------------------------

    def select_recording(self, recording_id: str) -> bool:
        """Select a recording's row; False if it is not listed or the filters hide it."""
        row = self.model.row_of(recording_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.view.selectRow(index.row())
        self.view.scrollTo(index)
        return True

    def selected_recording(self) -> Recording | None:
        """The recording whose row is selected, or None."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        rec = rows[0].data(RecordingRole)
        return rec if isinstance(rec, Recording) else None

    def selected_file(self) -> RecordedFile | None:
        """The file selected in the files table, or None."""
        return self.files.selected_file()

    def _show_selected(self) -> None:
        selected, shown = self.selected_recording(), self.files.recording
        if selected is None or shown is None or selected.id != shown.id:
            self.files.show_recording(selected)

    # --- downloads ------------------------------------------------------------------------------

    def download_to(self, file_id: str, path: Path) -> asyncio.Task[Path]:
        """Download a file to `path` with a visible progress; one download at a time."""
        return self.files.download_to(file_id, path)

    @property
    def download_progress(self) -> tuple[int, int | None]:
        """Bytes done and total of the latest download, as last reported."""
        return self.files.download_bar.progress
