"""The layout editor's canvas: select, move, resize, restack and fill regions with mouse and keys.

`LayoutCanvas` is a `LayoutView` (`ui.layout_editor.view`: the layout drawn at its true aspect) that
edits. A press selects the topmost region under the pointer, or grabs a handle of the selected one;
a drag moves or resizes it, snapped (`ui.layout_editor.snapping`) to the canvas, the other regions
and the grid unless Ctrl is held, its aspect kept unless Shift is. Keys and menus nudge, restack,
copy, delete and lock the selected region (`ui.layout_editor.arrange`), and a stream dropped on a
region fills it. A locked region is neither moved, resized nor deleted.

Nothing here changes the layout itself: every edit goes to the `LayoutDocument`, and the view
redraws on its `changed`. A whole drag is one undo step (its edits share a merge key and the step
is closed at release); so is a run of arrow-key nudges, which any other edit or a click ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
)
from PySide6.QtWidgets import QWidget

from app.layout.geometry import Box
from ui.layout_editor.arrange import Restack, duplicated, nudged, restacked, shifted_locks, without
from ui.layout_editor.document import STREAM_MIME, LayoutDocument
from ui.layout_editor.snapping import Handle, SnapTargets, handle_point, resize, snap_move
from ui.layout_editor.view import LayoutView, box_of

"""Drag-and-drop data naming one stream of the room (its id, UTF-8)."""
SNAP_PX = 8.0
"""How near (screen pixels) an edge or centre must come to a line to snap to it."""
DRAG_START_PX = 3
"""How far (screen pixels) the pointer goes before a press becomes a drag: a click stays one."""
DUPLICATE_OFFSET = 20
NUDGE_BIG = 10

_CURSORS: dict[Handle, Qt.CursorShape] = {
    "tl": Qt.CursorShape.SizeFDiagCursor,
    "br": Qt.CursorShape.SizeFDiagCursor,
    "tr": Qt.CursorShape.SizeBDiagCursor,
    "bl": Qt.CursorShape.SizeBDiagCursor,
    "t": Qt.CursorShape.SizeVerCursor,
    "b": Qt.CursorShape.SizeVerCursor,
    "l": Qt.CursorShape.SizeHorCursor,
    "r": Qt.CursorShape.SizeHorCursor,
}
_STEPS = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}
_CTRL = Qt.KeyboardModifier.ControlModifier
_SHIFT = Qt.KeyboardModifier.ShiftModifier
_NONE = Qt.KeyboardModifier.NoModifier


@dataclass
class _Drag:
    """A press on a region, and the drag it may become: a move (no handle) or a resize."""

    index: int
    handle: Handle | None
    start: QPointF
    box: Box
    key: str
    started: bool = False
    last: QPointF | None = None


class LayoutCanvas(LayoutView):
    """The edited layout at its true aspect: select, move, resize, restack and fill regions."""

    stream_dropped = Signal(int, str)
    """A stream was dropped on region `index` and assigned to it."""

    def __init__(self, document: LayoutDocument, parent: QWidget | None = None) -> None:
        super().__init__(document, parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self._drag: _Drag | None = None
        self._drags = 0
        self._nudges = 0
        self._nudging = False

    # --- the mouse ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Select the region under the pointer (the selected one's handle first); start a drag."""
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._end_nudges()
        point = self.mapToScene(event.position().toPoint())
        handle = self.handle_at(point)
        index = self.document.selected if handle is not None else self.region_at(point)
        self.document.select(index)
        self._drag = None
        if index is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if index in self.document.locked:
            return
        self._drags += 1
        region = self.document.layout.regions[index]
        self._drag = _Drag(index, handle, point, box_of(region), f"drag-{self._drags}")
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Move or resize the pressed region; otherwise show what a press would do."""
        point = self.mapToScene(event.position().toPoint())
        drag = self._drag
        if drag is None:
            self._show_cursor(point)
            return
        if not drag.started:
            travel = (point - drag.start) * self.screen_scale()
            if travel.manhattanLength() < DRAG_START_PX:
                return
            drag.started = True
        drag.last = point
        self._drag_to(drag, point, event.modifiers())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """End the drag: its edits are one undo step; the guides go."""
        if self._drag is not None:
            self._drag = None
            self.document.close_step()
        self.set_guides([])
        self._show_cursor(self.mapToScene(event.position().toPoint()))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double click is a press like any other (no item below wants it)."""
        self.mousePressEvent(event)

    def _drag_to(self, drag: _Drag, point: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        region = self.document.region(drag.index)
        if region is None:
            self._drag = None
            return
        layout = self.document.layout
        canvas = (layout.canvas.width, layout.canvas.height)
        targets = None
        if not modifiers & _CTRL:  # Ctrl places freely
            others = [box_of(r) for i, r in enumerate(layout.regions) if i != drag.index]
            threshold = SNAP_PX / self.screen_scale()
            targets = SnapTargets.around(others, canvas, self._grid, threshold)
        delta = point - drag.start
        if drag.handle is None:
            box, guides = snap_move(drag.box, delta.x(), delta.y(), canvas, targets)
            text = self.tr("Move region")
        else:
            # Measured from the handle, not the pointer: a press beside its centre does not jump.
            hx, hy = handle_point(drag.box, drag.handle)
            box, guides = resize(
                drag.box,
                drag.handle,
                (hx + delta.x(), hy + delta.y()),
                canvas,
                keep_aspect=not modifiers & _SHIFT,
                targets=targets,
            )
            text = self.tr("Resize region")
        moved = replace(region, x=box.x, y=box.y, width=box.width, height=box.height)
        self.set_guides(guides)
        self.document.replace_region(drag.index, moved, text, merge=drag.key)

    def _show_cursor(self, point: QPointF) -> None:
        handle = self.handle_at(point)
        index = self.region_at(point)
        if handle is not None:
            self.viewport().setCursor(_CURSORS[handle])
        elif index is not None and index not in self.document.locked:
            self.viewport().setCursor(Qt.CursorShape.SizeAllCursor)
        else:
            self.viewport().unsetCursor()

    # --- the keys -----------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        """Claim the canvas's keys before window shortcuts (an app-wide Ctrl+Z, Delete) do."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._key_action(event) is not None
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrows nudge, Ctrl+arrows restack, Delete, Ctrl+D, Ctrl+L, undo, redo, Escape."""
        drag = self._drag
        if drag is not None and drag.started and drag.last is not None:
            # Mid-drag only Ctrl and Shift count, and at once, not at the next move; an edit from
            # a key would land in the middle of the drag's undo step.
            self._drag_to(drag, drag.last, event.modifiers())
            event.accept()
            return
        action = self._key_action(event)
        if action is not None:
            action()
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        """Ctrl or Shift let go mid-drag: snapping or the aspect comes back at once."""
        if self._drag is not None and self._drag.started and self._drag.last is not None:
            self._drag_to(self._drag, self._drag.last, event.modifiers())
        super().keyReleaseEvent(event)

    def _key_action(self, event: QKeyEvent) -> Callable[[], None] | None:
        key = Qt.Key(event.key())
        # Arrow keys carry the keypad flag on some systems; it says nothing here.
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in _STEPS and modifiers in (_NONE, _SHIFT):
            size = NUDGE_BIG if modifiers == _SHIFT else 1
            dx, dy = _STEPS[key]
            return lambda: self.nudge(dx * size, dy * size)
        plain: dict[Qt.Key, Callable[[], None]] = {
            Qt.Key.Key_Delete: self.delete_selected,
            Qt.Key.Key_Backspace: self.delete_selected,
            Qt.Key.Key_Escape: lambda: self.document.select(None),
        }
        ctrl: dict[Qt.Key, Callable[[], None]] = {
            Qt.Key.Key_Up: self.raise_selected,
            Qt.Key.Key_Down: self.lower_selected,
            Qt.Key.Key_Home: self.to_front,
            Qt.Key.Key_End: self.to_back,
            Qt.Key.Key_D: self.duplicate_selected,
            Qt.Key.Key_L: self.toggle_lock,
            Qt.Key.Key_Z: self.undo,
            Qt.Key.Key_Y: self.redo,
        }
        if modifiers == _NONE:
            return plain.get(key)
        if modifiers == _CTRL:
            return ctrl.get(key)
        if modifiers == _CTRL | _SHIFT and key == Qt.Key.Key_Z:
            return self.redo
        return None

    # --- edits (the keys', and a menu's) ------------------------------------------------------

    def nudge(self, dx: int, dy: int) -> None:
        """Move the selected region by `dx`, `dy` canvas pixels; a run of nudges is one step."""
        index, region = self.document.selected, self.document.region()
        if index is None or region is None or index in self.document.locked:
            return
        if not self._nudging:
            self._nudges += 1
            self._nudging = True
        canvas = (self.document.layout.canvas.width, self.document.layout.canvas.height)
        moved = nudged(region, dx, dy, canvas)
        self.document.replace_region(
            index, moved, self.tr("Nudge region"), merge=f"nudge-{self._nudges}"
        )

    def delete_selected(self) -> None:
        """Remove the selected region (not a locked one)."""
        index = self._editable()
        if index is None or index in self.document.locked:
            return
        layout = self.document.layout
        self.document.select(None)
        self.document.locked = shifted_locks(self.document.locked, index)
        self.document.edit(without(layout, index), self.tr("Delete region"))

    def duplicate_selected(self) -> None:
        """Copy the selected region 20 pixels right and down, on top of the others; select it."""
        index = self._editable()
        if index is None:
            return
        layout = duplicated(self.document.layout, index, DUPLICATE_OFFSET)
        self.document.edit(layout, self.tr("Duplicate region"))
        self.document.select(len(layout.regions) - 1)

    def raise_selected(self) -> None:
        """Draw the selected region over the next one above it."""
        self._restack("raise", self.tr("Raise region"))

    def lower_selected(self) -> None:
        """Draw the selected region under the next one below it."""
        self._restack("lower", self.tr("Lower region"))

    def to_front(self) -> None:
        """Draw the selected region over all the others."""
        self._restack("front", self.tr("Bring region to front"))

    def to_back(self) -> None:
        """Draw the selected region under all the others."""
        self._restack("back", self.tr("Send region to back"))

    def toggle_lock(self) -> None:
        """Lock the selected region against moves and resizes, or unlock it."""
        index = self._editable()
        if index is None:
            return
        self.document.locked ^= {index}
        self.refresh()

    def undo(self) -> None:
        """Undo the last step."""
        self._end_nudges()
        self.document.undo_stack.undo()

    def redo(self) -> None:
        """Redo the step last undone."""
        self._end_nudges()
        self.document.undo_stack.redo()

    def _restack(self, move: Restack, text: str) -> None:
        index = self._editable()
        if index is not None:
            self.document.edit(restacked(self.document.layout, index, move), text)

    def _editable(self) -> int | None:
        """The selected index, once any nudge run is over (a different edit starts)."""
        self._end_nudges()
        return self.document.selected if self.document.region() is not None else None

    def _end_nudges(self) -> None:
        if self._nudging:
            self._nudging = False
            self.document.close_step()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Leaving the canvas ends a run of nudges."""
        self._end_nudges()
        super().focusOutEvent(event)

    # --- drops --------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept a stream from the streams list."""
        if event.mimeData().hasFormat(STREAM_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        """Highlight the region a drop would fill; elsewhere a drop is refused."""
        index = self.region_at(self.mapToScene(event.position().toPoint()))
        self.set_drop_target(index)
        if index is not None and event.mimeData().hasFormat(STREAM_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        """The drag went elsewhere."""
        self.set_drop_target(None)

    def dropEvent(self, event: QDropEvent) -> None:
        """Put the dropped stream in the region under the pointer, as one step."""
        self.set_drop_target(None)
        index = self.region_at(self.mapToScene(event.position().toPoint()))
        data = event.mimeData().data(STREAM_MIME)
        stream_id = bytes(data.data()).decode("utf-8", "replace").strip()
        if index is None or not stream_id:
            event.ignore()
            return
        self._end_nudges()
        region = self.document.layout.regions[index]
        self.document.replace_region(
            index, replace(region, stream_id=stream_id), self.tr("Assign stream")
        )
        self.document.select(index)
        event.acceptProposedAction()
        self.stream_dropped.emit(index, stream_id)
