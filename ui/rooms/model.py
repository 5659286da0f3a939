"""The rooms as a Qt list model, and the proxy that filters them by what the operator types.

`RoomsModel` holds the rooms in the service's order, one row each, with a dict from room id to
row so that an event for one room touches one row (`update_room`) and never resets the list.
`RoomsFilterModel` keeps the rows whose name or id contains a fixed string, case-insensitively;
it matches against keys the model folds once per room, so a keystroke over 10,000 rooms costs
one substring test per row (see `tests/bench/ui_rooms.py`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from app.api.models import Room
from ui.common.palette import Role, row_colour
from ui.common.translate import TranslationContext

Index = QModelIndex | QPersistentModelIndex

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_USER = int(Qt.ItemDataRole.UserRole)


RoomSummary = TranslationContext("RoomSummary")


def people_in(room: Room) -> int:
    """How many people are in a room: its distinct users, whatever streams each one sends."""
    return len({stream.user_id for stream in room.streams})


def room_summary(room: Room, people: int | None = None) -> str:
    """A room's state in a few words: "live · 4 people · recording"."""
    count = people_in(room) if people is None else people
    parts = [RoomSummary.tr("live") if room.live else RoomSummary.tr("idle")]
    if count == 0:
        parts.append(RoomSummary.tr("no one"))
    else:
        parts.append(RoomSummary.tr("%n person(s)", "", count))
    if is_paused(room):
        parts.append(RoomSummary.tr("paused"))
    elif room.recording:
        parts.append(RoomSummary.tr("recording"))
    return " · ".join(parts)


def is_paused(room: Room) -> bool:
    """Whether a room has recordings and every one of them is paused: nothing is recorded now."""
    return bool(room.recording) and set(room.recording) <= set(room.paused)


def status_colour(room: Room) -> str:
    """The colour of a room's dot: red while recording, amber while its recordings are paused,
    else green when live, grey when idle (as the palette in use draws them, `#rrggbb`)."""
    role: Role = (
        "paused"
        if is_paused(room)
        else "recording"
        if room.recording
        else "live"
        if room.live
        else "idle"
    )
    return row_colour(role).name()


_dots: dict[str, QIcon] = {}


def status_dot(colour: str) -> QIcon:
    """A small filled circle of `colour`, drawn once and cached (needs a QGuiApplication)."""
    icon = _dots.get(colour)
    if icon is None:
        # Drawn at twice the size it shows at, so it stays round on high-density screens.
        size, ratio = 12, 2
        pixmap = QPixmap(size * ratio, size * ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawEllipse(QRectF(3, 3, size * ratio - 6, size * ratio - 6))
        painter.end()
        pixmap.setDevicePixelRatio(ratio)
        icon = _dots[colour] = QIcon(pixmap)
    return icon


class RoomsModel(QAbstractListModel):
    """The rooms, one row each; the roles below give what a view needs of each."""

    RoomIdRole = _USER + 1
    LiveRole = _USER + 2
    PeopleRole = _USER + 3
    RecordingRole = _USER + 4
    RoomRole = _USER + 5
    SummaryRole = _USER + 6

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rooms: list[Room] = []
        self._people: list[int] = []
        self._keys: list[str] = []  # "name\nid", case-folded: what the filter searches
        self._rows: dict[str, int] = {}

    # --- Qt's model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        """The number of rooms (a list has no children)."""
        return 0 if parent.isValid() else len(self._rooms)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """What a view shows of one room in `role`."""
        row = index.row()
        if not index.isValid() or row >= len(self._rooms):
            return None
        room = self._rooms[row]
        if role == _DISPLAY:
            return room.name
        if role == RoomsModel.SummaryRole:
            return room_summary(room, self._people[row])
        if role == _DECORATION:
            return status_dot(status_colour(room))
        if role == RoomsModel.RoomIdRole:
            return room.room_id
        if role == RoomsModel.LiveRole:
            return room.live
        if role == RoomsModel.PeopleRole:
            return self._people[row]
        if role == RoomsModel.RecordingRole:
            return bool(room.recording)
        if role == RoomsModel.RoomRole:
            return room
        if role == _TOOLTIP:
            return f"{room.name} ({room.room_id})\n{room_summary(room, self._people[row])}"
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        """Role names, for QML and for debugging."""
        names = dict(super().roleNames())
        names.update(
            {
                self.RoomIdRole: QByteArray(b"roomId"),
                self.LiveRole: QByteArray(b"live"),
                self.PeopleRole: QByteArray(b"people"),
                self.RecordingRole: QByteArray(b"recording"),
                self.RoomRole: QByteArray(b"room"),
                self.SummaryRole: QByteArray(b"summary"),
            }
        )
        return names

    # --- changes ------------------------------------------------------------------------------

    def reset(self, rooms: list[Room]) -> None:
        """Show exactly `rooms`, in this order."""
        self.beginResetModel()
        self._rooms = list(rooms)
        self._people = [people_in(room) for room in self._rooms]
        self._keys = [_key(room) for room in self._rooms]
        self._rows = {room.room_id: row for row, room in enumerate(self._rooms)}
        self.endResetModel()

    def update_room(self, room: Room) -> None:
        """Replace the room with the same id in place, or add it at the end if it is new."""
        row = self._rows.get(room.room_id)
        if row is None:
            row = len(self._rooms)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rooms.append(room)
            self._people.append(people_in(room))
            self._keys.append(_key(room))
            self._rows[room.room_id] = row
            self.endInsertRows()
            return
        self._rooms[row] = room
        self._people[row] = people_in(room)
        self._keys[row] = _key(room)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)

    def remove_room(self, room_id: str) -> None:
        """Take the room away; nothing happens if it is not listed."""
        row = self._rows.get(room_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rooms[row], self._people[row], self._keys[row]
        del self._rows[room_id]
        for later in range(row, len(self._rooms)):
            self._rows[self._rooms[later].room_id] = later
        self.endRemoveRows()

    # --- lookups ------------------------------------------------------------------------------

    def room_at(self, row: int) -> Room:
        """The room in `row` (IndexError past the end)."""
        return self._rooms[row]

    def row_of(self, room_id: str) -> int | None:
        """The row of `room_id`, or None if it is not listed."""
        return self._rows.get(room_id)

    def rooms(self) -> list[Room]:
        """Every room, in row order."""
        return list(self._rooms)

    def matches(self, row: int, needle: str) -> bool:
        """Whether the room in `row` has `needle` (case-folded) in its name or id."""
        return needle in self._keys[row]


def _key(room: Room) -> str:
    # The newline keeps a search from matching across the end of the name into the id.
    return f"{room.name}\n{room.room_id}".casefold()


class RoomsFilterModel(QSortFilterProxyModel):
    """The rooms whose name or id contains the filter string, ignoring case."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._rooms: RoomsModel | None = None
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def setSourceModel(self, model: QAbstractListModel) -> None:  # type: ignore[override]
        """Filter `model`, which must be a `RoomsModel`."""
        if not isinstance(model, RoomsModel):
            raise TypeError(f"RoomsFilterModel filters a RoomsModel, not {type(model).__name__}")
        self._rooms = model
        super().setSourceModel(model)

    def setFilterFixedString(self, pattern: str) -> None:
        """Keep the rooms whose name or id contains `pattern` (all of them when it is empty)."""
        self._needle = pattern.strip().casefold()
        # The base class stores the pattern (so filterRegularExpression() tells the truth) and
        # re-runs filterAcceptsRow over the rows.
        super().setFilterFixedString(pattern)

    def filter_text(self) -> str:
        """The case-folded string the rows are filtered by ("" for none)."""
        return self._needle

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        """Whether the room in `source_row` matches: a substring test on its folded key."""
        rooms = self._rooms
        return rooms is None or not self._needle or rooms.matches(source_row, self._needle)
