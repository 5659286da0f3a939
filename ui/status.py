"""What the operator sees at a glance: the status bar's connection, recordings and disk space,
an error banner that says what happened and what to do, and a tray icon while something records.

May import PySide6, `ui.connection`, `app.api` and the standard library.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStatusBar,
    QSystemTrayIcon,
    QToolButton,
    QWidget,
)

from app.api.models import Health
from ui.connection import Connection
from ui.formats import format_size
from ui.rooms_model import status_dot


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

    def _state(self, state: str) -> None:
        where = self.tr("built-in service") if self._connection.embedded else self._connection.url
        text = {
            "connecting": self.tr("Connecting to {0}…"),
            "connected": self.tr("Connected to {0}"),
            "refused": self.tr("Refused by {0}"),
            "lost": self.tr("Service lost ({0}) — reconnecting…"),
            "closed": self.tr("Disconnected from {0}"),
        }[state].format(where)
        color = {"connected": "#2e7d32", "lost": "#c62828", "refused": "#c62828"}.get(
            state, "#757575"
        )
        self.state.setText(f'<span style="color:{color}">●</span> {text}')

    def _health(self, health: Health) -> None:
        self.recordings.setText(
            self.tr("{0} recording").format(health.recordings)
            if health.recordings
            else self.tr("nothing recording")
        )
        self.disk.setText(self.tr("{0} free").format(format_size(health.free_bytes)))


class ErrorBanner(QWidget):
    """A dismissable line at the top of the window: what happened, and what to do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setStyleSheet(
            "#errorBanner { background: #fdecea; border: 1px solid #f5c6cb; border-radius: 4px; }"
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.message, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_error(self, what: str, todo: str) -> None:
        """Show an error; replaces the one shown."""
        self.message.setText(f"<b>{_escape(what)}</b><br>{_escape(todo)}")
        self.show()

    def text(self) -> str:
        """What is shown (tests)."""
        return self.message.text()


class Tray(QObject):
    """A tray icon while the desktop has a tray: red while something records."""

    def __init__(self, connection: Connection, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon: QSystemTrayIcon | None = None
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        self._idle, self._busy = status_dot("#757575"), status_dot("#d32f2f")
        self.icon = QSystemTrayIcon(self._idle, self)
        self.icon.setToolTip("RecDesk")
        self.icon.show()
        connection.health_changed.connect(self._health)

    def _health(self, health: Health) -> None:
        assert self.icon is not None
        busy = health.recordings > 0
        self.icon.setIcon(self._busy if busy else self._idle)
        self.icon.setToolTip(
            self.tr("RecDesk — {0} recording").format(health.recordings) if busy else "RecDesk"
        )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
