"""Edits of a layout's regions that the canvas's keys and menus make: restack, copy, delete, nudge.

Pure functions from a `Layout` to a new one, so the canvas only turns them into undo steps.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from app.layout.model import Layout, Region
from ui.layout_editor.snapping import fit_even

Restack = Literal["raise", "lower", "front", "back"]


def drawing_order(layout: Layout) -> list[int]:
    """Region indices bottom to top: by `z`, equal `z` in list order (as `regions_by_z`)."""
    return sorted(range(len(layout.regions)), key=lambda index: layout.regions[index].z)


def restacked(layout: Layout, index: int, move: Restack) -> Layout:
    """Region `index` one place up or down the drawing order, or to its top or bottom.

    Every region's `z` becomes its place in the new order (0, 1, 2, ...), so no two regions share
    a `z` and the next raise or lower always passes exactly one region. A region already at the
    end it is sent towards leaves the layout as it was.
    """
    order = drawing_order(layout)
    place = order.index(index)
    top = len(order) - 1
    target = {
        "raise": min(place + 1, top),
        "lower": max(place - 1, 0),
        "front": top,
        "back": 0,
    }[move]
    if target == place:
        return layout
    order.insert(target, order.pop(place))
    regions = list(layout.regions)
    for z, at in enumerate(order):
        regions[at] = replace(regions[at], z=z)
    return layout.with_regions(regions)


def without(layout: Layout, index: int) -> Layout:
    """The layout without region `index`."""
    return layout.with_regions(r for i, r in enumerate(layout.regions) if i != index)


def duplicated(layout: Layout, index: int, offset: int) -> Layout:
    """A copy of region `index` added last, `offset` pixels right and down (kept inside the
    canvas), drawn over every other region."""
    region = layout.regions[index]
    canvas = (layout.canvas.width, layout.canvas.height)
    box = fit_even((region.x + offset, region.y + offset, region.width, region.height), canvas)
    top = max(r.z for r in layout.regions)
    copy = replace(region, x=box.x, y=box.y, width=box.width, height=box.height, z=top + 1)
    return layout.with_regions((*layout.regions, copy))


def nudged(region: Region, dx: int, dy: int, canvas: tuple[int, int]) -> Region:
    """`region` moved by `dx`, `dy` pixels, stopping at the canvas edges; its size is kept."""
    width, height = canvas
    x = min(max(region.x + dx, 0), max(width - region.width, 0))
    y = min(max(region.y + dy, 0), max(height - region.height, 0))
    return replace(region, x=x, y=y)


def shifted_locks(locked: set[int], removed: int) -> set[int]:
    """Locked indices once region `removed` is gone: those after it move down by one."""
    return {i if i < removed else i - 1 for i in locked if i != removed}
