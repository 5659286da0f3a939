"""Layouts as the service receives them: a template id or a layout's JSON form, made concrete.

A template id is arranged for the room's streams on the default canvas (1280x720, 30 fps); a
layout given as itself was read and checked once, with the request (`app.api.layouts`), so
nothing invalid reaches a recording.
`preview_jpeg` renders one frame through the compositor a mixed recording uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.api.errors import ApiError, ErrorCode
from app.layout.model import TEMPLATES, Canvas, Layout
from app.layout.templates import StreamRef
from app.media.mix.graph import render_preview
from app.media.pipeline.layouts import DEFAULT_CANVAS, default_layout
from app.service.live.frames import current_frame, encode_jpeg
from app.service.rooms.base import LiveStream


def resolve_layout(
    spec: Layout | str,
    streams: Iterable[LiveStream],
    *,
    canvas: Canvas = DEFAULT_CANVAS,
) -> Layout:
    """The layout `spec` stands for, for these streams: a template arranged on `canvas` (a running
    mix's own, when it changes layout), or the layout itself, read and checked with the request
    (`app.api.layouts`); `ApiError` for a template id that is none.
    """
    if isinstance(spec, Layout):
        return spec
    if spec not in TEMPLATES:
        raise ApiError(
            ErrorCode.invalid_layout,
            f"layout: unknown template {spec!r}; use one of {', '.join(TEMPLATES)} "
            "or a layout object",
        )
    refs = [StreamRef(s.stream_id, s.kind) for s in streams]
    return default_layout(refs, canvas, spec)


def changed_layout(current: Layout, spec: Layout | str, streams: Iterable[LiveStream]) -> Layout:
    """The layout a running mix changes to: `spec` for these streams on its own canvas, which
    keeps its size and rate (the files cannot change them); `ApiError` otherwise."""
    canvas = current.canvas
    layout = resolve_layout(spec, streams, canvas=canvas)
    new = layout.canvas
    if (new.width, new.height, new.fps) != (canvas.width, canvas.height, canvas.fps):
        raise ApiError(
            ErrorCode.invalid_layout,
            f"canvas: a recording keeps its size and rate; this one records "
            f"{canvas.width}x{canvas.height} at {canvas.fps} fps",
        )
    return layout


def preview_jpeg(layout: Layout, streams: Mapping[str, LiveStream]) -> bytes:
    """One frame of `layout` made from each region's stream as it is now (blocking)."""
    frames = {
        region.stream_id: current_frame(streams[region.stream_id])
        for region in layout.regions
        if region.stream_id is not None and region.stream_id in streams
    }
    return encode_jpeg(render_preview(layout, frames))
