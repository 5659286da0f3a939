"""The layout canvas's keys: nudges, stacking, delete and duplicate, locks, and which key wins."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAction,
    QKeySequence,
)
from pytestqt.qtbot import QtBot

from app.layout.model import Region
from tests.helpers.canvas import (
    CTRL,
    REGIONS,
    SHIFT,
    drag,
    make_document,
    region,
    show_canvas,
)
from ui.layout_editor.canvas import LayoutCanvas
from ui.layout_editor.document import LayoutDocument


@pytest.fixture
def document() -> LayoutDocument:
    return make_document()


@pytest.fixture
def canvas(qtbot: QtBot, document: LayoutDocument) -> LayoutCanvas:
    return show_canvas(qtbot, document)


# --- keys -------------------------------------------------------------------------------------


def test_arrows_nudge_one_pixel_and_shift_ten(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    document.select(0)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert (region(document, 0).x, region(document, 0).y) == (101, 100)
    qtbot.keyClick(canvas, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(canvas, Qt.Key.Key_Down, SHIFT)
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert (region(document, 0).x, region(document, 0).y) == (110, 109)
    assert document.undo_stack.count() == 1  # one run of nudges, one step
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)
    assert document.layout.regions == REGIONS


def test_nudges_stop_at_the_canvas_edge(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    document.select(0)
    for _ in range(12):
        qtbot.keyClick(canvas, Qt.Key.Key_Left, SHIFT)
    assert region(document, 0).x == 0


def test_z_order_keys(canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot) -> None:
    def order() -> list[str | None]:
        return [r.stream_id for r in document.layout.regions_by_z()]

    document.select(0)
    qtbot.keyClick(canvas, Qt.Key.Key_Up, CTRL)
    assert order() == ["bob", "alice", None]
    qtbot.keyClick(canvas, Qt.Key.Key_Home, CTRL)
    assert order() == ["bob", None, "alice"]
    qtbot.keyClick(canvas, Qt.Key.Key_Home, CTRL)  # already at the front: no step
    qtbot.keyClick(canvas, Qt.Key.Key_Down, CTRL)
    assert order() == ["bob", "alice", None]
    qtbot.keyClick(canvas, Qt.Key.Key_End, CTRL)
    assert order() == ["alice", "bob", None]
    assert sorted(r.z for r in document.layout.regions) == [0, 1, 2]  # distinct
    assert document.undo_stack.count() == 4
    assert document.selected == 0


def test_delete_and_duplicate(canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot) -> None:
    document.select(1)
    qtbot.keyClick(canvas, Qt.Key.Key_D, CTRL)
    assert len(document.layout.regions) == 4
    copy = document.layout.regions[3]
    assert (copy.x, copy.y, copy.width, copy.height, copy.stream_id) == (720, 420, 320, 180, "bob")
    assert copy.z > max(r.z for r in REGIONS)
    assert document.selected == 3
    qtbot.keyClick(canvas, Qt.Key.Key_D, CTRL)  # a copy of the copy: pushed back inside
    assert (document.layout.regions[4].x, document.layout.regions[4].y) == (740, 440)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(document.layout.regions) == 4
    assert document.selected is None
    document.select(0)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert [r.stream_id for r in document.layout.regions] == ["bob", None, "bob"]
    for _ in range(4):
        qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)
    assert document.layout.regions == REGIONS
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.keyClick(canvas, Qt.Key.Key_Y, CTRL)
    assert len(document.layout.regions) == 5


def test_a_copy_near_the_edge_stays_inside(canvas: LayoutCanvas, document: LayoutDocument) -> None:
    document.edit(document.layout.with_region(1, Region(960, 540, 320, 180, "bob", z=1)), "corner")
    document.select(1)
    canvas.duplicate_selected()
    copy = document.layout.regions[3]
    assert (copy.x, copy.y) == (960, 540)
    assert document.layout.validate() == []


def test_lock_prevents_moves_resizes_nudges_and_deletes(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    document.select(0)
    qtbot.keyClick(canvas, Qt.Key.Key_L, CTRL)
    assert document.locked == {0}
    drag(qtbot, canvas, (200, 150), (400, 300))
    drag(qtbot, canvas, (418, 278), (600, 400))  # on the corner handle, were there one
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert document.layout.regions == REGIONS
    assert document.undo_stack.count() == 0
    assert document.selected == 0  # a locked region can still be selected
    qtbot.keyClick(canvas, Qt.Key.Key_L, CTRL)
    assert document.locked == set()
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert region(document, 0).x == 101


def test_escape_deselects(canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot) -> None:
    document.select(2)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert document.selected is None


def test_the_canvas_takes_its_keys_before_window_shortcuts(
    canvas: LayoutCanvas, document: LayoutDocument, qtbot: QtBot
) -> None:
    fired: list[str] = []
    action = QAction(canvas)
    action.setShortcut(QKeySequence("Ctrl+Z"))
    action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.triggered.connect(lambda: fired.append("window"))
    canvas.addAction(action)
    document.select(0)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)
    assert fired == []
    assert region(document, 0).x == 100
