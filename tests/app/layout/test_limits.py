"""The layout's limits: canvas size and region count, refused the same way by every front.

Each over-limit layout is tried beside the same layout just within the limit, which must pass, so
that a refusal for another reason cannot pass for the limit.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from app.layout import Canvas, Layout, LayoutError, LayoutLimitError, Region
from app.layout.checks import MAX_REGIONS, fitted_size
from app.media.local.spec import QUALITIES
from app.media.pipeline.layouts import make_layout

HD = Canvas()  # 1280x720


def tiles(count: int, canvas: Canvas = HD) -> tuple[Region, ...]:
    """`count` regions in rows of 8 on `canvas`."""
    width = canvas.width // 8 // 2 * 2
    height = canvas.height // ((count + 7) // 8) // 2 * 2
    return tuple(
        Region((i % 8) * width, (i // 8) * height, width, height, stream_id=f"s{i}")
        for i in range(count)
    )


def limit_problems(layout: Layout) -> tuple[str, ...]:
    with pytest.raises(LayoutLimitError) as caught:
        layout.validate()
    assert isinstance(caught.value, LayoutError)  # every front that catches layout errors sees it
    return caught.value.problems


@pytest.mark.parametrize(
    ("within", "beyond", "problem"),
    [
        ((3840, 2160), (3842, 2160), "canvas.width: at most 3840 pixels, got 3842"),
        ((3840, 2160), (3841, 2160), "canvas.width: at most 3840 pixels, got 3841"),
        ((2160, 3840), (2160, 3842), "canvas.height: at most 3840 pixels, got 3842"),
        (
            (3840, 2160),
            (3840, 2162),
            "canvas: 3840x2162 is 8302080 pixels; at most 8294400 (3840x2160 either way round)",
        ),
        (
            (2160, 3840),
            (3840, 3840),
            "canvas: 3840x3840 is 14745600 pixels; at most 8294400 (3840x2160 either way round)",
        ),
        ((16, 16), (14, 16), "canvas.width: at least 16 pixels, got 14"),
    ],
)
def test_canvas_size(within: tuple[int, int], beyond: tuple[int, int], problem: str) -> None:
    def on(size: tuple[int, int]) -> Layout:
        canvas = Canvas(*size)
        return Layout(template="custom", canvas=canvas, regions=(Region(0, 0, 16, 16),))

    assert on(within).validate() == []
    assert limit_problems(on(beyond)) == (problem,)


def test_a_huge_canvas_names_both_sides() -> None:
    assert limit_problems(Layout(canvas=Canvas(16000, 16000))) == (
        "canvas.width: at most 3840 pixels, got 16000",
        "canvas.height: at most 3840 pixels, got 16000",
    )


def test_region_count() -> None:
    layout = Layout(template="custom", regions=tiles(MAX_REGIONS))
    assert layout.validate() == []
    more = layout.with_regions((*layout.regions, Region(0, 0, 16, 16)))
    assert limit_problems(more) == ("regions: at most 64 regions, got 65",)


def test_beyond_a_limit_nothing_else_is_looked_at() -> None:
    # 5000 broken regions: one message, the limit's, and no walk through them.
    broken = Region(-2, 0, 15, 15, fit="cover")  # type: ignore[arg-type]
    layout = Layout(template="custom", regions=(broken,) * 5000)
    assert limit_problems(layout) == ("regions: at most 64 regions, got 5000",)
    # Within the limit the same region is a rule break, not a limit.
    with pytest.raises(LayoutError) as caught:
        layout.with_regions((broken,)).validate()
    assert not isinstance(caught.value, LayoutLimitError)


def test_json_and_layout_files_are_held_to_the_limits(tmp_path: Path) -> None:
    within = Layout(template="custom", canvas=Canvas(3840, 2160), regions=tiles(64))
    beyond = replace(within, canvas=Canvas(3840, 2160), regions=tiles(65))
    assert Layout.from_json(within.to_json()) == within
    with pytest.raises(LayoutLimitError):
        Layout.from_json(beyond.to_json())
    # A file as `recdesk-record --layout` and the desktop's presets read it.
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(within.to_json()))
    bad.write_text(json.dumps({**within.to_json(), "canvas": {"width": 7680, "height": 4320}}))
    assert make_layout(str(good), [], size=(1280, 720), fps=30)[0] == within
    with pytest.raises(LayoutLimitError, match=r"canvas\.width: at most 3840 pixels, got 7680"):
        make_layout(str(bad), [], size=(1280, 720), fps=30)


def test_a_template_on_a_canvas_beyond_the_limit_is_refused() -> None:
    # `recdesk-record --layout grid --size WxH`, and the desktop's quality settings.
    layout, _ = make_layout("grid", ["a", "b"], size=(3840, 2160), fps=30)
    assert len(layout.regions) == 2
    with pytest.raises(LayoutLimitError, match=r"canvas\.width: at most 3840 pixels, got 7680"):
        make_layout("grid", ["a", "b"], size=(7680, 4320), fps=30)


@pytest.mark.parametrize(
    ("picture", "canvas"),
    [
        ((5120, 2880), (3840, 2160)),  # a 5K screen: the same shape, within the limits
        ((2880, 5120), (2160, 3840)),
        ((3840, 3840), (2880, 2880)),
        ((801, 600), (800, 600)),  # within: only made even
    ],
)
def test_a_screen_recorded_at_its_own_size_fits_the_limits(
    picture: tuple[int, int], canvas: tuple[int, int]
) -> None:
    assert fitted_size(*picture) == canvas
    # The desktop's "Source size" quality draws a mix on it.
    source = QUALITIES["source"].canvas(picture)
    assert (source.width, source.height) == canvas
    assert Layout(canvas=source).validate() == []
