"""The grid: columns x rows for 1..25 streams, and tiles that are as large as they can be."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from app.layout import Canvas, Layout, StreamRef, arrange
from app.layout.geometry import TILE_ASPECT, grid_shape, tile_size
from tests.app.layout.boxes import assert_drawable, overlapping

HD = Canvas()  # 1280x720

# On 16:9, the grid of 16:9 tiles is as square as the count allows.
SHAPES_ON_HD = {
    1: (1, 1),
    2: (2, 1),
    **dict.fromkeys((3, 4), (2, 2)),
    **dict.fromkeys((5, 6), (3, 2)),
    **dict.fromkeys((7, 8, 9), (3, 3)),
    **dict.fromkeys((10, 11, 12), (4, 3)),
    **dict.fromkeys((13, 14, 15, 16), (4, 4)),
    **dict.fromkeys((17, 18, 19, 20), (5, 4)),
    **dict.fromkeys((21, 22, 23, 24, 25), (5, 5)),
}
TILES_ON_HD = {
    (1, 1): (1280, 720),
    (2, 1): (640, 360),
    (2, 2): (640, 360),
    (3, 2): (426, 240),
    (3, 3): (426, 240),
    (4, 3): (320, 180),
    (4, 4): (320, 180),
    (5, 4): (256, 144),
    (5, 5): (256, 144),
}


def people(count: int) -> list[StreamRef]:
    return [StreamRef(f"p{i}") for i in range(count)]


@pytest.mark.parametrize("count", range(1, 26))
def test_grid_on_hd(count: int) -> None:
    regions = arrange("grid", HD, people(count))
    cols, rows = SHAPES_ON_HD[count]
    assert len(regions) == count
    assert [r.stream_id for r in regions] == [f"p{i}" for i in range(count)]
    assert {(r.width, r.height) for r in regions} == {TILES_ON_HD[cols, rows]}
    per_row = Counter(r.y for r in regions)
    assert [per_row[y] for y in sorted(per_row)] == [cols] * (rows - 1) + [
        count - cols * (rows - 1)
    ]
    assert_drawable(regions, HD)
    assert overlapping(regions) == []
    assert all(r.z == 0 and r.fit == "fit" and r.audio for r in regions)
    Layout(regions=regions).validate()


@pytest.mark.parametrize("count", range(1, 26))
@pytest.mark.parametrize(
    ("width", "height"), [(1280, 720), (1920, 1080), (640, 480), (720, 1280), (1000, 1000)]
)
def test_no_shape_gives_larger_tiles(count: int, width: int, height: int) -> None:
    cols, rows = grid_shape(count, width, height)
    assert cols * rows >= count
    assert (cols - 1) * rows < count or cols * (rows - 1) < count  # no empty row or column
    best = max(
        math.prod(tile_size(c, r, width, height))
        for c in range(1, count + 1)
        for r in range(1, count + 1)
        if c * r >= count
    )
    assert math.prod(tile_size(cols, rows, width, height)) == best


@pytest.mark.parametrize("count", range(1, 26))
@pytest.mark.parametrize(
    ("width", "height"), [(1920, 1080), (640, 480), (720, 1280), (1000, 1000), (642, 362)]
)
def test_grid_tiles_are_even_16_9_inside_and_apart(count: int, width: int, height: int) -> None:
    canvas = Canvas(width=width, height=height)
    regions = arrange("grid", canvas, people(count))
    assert len(regions) == count
    assert_drawable(regions, canvas)
    assert overlapping(regions) == []
    for region in regions:
        assert abs(region.width / region.height - TILE_ASPECT) < 0.05


def test_tile_size_never_passes_the_cell() -> None:
    for size in range(2, 400, 2):
        for cols in range(1, 6):
            for rows in range(1, 6):
                width, height = tile_size(cols, rows, size, size * 3 // 4)
                assert cols * width <= size
                assert rows * height <= size * 3 // 4


def test_a_portrait_canvas_stacks() -> None:
    portrait = Canvas(width=720, height=1280)
    assert grid_shape(2, 720, 1280) == (1, 2)
    assert grid_shape(4, 720, 1280) == (1, 4)  # 16:9 tiles fill a tall canvas best one per row
    regions = arrange("grid", portrait, people(2))
    assert [(r.x, r.width, r.height) for r in regions] == [(0, 720, 404), (0, 720, 404)]


def test_the_grid_is_centred_and_its_last_row_too() -> None:
    regions = arrange("grid", HD, people(5))
    assert [(r.x, r.y) for r in regions] == [
        (0, 120),
        (426, 120),
        (852, 120),
        (214, 360),
        (640, 360),
    ]
    two = arrange("grid", HD, people(2))
    assert [(r.x, r.y) for r in two] == [(0, 180), (640, 180)]
    three = arrange("grid", HD, people(3))
    assert [(r.x, r.y) for r in three] == [(0, 0), (640, 0), (320, 360)]


def test_at_most_25_tiles() -> None:
    regions = arrange("grid", HD, people(30))
    assert [r.stream_id for r in regions] == [f"p{i}" for i in range(25)]


def test_audio_only_streams_get_no_tile() -> None:
    streams = [StreamRef("a"), StreamRef("dial-in", "audio"), StreamRef("b")]
    assert [r.stream_id for r in arrange("grid", HD, streams)] == ["a", "b"]
    assert arrange("grid", HD, [StreamRef("dial-in", "audio")]) == ()
    assert arrange("grid", HD, []) == ()


def test_a_stream_listed_twice_gets_one_tile() -> None:
    regions = arrange("grid", HD, [StreamRef("a"), StreamRef("b"), StreamRef("a")])
    assert [r.stream_id for r in regions] == ["a", "b"]
