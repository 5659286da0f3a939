"""The JSON form: round trips, strict reading with JSON paths, and layout files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.layout import (
    TEMPLATES,
    Border,
    Canvas,
    Layout,
    LayoutError,
    Placeholder,
    Region,
    StreamRef,
    TemplateId,
    Watermark,
    arrange,
)

ROOM = [
    StreamRef("teacher"),
    StreamRef("slides", "screen"),
    StreamRef("ann"),
    StreamRef("phone", "audio"),
    StreamRef("bo"),
]

FULL = Layout(
    template="custom",
    canvas=Canvas(
        width=1920,
        height=1080,
        fps=25,
        background="#102030",
        background_image="backgrounds/studio.png",
        video_bitrate=4_500_000,
        audio_bitrate=96_000,
        watermark=Watermark("logo.png", x=1744, y=24, width=152, height=64, opacity=0.75),
    ),
    regions=(
        Region(0, 0, 1440, 1080, stream_id="slides", fit="fit", audio=False),
        Region(
            1440,
            0,
            480,
            270,
            stream_id="teacher",
            z=2,
            fit="fill",
            border=Border(4, "#ff8800"),
            placeholder=Placeholder("#333333", "avatars/teacher.png"),
        ),
        Region(1440, 270, 480, 270, stream_id="ann", fit="stretch", border=Border()),
        Region(1440, 540, 480, 270, placeholder=Placeholder(image="empty-seat.png"), z=-1),
    ),
)


def through_text(layout: Layout) -> Layout:
    return Layout.from_json(json.loads(json.dumps(layout.to_json())))


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_round_trips(template: TemplateId) -> None:
    layout = Layout(template=template, regions=arrange(template, Canvas(), ROOM))
    assert layout.regions
    assert through_text(layout) == layout


def test_a_full_custom_layout_round_trips() -> None:
    assert through_text(FULL) == FULL


def test_the_json_form_has_every_field() -> None:
    data = FULL.to_json()
    assert list(data) == ["version", "template", "canvas", "regions"]
    assert data["version"] == 1
    assert data["canvas"]["watermark"] == {
        "image": "logo.png",
        "x": 1744,
        "y": 24,
        "width": 152,
        "height": 64,
        "opacity": 0.75,
    }
    assert data["regions"][1] == {
        "x": 1440,
        "y": 0,
        "width": 480,
        "height": 270,
        "stream_id": "teacher",
        "z": 2,
        "fit": "fill",
        "border": {"width": 4, "color": "#ff8800"},
        "placeholder": {"color": "#333333", "image": "avatars/teacher.png"},
        "audio": True,
    }
    assert data["regions"][0]["border"] is None
    assert isinstance(data["regions"], list)


def test_left_out_keys_take_their_defaults() -> None:
    data = {"version": 1, "regions": [{"x": 0, "y": 0, "width": 640, "height": 360}]}
    assert Layout.from_json(data) == Layout(regions=(Region(0, 0, 640, 360),))
    assert Layout.from_json({"version": 1}) == Layout()


def test_whole_floats_are_whole_numbers() -> None:
    data = {"version": 1.0, "canvas": {"width": 1280.0, "fps": 30.0}}
    layout = Layout.from_json(data)
    assert layout == Layout()
    assert type(layout.canvas.width) is int


def valid() -> dict[str, Any]:
    return FULL.to_json()


def bad(data: dict[str, Any]) -> str:
    with pytest.raises(LayoutError) as caught:
        Layout.from_json(data)
    return str(caught.value)


def test_read_messages_name_the_json_path() -> None:
    data = valid()
    data["regions"][2]["width"] = 15
    assert bad(data) == "regions[2].width: must be a positive even number, got 15"

    data = valid()
    data["regions"][1]["border"]["color"] = "orange"
    assert bad(data) == "regions[1].border.color: must be a colour #rrggbb, got 'orange'"

    data = valid()
    data["canvas"]["watermark"]["opacity"] = "half"
    assert bad(data) == "canvas.watermark.opacity: must be a number from 0 to 1, got 'half'"

    data = valid()
    data["regions"][0]["x"] = 10.5
    assert bad(data) == "regions[0].x: must be a whole number, 0 or more, got 10.5"

    data = valid()
    data["regions"][0]["audio"] = "yes"
    assert bad(data) == "regions[0].audio: must be true or false, got 'yes'"

    data = valid()
    data["template"] = "mosaic"
    assert bad(data) == (
        "template: unknown template 'mosaic'; "
        "use one of grid|floating|vertical|horizontal|speaker|screen_share|custom"
    )


def test_unknown_keys_are_errors() -> None:
    data = valid()
    data["regions"][1]["widht"] = 480
    assert bad(data) == "regions[1].widht: unknown key; did you mean 'width'?"

    data = valid()
    data["canvas"]["watermark"]["alpha"] = 0.5
    assert bad(data) == (
        "canvas.watermark.alpha: unknown key; known keys: image, x, y, width, height, opacity"
    )

    data = valid()
    data["regions"][1]["placeholder"]["colour"] = "#000000"
    assert bad(data) == "regions[1].placeholder.colour: unknown key; did you mean 'color'?"

    data = valid()
    data["layout"] = "grid"
    assert bad(data) == "layout: unknown key; known keys: template, canvas, regions, version"


def test_missing_and_misshapen_parts() -> None:
    data = valid()
    del data["regions"][3]["height"]
    assert bad(data) == "regions[3].height: required, but missing"

    data = valid()
    del data["canvas"]["watermark"]["image"]
    assert bad(data) == "canvas.watermark.image: required, but missing"

    data = valid()
    data["regions"] = {"0": {}}
    assert bad(data) == "regions: must be a list, got {'0': {}}"

    data = valid()
    data["regions"][0] = [0, 0, 640, 360]
    assert bad(data) == "regions[0]: must be an object, got [0, 0, 640, 360]"

    data = valid()
    data["canvas"] = None
    assert bad(data) == "canvas: must be an object, got null"

    data = valid()
    data["regions"][0]["placeholder"] = None
    assert bad(data) == "regions[0].placeholder: must be an object, got null"

    data = valid()
    data["canvas"]["watermark"] = "logo.png"
    assert bad(data) == "canvas.watermark: must be an object, got 'logo.png'"

    assert bad([1, 2]) == "layout: must be a JSON object, got [1, 2]"  # type: ignore[arg-type]


def test_long_values_are_cut_short() -> None:
    data = valid()
    data["canvas"]["background"] = "x" * 200
    message = bad(data)
    assert message == "canvas.background: must be a colour #rrggbb, got '" + "x" * 56 + "..."


def test_version_comes_first() -> None:
    assert bad({}) == "version: required, but missing; this is version 1"
    # A newer version may use keys this one does not know: the version is what to report.
    assert bad({"version": 2, "scenes": []}) == "version: unknown version 2; known versions: 1"
    assert bad({"version": "1"}) == "version: unknown version '1'; known versions: 1"
    assert bad({"version": True}) == "version: unknown version true; known versions: 1"


def test_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "layout.json"
    FULL.save(path)
    assert Layout.load(path) == FULL
    assert Layout.load(str(path)) == FULL
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert json.loads(text) == FULL.to_json()
    assert [p.name for p in tmp_path.iterdir()] == ["layout.json"]


def test_save_writes_utf8(tmp_path: Path) -> None:
    layout = Layout(regions=(Region(0, 0, 640, 360, stream_id="Zoë 张"),))
    path = tmp_path / "layout.json"
    layout.save(path)
    assert "Zoë 张" in path.read_bytes().decode("utf-8")
    assert Layout.load(path) == layout


def test_save_refuses_an_invalid_layout_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "layout.json"
    FULL.save(path)
    with pytest.raises(LayoutError, match=r"^regions\[0\].width: must be a positive even"):
        Layout(regions=(Region(0, 0, 15, 360),)).save(path)
    assert Layout.load(path) == FULL


def test_save_to_a_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "layout.json"
    with pytest.raises(LayoutError) as caught:
        FULL.save(path)
    assert str(caught.value) == f"cannot write layout {path}: no such file or directory"


def load_problem(path: Path) -> str:
    with pytest.raises(LayoutError) as caught:
        Layout.load(path)
    assert caught.value.caller_fault
    return str(caught.value)


def test_load_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    assert load_problem(path) == f"cannot read layout {path}: no such file"


def test_load_a_folder(tmp_path: Path) -> None:
    assert load_problem(tmp_path) == f"cannot read layout {tmp_path}: is a directory"


def test_load_bad_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "layout.json"
    path.write_text('{\n  "version": 1,\n  "template": "grid",,\n}\n', encoding="utf-8")
    assert load_problem(path) == (
        f"{path}: not valid JSON: Expecting property name enclosed in double quotes "
        "at line 3, column 22"
    )


def test_load_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "layout.json"
    path.write_bytes(b'{"version": 1, "template": "gr\xe9d"}')
    assert load_problem(path) == f"{path}: not UTF-8 text (bad byte at offset 30)"


def test_load_allows_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "layout.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(FULL.to_json()).encode())
    assert Layout.load(path) == FULL


def test_load_an_invalid_layout_names_the_file_and_the_field(tmp_path: Path) -> None:
    data = valid()
    data["regions"][0]["x"] = 600
    path = tmp_path / "layout.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert (
        load_problem(path) == f"{path}: regions[0]: x + width = 2040 is past the canvas width 1920"
    )
