"""The local recorder's buttons and what they say: Start, Pause or Resume, Stop, a status line
and a warning line.

```
[● Start]        [❚❚ Pause | ● Resume]        [■ Stop]
Recording                                   (the status line: red recording, amber paused)
⚠ Disk space is low: 850 MB left.           (the warning line, only while there is one)
```

`LocalControls.show_state(state, text, can_start=..., failed=...)` enables only the buttons that
fit the state; Pause and Resume share one place. The panel (`ui.local.panel`) connects the
buttons; the window's menu has the same actions with shortcuts, which the tooltips name.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ui.common.formats import state_icon
from ui.common.note import WarningNote
from ui.common.palette import Role, follow_palette, row_colour, tint


class LocalControls(QWidget):
    """Start, Pause, Resume, Stop; the status line; the warning line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start_button = _big_button(self.tr("Start"), state_icon("recording"))
        self.pause_button = _big_button(self.tr("Pause"), state_icon("paused"))
        self.resume_button = _big_button(self.tr("Resume"), state_icon("recording"))
        self.stop_button = _big_button(self.tr("Stop"), _stop_icon())
        self.start_button.setToolTip(
            self.tr("Record the chosen source on this computer (Ctrl+Shift+L).")
        )
        self.pause_button.setToolTip(
            self.tr("Pause: nothing is written until Resume (Ctrl+Shift+P).")
        )
        self.resume_button.setToolTip(self.tr("Go on recording in the same file (Ctrl+Shift+P)."))
        self.stop_button.setToolTip(self.tr("Finish the file and save it (Ctrl+Shift+L)."))
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        bold = self.status_label.font()
        bold.setBold(True)
        self.status_label.setFont(bold)
        self.warning_label = WarningNote()
        self.warning_label.hide()
        # The marks are drawn in the palette's colours: drawn again when it changes.
        follow_palette(self, self._draw_icons, "icons")

        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.resume_button, self.stop_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(buttons)
        column.addWidget(self.status_label)
        column.addWidget(self.warning_label)

    def show_state(self, state: str, text: str, *, can_start: bool, failed: bool = False) -> None:
        """Enable the buttons that fit `state` and say `text` (in red if `failed`)."""
        self.start_button.setEnabled(state == "idle" and can_start)
        self.pause_button.setEnabled(state == "recording")
        self.resume_button.setEnabled(state == "paused")
        self.stop_button.setEnabled(state in ("starting", "recording", "paused"))
        self.resume_button.setVisible(state == "paused")
        self.pause_button.setVisible(state != "paused")
        role: Role | None = None
        if failed:
            role = "error"
        elif state in ("recording", "paused"):
            role = "recording" if state == "recording" else "paused"
        self.status_label.setText(text)
        tint(self.status_label, role)

    def _draw_icons(self) -> None:
        self.start_button.setIcon(state_icon("recording"))
        self.pause_button.setIcon(state_icon("paused"))
        self.resume_button.setIcon(state_icon("recording"))
        self.stop_button.setIcon(_stop_icon())

    def warn(self, text: str | None) -> None:
        """Show a warning (None: hide it)."""
        self.warning_label.setText("⚠ " + text if text else "")
        self.warning_label.setVisible(bool(text))


def _big_button(text: str, icon: QIcon) -> QPushButton:
    button = QPushButton(icon, text)
    button.setMinimumHeight(34)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


def _stop_icon() -> QIcon:
    # A grey square, drawn like `ui.common.formats.state_icon`'s marks and in their palette.
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(row_colour("idle"))
    painter.drawRoundedRect(7, 7, 18, 18, 3, 3)
    painter.end()
    return QIcon(pixmap)
