"""Layouts as the service receives them: a template id or a layout's JSON form, made concrete.

A template id is arranged for the room's streams on the default canvas (1280x720, 30 fps); a
layout given as itself was read and checked once, with the request (`app.api.layouts`), so
nothing invalid reaches a recording. Its images are checked here against the service's images
area (`app.service.images.refs`): names there, never a path or URL.
`preview_jpeg` renders one frame through the compositor a mixed recording uses, its images read
from the images area only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

import av

from app.api.errors import ApiError, ErrorCode
from app.layout.model import TEMPLATES, Canvas, Layout
from app.layout.templates import StreamRef
from app.media.errors import ImageError
from app.media.mix.graph import render_preview
from app.media.pipeline.layouts import DEFAULT_CANVAS, default_layout
from app.service.images.refs import check_layout_images
from app.service.images.store import ImageStore
from app.service.live.frames import current_frame, encode_jpeg
from app.service.rooms.base import LiveStream


def resolve_layout(
    spec: Layout | str,
    streams: Iterable[LiveStream],
    *,
    images: ImageStore | None,
    canvas: Canvas = DEFAULT_CANVAS,
) -> Layout:
    """The layout `spec` stands for, for these streams: a template arranged on `canvas` (a running
    mix's own, when it changes layout), or the layout itself, read and checked with the request
    (`app.api.layouts`), its images names of `images` (None: well-formed names, not looked up);
    `ApiError` for a template id that is none, or an image that is not in the area.
    """
    if isinstance(spec, Layout):
        check_layout_images(spec, images)
        return spec
    if spec not in TEMPLATES:
        raise ApiError(
            ErrorCode.invalid_layout,
            f"layout: unknown template {spec!r}; use one of {', '.join(TEMPLATES)} "
            "or a layout object",
        )
    refs = [StreamRef(s.stream_id, s.kind) for s in streams]
    return default_layout(refs, canvas, spec)


def changed_layout(
    current: Layout,
    spec: Layout | str,
    streams: Iterable[LiveStream],
    *,
    images: ImageStore | None,
) -> Layout:
    """The layout a running mix changes to: `spec` for these streams on its own canvas, which
    keeps its size and rate (the files cannot change them); `ApiError` otherwise."""
    canvas = current.canvas
    layout = resolve_layout(spec, streams, images=images, canvas=canvas)
    new = layout.canvas
    if (new.width, new.height, new.fps) != (canvas.width, canvas.height, canvas.fps):
        raise ApiError(
            ErrorCode.invalid_layout,
            f"canvas: a recording keeps its size and rate; this one records "
            f"{canvas.width}x{canvas.height} at {canvas.fps} fps",
        )
    return layout


def preview_jpeg(
    layout: Layout,
    streams: Mapping[str, LiveStream],
    images: ImageStore,
    *,
    cancel: threading.Event | None = None,
    max_width: int | None = None,
) -> bytes:
    """One frame of `layout` made from each region's stream as it is now (blocking); its images
    from the images area (an image removed since it was checked: 422 `unknown_image`); scaled
    down to at most `max_width` pixels wide when given.

    Once `cancel` is set it stops at its next step (a stream read, the composing, the JPEG) with
    `PreviewCancelled`: a preview nobody waits for gives its thread back.
    """
    frames: dict[str, av.VideoFrame | None] = {}
    for region in layout.regions:
        sid = region.stream_id
        if sid is not None and sid in streams and sid not in frames:  # each stream read once
            _go_on(cancel)
            frames[sid] = current_frame(streams[sid])
    _go_on(cancel)
    try:
        picture = render_preview(layout, frames, images=images.files)
    except ImageError as exc:
        raise ApiError(ErrorCode.unknown_image, str(exc)) from exc
    _go_on(cancel)
    return encode_jpeg(picture, max_width=max_width)


class PreviewCancelled(Exception):
    """A preview stopped between two steps because its `cancel` was set (its client left)."""


def _go_on(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise PreviewCancelled
