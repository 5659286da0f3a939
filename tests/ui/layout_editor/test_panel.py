"""The layout editor's side panel and presets edit the document as an operator would see it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from app.layout.model import Border, Watermark
from app.layout.templates import arrange
from tests.helpers.layouts import refs, streams
from ui.common.palette import row_colour
from ui.layout_editor.document import LayoutDocument
from ui.layout_editor.panel import STREAM_MIME, LayoutPanel
from ui.layout_editor.presets import PresetsBar, PresetStore

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def choose(combo: QComboBox, data: object) -> None:
    """Pick the item holding `data` as the operator would (`activated` follows)."""
    index = next(i for i in range(combo.count()) if combo.itemData(i) == data)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def problem_items(panel: LayoutPanel) -> list[tuple[str, str, object]]:
    """(message, colour, region index) of each line in the problems list."""
    items = (panel.problems.item(i) for i in range(panel.problems.count()))
    return [
        (item.text(), item.foreground().color().name(), item.data(Qt.ItemDataRole.UserRole))
        for item in items
    ]


# --- template -------------------------------------------------------------------------------------


def test_choosing_a_template_arranges_the_streams_as_one_undo_step(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    before = document.layout
    choose(panel.template, "vertical")
    # The largest region's stream (alice, first in the grid) stays the main one.
    expected = arrange("vertical", before.canvas, refs(), main="alice-camera")
    assert document.layout.template == "vertical"
    assert document.layout.regions == expected
    assert document.layout.regions[0].width == 960  # three quarters of 1280
    assert [r.stream_id for r in document.layout.regions] == [
        "alice-camera",
        "bob-camera",
        "carol-screen",
    ]
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert document.layout == before
    assert panel.template.currentData() == "grid"


def test_a_template_keeps_each_streams_settings(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    bob = replace(document.layout.regions[1], fit="fill", border=Border(4, "#ff0000"))
    document.replace_region(1, bob, "style bob")
    choose(panel.template, "horizontal")
    moved = document.layout.region_of("bob-camera")
    assert moved is not None
    assert (moved.fit, moved.border) == ("fill", Border(4, "#ff0000"))


def test_custom_keeps_the_regions_where_they_are(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    regions = document.layout.regions
    choose(panel.template, "custom")
    assert document.layout.template == "custom"
    assert document.layout.regions == regions


def test_a_template_on_a_broken_canvas_says_why_and_changes_nothing(
    qtbot: QtBot, panel: LayoutPanel, document: LayoutDocument
) -> None:
    broken = document.layout.with_canvas(replace(document.layout.canvas, width=1279))
    document.edit(broken, "break")
    with qtbot.waitSignal(panel.failed) as failed:
        choose(panel.template, "floating")
    assert "canvas.width" in failed.args[0]
    assert document.layout == broken
    assert panel.template.currentData() == "grid"


# --- region ---------------------------------------------------------------------------------------


def test_region_fields_follow_the_selection(panel: LayoutPanel, document: LayoutDocument) -> None:
    section = panel.region_section
    assert not section.x_spin.isEnabled()
    assert section.hint.isVisibleTo(panel)
    document.select(2)
    assert section.x_spin.isEnabled()
    assert (section.x_spin.value(), section.y_spin.value()) == (320, 360)
    assert (section.width_spin.value(), section.height_spin.value()) == (640, 360)
    assert section.stream.currentData() == "carol-screen"
    assert section.stream.currentText() == "carol · screen"
    document.select(None)
    assert not section.x_spin.isEnabled()
    # Showing a region is no edit.
    assert document.undo_stack.count() == 0


def test_region_fields_edit_the_region_exactly_and_undo(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    section = panel.region_section
    document.select(1)
    original = document.layout
    section.x_spin.setValue(600)
    section.y_spin.setValue(10)
    section.width_spin.setValue(320)
    section.height_spin.setValue(180)
    choose(section.fit, "fill")
    choose(section.stream, "carol-screen")
    section.audio.setChecked(False)
    assert document.layout.regions[1] == replace(
        original.regions[1],
        x=600,
        y=10,
        width=320,
        height=180,
        fit="fill",
        stream_id="carol-screen",
        audio=False,
    )
    assert document.layout.regions[0] == original.regions[0]
    # Moved by hand, the layout is custom: a template would move the region back.
    assert document.layout.template == "custom"
    assert panel.template.currentData() == "custom"
    assert document.undo_stack.count() == 7
    while document.undo_stack.canUndo():
        document.undo_stack.undo()
    assert document.layout == original
    assert section.x_spin.value() == 640
    assert section.stream.currentData() == "bob-camera"


def test_changes_to_one_field_merge_until_it_loses_focus(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    document.select(0)
    for value in (10, 20, 30):
        panel.region_section.x_spin.setValue(value)
    assert document.undo_stack.count() == 1
    document.close_step()  # what leaving the field does
    panel.region_section.x_spin.setValue(40)
    assert document.undo_stack.count() == 2
    document.undo_stack.undo()
    assert document.layout.regions[0].x == 30


def test_leaving_a_field_ends_its_undo_step(
    qtbot: QtBot, panel: LayoutPanel, document: LayoutDocument
) -> None:
    document.select(0)
    section = panel.region_section
    panel.activateWindow()
    section.x_spin.setFocus()
    qtbot.waitUntil(section.x_spin.hasFocus)
    section.x_spin.setValue(10)
    section.x_spin.setValue(20)
    section.y_spin.setFocus()
    qtbot.waitUntil(section.y_spin.hasFocus)
    section.x_spin.setValue(30)
    assert document.undo_stack.count() == 2


def test_the_wheel_scrolls_past_fields_it_has_not_been_given(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    combo = panel.template
    assert not combo.hasFocus()
    centre = QPointF(combo.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(combo.mapToGlobal(combo.rect().center())),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(combo, wheel)
    assert combo.currentData() == "grid"
    assert document.undo_stack.count() == 0


def test_an_odd_size_typed_in_becomes_even(
    qtbot: QtBot, panel: LayoutPanel, document: LayoutDocument
) -> None:
    document.select(0)
    spin = panel.region_section.width_spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "301")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert document.layout.regions[0].width == 300


def test_border_and_placeholder(panel: LayoutPanel, document: LayoutDocument) -> None:
    section = panel.region_section
    document.select(0)
    assert not section.border_width.isEnabled()
    section.border.setChecked(True)
    section.border_width.setValue(6)
    section.border_color.choose("#00ff00")
    section.placeholder.choose("#112233")
    region = document.layout.regions[0]
    assert region.border == Border(6, "#00ff00")
    assert region.placeholder.color == "#112233"
    section.border.setChecked(False)
    assert document.layout.regions[0].border is None


def test_a_stream_not_in_the_room_is_still_shown(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    document.replace_region(0, replace(document.layout.regions[0], stream_id="eve-camera"), "eve")
    document.select(0)
    assert panel.region_section.stream.currentData() == "eve-camera"
    assert "eve-camera" in panel.region_section.stream.currentText()


# --- streams --------------------------------------------------------------------------------------


def test_streams_are_dragged_as_their_id(panel: LayoutPanel) -> None:
    listed = [panel.streams.item(i) for i in range(panel.streams.count())]
    assert [item.text() for item in listed] == [
        "alice · camera",
        "bob · camera",
        "carol · screen",
        "dave · audio",
    ]
    assert panel.streams.mimeTypes() == [STREAM_MIME]
    data = panel.streams.mimeData([listed[2]])
    assert bytes(data.data(STREAM_MIME).data()) == b"carol-screen"
    # A sound-only stream has no picture to place.
    assert not listed[3].flags() & Qt.ItemFlag.ItemIsDragEnabled
    assert listed[0].flags() & Qt.ItemFlag.ItemIsDragEnabled


def test_assign_puts_the_stream_into_the_selected_region(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    assert not panel.assign.isEnabled()
    panel.streams.setCurrentRow(2)
    assert not panel.assign.isEnabled()  # no region selected
    document.select(0)
    assert panel.assign.isEnabled()
    panel.assign.click()
    assert document.layout.regions[0].stream_id == "carol-screen"
    panel.streams.setCurrentRow(3)
    assert not panel.assign.isEnabled()
    document.undo_stack.undo()
    assert document.layout.regions[0].stream_id == "alice-camera"


# --- problems -------------------------------------------------------------------------------------


def test_problems_show_errors_in_red_and_warnings_in_amber(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    assert panel.problems.count() == 0
    assert panel.no_problems.isVisibleTo(panel)
    assert panel.sections["problems"].header.text() == "Problems"
    odd = replace(document.layout.regions[1], width=641)
    document.replace_region(1, odd, "odd width")
    lines = problem_items(panel)
    error_colour, warning_colour = row_colour("error").name(), row_colour("warning").name()
    assert not panel.no_problems.isVisibleTo(panel)
    assert ("regions[1].width: must be a positive even number, got 641", error_colour, 1) in lines
    assert all(colour == error_colour for _, colour, _ in lines)
    assert panel.sections["problems"].header.text() == f"Problems ({len(lines)})"
    document.undo_stack.undo()
    document.replace_region(2, replace(document.layout.regions[2], stream_id="eve"), "eve")
    assert problem_items(panel) == [
        ("regions[2].stream_id: no stream 'eve' in the room (yet)", warning_colour, 2)
    ]


def test_double_clicking_a_problem_selects_its_region(
    panel: LayoutPanel, document: LayoutDocument
) -> None:
    document.replace_region(2, replace(document.layout.regions[2], height=361), "odd height")
    item = panel.problems.item(0)
    panel.problems.itemDoubleClicked.emit(item)
    assert document.selected == 2
    assert panel.region_section.height_spin.value() == 361


# --- the look -------------------------------------------------------------------------------------


def test_screenshot(qtbot: QtBot, tmp_path: Path, document: LayoutDocument) -> None:
    """The panel at its usual width (tall, and short enough to scroll) and the presets bar, for a
    person to look at."""
    store = PresetStore(tmp_path / "presets")
    store.save("Weekly meeting", document.layout)
    bar = PresetsBar(store, document)
    panel = LayoutPanel(document)
    panel.set_streams(streams())
    qtbot.addWidget(bar)
    qtbot.addWidget(panel)
    mark = Watermark("logo.png", 1104, 16, 160, 80)
    document.edit(document.layout.with_canvas(replace(document.layout.canvas, watermark=mark)), "")
    bob = replace(document.layout.regions[1], height=361, border=Border(200, "#ffcc00"))
    document.replace_region(1, bob, "odd height, wide border")
    document.select(1)
    panel.streams.setCurrentRow(2)
    shots = {"layout_panel_tall": (panel, 1100), "layout_panel": (panel, 760), "presets": (bar, 0)}
    for name, (widget, height) in shots.items():
        widget.resize(
            panel.sizeHint().width() if widget is panel else 720,
            height or widget.sizeHint().height(),
        )
        widget.show()
        qtbot.wait(50)
        path = tmp_path / f"{name}.png"
        assert widget.grab().save(str(path))
    print(tmp_path)
