"""The layout being edited: one `Layout` value, the selection, and undo/redo for every change.

The layout model (`app.layout`) is frozen data, so an edit is a new `Layout`; `LayoutDocument.edit`
pushes it on a `QUndoStack` as one command (the layout before and after), so undo and redo are
exact whatever the edit was. Consecutive edits with the same `merge` key (one drag, one nudge
sequence, typing in a field) merge into one step. Views never change the layout themselves: they
call `edit` and redraw on `changed`.

`problems` maps region indices (or None for the whole layout) to the validation messages of
`app.layout.checks`, so the canvas can show each message on the region it concerns.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.layout.errors import LayoutError
from app.layout.model import Layout, Region

_REGION = re.compile(r"^regions\[(\d+)\]")

STREAM_MIME = "application/x-recdesk-stream"
"""What a stream dragged onto a region carries: its id, in UTF-8."""


class _Edit(QUndoCommand):
    def __init__(
        self, document: LayoutDocument, before: Layout, after: Layout, text: str, merge: str | None
    ) -> None:
        super().__init__(text)
        self._document = document
        self.before = before
        self.after = after
        self._merge = merge

    def id(self) -> int:
        # Qt offers a merge only between commands of the same id; `mergeWith` compares the keys.
        return -1 if self._merge is None else 1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _Edit) or other._merge != self._merge:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self._document._set(self.after)

    def undo(self) -> None:
        self._document._set(self.before)


class LayoutDocument(QObject):
    """The edited layout, its selection and its history."""

    changed = Signal(object)  # Layout
    selection_changed = Signal(object)  # int | None

    def __init__(self, layout: Layout | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.layout = layout or Layout(template="custom")
        self.selected: int | None = None
        self.locked: set[int] = set()
        self.undo_stack = QUndoStack(self)
        self._generation = 0

    def edit(self, layout: Layout, text: str, *, merge: str | None = None) -> None:
        """Make `layout` the current one, as one undoable step."""
        if layout == self.layout:
            return
        key = None if merge is None else f"{merge}#{self._generation}"
        self.undo_stack.push(_Edit(self, self.layout, layout, text, key))

    def reset(self, layout: Layout) -> None:
        """Start over from `layout` (a loaded preset, a recording's layout): no history."""
        self.undo_stack.clear()
        self.locked.clear()
        self._set(layout)
        self.select(None)

    def close_step(self) -> None:
        """End the current merge (a drag ended): the next edit is a step of its own."""
        self._generation += 1

    def select(self, index: int | None) -> None:
        """Select a region (by index) or nothing."""
        if index is not None and not 0 <= index < len(self.layout.regions):
            index = None
        if index != self.selected:
            self.selected = index
            self.selection_changed.emit(index)

    def region(self, index: int | None = None) -> Region | None:
        """A region, the selected one by default."""
        index = self.selected if index is None else index
        if index is None or not 0 <= index < len(self.layout.regions):
            return None
        return self.layout.regions[index]

    def replace_region(
        self, index: int, region: Region, text: str, *, merge: str | None = None
    ) -> None:
        """Edit one region. Moving or resizing one by hand makes the layout `custom`, so a
        template does not put it back when someone joins or leaves."""
        layout = self.layout.with_region(index, region)
        old = self.layout.regions[index]
        moved = (old.x, old.y, old.width, old.height) != (
            region.x,
            region.y,
            region.width,
            region.height,
        )
        if moved and layout.template != "custom":
            layout = layout.with_template("custom")
        self.edit(layout, text, merge=merge)

    def problems(self, stream_ids: list[str] | None = None) -> dict[int | None, list[str]]:
        """Validation messages by region index (None: the canvas or the whole layout)."""
        found: dict[int | None, list[str]] = {}
        try:
            warnings = self.layout.validate(stream_ids)
            messages = list(warnings)
        except LayoutError as exc:
            messages = list(exc.problems)
        for message in messages:
            match = _REGION.match(message)
            key = int(match[1]) if match else None
            found.setdefault(key, []).append(message)
        return found

    def _set(self, layout: Layout) -> None:
        self.layout = layout
        if self.selected is not None and self.selected >= len(layout.regions):
            self.select(None)
        self.changed.emit(layout)
