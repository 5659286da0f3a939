"""The model's values and helpers: defaults, drawing order, immutable edits."""

from __future__ import annotations

import dataclasses

import pytest

from app.layout import FIT_MODES, TEMPLATES, Canvas, Layout, Placeholder, Region, Watermark


def test_names_and_defaults() -> None:
    assert TEMPLATES == (
        "grid",
        "floating",
        "vertical",
        "horizontal",
        "speaker",
        "screen_share",
        "custom",
    )
    assert FIT_MODES == ("fit", "fill", "stretch")
    assert Canvas() == Canvas(1280, 720, 30, "#000000", None, 2_000_000, 128_000, None)
    assert Region(0, 0, 2, 2).placeholder == Placeholder("#202020", None)
    assert Watermark("logo.png", 0, 0, 2, 2).opacity == 1.0
    layout = Layout()
    assert (layout.template, layout.canvas, layout.regions, layout.version) == (
        "grid",
        Canvas(),
        (),
        1,
    )


def test_values_are_frozen() -> None:
    region = Region(0, 0, 2, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        region.x = 4  # type: ignore[misc]
    assert hash(Layout(regions=(region,))) == hash(Layout(regions=(Region(0, 0, 2, 2),)))


def test_regions_by_z_is_a_stable_drawing_order() -> None:
    regions = (
        Region(0, 0, 2, 2, stream_id="top", z=5),
        Region(0, 0, 2, 2, stream_id="first", z=0),
        Region(0, 0, 2, 2, stream_id="under", z=-1),
        Region(0, 0, 2, 2, stream_id="second", z=0),
    )
    order = [r.stream_id for r in Layout(regions=regions).regions_by_z()]
    assert order == ["under", "first", "second", "top"]


def test_edits_return_new_layouts() -> None:
    layout = Layout(regions=(Region(0, 0, 2, 2, "a"), Region(2, 0, 2, 2, "b")))
    moved = layout.with_region(1, Region(4, 4, 2, 2, "b"))
    assert layout.regions[1].x == 2
    assert moved.regions[1].x == 4
    assert layout.with_regions([]).regions == ()
    assert layout.with_regions(iter(layout.regions)) == layout
    assert layout.with_canvas(Canvas(fps=60)).canvas.fps == 60
    assert layout.with_template("custom").template == "custom"
    assert layout.region_of("b") == layout.regions[1]
    assert layout.region_of("c") is None
    assert Region(0, 0, 640, 360).area == 230_400
