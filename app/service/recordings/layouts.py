"""Layouts as the service receives them: a template id or a layout's JSON form, made concrete.

A template id is arranged for the room's streams on the default canvas (1280x720, 30 fps); a JSON
layout is read and validated as it is. Either way a bad layout is an `ApiError` (422,
`invalid_layout`) whose message lists every problem, so nothing invalid reaches a recording.
`preview_jpeg` renders one frame through the compositor a mixed recording uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.api.errors import ApiError, ErrorCode
from app.layout.errors import LayoutError
from app.layout.model import TEMPLATES, Canvas, Layout
from app.layout.templates import StreamRef, arrange
from app.media.mix.graph import render_preview
from app.service.live.frames import current_frame, encode_jpeg
from app.service.rooms.base import LiveStream

DEFAULT_CANVAS = Canvas(width=1280, height=720, fps=30)


def resolve_layout(
    spec: Mapping[str, Any] | str,
    streams: Iterable[LiveStream],
    *,
    canvas: Canvas = DEFAULT_CANVAS,
) -> Layout:
    """The layout `spec` stands for, for these streams; `ApiError` when it is not valid.

    A template is arranged on `canvas` (a running mix's own, when it changes layout).
    """
    refs = [StreamRef(s.stream_id, s.kind) for s in streams]
    try:
        if isinstance(spec, str):
            if spec not in TEMPLATES:
                raise LayoutError(
                    f"layout: unknown template {spec!r}; use one of {', '.join(TEMPLATES)} "
                    "or a layout object"
                )
            return Layout(template=spec, canvas=canvas, regions=arrange(spec, canvas, refs))
        layout = Layout.from_json(spec)
        layout.validate()
        return layout
    except LayoutError as exc:
        raise ApiError(ErrorCode.invalid_layout, "; ".join(exc.problems)) from exc


def preview_jpeg(layout: Layout, streams: Mapping[str, LiveStream]) -> bytes:
    """One frame of `layout` made from each region's stream as it is now (blocking)."""
    frames = {
        region.stream_id: current_frame(streams[region.stream_id])
        for region in layout.regions
        if region.stream_id is not None and region.stream_id in streams
    }
    return encode_jpeg(render_preview(layout, frames))
