"""The main window: rooms on the left, the selected room and its record controls, the task list.

```
┌ menu: File · Room · This computer · View · Help ─────────────────────────────────────────┐
│ [error banner: what happened — what to do]                                               │
│ RoomBrowser │ RoomView (the streams as a grid of │ tabs: On the service │ On this computer │
│ (search,    │  thumbnails, as many columns as    │ RecordControls       │ LocalRecorder-   │
│  rooms)     │  the width holds)                  │ (scrolls)            │ Panel (scrolls)  │
│             ├────────────────────────────────────┤                      │                  │
│             │ RecordingList (recordings, their   │                      │                  │
│             │  files, actions)                   │                      │                  │
└ status: connection · recordings · free disk ─────────────────────────────────────────────┘
```

The widgets each talk to the service through the one `Connection` and run their requests as
`Operations`, whose failures land in the banner, as do the failures the service reports only as
events (an automatic recording that did not start, a callback given up). The local recorder
records on this computer instead (the selected room's participants through the service's live
URLs, or this computer's devices); its files go through the `SaveFlow` into the history kept in
the data folder.
Geometry and splitter sizes are kept in QSettings. Every panel that can grow (the record options,
the local recorder) scrolls, so the window fits a 1280x720 screen and never grows by itself.
Closing while anything records asks first (`ui.closing`): stop and quit, keep recording in the
tray (or minimised), or stay.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Event, Room
from app.layout.model import Layout
from ui.closing import CloseGuard
from ui.common.appearance import AppearanceMenu
from ui.common.banner import ErrorBanner
from ui.common.errors import describe
from ui.common.formats import state_icon
from ui.common.language_menu import LanguageMenu
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.connection.reasons import explain
from ui.help.menu import HelpMenu
from ui.layout_editor.editor import LayoutEditor, presets_folder
from ui.layout_editor.presets import PresetStore
from ui.local.history import HISTORY_FILE, HistoryList, HistoryStore
from ui.local.panel import LocalRecorderPanel
from ui.local.recovery import RecoveryOffer, offer_recovery
from ui.local.save_flow import SaveFlow
from ui.local.settings import LocalSettingsDialog
from ui.recordings.controls import RecordControls
from ui.recordings.recording_list import RecordingList
from ui.rooms.browser import RoomBrowser
from ui.rooms.view import RoomView
from ui.status import RecordingCounter, StatusLine, Tray
from ui.status.banners import banner_of


class MainWindow(QMainWindow):
    """RecDesk's main window for one connection."""

    connect_requested = Signal()
    closed = Signal()

    def __init__(
        self, connection: Connection, settings: QSettings, data_dir: Path | None = None
    ) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("RecDesk"))
        self.connection = connection
        self.settings = settings
        self.operations = Operations(self)
        self.banner = ErrorBanner()
        self.browser = RoomBrowser(connection, self.operations)
        self.room_view = RoomView(connection, self.operations)
        self.controls = RecordControls(connection, self.operations, settings)
        # The room view already fetches the selected room's pictures: the live view shares them.
        self.controls.live.set_thumbnails(self.room_view.thumbnail)
        self.recordings = RecordingList(connection, self.operations)
        self._room_id: str | None = None
        self._data_dir = data_dir
        self.layout_editor: LayoutEditor | None = None
        self.history = HistoryStore(self._app_data() / HISTORY_FILE, self)
        self.save_flow = SaveFlow(settings, self.history, self)
        self.local_history = HistoryList(self.history)
        self.local = LocalRecorderPanel(
            connection,
            settings,
            self.save_flow,
            self.local_history,
            layout_for=self._editor_layout,
        )
        self.record_tabs = QTabWidget()
        self.record_tabs.setDocumentMode(True)
        # Both panels scroll rather than make the window taller than the screen allows (every
        # option shown): a window whose minimum outgrows the screen grows by itself.
        self.service_tab = _scrolling(self.controls)
        self.record_tabs.addTab(self.service_tab, self.tr("On the service"))
        self.local_tab = _scrolling(self.local)
        self.record_tabs.addTab(self.local_tab, self.tr("On this computer"))
        self.record_tabs.setTabToolTip(0, self.tr("Record the room on the recording service."))
        self.record_tabs.setTabToolTip(
            1, self.tr("Record a participant, the room or this computer's devices here.")
        )

        # The record panels take the window's whole height (the options, the live view, the
        # local history's rows and buttons); the room's streams share the middle column with the
        # recordings, whose tables keep room for several rows.
        self.middle = QSplitter(Qt.Orientation.Vertical)
        self.middle.addWidget(self.room_view)
        self.middle.addWidget(self.recordings)
        self.middle.setStretchFactor(0, 2)
        self.middle.setStretchFactor(1, 1)
        self.middle.setChildrenCollapsible(False)
        self.middle.setSizes([340, 400])
        right = QSplitter(Qt.Orientation.Horizontal)
        right.addWidget(self.middle)
        right.addWidget(self.record_tabs)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setChildrenCollapsible(False)
        right.setSizes([600, 440])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([230, 1050])
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(body)

        self.counter = RecordingCounter(self.recordings.model, self.local, self)
        self.status = StatusLine(self.statusBar(), connection, self.counter)
        self.tray = Tray(
            connection, self.counter, self.controls, self.local, room_of=self._room, parent=self
        )
        self.close_guard = CloseGuard(
            self,
            connection,
            recordings=self.recordings.model,
            local=self.local,
            tray=self.tray,
            operations=self.operations,
        )
        self.tray.show_requested.connect(self.show_again)
        self.tray.quit_requested.connect(self._quit_from_tray)
        self._menus()
        self.operations.failed.connect(self._operation_failed)
        self.local_history.failed.connect(self.banner.show_error)
        self.browser.room_selected.connect(self._select)
        self.browser.model.dataChanged.connect(self._room_changed)
        self.browser.model.modelReset.connect(self._room_changed)
        self.browser.model.rowsInserted.connect(self._room_changed)
        connection.state_changed.connect(self._connection_state)
        connection.failed.connect(self._connection_failed)
        connection.event_received.connect(self._service_event)
        self.local.state_changed.connect(self._local_state)
        self._restore()

    # --- menus and shortcuts ----------------------------------------------------------------------

    def _menus(self) -> None:
        self.help_menu = HelpMenu(self, lambda: self.connection.url, self.banner)
        file = self.menuBar().addMenu(self.tr("&File"))
        self._action(
            file, self.tr("&Connect to a service…"), "Ctrl+Shift+O", self.connect_requested
        )
        self._action(file, self.tr("Open the service's &API page"), None, self.help_menu.open_docs)
        file.addSeparator()
        self._action(file, self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        room = self.menuBar().addMenu(self.tr("&Room"))
        self.search_action = self._action(
            room, self.tr("&Search rooms"), QKeySequence.StandardKey.Find, self.browser.focus_search
        )
        self.start_action = self._action(
            room, self.tr("&Start recording"), "Ctrl+R", self.controls.start
        )
        self.pause_action = self._action(
            room, self.tr("&Pause or resume recording"), "Ctrl+P", self.controls.toggle_pause
        )
        self.stop_action = self._action(
            room, self.tr("S&top recording"), "Ctrl+Shift+R", self.controls.stop
        )
        room.addSeparator()
        self.layout_action = self._action(
            room, self.tr("Edit the &layout…"), "Ctrl+E", self.edit_layout
        )
        local = self.menuBar().addMenu(self.tr("This &computer"))
        self.local_record_action = self._action(
            local, self.tr("&Start or stop recording here"), "Ctrl+Shift+L", self._toggle_local
        )
        self.local_pause_action = self._action(
            local, self.tr("&Pause or resume recording here"), "Ctrl+Shift+P", self._pause_local
        )
        local.addSeparator()
        self._action(
            local, self.tr("Look for &devices again"), None, self.local.picker.refresh_devices
        )
        self._action(local, self.tr("Where to &save…"), None, self._local_settings)
        self.view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.appearance_menu = AppearanceMenu(self.settings, self)
        self.view_menu.addMenu(self.appearance_menu)
        self.language_menu = LanguageMenu(self.settings, self)
        self.view_menu.addMenu(self.language_menu)
        self.menuBar().addMenu(self.help_menu)
        self.api_page_action = self.help_menu.api_page_action

    def _action(self, menu, text, shortcut, slot) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if hasattr(slot, "emit"):
            action.triggered.connect(slot.emit)
        else:
            action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def show_local(self) -> None:
        """Bring the local recorder's tab to the front."""
        self.record_tabs.setCurrentWidget(self.local_tab)

    def _toggle_local(self) -> None:
        self.show_local()
        self.local.toggle_recording()

    def _pause_local(self) -> None:
        self.show_local()
        self.local.toggle_pause()

    def _local_settings(self) -> None:
        LocalSettingsDialog(self.settings, self).open()

    def offer_local_recovery(self) -> RecoveryOffer:
        """Offer back the local recordings a previous run left unsaved (call once, when shown)."""
        return offer_recovery(self, self.save_flow)

    def _local_state(self, state: str) -> None:
        # The tab says that something records here even while the other tab is shown.
        icon = state_icon(state) if state in ("recording", "paused") else QIcon()
        self.record_tabs.setTabIcon(1, icon)

    # --- the selected room ------------------------------------------------------------------------

    def _select(self, room_id: str) -> None:
        self._room_id = room_id
        room = self._room(room_id)
        self.room_view.set_room(room)
        self.controls.set_room(room)
        self.local.set_room(room)

    def _room_changed(self, *_: object) -> None:
        self.recordings.set_rooms(self.browser.model.rooms())
        if self._room_id is None:
            return
        room = self._room(self._room_id)
        if room is not None:
            self.controls.set_room(room)
            self.local.set_room(room)

    def edit_layout(self) -> LayoutEditor | None:
        """Open the layout editor for the selected room (and its mixed recording, if any)."""
        room = self._room(self._room_id) if self._room_id else None
        if room is None:
            self.banner.show_error(
                self.tr("No room is selected."), self.tr("Select a room, then edit its layout.")
            )
            return None
        if self.layout_editor is None:
            folder = presets_folder(self._app_data())
            self.layout_editor = LayoutEditor(self.connection, self.operations, PresetStore(folder))
            self.layout_editor.setWindowFlag(Qt.WindowType.Window)
        recording = self.controls.recording
        active = recording if recording is not None and self.controls.recording_id else None
        self.layout_editor.open_for(room, active)
        self.layout_editor.show()
        self.layout_editor.raise_()
        return self.layout_editor

    def _editor_layout(self, room_id: str) -> Layout | None:
        """The layout being edited for `room_id`, if the editor has that room (a local mix's)."""
        editor = self.layout_editor
        if editor is None or editor.room is None or editor.room.room_id != room_id:
            return None
        return editor.document.layout

    def _app_data(self) -> Path:
        return self._data_dir or Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        )

    def _room(self, room_id: str) -> Room | None:
        row = self.browser.model.row_of(room_id)
        return None if row is None or row < 0 else self.browser.model.room_at(row)

    def _connection_state(self, state: str) -> None:
        # What needs the service waits for it; what the panes show stays, marked as of when.
        up = state == "connected"
        for action in (
            self.start_action,
            self.pause_action,
            self.stop_action,
            self.layout_action,
            self.api_page_action,
        ):
            action.setEnabled(up)
        self.controls.setEnabled(up)
        if up:
            self.banner.hide()
        elif state == "lost":
            failure = self.connection.failure
            what, todo = (
                explain(failure, self.connection.url)
                if failure is not None
                else (self.tr("The recording service does not answer."), "")
            )
            since = self.connection.stale_since
            then = (
                self.tr("What is shown is not up to date since {0}.").format(
                    since.strftime("%H:%M")
                )
                if since is not None
                else ""
            )
            again = self.tr(
                "RecDesk reconnects by itself as soon as it is back; what you typed is kept."
            )
            self.banner.show_error(what, " ".join(part for part in (todo, then, again) if part))
        elif state == "refused" and self.connection.refusal is not None:
            what, todo = describe(self.connection.refusal)
            self.banner.show_error(
                self.tr("The recording service refused this app's credentials: {0}").format(what),
                todo,
            )

    def _operation_failed(self, what: str, todo: str) -> None:
        # While the service is lost, its banner says why every request fails: it stays.
        if self.connection.state != "lost":
            self.banner.show_error(what, todo)

    def _connection_failed(self, error: Exception) -> None:
        # A new reason while still lost (the service's host came back, but not the service).
        if self.connection.state == "lost":
            self._connection_state("lost")

    def _service_event(self, event: Event) -> None:
        """Show the failures the service reports only in its events (`banner_of`)."""
        shown = banner_of(event)
        if shown is not None:
            self.banner.show_error(*shown)

    # --- window state -----------------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        sizes = self.settings.value("window/splitter")
        if sizes is not None:
            self.splitter.restoreState(sizes)
        middle = self.settings.value("window/middle")
        if middle is not None:
            self.middle.restoreState(middle)

    def show_again(self) -> None:
        """Bring the window back from the tray or the taskbar."""
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _quit_from_tray(self) -> None:
        self.show_again()  # the question, if it comes, belongs on a window that shows
        self.close()

    def close_without_asking(self) -> None:
        """Close even while something records (the app replaces this window)."""
        self.close_guard.allow()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Keep the geometry, then let the app shut down; while anything records, only once the
        operator has chosen to quit (`CloseGuard`)."""
        if not self.close_guard.allows_close():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/middle", self.middle.saveState())
        if self.layout_editor is not None:
            self.layout_editor.close()
        super().closeEvent(event)
        self.closed.emit()


def _scrolling(panel: QWidget) -> QScrollArea:
    """`panel` in a frameless area that scrolls up and down, never sideways."""
    area = QScrollArea()
    area.setWidget(panel)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area
