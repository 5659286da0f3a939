"""The tray icon and its menu, and the notifications of recordings that ended.

```
 ● RecDesk — 1 recording here · 1 recording on the service      (the icon's tooltip)
 ┌──────────────────────────────┐
 │ Start recording Class        │  the room selected in the window, as its buttons allow
 │ Pause recording Class        │  (Resume recording Class while paused)
 │ Stop recording Class         │
 │──────────────────────────────│
 │ Show RecDesk                 │
 │ Quit                         │
 └──────────────────────────────┘
```

The menu and the notices are decided whether or not the system has a tray (`icon` is None
without one, and offscreen), so both work, and are tested, the same everywhere: the latest
notices decided are kept in `notices` and said by `notified`; the icon shows each where there
is one, and a click on it (or on the icon) asks for the window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.api.models import Event, Room
from app.media.local import Ended
from ui.common.formats import room_name
from ui.connection.connection import Connection
from ui.local.panel import LocalRecorderPanel
from ui.recordings.controls import RecordControls
from ui.rooms.model import status_dot
from ui.status.counts import Counts, RecordingCounter
from ui.status.notices import Notice, local_notice, service_notice

RoomOf = Callable[[str], Room | None]
KEPT_NOTICES = 50
NOTICE_MS = 10_000  # how long a notification stays, where the desktop lets the app say
_ENDS = ("saving", "idle")  # the local panel's states after a recording ended
_KINDS = {
    "finished": QSystemTrayIcon.MessageIcon.Information,
    "failed": QSystemTrayIcon.MessageIcon.Critical,
    "disk-full": QSystemTrayIcon.MessageIcon.Warning,
}


class Tray(QObject):
    """A tray icon while the desktop has a tray (red while something records), its menu acting
    on the window's selected room, and notifications of the recordings that ended.

    A click on the icon or a notification, or "Show RecDesk", asks for the window
    (`show_requested`); "Quit" asks to quit (`quit_requested`).
    """

    show_requested = Signal()
    quit_requested = Signal()
    notified = Signal(object)  # Notice

    def __init__(
        self,
        connection: Connection,
        counter: RecordingCounter,
        controls: RecordControls,
        local: LocalRecorderPanel | None = None,
        *,
        room_of: RoomOf = lambda _room_id: None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controls = controls
        self._local = local
        self._room_of = room_of
        self._local_state: str = local.state if local is not None else "idle"
        self._ended: set[str] = set()  # the service's recordings already told of
        self._local_told: Ended | None = None  # the local end already told of
        self.notices: list[Notice] = []  # the latest notices decided, newest last

        # The menu has no parent widget to own it; the tray object keeps it alive.
        self.menu = QMenu()
        self.start_action = self._add(self._controls.start)
        self.pause_action = self._add(self._controls.toggle_pause)
        self.stop_action = self._add(self._controls.stop)
        self.menu.addSeparator()
        self.show_action = self._add(self.show_requested.emit, self.tr("Show RecDesk"))
        self.quit_action = self._add(self.quit_requested.emit, self.tr("Quit"))
        self.menu.aboutToShow.connect(self.refresh_menu)
        controls.recording_changed.connect(self.refresh_menu)
        self.refresh_menu()

        counter.changed.connect(self._counted)
        connection.event_received.connect(self._service_event)
        if local is not None:
            local.state_changed.connect(self._local_changed)

        self.icon: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            # The tray is drawn by the desktop, not in the app's palette: mid tones show on both.
            self._idle, self._busy = status_dot("#757575"), status_dot("#d32f2f")
            self.icon = QSystemTrayIcon(self._idle, self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
            self.icon.messageClicked.connect(self.show_requested.emit)
            self.icon.show()
        self._counted(counter.counts)

    def _add(self, slot: Callable[[], object], text: str = "") -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        return action

    # --- the menu -----------------------------------------------------------------------------

    def refresh_menu(self, *_: object) -> None:
        """Name the selected room in the menu and enable what its record buttons allow (run as
        the menu opens: the buttons change with the room and with every answer)."""
        controls = self._controls
        room = controls.room
        name = room_name(room) if room is not None else ""
        resume = controls.resume_button.isEnabled()
        if room is None:
            self.start_action.setText(self.tr("Start recording (select a room first)"))
            self.pause_action.setText(self.tr("Pause recording"))
            self.stop_action.setText(self.tr("Stop recording"))
        else:
            self.start_action.setText(self.tr("Start recording {0}").format(name))
            pause = self.tr("Resume recording {0}") if resume else self.tr("Pause recording {0}")
            self.pause_action.setText(pause.format(name))
            self.stop_action.setText(self.tr("Stop recording {0}").format(name))
        self.start_action.setEnabled(controls.start_button.isEnabled())
        self.pause_action.setEnabled(controls.pause_button.isEnabled() or resume)
        self.stop_action.setEnabled(controls.stop_button.isEnabled())

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_requested.emit()

    def _counted(self, counts: Counts) -> None:
        if self.icon is None:
            return
        self.icon.setIcon(self._busy if counts.recording else self._idle)
        self.icon.setToolTip(
            self.tr("RecDesk — {0}").format(counts.summary()) if counts.anything else "RecDesk"
        )

    # --- notifications ------------------------------------------------------------------------

    def _service_event(self, event: Event) -> None:
        if event.type != "recording.state":
            return
        recording_id = str(event.data.get("recording_id"))
        room_id = str(event.data.get("room_id"))
        room = self._room_of(room_id)
        notice = service_notice(event, room_name(room if room is not None else room_id))
        # One notice per recording: one stopped for space, uploading, is not told again at its end.
        if notice is not None and recording_id not in self._ended:
            self._ended.add(recording_id)
            self.notify(notice)

    def _local_changed(self, state: str) -> None:
        before, self._local_state = self._local_state, state
        local = self._local
        ended = local.ended if local is not None else None
        if local is None or ended is None or ended is self._local_told:
            return
        if state not in _ENDS or before in _ENDS:
            return
        self._local_told = ended
        # The picker keeps the recorded choice until the panel is idle again: it names it.
        choice = local.picker.current()
        notice = local_notice(ended, choice.label if choice is not None else "")
        if notice is not None:
            self.notify(notice)

    def notify(self, notice: Notice) -> None:
        """Tell the operator: a notification where there is a tray; kept in `notices` anyway."""
        self.notices = [*self.notices[-(KEPT_NOTICES - 1) :], notice]
        self.notified.emit(notice)
        if self.icon is not None and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(notice.title, notice.message, _KINDS[notice.kind], NOTICE_MS)
