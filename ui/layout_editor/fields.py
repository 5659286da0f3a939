"""The small parts the layout editor's side panel is built from, and the words it uses.

Hints for templates, names of fit modes, resolutions and stream kinds; a colour button, a spin box
of even numbers, a collapsible section, and `StepCloser`, which ends a merged undo step when a
field loses focus. Shared by `ui.layout_editor.panel`,
`ui.layout_editor.canvas_section` and `ui.layout_editor.region_section`.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap, QValidator
from PySide6.QtWidgets import (
    QColorDialog,
    QFormLayout,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Stream
from ui.common.formats import stream_name
from ui.layout_editor.document import LayoutDocument

TEMPLATE_HINTS = {
    "grid": QT_TRANSLATE_NOOP("LayoutEditor", "Everyone in equal tiles."),
    "floating": QT_TRANSLATE_NOOP(
        "LayoutEditor", "The main stream fills the canvas; the others float over it, bottom right."
    ),
    "vertical": QT_TRANSLATE_NOOP(
        "LayoutEditor", "The main stream at the left; the others in a column at the right."
    ),
    "horizontal": QT_TRANSLATE_NOOP(
        "LayoutEditor", "The main stream on top; the others in a row along the bottom."
    ),
    "speaker": QT_TRANSLATE_NOOP(
        "LayoutEditor", "Side by side, with whoever spoke last as the main stream."
    ),
    "screen_share": QT_TRANSLATE_NOOP(
        "LayoutEditor", "Side by side, with a shared screen as the main stream."
    ),
    "custom": QT_TRANSLATE_NOOP(
        "LayoutEditor", "Regions stay exactly where you put them, whoever joins or leaves."
    ),
}
FIT_NAMES = {
    "fit": QT_TRANSLATE_NOOP("LayoutEditor", "Fit (whole picture, bars)"),
    "fill": QT_TRANSLATE_NOOP("LayoutEditor", "Fill (crop to the box)"),
    "stretch": QT_TRANSLATE_NOOP("LayoutEditor", "Stretch (distort)"),
}
RESOLUTIONS = (
    (1920, 1080, QT_TRANSLATE_NOOP("LayoutEditor", "1920 x 1080 (Full HD)")),
    (1280, 720, QT_TRANSLATE_NOOP("LayoutEditor", "1280 x 720 (HD)")),
    (960, 540, QT_TRANSLATE_NOOP("LayoutEditor", "960 x 540")),
    (854, 480, QT_TRANSLATE_NOOP("LayoutEditor", "854 x 480")),
    (640, 360, QT_TRANSLATE_NOOP("LayoutEditor", "640 x 360")),
    (1080, 1920, QT_TRANSLATE_NOOP("LayoutEditor", "1080 x 1920 (portrait)")),
)
FPS_CHOICES = (15, 24, 25, 30, 60)
MAX_PIXELS = 16384
"""The largest coordinate a field takes: beyond any canvas an encoder accepts, so a field never
clamps (and so silently changes) a value read from a layout."""


def stream_label(stream: Stream) -> str:
    """How a stream is named in the panel: "alice · camera"."""
    return stream_name(stream.user_id, stream.kind)


def align_labels(*forms: QFormLayout) -> None:
    """Give the label columns of `forms` one width, so fields one above another line up."""
    labels = [
        label
        for form in forms
        for row in range(form.rowCount())
        if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
        and (label := item.widget()) is not None
    ]
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


class StepCloser(QObject):
    """Ends the document's current merged step when a watched field loses focus, so that each
    visit to a field is one undo step however many times its value changed meanwhile."""

    def __init__(self, document: LayoutDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document

    def watch(self, *widgets: QWidget) -> None:
        """Close the step when any of `widgets` loses focus."""
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._document.close_step()
        return False


class WheelGuard(QObject):
    """Lets the mouse wheel scroll the panel past fields: a combo box or spin box takes the
    wheel only once clicked into, so scrolling never changes a template or a size by accident."""

    def guard(self, *widgets: QWidget) -> None:
        """Guard `widgets`; they take focus by click or Tab, not by the wheel."""
        for widget in widgets:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Only widgets are guarded, and only a widget has focus.
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            # Ignored and filtered out, the event goes on to the parents: the scroll area.
            event.ignore()
            return True
        return False


class EvenSpinBox(QSpinBox):
    """A spin box of even numbers (picture sizes: yuv420p needs them); an odd number typed in is
    rounded down when the field is left. Odd values set from code are shown as they are, so a
    broken layout reads true."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSingleStep(2)
        self.setRange(2, MAX_PIXELS)
        # Typed numbers apply on Enter or leaving the field, not at every digit.
        self.setKeyboardTracking(False)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        state, text, pos = super().validate(text, pos)
        number = self._number(text)
        if state == QValidator.State.Acceptable and number is not None and number % 2:
            state = QValidator.State.Intermediate
        return state, text, pos

    def fixup(self, text: str) -> str:
        number = self._number(text)
        if number is None:
            return text
        even = max(self.minimum(), number - number % 2)
        return f"{self.prefix()}{self.textFromValue(even)}{self.suffix()}"

    def stepBy(self, steps: int) -> None:
        value = self.value()
        if value % 2 and steps:
            # From an odd size read from a layout, the first step lands on the even next to it.
            sign = 1 if steps > 0 else -1
            self.setValue(value + sign + 2 * (steps - sign))
        else:
            super().stepBy(steps)

    def _number(self, text: str) -> int | None:
        bare = text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()
        try:
            return int(bare)
        except ValueError:
            return None


def pixel_spin(minimum: int = 0) -> QSpinBox:
    """A spin box for a position in canvas pixels."""
    spin = QSpinBox()
    spin.setRange(minimum, MAX_PIXELS)
    spin.setKeyboardTracking(False)
    return spin


class ColorButton(QToolButton):
    """A button showing a colour; clicking it opens a colour dialog. `color_changed(str)` gives
    the colour chosen as #rrggbb (only when the operator chose one)."""

    color_changed = Signal(str)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._color = "#000000"
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.clicked.connect(self._choose)
        self.set_color(self._color)

    def color(self) -> str:
        """The colour shown, #rrggbb."""
        return self._color

    def set_color(self, color: str) -> None:
        """Show `color` (emits nothing); a value that is not a colour shows as it is, in text."""
        self._color = color
        swatch = QPixmap(16, 16)
        swatch.fill(QColor(color) if QColor.isValidColorName(color) else QColor("#00000000"))
        self.setIcon(QIcon(swatch))
        self.setText(color)

    def choose(self, color: str) -> None:
        """Take `color` as if the operator had picked it."""
        if color.lower() != self._color.lower():
            self.set_color(color)
            self.color_changed.emit(color)

    def _choose(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._color), self, self._title)
        if chosen.isValid():
            self.choose(chosen.name())


class Section(QWidget):
    """A titled part of the panel whose body folds away under its title line."""

    def __init__(self, title: str, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = body
        self.header = QToolButton()
        self.header.setText(title)
        self.header.setCheckable(True)
        self.header.setChecked(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setArrowType(Qt.ArrowType.DownArrow)
        # A heading that folds, not a button that looks pressed while open.
        self.header.setStyleSheet("QToolButton { border: none; font-weight: 600; padding: 2px 0; }")
        self.header.toggled.connect(self.set_expanded)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.header)
        column.addWidget(body)

    def set_title(self, title: str) -> None:
        """Change the heading (a count in it, say)."""
        self.header.setText(title)

    def set_expanded(self, expanded: bool) -> None:
        """Show or fold the body."""
        self.header.setChecked(expanded)
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)
