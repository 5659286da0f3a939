"""The arithmetic of dragging a region on the layout canvas: snapping, resizing, even sizes.

Pure functions on boxes in canvas pixels, so they can be tested without a screen. A box comes in
as `(x, y, width, height)` (floats while the pointer moves) and goes out as a `Box` of whole
pixels with even sides of 2 or more, inside the canvas: the rules of `app.layout.checks`, which
the output's yuv420p (one chroma sample per 2x2 pixels) imposes. Positions may be odd.

Snapping pulls a box's edges and centre (or, while resizing, the edges being dragged) onto the
nearest line within a threshold: the canvas edges and centre, the other regions' edges and
centres, and the grid lines. The lines used come back as `Guide`s for the canvas to draw.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, get_args

from app.layout.geometry import Box

Rect = tuple[float, float, float, float]
"""x, y, width, height in canvas pixels, not yet whole or even."""
Size = tuple[int, int]
Edges = tuple[float, float, float, float]
"""left, top, right, bottom, in canvas pixels."""
Axis = Literal["x", "y"]
Handle = Literal["tl", "t", "tr", "r", "br", "b", "bl", "l"]
HANDLES: tuple[Handle, ...] = get_args(Handle)
MIN_SIDE = 2
GUIDE_TOLERANCE = 1.0
"""How far (canvas pixels) a snapped edge may end from its line once made whole and even."""


class Guide(NamedTuple):
    """A line a box snapped to: vertical at x = `position` (axis "x"), or horizontal (axis "y")."""

    axis: Axis
    position: float


@dataclass(frozen=True)
class SnapTargets:
    """The lines a dragged box may snap to, and how near (canvas pixels) it must come."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    size: Size
    grid: int | None
    threshold: float

    @classmethod
    def around(
        cls, others: Iterable[Rect], canvas: Size, grid: int | None, threshold: float
    ) -> SnapTargets:
        """The canvas edges and centre, each other box's edges and centre, and the grid."""
        width, height = canvas
        xs, ys = [0.0, width / 2, float(width)], [0.0, height / 2, float(height)]
        for x, y, w, h in others:
            xs += [x, x + w / 2, x + w]
            ys += [y, y + h / 2, y + h]
        step = grid if grid is not None and grid > 0 else None
        return cls(tuple(xs), tuple(ys), canvas, step, threshold)

    def offset(self, axis: Axis, values: Sequence[float]) -> float | None:
        """The smallest shift that puts one of `values` on a line, if any is within reach."""
        best: float | None = None
        for value in values:
            for line in self._lines_near(axis, value):
                shift = line - value
                if abs(shift) <= self.threshold and (best is None or abs(shift) < abs(best)):
                    best = shift
        return best

    def guides(self, axis: Axis, values: Sequence[float]) -> list[Guide]:
        """The lines that `values` lie on (within `GUIDE_TOLERANCE`), each once."""
        found = {
            line
            for value in values
            for line in self._lines_near(axis, value)
            if abs(line - value) <= GUIDE_TOLERANCE
        }
        return [Guide(axis, line) for line in sorted(found)]

    def _lines_near(self, axis: Axis, value: float) -> list[float]:
        lines = list(self.xs if axis == "x" else self.ys)
        if self.grid is not None:
            # Only the nearest grid line can be the closest one; no need to list them all.
            limit = self.size[0] if axis == "x" else self.size[1]
            lines.append(min(max(round(value / self.grid) * self.grid, 0), limit))
        return lines


def whole(value: float) -> int:
    """`value` to the nearest whole number, halves up (Python's `round` goes to even)."""
    return math.floor(value + 0.5)


def even_side(value: float, limit: float) -> int:
    """`value` to the nearest even side of at least 2, and at most `limit` rounded down to even."""
    most = max(MIN_SIDE, int(limit) // 2 * 2)
    return min(max(MIN_SIDE, 2 * whole(value / 2)), most)


def fit_even(box: Rect, canvas: Size) -> Box:
    """`box` made valid: whole pixels, even sides of 2 or more, inside the canvas (moved, or
    shrunk if it is bigger)."""
    x, y, width, height = box
    canvas_width, canvas_height = canvas
    width_ = even_side(width, canvas_width)
    height_ = even_side(height, canvas_height)
    x_ = min(max(whole(x), 0), max(canvas_width - width_, 0))
    y_ = min(max(whole(y), 0), max(canvas_height - height_, 0))
    return Box(x_, y_, width_, height_)


def snap_move(
    box: Rect, dx: float, dy: float, canvas: Size, targets: SnapTargets | None = None
) -> tuple[Box, list[Guide]]:
    """`box` moved by `dx`, `dy`, snapped by its edges or centre (with `targets`), made valid."""
    x, y, width, height = box
    x, y = x + dx, y + dy
    snapped: list[Axis] = []
    if targets is not None:
        shift = targets.offset("x", (x, x + width / 2, x + width))
        if shift is not None:
            x += shift
            snapped.append("x")
        shift = targets.offset("y", (y, y + height / 2, y + height))
        if shift is not None:
            y += shift
            snapped.append("y")
    moved = fit_even((x, y, width, height), canvas)
    guides: list[Guide] = []
    if targets is not None:
        if "x" in snapped:
            guides += targets.guides("x", _features(moved.x, moved.width))
        if "y" in snapped:
            guides += targets.guides("y", _features(moved.y, moved.height))
    return moved, guides


def handle_point(box: Rect, handle: Handle) -> tuple[float, float]:
    """Where a resize handle sits: a corner, or the middle of a side."""
    x, y, width, height = box
    hx = x if "l" in handle else x + width if "r" in handle else x + width / 2
    hy = y if "t" in handle else y + height if "b" in handle else y + height / 2
    return hx, hy


def resize(
    box: Box,
    handle: Handle,
    pointer: tuple[float, float],
    canvas: Size,
    *,
    keep_aspect: bool,
    targets: SnapTargets | None = None,
) -> tuple[Box, list[Guide]]:
    """`box` with `handle` dragged to `pointer`; the opposite side or corner stays put.

    With `keep_aspect` the box keeps its shape: a corner follows the pointer along the box's
    diagonal, a side handle grows the box about the middle of that side. The dragged edges snap
    to `targets` first; when an edge snapped, it decides the size.
    """
    canvas_width, canvas_height = canvas
    left: float = box.x
    top: float = box.y
    right: float = box.x + box.width
    bottom: float = box.y + box.height
    px = min(max(pointer[0], 0), canvas_width)
    py = min(max(pointer[1], 0), canvas_height)
    if "l" in handle:
        left = min(px, right - MIN_SIDE)
    elif "r" in handle:
        right = max(px, left + MIN_SIDE)
    if "t" in handle:
        top = min(py, bottom - MIN_SIDE)
    elif "b" in handle:
        bottom = max(py, top + MIN_SIDE)

    shifts: dict[Axis, float] = {}
    if targets is not None:
        (left, top, right, bottom), shifts = _snap_edges(
            handle, (left, top, right, bottom), targets
        )

    if keep_aspect and box.width > 0 and box.height > 0:
        left, top, right, bottom = _keep_aspect(box, handle, (left, top, right, bottom), shifts)
        left, top, right, bottom = _aspect_inside(box, handle, (left, top, right, bottom), canvas)

    sized = _even_box(box, handle, (left, top, right, bottom), canvas)
    guides: list[Guide] = []
    if targets is not None:
        x_edge, y_edge = _moving(handle, "l", "r"), _moving(handle, "t", "b")
        if "x" in shifts and x_edge is not None:
            guides += targets.guides("x", (sized.x if x_edge == "l" else sized.x + sized.width,))
        if "y" in shifts and y_edge is not None:
            guides += targets.guides("y", (sized.y if y_edge == "t" else sized.y + sized.height,))
    return sized, guides


def _features(start: float, length: float) -> tuple[float, float, float]:
    return start, start + length / 2, start + length


def _moving(handle: Handle, low: str, high: str) -> str | None:
    """Which edge of an axis the handle drags: `low`, `high`, or None."""
    return low if low in handle else high if high in handle else None


def _snap_edges(
    handle: Handle, edges: Edges, targets: SnapTargets
) -> tuple[Edges, dict[Axis, float]]:
    """The dragged edges moved onto their nearest lines (never past the opposite edge), and
    how far each axis's edge moved."""
    left, top, right, bottom = edges
    shifts: dict[Axis, float] = {}
    x_edge, y_edge = _moving(handle, "l", "r"), _moving(handle, "t", "b")
    if x_edge is not None:
        shift = targets.offset("x", (left if x_edge == "l" else right,))
        if shift is not None:
            shifts["x"] = shift
            if x_edge == "l":
                left = min(left + shift, right - MIN_SIDE)
            else:
                right = max(right + shift, left + MIN_SIDE)
    if y_edge is not None:
        shift = targets.offset("y", (top if y_edge == "t" else bottom,))
        if shift is not None:
            shifts["y"] = shift
            if y_edge == "t":
                top = min(top + shift, bottom - MIN_SIDE)
            else:
                bottom = max(bottom + shift, top + MIN_SIDE)
    return (left, top, right, bottom), shifts


def _keep_aspect(box: Box, handle: Handle, edges: Edges, shifts: dict[Axis, float]) -> Edges:
    """Edges with the box's width:height, from the dragged ones (the anchor side stays)."""
    left, top, right, bottom = edges
    width, height = right - left, bottom - top
    aspect = box.width / box.height
    if handle in ("l", "r"):
        driver: Axis = "x"
    elif handle in ("t", "b"):
        driver = "y"
    elif shifts:
        # An edge that snapped decides the size; of two, the one that snapped more closely.
        driver = min(shifts, key=lambda axis: abs(shifts[axis]))
    else:
        # Follow the pointer along the diagonal: its projection onto the box's shape.
        scale = (width * box.width + height * box.height) / (box.width**2 + box.height**2)
        width, height = scale * box.width, scale * box.height
        driver = "x"
    if driver == "x":
        height = width / aspect
    else:
        width = height * aspect
    return _place(box, handle, width, height)


def _aspect_inside(box: Box, handle: Handle, edges: Edges, canvas: Size) -> Edges:
    """Aspect-kept edges shrunk (about the anchor) until the box is inside the canvas and ≥ 2."""
    left, top, right, bottom = edges
    width, height = right - left, bottom - top
    canvas_width, canvas_height = canvas
    anchor_x, anchor_y = handle_point(box, _opposite(handle))
    room_x = (
        anchor_x if "l" in handle else canvas_width - anchor_x if "r" in handle else canvas_width
    )
    room_y = (
        anchor_y if "t" in handle else canvas_height - anchor_y if "b" in handle else canvas_height
    )
    scale = min(1.0, room_x / width, room_y / height) if width > 0 and height > 0 else 1.0
    scale = max(scale, MIN_SIDE / width, MIN_SIDE / height) if width > 0 and height > 0 else scale
    return _place(box, handle, width * scale, height * scale)


def _place(box: Box, handle: Handle, width: float, height: float) -> Edges:
    """A width x height box held at the handle's opposite side or corner, in its middle if none."""
    anchor_x, anchor_y = handle_point(box, _opposite(handle))
    if "l" in handle:
        left = anchor_x - width
    elif "r" in handle:
        left = anchor_x
    else:
        left = anchor_x - width / 2
    if "t" in handle:
        top = anchor_y - height
    elif "b" in handle:
        top = anchor_y
    else:
        top = anchor_y - height / 2
    return left, top, left + width, top + height


_OPPOSITE: dict[Handle, Handle] = {
    "tl": "br",
    "t": "b",
    "tr": "bl",
    "r": "l",
    "br": "tl",
    "b": "t",
    "bl": "tr",
    "l": "r",
}


def _opposite(handle: Handle) -> Handle:
    return _OPPOSITE[handle]


def _even_box(box: Box, handle: Handle, edges: Edges, canvas: Size) -> Box:
    """Whole pixels and even sides, the anchor edges kept where they were; inside the canvas."""
    left, top, right, bottom = edges
    canvas_width, canvas_height = canvas
    x, width = _even_span(left, right, _moving(handle, "l", "r"), canvas_width)
    y, height = _even_span(top, bottom, _moving(handle, "t", "b"), canvas_height)
    return fit_even((x, y, width, height), canvas)


def _even_span(low: float, high: float, moving: str | None, limit: int) -> tuple[float, int]:
    if moving in ("l", "t"):
        # The far edge is the anchor: the side grows towards 0, so it may not pass it.
        side = even_side(high - low, high)
        return high - side, side
    if moving in ("r", "b"):
        side = even_side(high - low, limit - low)
        return low, side
    side = even_side(high - low, limit)
    return (low + high) / 2 - side / 2, side
