"""The recording list's item models: every recording as a row, a recording's files, and the filter.

`RecordingsModel` holds `Recording`s as the service last reported them, and makes the elapsed
time of a running recording tick once a second from the last known value, so the operator sees it
move between the service's events; an uploading recording reads `uploading 40%` from the
`recording.upload` events (`ui.recordings.uploads`), as its files do. `FilesModel` shows one
recording's files; the `RecordingsFilterModel` proxy keeps the rows of one room and/or one state.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush

from app.api.models import RecordedFile, Recording
from ui.common.formats import (
    NamedRoom,
    format_duration,
    format_elapsed,
    format_size,
    format_streams,
    format_upload,
    mode_name,
    reason_name,
    room_name,
    state_colour,
    state_icon,
    state_name,
)
from ui.recordings.gaps import gaps_note, gaps_tooltip
from ui.recordings.uploads import UploadProgress

RecordingRole = Qt.ItemDataRole.UserRole + 1
"""A `RecordingsModel` row's `Recording`."""
FileRole = Qt.ItemDataRole.UserRole + 2
"""A `FilesModel` row's `RecordedFile`."""
SortRole = Qt.ItemDataRole.UserRole + 3
"""A value that sorts a column in its natural order (seconds, bytes, times), not as text."""

Index = QModelIndex | QPersistentModelIndex


_Row = TypeVar("_Row")


class _RowsModel(QAbstractTableModel, Generic[_Row]):
    """A flat table: one object a row, under the column titles a subclass sets."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._headers: list[str] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        """Rows under the root; the table has no children."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One per title."""
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None


class RecordingsModel(_RowsModel[Recording]):
    """Recordings as rows: Room, Mode, State, Elapsed, Files, Started, Reason (with the gaps a
    restart left: `2 min 30 s missing (service restarted)`)."""

    ROOM, MODE, STATE, ELAPSED, FILES, STARTED, REASON = range(7)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # When each row's elapsed time was last reported, to count on from it while recording.
        self._reported: dict[str, float] = {}
        # The rooms' names as the room list last had them: a row names its room as it does.
        self._room_names: dict[str, str] = {}
        self.uploads = UploadProgress()  # shared with the files' model
        self._headers = [
            self.tr("Room"),
            self.tr("Mode"),
            self.tr("State"),
            self.tr("Elapsed"),
            self.tr("Files"),
            self.tr("Started"),
            self.tr("Reason"),
        ]
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)

    # --- changes --------------------------------------------------------------------------------

    def reset(self, recordings: list[Recording]) -> None:
        """Show these recordings (newest first) instead of the current ones."""
        self.beginResetModel()
        self._rows = list(recordings)
        now = time.monotonic()
        self._reported = {rec.id: now for rec in self._rows}
        self.endResetModel()
        self._follow_clock()

    def update_recording(self, recording: Recording) -> None:
        """Replace the row of this recording, or add it at the top if it is new."""
        self._reported[recording.id] = time.monotonic()
        row = self.row_of(recording.id)
        if row is None:
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._rows.insert(0, recording)
            self.endInsertRows()
        else:
            self._rows[row] = recording
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        self._follow_clock()

    def set_rooms(self, rooms: Iterable[NamedRoom]) -> None:
        """The rooms known to the room list: each row's Room reads its name (`room_name`), as the
        room list writes it, rather than its id."""
        names = {room.room_id: room_name(room) for room in rooms}
        if names == self._room_names:
            return
        self._room_names = names
        if self._rows:
            column = self.index(0, self.ROOM), self.index(len(self._rows) - 1, self.ROOM)
            self.dataChanged.emit(*column, [Qt.ItemDataRole.DisplayRole])

    def room_label(self, room_id: str) -> str:
        """How the table names the room `room_id`: its name where the room list has it."""
        return self._room_names.get(room_id, room_id)

    def upload_event(self, data: dict[str, Any]) -> None:
        """A `recording.upload` event: its recording's state reads how far the upload got."""
        recording_id = self.uploads.update(data)
        row = None if recording_id is None else self.row_of(recording_id)
        if row is not None:
            cell = self.index(row, self.STATE)
            self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole])

    def recording_at(self, row: int) -> Recording:
        """The recording shown in `row`."""
        return self._rows[row]

    def row_of(self, recording_id: str) -> int | None:
        """The row of a recording, or None if it is not listed."""
        for row, recording in enumerate(self._rows):
            if recording.id == recording_id:
                return row
        return None

    def recordings(self) -> list[Recording]:
        """Every listed recording, in row order."""
        return list(self._rows)

    def elapsed(self, recording: Recording) -> float:
        """Seconds recorded: the reported value, counted on locally while it records."""
        if recording.state != "recording":
            return recording.elapsed
        since = time.monotonic() - self._reported.get(recording.id, time.monotonic())
        return recording.elapsed + since

    def _follow_clock(self) -> None:
        ticking = any(rec.state == "recording" for rec in self._rows)
        if ticking and not self._ticker.isActive():
            self._ticker.start()
        elif not ticking:
            self._ticker.stop()

    def _tick(self) -> None:
        for row, recording in enumerate(self._rows):
            if recording.state == "recording":
                cell = self.index(row, self.ELAPSED)
                self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole])

    # --- Qt's model interface --------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text, icon, colour, alignment or sort key; `RecordingRole` for the row."""
        if not index.isValid():
            return None
        rec = self._rows[index.row()]
        column = index.column()
        if role == RecordingRole:
            return rec
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(rec, column)
        if role == SortRole:
            return self._sort_key(rec, column)
        if column == self.STATE:
            if role == Qt.ItemDataRole.DecorationRole:
                return state_icon(rec.state)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(state_colour(rec.state))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.REASON and (rec.reason or rec.gaps):
                return "\n".join(t for t in (reason_name(rec.reason), gaps_tooltip(rec)) if t)
            if column == self.ROOM:
                return self.tr("Recording {id}").format(id=rec.id)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.ELAPSED, self.FILES):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, rec: Recording, column: int) -> str:
        match column:
            case self.ROOM:
                return self.room_label(rec.room_id)
            case self.MODE:
                return mode_name(rec.mode)
            case self.STATE:
                progress = self.uploads.of_recording(rec) if rec.state == "uploading" else None
                if progress is None:
                    return state_name(rec.state)
                return f"{state_name(rec.state)} {progress}%"
            case self.ELAPSED:
                return format_elapsed(self.elapsed(rec))
            case self.FILES:
                return str(len(rec.files))
            case self.STARTED:
                started = rec.started or rec.created
                return started.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            case _:
                # What it missed reads beside why it ended: the files' timeline jumps there.
                return " · ".join(t for t in (reason_name(rec.reason), gaps_note(rec)) if t)

    def _sort_key(self, rec: Recording, column: int) -> Any:
        match column:
            case self.ELAPSED:
                return self.elapsed(rec)
            case self.FILES:
                return len(rec.files)
            case self.STARTED:
                return (rec.started or rec.created).timestamp()
            case _:
                return self._text(rec, column)


class FilesModel(_RowsModel[RecordedFile]):
    """One recording's files as rows: Name, Size, Duration, Streams, Part, Upload."""

    NAME, SIZE, DURATION, STREAMS, PART, UPLOAD = range(6)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = [
            self.tr("Name"),
            self.tr("Size"),
            self.tr("Duration"),
            self.tr("Streams"),
            self.tr("Part"),
            self.tr("Upload"),
        ]
        self.uploads = UploadProgress()  # the task list shares its recordings' one

    def upload_changed(self, file_id: str) -> None:
        """A file's upload got further: its Upload cell reads anew."""
        row = self.row_of(file_id)
        if row is not None:
            cell = self.index(row, self.UPLOAD)
            self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole])

    def set_files(self, files: list[RecordedFile]) -> None:
        """Show these files instead of the current ones."""
        self.beginResetModel()
        self._rows = list(files)
        self.endResetModel()

    def file_at(self, row: int) -> RecordedFile:
        """The file shown in `row`."""
        return self._rows[row]

    def row_of(self, file_id: str) -> int | None:
        """The row of a file, or None if it is not listed."""
        for row, file in enumerate(self._rows):
            if file.file_id == file_id:
                return row
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text, alignment or sort key; `FileRole` for the row's `RecordedFile`."""
        if not index.isValid():
            return None
        file = self._rows[index.row()]
        column = index.column()
        if role == FileRole:
            return file
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case self.NAME:
                    return file.name
                case self.SIZE:
                    return format_size(file.size)
                case self.DURATION:
                    return format_duration(file.duration)
                case self.STREAMS:
                    return format_streams(file.streams)
                case self.UPLOAD:
                    return format_upload(*self.uploads.of_file(file))
                case _:
                    return str(file.part)
        if role == SortRole:
            keys: list[Any] = [file.name, file.size, file.duration, format_streams(file.streams)]
            keys += [file.part, format_upload(*self.uploads.of_file(file))]
            return keys[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == self.NAME:
            return file.path
        if role == Qt.ItemDataRole.ToolTipRole and column == self.UPLOAD:
            return file.upload_error or file.download_url
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.SIZE,
            self.DURATION,
            self.PART,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RecordingsFilterModel(QSortFilterProxyModel):
    """Keeps the recordings of one room and/or in one state (None: any), sorted by `SortRole`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._room: str | None = None
        self._state: str | None = None
        self.setSortRole(SortRole)

    @property
    def room(self) -> str | None:
        """The room kept, or None for every room."""
        return self._room

    @property
    def state(self) -> str | None:
        """The state kept, or None for every state."""
        return self._state

    def set_room(self, room_id: str | None) -> None:
        """Keep only this room's recordings (None: every room's)."""
        if room_id != self._room:
            self._begin_filter_change()
            self._room = room_id
            self._end_filter_change()

    def set_state(self, state: str | None) -> None:
        """Keep only recordings in this state (None: in any state)."""
        if state != self._state:
            self._begin_filter_change()
            self._state = state
            self._end_filter_change()

    # Qt 6.10 replaced invalidateRowsFilter() with a begin/end pair; older Qt has only the former.
    def _begin_filter_change(self) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()

    def _end_filter_change(self) -> None:
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        """Whether the row's room and state match the filter."""
        source = self.sourceModel()
        rec = source.data(source.index(source_row, 0, source_parent), RecordingRole)
        if not isinstance(rec, Recording):
            return False
        return (self._room is None or rec.room_id == self._room) and (
            self._state is None or rec.state == self._state
        )
