"""`WarningNote`: a line in an amber-tinted box, for problems that do not stop anything (low disk
space, a source that is silent)."""

from __future__ import annotations

from PySide6.QtGui import QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from ui.common.palette import box_colours, follow_palette, paint_box


class WarningNote(QLabel):
    """A word-wrapped warning in a tinted box, readable in the light and the dark palette.

    Drawn here rather than by a style sheet, so it follows a change of palette while shown."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setContentsMargins(4, 3, 4, 3)
        follow_palette(self, self._restyle)

    def _restyle(self) -> None:
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, box_colours("warning", palette).text)
        self.setPalette(palette)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The tinted box, then the text."""
        paint_box(self, "warning", 3)
        super().paintEvent(event)
