"""`ErrorBanner`: a dismissable line at the top of a window: what happened, and what to do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from ui.common.palette import box_colours, follow_palette, paint_box


class ErrorBanner(QWidget):
    """A dismissable line at the top of the window: what happened, and what to do.

    A red-tinted box in the light and the dark palette alike, its text readable on it
    (`ui.common.palette.box_colours`); it is drawn here rather than by a style sheet, so it
    follows a change of palette while shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        close = self._close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.message, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        follow_palette(self, self._restyle)
        self.hide()

    def _restyle(self) -> None:
        text = box_colours("error", self.palette()).text
        for widget in (self.message, self._close):
            palette = widget.palette()
            for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
                palette.setColor(role, text)
            widget.setPalette(palette)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The tinted box with its border."""
        paint_box(self, "error", 4)

    def show_error(self, what: str, todo: str) -> None:
        """Show an error; replaces the one shown."""
        self.message.setText(f"<b>{_escape(what)}</b><br>{_escape(todo)}")
        self.show()

    def text(self) -> str:
        """What is shown (tests)."""
        return self.message.text()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
