"""The layout canvas, driven as an operator drives it: real mouse, key and drop events.

The canvas is shown at 800x450 for a 1280x720 layout, so every pointer position goes through the
view's scale (about 0.6): a test aims at canvas points with `scene_to_view`, and computes what a
drag should do from the canvas points the pointer really reached (`mapToScene`).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QPixmap,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.layout.model import Border, Canvas, Layout, Placeholder, Region
from tests.helpers.canvas import (
    CTRL,
    LEFT,
    NONE,
    REGIONS,
    SHIFT,
    at,
    close_to,
    drag,
    make_document,
    region,
    show_canvas,
)
from ui.layout_editor.canvas import STREAM_MIME, LayoutCanvas
from ui.layout_editor.document import LayoutDocument
from ui.layout_editor.items import PROBLEM_COLOUR, RegionItem
from ui.layout_editor.snapping import Guide


@pytest.fixture
def document() -> LayoutDocument:
    return make_document()


@pytest.fixture
def canvas(qtbot: QtBot, document: LayoutDocument) -> LayoutCanvas:
    return show_canvas(qtbot, document)


# --- showing the layout -----------------------------------------------------------------------


def test_the_canvas_is_shown_whole_at_its_aspect(canvas: LayoutCanvas) -> None:
    assert canvas.sceneRect().getRect() == (0, 0, 1280, 720)
    scale = canvas.screen_scale()
    assert scale == pytest.approx(min((800 - 24) / 1280, (450 - 24) / 720))
    assert canvas.transform().m22() == scale  # the same both ways: no stretching
    top_left, bottom_right = at(canvas, 0, 0), at(canvas, 1280, 720)
    assert canvas.viewport().rect().contains(top_left)
    assert canvas.viewport().rect().contains(bottom_right)
    canvas.resize(500, 500)
    QApplication.processEvents()
    assert canvas.screen_scale() == pytest.approx((500 - 24) / 1280)
    assert canvas.transform().m22() == canvas.screen_scale()


def test_one_item_per_region_in_drawing_order(
    canvas: LayoutCanvas, document: LayoutDocument
) -> None:
    items = [i for i in canvas.scene().items() if isinstance(i, RegionItem)]
    assert len(items) == 3
    document.edit(document.layout.with_region(0, Region(100, 100, 320, 180, "alice", z=9)), "up")
    by_index = {item.index: item for item in canvas.scene().items() if isinstance(item, RegionItem)}
    assert by_index[0].zValue() > by_index[2].zValue() > by_index[1].zValue()
    assert canvas.region_rect(0).getRect() == (100, 100, 320, 180)


# --- selecting and moving ---------------------------------------------------------------------


def test_a_click_selects_the_topmost_region_and_nothing_deselects(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    document.edit(document.layout.with_region(2, Region(300, 200, 200, 120, None, z=2)), "over")
    qtbot.mouseClick(canvas.viewport(), LEFT, NONE, at(canvas, 350, 250))  # 0 and 2 overlap here
    assert document.selected == 2
    qtbot.mouseClick(canvas.viewport(), LEFT, NONE, at(canvas, 150, 150))
    assert document.selected == 0
    qtbot.mouseClick(canvas.viewport(), LEFT, NONE, at(canvas, 600, 650))
    assert document.selected is None
    steps = document.undo_stack.count()
    qtbot.mouseClick(canvas.viewport(), LEFT, NONE, at(canvas, 150, 150))
    assert document.undo_stack.count() == steps  # a click changes nothing


def test_a_drag_moves_by_the_canvas_distance_as_one_undo_step(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    before = document.layout
    went = drag(qtbot, canvas, (200, 150), (313, 217))
    moved = region(document, 0)
    assert moved.x == pytest.approx(100 + went.x(), abs=0.5)
    assert moved.y == pytest.approx(100 + went.y(), abs=0.5)
    assert (moved.width, moved.height) == (320, 180)
    assert document.selected == 0
    assert document.undo_stack.count() == 1
    after = document.layout
    canvas.undo()
    assert document.layout == before
    canvas.redo()
    assert document.layout == after


def test_a_drag_snaps_its_centre_to_the_canvas_centre(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    # The centre of region 0 (260, 190) dragged to about (635, 200): 5 from the middle, in reach.
    drag(qtbot, canvas, (260, 190), (635, 198), release=False)
    assert region(document, 0).x + 160 == 640
    assert Guide("x", 640) in canvas.guides
    qtbot.mouseRelease(canvas.viewport(), LEFT, NONE, at(canvas, 635, 198))
    assert canvas.guides == []
    assert region(document, 0).x == 480


def test_a_drag_snaps_to_another_regions_edge(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    # Region 0's right edge (420) towards region 1's left edge (700): 694 is 6 away.
    drag(qtbot, canvas, (300, 150), (574, 250))
    moved = region(document, 0)
    assert moved.x + moved.width == 700


def test_ctrl_drag_places_freely(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    went = drag(qtbot, canvas, (260, 190), (635, 198), modifiers=CTRL, release=False)
    assert canvas.guides == []
    qtbot.mouseRelease(canvas.viewport(), LEFT, CTRL, at(canvas, 635, 198))
    moved = region(document, 0)
    assert moved.x == pytest.approx(100 + went.x(), abs=0.5)
    assert moved.x + 160 != 640


def test_a_small_jitter_is_a_click_not_a_move(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    first = at(canvas, 200, 150)
    qtbot.mousePress(canvas.viewport(), LEFT, NONE, first)
    QTest.mouseMove(canvas.viewport(), first + QPoint(1, 1))
    qtbot.mouseRelease(canvas.viewport(), LEFT, NONE, first + QPoint(1, 1))
    assert region(document, 0) == REGIONS[0]
    assert document.undo_stack.count() == 0


# --- resizing ---------------------------------------------------------------------------------


def test_a_corner_handle_resizes_keeping_the_aspect(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    document.select(0)
    corner = canvas.handle_pos(0, "br")
    assert (corner.x(), corner.y()) == (420, 280)
    drag(qtbot, canvas, (420, 280), (560, 300))
    resized = region(document, 0)
    assert (resized.x, resized.y) == (100, 100)  # the opposite corner stays
    assert resized.width > 320
    assert resized.width / resized.height == pytest.approx(16 / 9, abs=0.03)
    assert resized.width % 2 == 0
    assert resized.height % 2 == 0
    assert document.undo_stack.count() == 1


def test_shift_frees_the_aspect(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    document.select(0)
    went = drag(qtbot, canvas, (420, 280), (560, 300), modifiers=SHIFT | CTRL)  # Ctrl: no snap
    resized = region(document, 0)
    assert resized.width == pytest.approx(320 + went.x(), abs=1.1)
    assert resized.height == pytest.approx(180 + went.y(), abs=1.1)
    assert resized.width % 2 == 0
    assert resized.height % 2 == 0
    assert resized.width / resized.height > 2  # no longer 16:9


def test_a_side_handle_moves_its_side(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    document.select(1)
    drag(qtbot, canvas, (700, 490), (610, 490), modifiers=SHIFT)  # left side, free
    resized = region(document, 1)
    assert resized.x + resized.width == 1020
    assert (resized.y, resized.height) == (400, 180)
    assert resized.width > 320


def test_a_resize_stays_inside_the_canvas(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    document.select(1)
    drag(qtbot, canvas, (1020, 580), (1290, 730), modifiers=SHIFT)
    grown = region(document, 1)
    assert (grown.x, grown.y) == (700, 400)
    assert (grown.x + grown.width, grown.y + grown.height) == (1280, 720)
    document.select(1)
    drag(qtbot, canvas, (700, 400), (-10, -10))  # the top left corner, aspect kept
    grown = region(document, 1)
    assert grown.x >= 0
    assert grown.y >= 0
    assert (grown.x + grown.width, grown.y + grown.height) == (1280, 720)
    assert grown.width % 2 == 0
    assert grown.height % 2 == 0
    assert document.layout.validate() == []


# --- drops ------------------------------------------------------------------------------------


def drop(canvas: LayoutCanvas, stream_id: str, x: float, y: float) -> bool:
    """Drag the stream's mime data over canvas point (x, y) and drop it; whether it was taken."""
    data = QMimeData()
    data.setData(STREAM_MIME, stream_id.encode())
    pixel = QPointF(at(canvas, x, y))
    copy = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pixel.toPoint(), copy, data, LEFT, NONE)
    QApplication.sendEvent(canvas.viewport(), enter)
    if not enter.isAccepted():
        return False
    over = QDragMoveEvent(pixel.toPoint(), copy, data, LEFT, NONE)
    QApplication.sendEvent(canvas.viewport(), over)
    done = QDropEvent(pixel, copy, data, LEFT, NONE, QEvent.Type.Drop)
    QApplication.sendEvent(canvas.viewport(), done)
    return done.isAccepted()


def test_a_dropped_stream_fills_the_region(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(canvas.stream_dropped) as dropped:
        assert drop(canvas, "carol", 1000, 100)
    assert dropped.args == [2, "carol"]
    assert region(document, 2).stream_id == "carol"
    assert document.selected == 2
    assert document.undo_stack.count() == 1
    canvas.undo()
    assert region(document, 2).stream_id is None


def test_a_drop_beside_every_region_is_refused(
    canvas: LayoutCanvas, document: LayoutDocument
) -> None:
    assert not drop(canvas, "carol", 600, 650)
    assert document.layout.regions == REGIONS


# --- problems ---------------------------------------------------------------------------------


def test_a_region_breaking_a_rule_is_outlined_with_its_message(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(canvas.problems_changed) as changed:
        document.edit(document.layout.with_region(2, Region(1100, 60, 200, 120, None, z=2)), "bad")
    problems = changed.args[0]
    assert set(problems) == {2}
    item = next(i for i in canvas.scene().items() if isinstance(i, RegionItem) and i.index == 2)
    assert item.toolTip() == "regions[2]: x + width = 1300 is past the canvas width 1280"
    picture = canvas.viewport().grab().toImage()
    edge = at(canvas, 1100, 120)  # the middle of the region's left side
    near = [picture.pixelColor(edge + QPoint(dx, 0)) for dx in range(3)]
    assert any(close_to(found, PROBLEM_COLOUR) for found in near), [c.name() for c in near]
    with qtbot.waitSignal(canvas.problems_changed) as changed:
        canvas.undo()
    assert changed.args[0] == {}
    assert "regions" not in item.toolTip()


def test_a_problem_of_the_whole_layout_is_reported(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(canvas.problems_changed) as changed:
        document.edit(document.layout.with_canvas(Canvas(1280, 720, fps=0)), "bad fps")
    assert None in changed.args[0]
    assert canvas.problems[None][0].startswith("canvas.fps")


# --- pictures, and how it looks ---------------------------------------------------------------


def filled(width: int, height: int, colour: str) -> QPixmap:
    picture = QPixmap(width, height)
    picture.fill(QColor(colour))
    return picture


def test_pictures_are_drawn_by_fit_mode(qtbot: QtBot, tmp_path: Path) -> None:
    layout = Layout(
        template="custom",
        canvas=Canvas(1280, 720, background="#102030"),
        regions=(
            Region(0, 0, 1280, 720, "screen", z=0, fit="fill"),
            Region(40, 40, 400, 200, "alice", z=1, fit="fit", border=Border(6, "#ffcc00")),
            Region(860, 480, 380, 200, "bob", z=2, fit="stretch"),
            Region(520, 240, 240, 240, None, z=3, placeholder=Placeholder("#335577")),
            Region(900, 40, 320, 180, "carol", z=4),
        ),
    )
    document = LayoutDocument(layout)
    view = LayoutCanvas(document)
    qtbot.addWidget(view)
    view.resize(800, 450)
    view.show()
    qtbot.waitExposed(view)
    view.set_pictures(
        {
            "screen": filled(1920, 1080, "#2e7d32"),
            "alice": filled(300, 300, "#c62828"),  # square in a 2:1 box: bars left and right
            "bob": filled(100, 300, "#1565c0"),
        }
    )
    view.set_grid(80)
    document.select(4)
    document.locked.add(2)
    view.refresh()  # a lock is no edit: nothing redraws by itself
    shot = view.viewport().grab()
    assert shot.save(str(tmp_path / "layout-canvas.png"))
    image = shot.toImage()

    def colour_at(x: float, y: float) -> str:
        return image.pixelColor(at(view, x, y)).name()

    assert colour_at(640, 100) == "#2e7d32"  # fill
    assert colour_at(240, 140) == "#c62828"  # fit: the picture in the middle
    assert colour_at(70, 140) == "#102030"  # fit: a bar in the canvas background
    assert colour_at(43, 140) == "#ffcc00"  # the border
    assert colour_at(900, 600) == "#1565c0"  # stretch: a thin picture fills the whole box
    assert colour_at(1200, 600) == "#1565c0"
    assert colour_at(560, 300) == "#335577"  # no stream: the placeholder
    assert colour_at(940, 200) == "#202020"  # a stream with no picture yet: the placeholder


def test_dragging_over_25_regions_stays_quick(qtbot: QtBot) -> None:
    regions = tuple(
        Region(col * 256, row * 144, 254, 142, f"s{row}{col}", z=row * 5 + col)
        for row in range(5)
        for col in range(5)
    )
    document = LayoutDocument(Layout(template="custom", regions=regions))
    view = LayoutCanvas(document)
    qtbot.addWidget(view)
    view.resize(800, 450)
    view.show()
    qtbot.waitExposed(view)
    view.set_pictures({r.stream_id: filled(640, 360, "#808080") for r in regions if r.stream_id})
    started = time.perf_counter()
    drag(qtbot, view, (100, 100), (700, 500), steps=60)
    QApplication.processEvents()
    elapsed = time.perf_counter() - started
    assert document.undo_stack.count() == 1
    assert elapsed < 3.0, f"60 drag steps took {elapsed:.2f} s"
