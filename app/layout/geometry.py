"""Geometry of the templates: grids, columns, rows and floating windows, in even pixels.

Tiles are 16:9, the shape of almost every camera and screen share, so a tile shows its picture
with no bars in `fit` mode; a tile is the largest 16:9 box the arrangement allows, its sides
rounded down to even pixels (yuv420p) and kept inside the area. Groups of tiles are centred in
their area, starting on even pixels. A grid, column, row or set of windows returns fewer boxes
than asked for when its area cannot hold them all at 2x2 pixels or more; the templates drop any
other box under 2x2 (a main box on a canvas of a few pixels).
"""

from __future__ import annotations

import math
from typing import NamedTuple

TILE_ASPECT = 16 / 9
SIDE_SHARE = 3 / 4
"""How much of the canvas the main stream takes beside a column or above a row."""
WINDOW_SHARE = 1 / 5
"""A floating window's width, as a share of the canvas width (before it shrinks to fit more)."""


class Box(NamedTuple):
    """A rectangle in canvas pixels."""

    x: int
    y: int
    width: int
    height: int


def even(value: float) -> int:
    """`value` rounded down to an even number (for value ≥ 0)."""
    return int(value) // 2 * 2


def tile_size(cols: int, rows: int, width: float, height: float) -> tuple[int, int]:
    """The largest even-sided 16:9 tile of which `cols` x `rows` fit in `width` x `height`."""
    tile_width = even(min(width / cols, height / rows * TILE_ASPECT))
    # Nearest even height to 16:9, but never more than a row may take.
    tile_height = min(even(height / rows), round(tile_width / TILE_ASPECT / 2) * 2)
    return tile_width, tile_height


def grid_shape(count: int, width: int, height: int) -> tuple[int, int]:
    """Columns and rows for `count` tiles: the largest tiles, then the fewest empty cells, then
    more columns on a landscape area (more rows on a portrait one)."""
    landscape = width >= height

    def merit(cols: int) -> tuple[int, int, int]:
        rows = math.ceil(count / cols)
        tile_width, tile_height = tile_size(cols, rows, width, height)
        return tile_width * tile_height, -cols * rows, cols if landscape else rows

    cols = max(range(1, count + 1), key=merit)
    return cols, math.ceil(count / cols)


def grid(count: int, area: Box) -> list[Box]:
    """`count` tiles in rows, left to right and top to bottom, the last row centred."""
    if count <= 0:
        return []
    cols, rows = grid_shape(count, area.width, area.height)
    tile_width, tile_height = tile_size(cols, rows, area.width, area.height)
    if tile_width < 2 or tile_height < 2:
        return []
    top = area.y + even((area.height - rows * tile_height) / 2)
    boxes = []
    for row in range(rows):
        in_row = min(cols, count - row * cols)
        left = area.x + even((area.width - in_row * tile_width) / 2)
        y = top + row * tile_height
        boxes += [Box(left + col * tile_width, y, tile_width, tile_height) for col in range(in_row)]
    return boxes


def column(count: int, area: Box) -> list[Box]:
    """`count` tiles stacked top to bottom, centred in `area`."""
    if count <= 0:
        return []
    tile_width, tile_height = tile_size(1, count, area.width, area.height)
    if tile_width < 2 or tile_height < 2:
        return []
    left = area.x + even((area.width - tile_width) / 2)
    top = area.y + even((area.height - count * tile_height) / 2)
    return [Box(left, top + i * tile_height, tile_width, tile_height) for i in range(count)]


def row(count: int, area: Box) -> list[Box]:
    """`count` tiles side by side, centred in `area`."""
    if count <= 0:
        return []
    tile_width, tile_height = tile_size(count, 1, area.width, area.height)
    if tile_width < 2 or tile_height < 2:
        return []
    left = area.x + even((area.width - count * tile_width) / 2)
    top = area.y + even((area.height - tile_height) / 2)
    return [Box(left + i * tile_width, top, tile_width, tile_height) for i in range(count)]


def main_beside(canvas: Box, others: int) -> tuple[Box, list[Box]]:
    """The main box at the left, and `others` tiles in a column at the right."""
    if others == 0:
        return canvas, []
    main_width = even(canvas.width * SIDE_SHARE)
    side = Box(canvas.x + main_width, canvas.y, canvas.width - main_width, canvas.height)
    return Box(canvas.x, canvas.y, main_width, canvas.height), column(others, side)


def main_above(canvas: Box, others: int) -> tuple[Box, list[Box]]:
    """The main box at the top, and `others` tiles in a row along the bottom."""
    if others == 0:
        return canvas, []
    main_height = even(canvas.height * SIDE_SHARE)
    strip = Box(canvas.x, canvas.y + main_height, canvas.width, canvas.height - main_height)
    return Box(canvas.x, canvas.y, canvas.width, main_height), row(others, strip)


def windows(count: int, canvas: Box) -> list[Box]:
    """`count` small 16:9 windows from the bottom right corner leftwards, rows stacking upwards.

    Windows are a fifth of the canvas wide, smaller when that many would not fit, with a margin
    around each so the main picture shows between them.
    """
    if count <= 0:
        return []
    margin = even(min(canvas.width, canvas.height) / 36)
    width = even(canvas.width * WINDOW_SHARE)
    while width >= 2:
        height = max(2, round(width / TILE_ASPECT / 2) * 2)
        per_row = (canvas.width - margin) // (width + margin)
        if per_row > 0:
            rows = math.ceil(count / per_row)
            if margin + rows * (height + margin) <= canvas.height:
                break
        width -= 2
    else:
        return []
    right = canvas.x + canvas.width - margin
    bottom = canvas.y + canvas.height - margin
    return [
        Box(
            right - (i % per_row + 1) * width - (i % per_row) * margin,
            bottom - (i // per_row + 1) * height - (i // per_row) * margin,
            width,
            height,
        )
        for i in range(count)
    ]
