"""A layout canvas on a document of a few regions, and real mouse gestures on it, for tests."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.layout.model import Canvas, Layout, Region
from ui.layout_editor.canvas import LayoutCanvas
from ui.layout_editor.document import LayoutDocument

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

REGIONS = (
    Region(100, 100, 320, 180, "alice", z=0),
    Region(700, 400, 320, 180, "bob", z=1),
    Region(900, 60, 200, 120, None, z=2),
)


def make_document() -> LayoutDocument:
    """A document of `REGIONS` on a 1280x720 canvas."""
    layout = Layout(template="custom", canvas=Canvas(1280, 720), regions=REGIONS)
    return LayoutDocument(layout)


def show_canvas(qtbot: QtBot, document: LayoutDocument) -> LayoutCanvas:
    """A canvas on `document`, shown at 800x450 (a scale other than 1) with the focus."""
    view = LayoutCanvas(document)
    qtbot.addWidget(view)
    view.resize(800, 450)
    view.show()
    qtbot.waitExposed(view)
    view.setFocus()
    return view


def at(canvas: LayoutCanvas, x: float, y: float) -> QPoint:
    """The viewport pixel showing canvas point (x, y)."""
    return canvas.scene_to_view(QPointF(x, y))


def reached(canvas: LayoutCanvas, pixel: QPoint) -> QPointF:
    """The canvas point a pointer at viewport `pixel` is over."""
    return canvas.mapToScene(pixel)


def move_to(canvas: LayoutCanvas, pixel: QPoint, modifiers: Qt.KeyboardModifier = NONE) -> None:
    if modifiers == NONE:
        QTest.mouseMove(canvas.viewport(), pixel)
    else:  # QTest.mouseMove sends no modifiers; mouseEvent does
        QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas.viewport(), LEFT, modifiers, pixel)


def drag(
    qtbot: QtBot,
    canvas: LayoutCanvas,
    start: tuple[float, float],
    end: tuple[float, float],
    modifiers: Qt.KeyboardModifier = NONE,
    steps: int = 6,
    release: bool = True,
) -> QPointF:
    """Press at canvas point `start`, move there in steps, release; how far the pointer went."""
    first, last = at(canvas, *start), at(canvas, *end)
    qtbot.mousePress(canvas.viewport(), LEFT, modifiers, first)
    for step in range(1, steps + 1):
        pixel = first + (last - first) * (step / steps)
        move_to(canvas, pixel, modifiers)
    if release:
        qtbot.mouseRelease(canvas.viewport(), LEFT, modifiers, last)
    return reached(canvas, last) - reached(canvas, first)


def region(document: LayoutDocument, index: int) -> Region:
    return document.layout.regions[index]


def close_to(found: QColor, wanted: QColor) -> bool:
    """The same colour but for antialiasing."""
    channels = zip(found.getRgb()[:3], wanted.getRgb()[:3], strict=True)
    return max(abs(a - b) for a, b in channels) < 40
