"""The room browser: every room of the service in a searchable list that follows the events.

`RoomBrowser` reads all rooms when the connection is (re)synced and after that re-reads only the
room an event names (`RoomFetcher`: one read per room in flight), so a busy service with 10,000
rooms costs one row's update per change. Picking a room emits `room_selected(room_id)`.

The list never stands blank without a word: a search that matches nothing says so (with a way to
clear it), as does a service without rooms or one that has not answered yet. While the service
does not answer, the rooms it listed last stay, greyed, under a `StaleMark`.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Event, Room
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.connection.stale import StaleMark
from ui.rooms.fetcher import RoomFetcher, changed_room
from ui.rooms.model import Index, RoomsFilterModel, RoomsModel

_PAD_X, _PAD_Y, _GAP, _DOT = 10, 6, 2, 12


class RoomDelegate(QStyledItemDelegate):
    """Paints a room as two lines: its name, and "live · 4 people · recording" under it; greyed
    while `stale` (what the service said last, not what it says now)."""

    stale = False

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Draw the row's background, its status dot and its two elided lines."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        icon, name = QIcon(opt.icon), opt.text
        # The style draws the background, selection and focus; the content is drawn below.
        opt.text = ""
        opt.icon = QIcon()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        rect = opt.rect.adjusted(_PAD_X, _PAD_Y, -_PAD_X, -_PAD_Y)
        name_font, summary_font = _fonts(opt.font)
        name_metrics, summary_metrics = QFontMetrics(name_font), QFontMetrics(summary_font)
        dot_y = rect.top() + (name_metrics.height() - _DOT) // 2
        icon.paint(painter, rect.left(), dot_y, _DOT, _DOT)
        text_left = rect.left() + _DOT + 8
        width = max(0, rect.right() - text_left)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Normal
            if opt.state & QStyle.StateFlag.State_Enabled and not self.stale
            else QPalette.ColorGroup.Disabled
        )
        if selected:
            main = second = opt.palette.color(group, QPalette.ColorRole.HighlightedText)
        else:
            main = opt.palette.color(group, QPalette.ColorRole.Text)
            second = opt.palette.color(group, QPalette.ColorRole.PlaceholderText)

        painter.save()
        painter.setFont(name_font)
        painter.setPen(main)
        line = name_metrics.elidedText(name, Qt.TextElideMode.ElideRight, width)
        painter.drawText(text_left, rect.top() + name_metrics.ascent(), line)
        painter.setFont(summary_font)
        painter.setPen(second)
        summary = str(index.data(RoomsModel.SummaryRole) or "")
        line = summary_metrics.elidedText(summary, Qt.TextElideMode.ElideRight, width)
        baseline = rect.top() + name_metrics.height() + _GAP + summary_metrics.ascent()
        painter.drawText(text_left, baseline, line)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """Two lines high; the width is the view's (rows are elided, never wrapped)."""
        name_font, summary_font = _fonts(option.font)
        height = QFontMetrics(name_font).height() + _GAP + QFontMetrics(summary_font).height()
        return QSize(160, height + 2 * _PAD_Y)


def _fonts(base: QFont) -> tuple[QFont, QFont]:
    name = QFont(base)
    name.setWeight(QFont.Weight.DemiBold)
    summary = QFont(base)
    summary.setPointSizeF(max(7.0, base.pointSizeF() * 0.88))
    return name, summary


class RoomBrowser(QWidget):
    """The service's rooms, searchable; `room_selected(room_id)` when the operator picks one."""

    room_selected = Signal(str)

    def __init__(
        self, connection: Connection, operations: Operations, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._operations = operations
        self._selected: str | None = None
        self._loading = False
        self._changed_while_loading: set[str] = set()

        self.model = RoomsModel(self)
        self.proxy = RoomsFilterModel(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search rooms…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search rooms"))
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.search.returnPressed.connect(self._pick_first)

        # While rows leave the list (a search, a reset), Qt moves the selection to a neighbour;
        # that is not the operator's pick, so it is put back (or cleared) instead of announced.
        # Connected before the view's own handlers, so the hold is on before Qt moves anything.
        self._holding = 0
        for about, done in (
            (self.proxy.rowsAboutToBeRemoved, self.proxy.rowsRemoved),
            (self.proxy.layoutAboutToBeChanged, self.proxy.layoutChanged),
            (self.proxy.modelAboutToBeReset, self.proxy.modelReset),
        ):
            about.connect(self._hold)
            done.connect(self._settle)

        self.view = QListView(self)
        self.view.setModel(self.proxy)
        self.delegate = RoomDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        # Every row has the same height: the view then lays out 10,000 rows without asking each.
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setAccessibleName(self.tr("Rooms"))
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        # In the list's place when it has no row to show: why, and what to do.
        self.empty = QFrame(self)
        self.empty.setFrameShape(self.view.frameShape())
        self.empty.setFrameShadow(self.view.frameShadow())
        self.empty.setBackgroundRole(QPalette.ColorRole.Base)  # the list's own ground
        self.empty.setAutoFillBackground(True)
        self.empty_text = QLabel(self.empty)
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clear_button = QPushButton(self.tr("Clear the search"), self.empty)
        self.clear_button.clicked.connect(self._clear_search)
        note = QVBoxLayout(self.empty)
        note.addStretch(1)
        note.addWidget(self.empty_text)
        note.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        note.addStretch(2)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.empty)
        for changed in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            changed.connect(self._show_rows)
        self.search.textChanged.connect(self._show_rows)  # after the filter has run
        self.stale = StaleMark(connection, self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.stale)
        layout.addWidget(self.pages)

        self._fetcher = RoomFetcher(connection, operations, self)
        self._fetcher.fetched.connect(self._room_fetched)
        self._fetcher.gone.connect(self.model.remove_room)
        connection.synced.connect(self.reload)
        connection.event_received.connect(self._on_event)
        connection.state_changed.connect(self._connection_state)
        self._listed = False  # the service has listed its rooms at least once
        self._connection_state(connection.state)
        if connection.state == "connected":
            # Built after the first sync: read the rooms now rather than at the next one.
            self.reload()

    # --- public -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read every room afresh (after connecting, and after each reconnection)."""
        if self._loading:
            return
        self._loading = True
        self._changed_while_loading.clear()
        self._operations.run(
            self._connection.client.all_rooms(), on_done=self._loaded, on_error=self._load_failed
        )

    def select(self, room_id: str) -> bool:
        """Select `room_id` (clearing the search if it hides it); False if it is not listed."""
        row = self.model.row_of(room_id)
        if row is None:
            return False
        source = self.model.index(row, 0)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            self.search.clear()
            index = self.proxy.mapFromSource(source)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def selected_room(self) -> str | None:
        """The id of the selected room, if one is."""
        return self._selected

    def focus_search(self) -> None:
        """Put the cursor in the search field, its text selected so typing replaces it."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- loading ------------------------------------------------------------------------------

    def _loaded(self, rooms: list[Room]) -> None:
        self._loading = False
        self._listed = True
        self.model.reset(rooms)
        self._show_rows()
        # Events that came while the list was read may be newer than what it says.
        for room_id in sorted(self._changed_while_loading):
            self._fetcher.request(room_id)
        self._changed_while_loading.clear()

    def _load_failed(self, error: BaseException) -> None:
        self._loading = False

    def _on_event(self, event: Event) -> None:
        room_id = changed_room(event)
        if room_id is None:
            return
        if self._loading:
            self._changed_while_loading.add(room_id)
        self._fetcher.request(room_id)

    def _room_fetched(self, room: Room) -> None:
        self.model.update_room(room)

    # --- what the list says -------------------------------------------------------------------

    def _connection_state(self, state: str) -> None:
        self.delegate.stale = self._connection.stale_since is not None
        self.view.viewport().update()
        self._show_rows()

    def _show_rows(self, *_: object) -> None:
        """The list, or the note that says why it has no row."""
        searched = self.search.text().strip()
        if self.proxy.rowCount():
            self.pages.setCurrentWidget(self.view)
            return
        if searched and self.model.rowCount():
            text = self.tr("No room matches “{0}”.").format(searched)
        elif not self._listed:
            text = (
                self.tr("Reading the rooms…")
                if self._connection.state in ("connecting", "connected")
                else self.tr("The rooms show here once the service answers.")
            )
        else:
            text = self.tr("This service has no rooms yet.")
        self.empty_text.setText(text)
        self.clear_button.setVisible(bool(searched))
        self.pages.setCurrentWidget(self.empty)

    def _clear_search(self) -> None:
        self.search.clear()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- selection ----------------------------------------------------------------------------

    def _hold(self, *_: object) -> None:
        self._holding += 1

    def _settle(self, *_: object) -> None:
        if self._holding == 1:
            # Still holding: putting the pick back announces nothing.
            row = None if self._selected is None else self.model.row_of(self._selected)
            index = None if row is None else self.proxy.mapFromSource(self.model.index(row, 0))
            if index is not None and index.isValid():
                self.view.setCurrentIndex(index)
            else:
                self.view.selectionModel().clear()
        self._holding = max(0, self._holding - 1)

    def _selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        if self._holding:
            return
        indexes = self.view.selectionModel().selectedIndexes()
        if not indexes:
            return
        room_id = str(indexes[0].data(RoomsModel.RoomIdRole))
        if room_id != self._selected:
            self._selected = room_id
            self.room_selected.emit(room_id)

    def _pick_first(self) -> None:
        if self.proxy.rowCount() and not self.view.selectionModel().hasSelection():
            self.view.setCurrentIndex(self.proxy.index(0, 0))
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
