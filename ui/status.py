"""What the operator sees at a glance: the status bar's connection, recordings and disk space,
and a tray icon, red while something records, which brings a window kept recording in the
background back (the error banner is `ui.common.banner`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QStatusBar,
    QSystemTrayIcon,
)

from app.api.models import Health
from ui.common.formats import format_size
from ui.common.palette import Role, colour, follow_palette
from ui.connection.connection import Connection
from ui.rooms.model import status_dot


class StatusLine(QObject):
    """Fills a `QStatusBar` from a connection: state, active recordings, free disk space."""

    def __init__(self, bar: QStatusBar, connection: Connection) -> None:
        super().__init__(bar)
        self.state = QLabel()
        self.recordings = QLabel()
        self.disk = QLabel()
        for label in (self.recordings, self.disk, self.state):
            bar.addPermanentWidget(label)
        self._connection = connection
        connection.state_changed.connect(self._state)
        connection.health_changed.connect(self._health)
        self._state(connection.state)
        follow_palette(self.state, lambda: self._state(self._connection.state))

    def _state(self, state: str) -> None:
        where = self.tr("built-in service") if self._connection.embedded else self._connection.url
        text = {
            "connecting": self.tr("Connecting to {0}…"),
            "connected": self.tr("Connected to {0}"),
            "refused": self.tr("Refused by {0}"),
            "lost": self.tr("Service lost ({0}) — reconnecting…"),
            "closed": self.tr("Disconnected from {0}"),
        }[state].format(where)
        roles: dict[str, Role] = {"connected": "ok", "lost": "error", "refused": "error"}
        dot = colour(roles.get(state, "idle"), self.state.palette()).name()
        self.state.setText(f'<span style="color:{dot}">●</span> {text}')

    def _health(self, health: Health) -> None:
        self.recordings.setText(
            self.tr("{0} recording").format(health.recordings)
            if health.recordings
            else self.tr("nothing recording")
        )
        self.disk.setText(self.tr("{0} free").format(format_size(health.free_bytes)))


class Tray(QObject):
    """A tray icon while the desktop has a tray: red while something records; a click or its
    menu's "Show RecDesk" asks for the window (`show_requested`), "Quit" to quit."""

    show_requested = Signal()
    quit_requested = Signal()

    def __init__(self, connection: Connection, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon: QSystemTrayIcon | None = None
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        # The tray is drawn by the desktop, not in the app's palette: mid tones show on both.
        self._idle, self._busy = status_dot("#757575"), status_dot("#d32f2f")
        self.icon = QSystemTrayIcon(self._idle, self)
        self.icon.setToolTip("RecDesk")
        # The menu has no parent widget to own it; the tray object keeps it alive.
        self._menu = QMenu()
        self._menu.addAction(self.tr("Show RecDesk"), self.show_requested.emit)
        self._menu.addAction(self.tr("Quit"), self.quit_requested.emit)
        self.icon.setContextMenu(self._menu)
        self.icon.activated.connect(self._activated)
        self.icon.show()
        connection.health_changed.connect(self._health)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_requested.emit()

    def _health(self, health: Health) -> None:
        assert self.icon is not None
        busy = health.recordings > 0
        self.icon.setIcon(self._busy if busy else self._idle)
        self.icon.setToolTip(
            self.tr("RecDesk — {0} recording").format(health.recordings) if busy else "RecDesk"
        )
