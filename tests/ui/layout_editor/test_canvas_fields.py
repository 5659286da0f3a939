"""The layout editor's canvas fields: resolution presets, scaling, background and watermark."""

from __future__ import annotations

from app.api.models import Image
from app.layout.model import Canvas, Layout, Region, Watermark
from tests.ui.layout_editor.test_panel import NOW, choose
from ui.layout_editor.canvas_section import scaled
from ui.layout_editor.document import LayoutDocument
from ui.layout_editor.panel import LayoutPanel

# --- canvas ---------------------------------------------------------------------------------------


def test_a_resolution_preset_scales_the_regions_as_one_undo_step(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    before = document.layout
    choose(panel.canvas_section.resolution, (1920, 1080))
    layout = document.layout
    assert (layout.canvas.width, layout.canvas.height) == (1920, 1080)
    assert [(r.x, r.y, r.width, r.height) for r in layout.regions] == [
        (0, 0, 960, 540),
        (960, 0, 960, 540),
        (480, 540, 960, 540),
    ]
    assert layout.validate() == []
    assert panel.canvas_section.width_spin.value() == 1920
    document.undo_stack.undo()
    assert document.layout == before
    assert panel.canvas_section.resolution.currentData() == (1280, 720)


def test_stepping_the_width_scales_from_where_it_started(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    before = document.layout
    spin = panel.canvas_section.width_spin
    for _ in range(5):
        spin.stepBy(-1)  # 1270: not a preset any more
    assert document.layout == scaled(before, 1270, 720)
    assert panel.canvas_section.resolution.currentData() is None  # "Custom"
    for _ in range(5):
        spin.stepBy(1)
    # Back at the start, exactly: no rounding piled up on the way.
    assert document.layout == before


def test_scaling_keeps_every_box_even_and_inside() -> None:
    layout = Layout(
        "custom",
        Canvas(1280, 720, watermark=Watermark("logo.png", 1100, 20, 160, 80)),
        (Region(1218, 658, 62, 62), Region(0, 0, 1280, 720), Region(2, 2, 2, 2)),
    )
    for width, height in ((854, 480), (640, 360), (1080, 1920), (1922, 1082)):
        result = scaled(layout, width, height)
        assert result.validate() == []
        mark = result.canvas.watermark
        assert mark is not None
        for box in (*result.regions, mark):
            assert box.width % 2 == 0
            assert box.height % 2 == 0
            assert box.x + box.width <= width
            assert box.y + box.height <= height
    assert scaled(layout, 640, 360).regions[1] == Region(0, 0, 640, 360)


def test_canvas_fields_edit_the_canvas(panel: LayoutPanel, document: LayoutDocument) -> None:
    section = panel.canvas_section
    choose(section.fps, 60)
    section.background.choose("#336699")
    section.background_image.choose("backdrop.png")
    section.video_bitrate.setValue(4500)
    section.audio_bitrate.setValue(192)
    canvas = document.layout.canvas
    assert (canvas.fps, canvas.background, canvas.background_image) == (
        60,
        "#336699",
        "backdrop.png",
    )
    assert (canvas.video_bitrate, canvas.audio_bitrate) == (4_500_000, 192_000)
    assert document.undo_stack.count() == 5
    section.background_image.choose(None)
    assert document.layout.canvas.background_image is None


def test_a_watermark_is_placed_when_its_image_is_chosen(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    section = panel.canvas_section
    assert not section.mark_x.isVisibleTo(panel)
    section.watermark.choose("logo.png")  # not listed by the service: half as high as wide
    mark = document.layout.canvas.watermark
    assert mark == Watermark("logo.png", 1104, 16, 160, 80)
    section.watermark.choose(None)
    listed = Image(name="wide.png", size=1, width=400, height=100, format="png", created=NOW)
    section.watermark.set_images([listed])
    section.watermark.choose("wide.png")  # in its own shape
    mark = document.layout.canvas.watermark
    assert mark == Watermark("wide.png", 1104, 16, 160, 40)
    assert section.mark_x.isVisibleTo(panel)
    section.mark_opacity.setValue(40)
    section.mark_x.setValue(32)
    mark = document.layout.canvas.watermark
    assert mark is not None
    assert (mark.x, mark.opacity) == (32, 0.4)
    assert document.layout.validate() == []
    section.watermark.choose(None)
    assert document.layout.canvas.watermark is None
