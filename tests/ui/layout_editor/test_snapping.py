"""The arithmetic of dragging a region: even sizes, snapping and aspect-kept resizing."""

from __future__ import annotations

import itertools

import pytest

from app.layout.geometry import Box
from app.layout.model import Canvas, Layout, Region
from ui.layout_editor.snapping import (
    HANDLES,
    Guide,
    SnapTargets,
    even_side,
    fit_even,
    handle_point,
    resize,
    snap_move,
)

CANVAS = (1280, 720)


def targets(*others: Box, grid: int | None = None, threshold: float = 8) -> SnapTargets:
    return SnapTargets.around(others, CANVAS, grid, threshold)


def valid(box: Box, canvas: tuple[int, int] = CANVAS) -> bool:
    """What `app.layout.checks` asks of a region's box."""
    region = Region(*box)
    try:
        Layout(template="custom", canvas=Canvas(*canvas), regions=(region,)).validate()
    except Exception:
        return False
    return all(isinstance(v, int) for v in box)


# --- even sizes inside the canvas -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [(320, 1280, 320), (321, 1280, 322), (322.9, 1280, 322), (0, 1280, 2), (-5, 1280, 2),
     (1.2, 1280, 2), (2000, 1280, 1280), (2000, 721, 720), (719.5, 720, 720)],
)  # fmt: skip
def test_even_side_is_even_at_least_two_and_within_the_limit(
    value: float, limit: float, expected: int
) -> None:
    assert even_side(value, limit) == expected


def test_fit_even_rounds_positions_and_makes_sides_even() -> None:
    assert fit_even((10.4, 20.5, 101, 57.2), CANVAS) == Box(10, 21, 102, 58)
    assert fit_even((9, 7, 100, 50), CANVAS) == Box(9, 7, 100, 50)  # odd positions are fine


def test_fit_even_moves_a_box_into_the_canvas_then_shrinks_it() -> None:
    assert fit_even((-30, -1, 200, 100), CANVAS) == Box(0, 0, 200, 100)
    assert fit_even((1200, 700, 200, 100), CANVAS) == Box(1080, 620, 200, 100)
    assert fit_even((-10, 5, 2000, 1000), CANVAS) == Box(0, 0, 1280, 720)
    assert fit_even((5, 5, 0, -4), CANVAS) == Box(5, 5, 2, 2)


def test_fit_even_is_always_valid() -> None:
    for x, y, w, h in itertools.product(
        (-50, 0, 33.3, 1279), (-1, 0, 719.6), (0, 3, 641), (1, 720)
    ):
        assert valid(fit_even((x, y, w, h), CANVAS))


# --- snapping a move --------------------------------------------------------------------------


def test_a_move_far_from_every_line_only_moves() -> None:
    box, guides = snap_move(Box(100, 100, 200, 100), 37, 53, CANVAS, targets())
    assert box == Box(137, 153, 200, 100)
    assert guides == []


def test_a_centre_near_the_canvas_centre_snaps_onto_it() -> None:
    # Centre x at 100 + 433 + 100 = 633: 7 from 640, within 8.
    box, guides = snap_move(Box(100, 100, 200, 100), 433, 0, CANVAS, targets())
    assert box.x + box.width // 2 == 640
    assert Guide("x", 640) in guides
    assert all(g.axis == "x" for g in guides)  # y did not snap: no horizontal guide


def test_just_beyond_the_threshold_does_not_snap() -> None:
    box, guides = snap_move(Box(100, 100, 200, 100), 431, 0, CANVAS, targets())  # 9 away
    assert box.x == 531
    assert guides == []


def test_edges_snap_to_another_regions_edges_and_centre() -> None:
    other = Box(600, 300, 200, 100)  # right edge at 800, centre y at 350
    # Left edge lands at 805: 5 from 800. Top at 296 (centre 346): 4 from centre 350.
    box, guides = snap_move(Box(0, 0, 100, 100), 805, 296, CANVAS, targets(other))
    assert (box.x, box.y) == (800, 300)
    assert Guide("x", 800) in guides
    assert Guide("y", 350) in guides  # the centres line up (and the top edges do too)
    assert Guide("y", 300) in guides


def test_the_nearest_line_wins() -> None:
    other = Box(500, 0, 100, 100)  # lines at 500, 550 (centre) and 600
    # A 120 wide box at 475: left 475 is 25 from 500, centre 535 is 15 from 550, right 595 is
    # 5 from 600; all within a threshold of 30, the right edge is nearest.
    box, guides = snap_move(Box(0, 200, 120, 100), 475, 0, CANVAS, targets(other, threshold=30))
    assert box.x + box.width == 600
    assert guides == [Guide("x", 600)]


def test_the_grid_snaps_too() -> None:
    box, guides = snap_move(Box(0, 0, 100, 100), 203, 397, CANVAS, targets(grid=50))
    assert (box.x, box.y) == (200, 400)
    assert Guide("x", 200) in guides
    assert Guide("y", 400) in guides
    box, _ = snap_move(Box(0, 0, 100, 100), 223, 0, CANVAS, targets(grid=50))
    assert box.x == 223  # 23 from the grid: too far


def test_no_targets_means_no_snapping() -> None:
    box, guides = snap_move(Box(100, 100, 200, 100), 433, 0, CANVAS, None)
    assert box == Box(533, 100, 200, 100)
    assert guides == []


def test_a_move_stops_at_the_canvas_edges() -> None:
    box, _ = snap_move(Box(100, 100, 200, 100), -500, 900, CANVAS, targets())
    assert box == Box(0, 620, 200, 100)


def test_the_threshold_scales_the_reach() -> None:
    near = targets(threshold=20)
    box, _ = snap_move(Box(100, 100, 200, 100), 425, 0, CANVAS, near)  # centre 625: 15 away
    assert box.x == 540


# --- resizing ---------------------------------------------------------------------------------


def test_handle_points() -> None:
    box = Box(10, 20, 100, 50)
    assert handle_point(box, "tl") == (10, 20)
    assert handle_point(box, "t") == (60, 20)
    assert handle_point(box, "r") == (110, 45)
    assert handle_point(box, "br") == (110, 70)
    assert handle_point(box, "bl") == (10, 70)
    assert handle_point(box, "l") == (10, 45)


def test_a_free_corner_follows_the_pointer() -> None:
    box, _ = resize(Box(100, 100, 320, 180), "br", (520, 250), CANVAS, keep_aspect=False)
    assert box == Box(100, 100, 420, 150)
    box, _ = resize(Box(100, 100, 320, 180), "tl", (51, 149), CANVAS, keep_aspect=False)
    # The bottom right corner (420, 280) stays; 369 x 131 becomes even by moving the pointer side.
    assert box == Box(50, 148, 370, 132)


def test_a_corner_keeps_the_aspect_along_the_diagonal() -> None:
    box, _ = resize(Box(100, 100, 320, 180), "br", (580, 400), CANVAS, keep_aspect=True)
    assert (box.x, box.y) == (100, 100)
    assert box.width / box.height == pytest.approx(16 / 9, abs=0.02)
    # The corner wants 480 x 300; its projection on the 16:9 diagonal scales the box by:
    scale = (480 * 320 + 300 * 180) / (320**2 + 180**2)
    assert box.width == pytest.approx(320 * scale, abs=2)
    assert box.height == pytest.approx(180 * scale, abs=2)


def test_a_top_left_corner_keeps_the_bottom_right_one() -> None:
    box, _ = resize(Box(400, 300, 320, 180), "tl", (300, 250), CANVAS, keep_aspect=True)
    assert (box.x + box.width, box.y + box.height) == (720, 480)
    assert box.width / box.height == pytest.approx(16 / 9, abs=0.02)
    assert box.width > 320


def test_a_side_keeps_the_aspect_about_its_middle() -> None:
    box, _ = resize(Box(400, 300, 320, 180), "r", (880, 999), CANVAS, keep_aspect=True)
    assert (box.x, box.width) == (400, 480)
    assert box.height == 270
    assert box.y + box.height / 2 == 390  # the middle of the left side stays
    box, _ = resize(Box(400, 300, 320, 180), "t", (0, 210), CANVAS, keep_aspect=True)
    assert (box.y + box.height, box.height) == (480, 270)
    assert (box.width, box.x + box.width / 2) == (480, 560)


def test_a_free_side_moves_one_edge() -> None:
    box, _ = resize(Box(400, 300, 320, 180), "l", (333, 0), CANVAS, keep_aspect=False)
    assert box == Box(332, 300, 388, 180)  # 387 wide made even; the right edge stays at 720


def test_a_kept_aspect_stops_at_the_canvas() -> None:
    box, _ = resize(Box(800, 400, 320, 180), "br", (3000, 3000), CANVAS, keep_aspect=True)
    assert box.x + box.width <= 1280
    assert box.y + box.height <= 720
    assert (box.x, box.y) == (800, 400)
    assert box.width / box.height == pytest.approx(16 / 9, abs=0.03)
    assert box.width == 480  # 1280 - 800 is the room: the width gives out first


def test_a_side_with_kept_aspect_slides_back_inside() -> None:
    # Growing from the right side about y = 90 would reach above the top: the box moves down.
    box, _ = resize(Box(100, 0, 320, 180), "r", (740, 0), CANVAS, keep_aspect=True)
    assert (box.x, box.y, box.width, box.height) == (100, 0, 640, 360)


def test_dragging_past_the_opposite_side_leaves_the_smallest_box() -> None:
    box, _ = resize(Box(100, 100, 320, 180), "br", (0, 0), CANVAS, keep_aspect=False)
    assert box == Box(100, 100, 2, 2)
    box, _ = resize(Box(100, 100, 320, 180), "tl", (900, 900), CANVAS, keep_aspect=True)
    assert (box.x + box.width, box.y + box.height) == (420, 280)
    assert box.height == 2


def test_a_dragged_edge_snaps_and_decides_the_size() -> None:
    other = Box(700, 50, 100, 100)  # left edge at 700
    box, guides = resize(
        Box(100, 100, 320, 180), "br", (694, 600), CANVAS, keep_aspect=True,
        targets=targets(other, threshold=10),
    )  # fmt: skip
    assert box.x + box.width == 700
    assert box.height == round(600 / (16 / 9) / 2) * 2
    assert Guide("x", 700) in guides


def test_free_resize_snaps_each_dragged_edge() -> None:
    box, guides = resize(
        Box(100, 100, 320, 180), "br", (636, 357), CANVAS, keep_aspect=False, targets=targets()
    )
    assert (box.x + box.width, box.y + box.height) == (640, 360)
    assert set(guides) == {Guide("x", 640), Guide("y", 360)}


def test_every_resize_is_valid_and_keeps_its_anchor() -> None:
    start = Box(300, 200, 320, 180)
    pointers = [(-100, -100), (0, 0), (301, 201), (640, 360), (1279, 719), (5000, 5000), (450, 10)]
    for handle, pointer, keep in itertools.product(HANDLES, pointers, (True, False)):
        box, _ = resize(start, handle, pointer, CANVAS, keep_aspect=keep, targets=targets())
        assert valid(box), (handle, pointer, keep, box)
        if "l" in handle:
            assert box.x + box.width == 620, (handle, pointer, keep, box)
        if "r" in handle:
            assert box.x == 300, (handle, pointer, keep, box)
        if "t" in handle:
            assert box.y + box.height == 380, (handle, pointer, keep, box)
        if "b" in handle:
            assert box.y == 200, (handle, pointer, keep, box)
