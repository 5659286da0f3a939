"""`StaleMark`: says on a pane that what it shows is not up to date, and since when.

While the service is lost or refuses the app, the panes keep what it last told them rather than
emptying (the operator still sees which rooms there were, what recorded); this mark says that it
is the past. Any pane adds one under its title: it follows the connection by itself, and hides
once the service answers again (when the panes read everything afresh).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from ui.common.palette import tint
from ui.connection.connection import Connection


class StaleMark(QLabel):
    """ "Not up to date since 14:02" while `connection` is not connected after it has been."""

    def __init__(self, connection: Connection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._connection = connection
        self.setWordWrap(True)
        self.setToolTip(
            self.tr(
                "The service does not answer: this is what it said last. RecDesk reconnects by "
                "itself and brings everything up to date."
            )
        )
        tint(self, "warning")
        connection.state_changed.connect(self._follow)
        self._follow()

    def _follow(self, *_: object) -> None:
        since = self._connection.stale_since
        if since is None:
            self.hide()
            return
        self.setText("⚠ " + self.tr("Not up to date since {0}").format(since.strftime("%H:%M")))
        self.show()
