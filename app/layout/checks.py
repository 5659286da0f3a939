"""Validation of a layout: every rule, each broken one a message that names the field.

Messages use the JSON path of the field (`canvas.fps`, `regions[2].border.color`) so that the same
words serve a JSON file, the service's API and the desktop editor. Types are checked too: a layout
built in Python, or read from JSON, may hold a float or a string where a whole number belongs.

The limits (`MAX_CANVAS_SIDE`, `MAX_CANVAS_PIXELS`, `MIN_CANVAS_SIDE`, `MAX_REGIONS`) are checked
first and on their own: a layout beyond one is refused with `LayoutLimitError` before its regions
are walked, so every front (the service, config presets, `recdesk-record`, the desktop editor)
refuses the same layouts, and the cost of a refusal does not grow with what was sent.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sized
from typing import TypeGuard

from app.layout.errors import LayoutError, LayoutLimitError
from app.layout.model import (
    FIT_MODES,
    LAYOUT_VERSIONS,
    TEMPLATES,
    Border,
    Canvas,
    Layout,
    Placeholder,
    Region,
    Watermark,
)

MAX_GRID_REGIONS = 25
FPS_RANGE = (1, 120)
# A 4K UHD picture either way round: a longer side, or more pixels, costs the compositor memory and
# time in proportion (every frame is composed at the canvas size) and no recording needs it.
MAX_CANVAS_SIDE = 3840
MAX_CANVAS_PIXELS = 3840 * 2160
# One H.264 macroblock: a smaller picture shows nothing anyone could make out.
MIN_CANVAS_SIDE = 16
# Each region is a scaler and an overlay per frame, and a stream decoded while recording.
MAX_REGIONS = 64
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def shown(value: object) -> str:
    """A value as a message shows it: JSON words for booleans and null, short, on one line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate(layout: Layout, stream_ids: Collection[str] | None = None) -> list[str]:
    """Raise `LayoutError` with every problem found; return the warnings.

    A layout beyond a limit raises `LayoutLimitError` naming only the limits it breaks.
    """
    if limits := limit_problems(layout):
        raise LayoutLimitError(limits[0], limits)
    problems: list[str] = []
    if not _whole(layout.version) or layout.version not in LAYOUT_VERSIONS:
        known = ", ".join(str(v) for v in LAYOUT_VERSIONS)
        problems.append(
            f"version: unknown version {shown(layout.version)}; known versions: {known}"
        )
    if layout.template not in TEMPLATES:
        problems.append(
            f"template: unknown template {shown(layout.template)}; use one of {'|'.join(TEMPLATES)}"
        )
    size = _canvas(layout.canvas, problems)
    if layout.template == "grid" and len(layout.regions) > MAX_GRID_REGIONS:
        problems.append(
            f"regions: a grid holds at most {MAX_GRID_REGIONS} regions, got {len(layout.regions)}"
        )
    for index, region in enumerate(layout.regions):
        _region(region, f"regions[{index}]", size, problems)
    if problems:
        raise LayoutError(problems[0], problems)
    if stream_ids is None:
        return []
    return [
        f"regions[{index}].stream_id: no stream {region.stream_id!r} in the room (yet)"
        for index, region in enumerate(layout.regions)
        if region.stream_id is not None and region.stream_id not in stream_ids
    ]


def limit_problems(layout: Layout) -> list[str]:
    """The limits `layout` is beyond, one message each naming the field and the limit."""
    problems: list[str] = []
    canvas = layout.canvas
    if isinstance(canvas, Canvas):
        width, height = canvas.width, canvas.height
        for path, side in (("canvas.width", width), ("canvas.height", height)):
            if not _whole(side) or side <= 0:
                continue  # not a size at all: the rules say so
            if side > MAX_CANVAS_SIDE:
                problems.append(f"{path}: at most {MAX_CANVAS_SIDE} pixels, got {side}")
            elif side < MIN_CANVAS_SIDE:
                problems.append(f"{path}: at least {MIN_CANVAS_SIDE} pixels, got {side}")
        if not problems and _whole(width) and _whole(height) and width * height > MAX_CANVAS_PIXELS:
            problems.append(
                f"canvas: {width}x{height} is {width * height} pixels; at most "
                f"{MAX_CANVAS_PIXELS} ({MAX_CANVAS_SIDE}x{MAX_CANVAS_PIXELS // MAX_CANVAS_SIDE} "
                "either way round)"
            )
    regions = layout.regions
    if isinstance(regions, Sized) and len(regions) > MAX_REGIONS:
        problems.append(f"regions: at most {MAX_REGIONS} regions, got {len(regions)}")
    return problems


def fitted_size(width: int, height: int) -> tuple[int, int]:
    """`width` x `height` (made even), or if that is beyond the canvas limits, the largest even
    size of the same shape within them: a screen recorded at its own size (a 5K display)."""
    scale = min(
        1.0,
        MAX_CANVAS_SIDE / max(width, height, 1),
        (MAX_CANVAS_PIXELS / max(width * height, 1)) ** 0.5,
    )
    return (
        max(MIN_CANVAS_SIDE, int(width * scale) // 2 * 2),
        max(MIN_CANVAS_SIDE, int(height * scale) // 2 * 2),
    )


def _canvas(canvas: Canvas, problems: list[str]) -> tuple[int, int] | None:
    """Check the canvas; its size when that is valid, for the regions to be measured against."""
    if not isinstance(canvas, Canvas):
        problems.append(f"canvas: must be a Canvas, got {shown(canvas)}")
        return None
    sized = _even_size(canvas.width, "canvas.width", problems)
    sized &= _even_size(canvas.height, "canvas.height", problems)
    low, high = FPS_RANGE
    if not _whole(canvas.fps) or not low <= canvas.fps <= high:
        problems.append(
            f"canvas.fps: must be a whole number from {low} to {high}, got {shown(canvas.fps)}"
        )
    _colour(canvas.background, "canvas.background", problems)
    _image(canvas.background_image, "canvas.background_image", problems, optional=True)
    for name, bitrate in (
        ("video_bitrate", canvas.video_bitrate),
        ("audio_bitrate", canvas.audio_bitrate),
    ):
        if not _whole(bitrate) or bitrate <= 0:
            problems.append(
                f"canvas.{name}: must be a positive whole number of bits per second, "
                f"got {shown(bitrate)}"
            )
    size = (canvas.width, canvas.height) if sized else None
    if canvas.watermark is not None:
        _watermark(canvas.watermark, size, problems)
    return size


def _watermark(mark: Watermark, size: tuple[int, int] | None, problems: list[str]) -> None:
    path = "canvas.watermark"
    if not isinstance(mark, Watermark):
        problems.append(f"{path}: must be a Watermark or null, got {shown(mark)}")
        return
    _image(mark.image, f"{path}.image", problems)
    _box(mark, path, size, problems)
    opacity = mark.opacity
    if (
        not isinstance(opacity, int | float)
        or isinstance(opacity, bool)
        or not 0 <= opacity <= 1  # NaN fails this too
    ):
        problems.append(f"{path}.opacity: must be a number from 0 to 1, got {shown(opacity)}")


def _region(region: Region, path: str, size: tuple[int, int] | None, problems: list[str]) -> None:
    if not isinstance(region, Region):
        problems.append(f"{path}: must be a Region, got {shown(region)}")
        return
    sized = _box(region, path, size, problems)
    sid = region.stream_id
    if sid is not None and (not isinstance(sid, str) or not sid):
        problems.append(f"{path}.stream_id: must be a non-empty string or null, got {shown(sid)}")
    if not _whole(region.z):
        problems.append(f"{path}.z: must be a whole number, got {shown(region.z)}")
    if region.fit not in FIT_MODES:
        problems.append(
            f"{path}.fit: must be one of {'|'.join(FIT_MODES)}, got {shown(region.fit)}"
        )
    if region.border is not None:
        _border(region.border, f"{path}.border", region if sized else None, problems)
    if not isinstance(region.placeholder, Placeholder):
        problems.append(
            f"{path}.placeholder: must be a Placeholder, got {shown(region.placeholder)}"
        )
    else:
        _colour(region.placeholder.color, f"{path}.placeholder.color", problems)
        _image(region.placeholder.image, f"{path}.placeholder.image", problems, optional=True)
    if not isinstance(region.audio, bool):
        problems.append(f"{path}.audio: must be true or false, got {shown(region.audio)}")


def _border(border: Border, path: str, region: Region | None, problems: list[str]) -> None:
    if not isinstance(border, Border):
        problems.append(f"{path}: must be a Border or null, got {shown(border)}")
        return
    _colour(border.color, f"{path}.color", problems)
    if not _whole(border.width) or border.width <= 0:
        problems.append(f"{path}.width: must be a positive whole number, got {shown(border.width)}")
    elif region is not None and 2 * border.width >= min(region.width, region.height):
        # The border is inside the box: two of them as wide as the box leave no picture.
        limit = (min(region.width, region.height) + 1) // 2
        problems.append(
            f"{path}.width: {border.width} leaves no picture inside "
            f"{region.width}x{region.height}; make it less than {limit}"
        )


def _box(
    box: Region | Watermark, path: str, size: tuple[int, int] | None, problems: list[str]
) -> bool:
    """Check position and size, and that the box is inside the canvas; whether it is sound."""
    placed = True
    for axis in ("x", "y"):
        value = getattr(box, axis)
        if not _whole(value) or value < 0:
            problems.append(f"{path}.{axis}: must be a whole number, 0 or more, got {shown(value)}")
            placed = False
    sized = _even_size(box.width, f"{path}.width", problems)
    sized &= _even_size(box.height, f"{path}.height", problems)
    if placed and sized and size is not None:
        canvas_width, canvas_height = size
        if box.x + box.width > canvas_width:
            problems.append(
                f"{path}: x + width = {box.x + box.width} is past the canvas width {canvas_width}"
            )
        if box.y + box.height > canvas_height:
            problems.append(
                f"{path}: y + height = {box.y + box.height} "
                f"is past the canvas height {canvas_height}"
            )
    return placed and sized


def _even_size(value: object, path: str, problems: list[str]) -> bool:
    # yuv420p holds one chroma sample per 2x2 pixels, and encoders refuse odd picture sizes.
    if _whole(value) and value > 0 and value % 2 == 0:
        return True
    problems.append(f"{path}: must be a positive even number, got {shown(value)}")
    return False


def _colour(value: object, path: str, problems: list[str]) -> None:
    if not isinstance(value, str) or not _COLOUR.fullmatch(value):
        problems.append(f"{path}: must be a colour #rrggbb, got {shown(value)}")


def _image(value: object, path: str, problems: list[str], *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        alternative = " or null" if optional else ""
        problems.append(f"{path}: must be an image name or file{alternative}, got {shown(value)}")


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
