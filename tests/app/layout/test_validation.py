"""Validation: each broken rule gives its own exact, one-line message naming the field."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.layout import Border, Canvas, Layout, LayoutError, Placeholder, Region, Watermark

GOOD_REGION = Region(0, 0, 640, 360, stream_id="alice")


def problem(**changes: Any) -> str:
    """The message of a layout that differs from a valid one by `changes`."""
    layout = replace(Layout(regions=(GOOD_REGION,)), **changes)
    with pytest.raises(LayoutError) as caught:
        layout.validate()
    assert caught.value.caller_fault
    assert "\n" not in str(caught.value)
    return str(caught.value)


def canvas_problem(**changes: Any) -> str:
    return problem(canvas=replace(Canvas(), **changes))


def region_problem(**changes: Any) -> str:
    """The message of a layout whose second region differs from a valid one by `changes`."""
    regions = (GOOD_REGION, replace(GOOD_REGION, **changes))
    return problem(regions=regions)


def test_a_valid_layout_has_no_problems_and_no_warnings() -> None:
    assert Layout(regions=(GOOD_REGION,)).validate() == []
    assert Layout().validate(stream_ids=[]) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": 2}, "version: unknown version 2; known versions: 1"),
        ({"version": True}, "version: unknown version true; known versions: 1"),
        (
            {"template": "mosaic"},
            "template: unknown template 'mosaic'; "
            "use one of grid|floating|vertical|horizontal|speaker|screen_share|custom",
        ),
        (
            {"regions": (GOOD_REGION,) * 26},
            "regions: a grid holds at most 25 regions, got 26",
        ),
        ({"canvas": "720p"}, "canvas: must be a Canvas, got '720p'"),
    ],
)
def test_layout_problems(changes: dict[str, Any], message: str) -> None:
    assert problem(**changes) == message


def test_only_a_grid_is_limited_to_25_regions() -> None:
    regions = tuple(Region(0, 0, 2, 2, stream_id=str(i)) for i in range(30))
    assert Layout(template="custom", regions=regions).validate() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"width": 1279}, "canvas.width: must be a positive even number, got 1279"),
        ({"width": 0}, "canvas.width: must be a positive even number, got 0"),
        ({"height": -720}, "canvas.height: must be a positive even number, got -720"),
        ({"height": 720.0}, "canvas.height: must be a positive even number, got 720.0"),
        ({"fps": 0}, "canvas.fps: must be a whole number from 1 to 120, got 0"),
        ({"fps": 121}, "canvas.fps: must be a whole number from 1 to 120, got 121"),
        ({"fps": 29.97}, "canvas.fps: must be a whole number from 1 to 120, got 29.97"),
        ({"background": "black"}, "canvas.background: must be a colour #rrggbb, got 'black'"),
        ({"background": "#fff"}, "canvas.background: must be a colour #rrggbb, got '#fff'"),
        (
            {"background_image": ""},
            "canvas.background_image: must be an image name or file or null, got ''",
        ),
        (
            {"video_bitrate": 0},
            "canvas.video_bitrate: must be a positive whole number of bits per second, got 0",
        ),
        (
            {"audio_bitrate": "128k"},
            "canvas.audio_bitrate: must be a positive whole number of bits per second, got '128k'",
        ),
    ],
)
def test_canvas_problems(changes: dict[str, Any], message: str) -> None:
    assert canvas_problem(**changes) == message


def test_a_region_past_a_smaller_canvas() -> None:
    message = problem(canvas=Canvas(width=320, height=240))
    assert message == "regions[0]: x + width = 640 is past the canvas width 320"


WATERMARK = Watermark("logo.png", 1100, 20, 160, 80, 0.5)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"image": ""}, "canvas.watermark.image: must be an image name or file, got ''"),
        ({"image": None}, "canvas.watermark.image: must be an image name or file, got null"),
        ({"x": -1}, "canvas.watermark.x: must be a whole number, 0 or more, got -1"),
        ({"y": 1.5}, "canvas.watermark.y: must be a whole number, 0 or more, got 1.5"),
        ({"width": 161}, "canvas.watermark.width: must be a positive even number, got 161"),
        ({"height": 0}, "canvas.watermark.height: must be a positive even number, got 0"),
        (
            {"x": 1200},
            "canvas.watermark: x + width = 1360 is past the canvas width 1280",
        ),
        (
            {"y": 700},
            "canvas.watermark: y + height = 780 is past the canvas height 720",
        ),
        ({"opacity": 1.5}, "canvas.watermark.opacity: must be a number from 0 to 1, got 1.5"),
        ({"opacity": -0.1}, "canvas.watermark.opacity: must be a number from 0 to 1, got -0.1"),
        (
            {"opacity": float("nan")},
            "canvas.watermark.opacity: must be a number from 0 to 1, got nan",
        ),
        ({"opacity": True}, "canvas.watermark.opacity: must be a number from 0 to 1, got true"),
    ],
)
def test_watermark_problems(changes: dict[str, Any], message: str) -> None:
    assert canvas_problem(watermark=replace(WATERMARK, **changes)) == message


def test_watermark_opacity_bounds_are_allowed() -> None:
    for opacity in (0, 0.0, 1, 1.0):
        canvas = replace(Canvas(), watermark=replace(WATERMARK, opacity=opacity))
        assert Layout(canvas=canvas).validate() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"x": -2}, "regions[1].x: must be a whole number, 0 or more, got -2"),
        ({"y": "0"}, "regions[1].y: must be a whole number, 0 or more, got '0'"),
        ({"width": 15}, "regions[1].width: must be a positive even number, got 15"),
        ({"width": 0}, "regions[1].width: must be a positive even number, got 0"),
        ({"height": -2}, "regions[1].height: must be a positive even number, got -2"),
        ({"height": True}, "regions[1].height: must be a positive even number, got true"),
        ({"x": 660}, "regions[1]: x + width = 1300 is past the canvas width 1280"),
        ({"y": 370}, "regions[1]: y + height = 730 is past the canvas height 720"),
        (
            {"stream_id": ""},
            "regions[1].stream_id: must be a non-empty string or null, got ''",
        ),
        ({"stream_id": 7}, "regions[1].stream_id: must be a non-empty string or null, got 7"),
        ({"z": 1.5}, "regions[1].z: must be a whole number, got 1.5"),
        ({"fit": "cover"}, "regions[1].fit: must be one of fit|fill|stretch, got 'cover'"),
        ({"audio": 1}, "regions[1].audio: must be true or false, got 1"),
        (
            {"border": Border(width=0)},
            "regions[1].border.width: must be a positive whole number, got 0",
        ),
        (
            {"border": Border(color="white")},
            "regions[1].border.color: must be a colour #rrggbb, got 'white'",
        ),
        (
            {"width": 100, "height": 60, "border": Border(width=30)},
            "regions[1].border.width: 30 leaves no picture inside 100x60; make it less than 30",
        ),
        ({"border": "thin"}, "regions[1].border: must be a Border or null, got 'thin'"),
        (
            {"placeholder": Placeholder(color="#12345g")},
            "regions[1].placeholder.color: must be a colour #rrggbb, got '#12345g'",
        ),
        (
            {"placeholder": Placeholder(image=" ")},
            "regions[1].placeholder.image: must be an image name or file or null, got ' '",
        ),
        ({"placeholder": None}, "regions[1].placeholder: must be a Placeholder, got null"),
    ],
)
def test_region_problems(changes: dict[str, Any], message: str) -> None:
    assert region_problem(**changes) == message


def test_a_region_that_is_not_a_region() -> None:
    assert problem(regions=(GOOD_REGION, {"x": 0})) == "regions[1]: must be a Region, got {'x': 0}"


def test_both_overflows_are_reported() -> None:
    with pytest.raises(LayoutError) as caught:
        replace(Layout(), regions=(Region(1000, 500, 400, 300),)).validate()
    assert caught.value.problems == (
        "regions[0]: x + width = 1400 is past the canvas width 1280",
        "regions[0]: y + height = 800 is past the canvas height 720",
    )


def test_every_problem_is_listed_and_the_first_is_the_message() -> None:
    layout = Layout(
        template="mosaic",  # type: ignore[arg-type]
        canvas=Canvas(fps=0),
        regions=(Region(0, 0, 15, 360), Region(-2, 0, 640, 360, fit="cover")),  # type: ignore[arg-type]
    )
    with pytest.raises(LayoutError) as caught:
        layout.validate()
    assert caught.value.problems == (
        "template: unknown template 'mosaic'; "
        "use one of grid|floating|vertical|horizontal|speaker|screen_share|custom",
        "canvas.fps: must be a whole number from 1 to 120, got 0",
        "regions[0].width: must be a positive even number, got 15",
        "regions[1].x: must be a whole number, 0 or more, got -2",
        "regions[1].fit: must be one of fit|fill|stretch, got 'cover'",
    )
    assert str(caught.value) == caught.value.problems[0]


def test_a_region_is_not_measured_against_a_broken_canvas() -> None:
    with pytest.raises(LayoutError) as caught:
        Layout(canvas=Canvas(width=1279), regions=(Region(0, 0, 1280, 720),)).validate()
    assert caught.value.problems == ("canvas.width: must be a positive even number, got 1279",)


def test_unknown_streams_are_warnings_not_errors() -> None:
    layout = Layout(
        regions=(
            Region(0, 0, 640, 360, stream_id="alice"),
            Region(640, 0, 640, 360, stream_id="bob"),
            Region(0, 360, 640, 360),  # no stream: a placeholder on purpose
        )
    )
    assert layout.validate(stream_ids={"alice"}) == [
        "regions[1].stream_id: no stream 'bob' in the room (yet)"
    ]
    assert layout.validate(stream_ids=["alice", "bob"]) == []
    assert layout.validate() == []  # no room to compare with


def test_warnings_come_only_from_a_valid_layout() -> None:
    layout = Layout(regions=(Region(0, 0, 15, 360, stream_id="bob"),))
    with pytest.raises(LayoutError):
        layout.validate(stream_ids=[])


def test_colours_accept_either_case() -> None:
    canvas = Canvas(background="#A0b1C2")
    assert Layout(canvas=canvas, regions=(replace(GOOD_REGION, border=Border(3)),)).validate() == []
