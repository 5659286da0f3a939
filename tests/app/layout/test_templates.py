"""Templates and reflow: where streams go, and what happens as people join, leave and speak."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from app.layout import (
    TEMPLATES,
    Border,
    Canvas,
    Layout,
    LayoutError,
    LayoutLimitError,
    Placeholder,
    Region,
    StreamRef,
    TemplateId,
    arrange,
    reflow,
)
from app.layout.checks import MIN_CANVAS_SIDE
from tests.app.layout.boxes import assert_drawable, overlapping

HD = Canvas()  # 1280x720


def cams(*ids: str) -> list[StreamRef]:
    return [StreamRef(i) for i in ids]


def placed(regions: tuple[Region, ...]) -> list[tuple[str | None, int, int, int, int, int]]:
    return [(r.stream_id, r.x, r.y, r.width, r.height, r.z) for r in regions]


def test_floating_main_fills_the_canvas_and_windows_sit_bottom_right() -> None:
    regions = arrange("floating", HD, cams("a", "b", "c"))
    assert placed(regions) == [
        ("a", 0, 0, 1280, 720, 0),
        ("b", 1004, 556, 256, 144, 1),
        ("c", 728, 556, 256, 144, 1),
    ]
    layout = Layout(template="floating", regions=regions)
    assert [r.stream_id for r in layout.regions_by_z()] == ["a", "b", "c"]


def test_floating_main_is_asked_for_else_a_screen_else_the_first() -> None:
    room = [*cams("a", "b"), StreamRef("s", "screen")]
    assert arrange("floating", HD, room, main="b")[0].stream_id == "b"
    assert arrange("floating", HD, room)[0].stream_id == "s"
    assert arrange("floating", HD, room, main="gone")[0].stream_id == "s"
    assert arrange("floating", HD, cams("a", "b"))[0].stream_id == "a"


def test_floating_windows_wrap_upwards_then_shrink() -> None:
    regions = arrange("floating", HD, cams(*(f"p{i}" for i in range(6))))
    windows = regions[1:]
    assert [(r.x, r.y) for r in windows] == [
        (1004, 556),
        (728, 556),
        (452, 556),
        (176, 556),
        (1004, 392),
    ]
    many = arrange("floating", HD, cams(*(f"p{i}" for i in range(25))))
    assert len(many) == 25
    assert {(r.width, r.height) for r in many[1:]} == {(214, 120)}
    assert overlapping(many[1:]) == []


def test_vertical_main_left_others_in_a_column() -> None:
    regions = arrange("vertical", HD, cams("a", "b", "c"))
    assert placed(regions) == [
        ("a", 0, 0, 960, 720, 0),
        ("b", 960, 180, 320, 180, 0),
        ("c", 960, 360, 320, 180, 0),
    ]
    assert placed(arrange("vertical", HD, cams("a"))) == [("a", 0, 0, 1280, 720, 0)]
    crowded = arrange("vertical", HD, cams(*(f"p{i}" for i in range(6))))
    assert {(r.x, r.width, r.height) for r in crowded[1:]} == {(992, 256, 144)}


def test_horizontal_main_on_top_others_in_a_row() -> None:
    regions = arrange("horizontal", HD, cams("a", "b", "c"), main="c")
    assert placed(regions) == [
        ("c", 0, 0, 1280, 540, 0),
        ("a", 320, 540, 320, 180, 0),
        ("b", 640, 540, 320, 180, 0),
    ]


def test_screen_share_puts_the_screen_large() -> None:
    room = [StreamRef("a"), StreamRef("deck", "screen"), StreamRef("b")]
    assert placed(arrange("screen_share", HD, room)) == [
        ("deck", 0, 0, 960, 720, 0),
        ("a", 960, 180, 320, 180, 0),
        ("b", 960, 360, 320, 180, 0),
    ]


def test_screen_share_main_must_be_a_screen() -> None:
    room = [StreamRef("a"), StreamRef("s1", "screen"), StreamRef("s2", "screen")]
    assert arrange("screen_share", HD, room, main="s2")[0].stream_id == "s2"
    assert arrange("screen_share", HD, room, main="a")[0].stream_id == "s1"


def test_screen_share_without_a_screen_is_a_grid() -> None:
    room = cams("a", "b", "c")
    assert arrange("screen_share", HD, room) == arrange("grid", HD, room)


def test_custom_starts_from_the_grid() -> None:
    assert arrange("custom", HD, cams("a", "b")) == arrange("grid", HD, cams("a", "b"))


def test_an_unknown_template_is_refused() -> None:
    with pytest.raises(LayoutError) as caught:
        arrange("mosaic", HD, cams("a"))  # type: ignore[arg-type]
    assert str(caught.value) == (
        "template: unknown template 'mosaic'; "
        "use one of grid|floating|vertical|horizontal|speaker|screen_share|custom"
    )


def test_an_invalid_canvas_is_refused() -> None:
    with pytest.raises(LayoutError) as caught:
        arrange("grid", Canvas(width=1279), cams("a"))
    assert str(caught.value) == "canvas.width: must be a positive even number, got 1279"


def test_stream_kinds() -> None:
    assert StreamRef("a").kind == "camera"
    assert not StreamRef("a", "audio").has_video
    with pytest.raises(
        LayoutError,
        match=r"^stream 'w': unknown kind 'whiteboard'; use one of camera\|screen\|audio$",
    ):
        StreamRef("w", "whiteboard")  # type: ignore[arg-type]
    with pytest.raises(LayoutError, match=r"^stream_id: must be a non-empty string$"):
        StreamRef("")


@pytest.mark.parametrize("template", TEMPLATES)
def test_no_video_no_regions(template: TemplateId) -> None:
    assert arrange(template, HD, []) == ()
    assert arrange(template, HD, [StreamRef("dial-in", "audio")]) == ()


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(
    "canvas",
    [HD, Canvas(1920, 1080), Canvas(640, 480), Canvas(720, 1280), Canvas(642, 362), Canvas(16, 16)],
    ids=lambda c: f"{c.width}x{c.height}",
)
def test_every_arrangement_is_drawable(template: TemplateId, canvas: Canvas) -> None:
    for count in range(31):
        room = [StreamRef(f"p{i}", "screen" if i == 2 else "camera") for i in range(count)]
        regions = arrange(template, canvas, room)
        if canvas.width >= 640:
            assert len(regions) == min(count, 25)
        assert_drawable(regions, canvas)
        assert len({r.stream_id for r in regions}) == len(regions)
        Layout(template=template, canvas=canvas, regions=regions).validate()
        if template == "floating":
            assert overlapping(regions[1:]) == []
        else:
            assert overlapping(regions) == []


def test_a_canvas_too_small_for_everyone_shows_whom_it_can() -> None:
    tiny = Canvas(MIN_CANVAS_SIDE, MIN_CANVAS_SIDE)  # the smallest a layout may have
    room = cams(*(f"p{i}" for i in range(25)))
    assert len(arrange("grid", tiny, room)) == 25
    assert placed(arrange("vertical", tiny, room)) == [("p0", 0, 0, 12, 16, 0)]


def test_a_canvas_below_the_minimum_is_refused_before_anything_is_arranged() -> None:
    with pytest.raises(LayoutLimitError) as caught:
        arrange("grid", Canvas(2, 2), cams("a", "b"))
    assert caught.value.problems == (
        "canvas.width: at least 16 pixels, got 2",
        "canvas.height: at least 16 pixels, got 2",
    )


STYLED: dict[str, Any] = {
    "fit": "fill",
    "border": Border(4, "#00ff00"),
    "placeholder": Placeholder("#112233", "away.png"),
    "audio": False,
}


def styled(layout: Layout, stream_id: str) -> Layout:
    """`layout` with the stream's region given non-default settings, as an operator would."""
    index = next(i for i, r in enumerate(layout.regions) if r.stream_id == stream_id)
    region = layout.regions[index]
    return layout.with_region(index, dataclasses.replace(region, **STYLED))


def settings(region: Region | None) -> dict[str, object]:
    assert region is not None
    return {
        "fit": region.fit,
        "border": region.border,
        "placeholder": region.placeholder,
        "audio": region.audio,
    }


@pytest.mark.parametrize("template", [t for t in TEMPLATES if t != "custom"])
def test_reflow_on_join_and_leave_keeps_settings(template: TemplateId) -> None:
    room = cams("a", "b")
    layout = Layout(template=template, regions=arrange(template, HD, room))
    layout = styled(layout, "b")

    joined = reflow(layout, [*room, StreamRef("c")])
    assert joined.template == template
    assert joined.canvas == layout.canvas
    assert {r.stream_id for r in joined.regions} == {"a", "b", "c"}
    assert settings(joined.region_of("b")) == STYLED
    assert settings(joined.region_of("c")) == settings(Region(0, 0, 2, 2))
    # Placed as the template places them, the main stream (the first) staying main.
    assert placed(joined.regions) == placed(arrange(template, HD, [*room, StreamRef("c")]))

    left = reflow(joined, cams("b", "c"))
    assert {r.stream_id for r in left.regions} == {"b", "c"}
    assert settings(left.region_of("b")) == STYLED

    empty = reflow(left, [])
    assert empty.regions == ()
    back = reflow(empty, cams("b"))
    assert settings(back.region_of("b")) == settings(Region(0, 0, 2, 2))  # nothing to keep


def test_reflow_keeps_the_main_stream_when_others_join() -> None:
    layout = Layout(template="vertical", regions=arrange("vertical", HD, cams("a", "b"), main="b"))
    assert layout.regions[0].stream_id == "b"
    joined = reflow(layout, cams("a", "b", "c"))
    assert joined.regions[0].stream_id == "b"
    assert joined.regions[0].width == 960


def test_reflow_picks_a_new_main_when_the_main_leaves() -> None:
    layout = Layout(template="floating", regions=arrange("floating", HD, cams("a", "b", "c")))
    left = reflow(layout, cams("b", "c"))
    assert placed(left.regions)[0] == ("b", 0, 0, 1280, 720, 0)


def test_floating_keeps_its_main_when_a_screen_joins() -> None:
    layout = Layout(template="floating", regions=arrange("floating", HD, cams("a", "b")))
    joined = reflow(layout, [*cams("a", "b"), StreamRef("s", "screen")])
    assert joined.regions[0].stream_id == "a"


def test_speaker_switching() -> None:
    room = cams("a", "b", "c")
    layout = Layout(template="speaker", regions=arrange("speaker", HD, room))
    assert layout.regions[0].stream_id == "a"  # nobody has spoken: the first

    layout = reflow(styled(layout, "b"), room, speaker="b")
    assert placed(layout.regions) == [
        ("b", 0, 0, 960, 720, 0),
        ("a", 960, 180, 320, 180, 0),
        ("c", 960, 360, 320, 180, 0),
    ]
    assert settings(layout.regions[0]) == STYLED  # settings follow the stream, not the box

    # Silence, or a speaker with no picture: the last loud speaker stays large.
    assert reflow(layout, room).regions == layout.regions
    dial_in = [*room, StreamRef("phone", "audio")]
    assert reflow(layout, dial_in, speaker="phone").regions == layout.regions

    layout = reflow(layout, room, speaker="c")
    assert [r.stream_id for r in layout.regions] == ["c", "a", "b"]

    # The speaker leaves: the first stream is main again.
    assert [r.stream_id for r in reflow(layout, cams("a", "b")).regions] == ["a", "b"]


def test_speaker_argument_to_arrange() -> None:
    room = cams("a", "b", "c")
    assert arrange("speaker", HD, room, speaker="c", main="b")[0].stream_id == "c"
    assert arrange("speaker", HD, room, speaker="gone", main="b")[0].stream_id == "b"


def test_screen_share_reflows_when_a_screen_comes_and_goes() -> None:
    room = cams("a", "b")
    layout = Layout(template="screen_share", regions=arrange("screen_share", HD, room))
    assert layout.regions == arrange("grid", HD, room)

    shared = reflow(layout, [*room, StreamRef("deck", "screen")])
    assert [(r.stream_id, r.width) for r in shared.regions] == [
        ("deck", 960),
        ("a", 320),
        ("b", 320),
    ]
    assert reflow(shared, room).regions == arrange("grid", HD, room)


def test_custom_stays_exactly_as_set() -> None:
    layout = Layout(
        template="custom",
        regions=(
            Region(100, 100, 400, 300, stream_id="a", z=3),
            Region(0, 0, 200, 200, stream_id="gone"),
        ),
    )
    assert reflow(layout, cams("a", "b", "c"), speaker="b") is layout
    assert reflow(layout, []) is layout


def test_reflow_follows_a_template_change() -> None:
    layout = Layout(regions=arrange("grid", HD, cams("a", "b", "c")))
    layout = styled(layout, "c").with_template("horizontal")
    moved = reflow(layout, cams("a", "b", "c"))
    assert [(r.stream_id, r.height) for r in moved.regions] == [("a", 540), ("b", 180), ("c", 180)]
    assert settings(moved.region_of("c")) == STYLED
