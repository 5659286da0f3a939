"""Checks shared by the layout tests: boxes inside the canvas, even sizes, overlaps."""

from __future__ import annotations

from collections.abc import Sequence

from app.layout import Canvas, Region


def overlap(a: Region, b: Region) -> bool:
    """Whether two regions share any pixel."""
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def assert_drawable(regions: Sequence[Region], canvas: Canvas) -> None:
    """Every region is whole, even-sized, at least 2x2 pixels and inside the canvas."""
    for region in regions:
        assert min(region.x, region.y) >= 0, region
        assert min(region.width, region.height) >= 2, region
        assert (region.width % 2, region.height % 2) == (0, 0), region
        assert region.x + region.width <= canvas.width, region
        assert region.y + region.height <= canvas.height, region


def overlapping(regions: Sequence[Region]) -> list[tuple[int, int]]:
    """Index pairs of regions that overlap."""
    return [
        (i, j)
        for i in range(len(regions))
        for j in range(i + 1, len(regions))
        if overlap(regions[i], regions[j])
    ]
