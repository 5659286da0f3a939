"""Seed 003's mixed-stream layout (`MixConfig` at the start, `UpdateLayout` later) as our layout.

- `MixMode` 2 (the default), 3, 4, 5: our templates `grid`, `horizontal`, `vertical`,
  `floating`, arranged as ours arrange them; `MixMaxResolutionStreamId` is the main stream (the
  large region).
- `MixMode` 1 with `MixInputList`: template `custom`, each entry a region from `Left`/`Top` to
  `Right`/`Bottom`, `Layer` as its `z`; an entry without `StreamId` gets the next of the room's
  video streams that no entry names.
- `MixOutputVideoConfig` (`Width`, `Height`, `Fps`, `Bitrate` in bits/s) is the canvas, at the
  start only: a running mix keeps its canvas.

Custom boxes are rounded down to even pixels (the picture is yuv420p). A whiteboard region
(`ViewType` 2) is refused: RecDesk records no whiteboard. A template without a main stream and a
canvas of its own is handed to the core by name, which arranges it for the streams it records; a
main stream or a canvas is arranged here (`app.layout.templates.arrange`) and handed over as a
layout object, and the core validates either the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.api.errors import ApiError, ErrorCode
from app.layout.errors import LayoutError, LayoutLimitError
from app.layout.model import Canvas, Layout, Region, TemplateId
from app.layout.templates import StreamRef, arrange
from app.media.pipeline.layouts import DEFAULT_CANVAS
from app.service.compat.action_bodies import MixConfig, MixInput, OutputVideo, UpdateLayout
from app.service.rooms.base import LiveStream

MIX_TEMPLATES: dict[int, TemplateId] = {
    1: "custom",
    2: "grid",
    3: "horizontal",
    4: "vertical",
    5: "floating",
}


def start_layout(mix: MixConfig, streams: Sequence[LiveStream]) -> Layout | str:
    """A StartRecord's `MixConfig` as the `layout` of a `RecordingCreate`."""
    video = mix.mix_output_video_config
    canvas = None if video is None else _canvas(video)
    return _layout(
        mix.mix_mode, mix.mix_input_list, mix.mix_max_resolution_stream_id, canvas, streams
    )


def updated_layout(
    body: UpdateLayout, current: Layout | None, streams: Sequence[LiveStream]
) -> Layout | str:
    """An UpdateLayout as the spec of `set_layout`, on the running mix's canvas (`current`)."""
    canvas = None
    if current is not None and (body.mix_mode == 1 or body.mix_max_resolution_stream_id):
        canvas = current.canvas
    return _layout(
        body.mix_mode, body.mix_input_list, body.mix_max_resolution_stream_id, canvas, streams
    )


def _layout(
    mix_mode: int,
    inputs: Sequence[MixInput],
    main: str | None,
    canvas: Canvas | None,
    streams: Sequence[LiveStream],
) -> Layout | str:
    template = MIX_TEMPLATES[mix_mode]
    if template != "custom" and main is None and canvas is None:
        return template
    canvas = canvas or DEFAULT_CANVAS
    refs = [StreamRef(s.stream_id, s.kind) for s in streams]
    regions: Sequence[Region]
    if template == "custom":
        if not inputs:
            raise ApiError(ErrorCode.invalid_value, "MixInputList: MixMode 1 needs the regions")
        regions = _custom(inputs, refs)
    else:
        try:
            regions = arrange(template, canvas, refs, main=main)
        except LayoutLimitError as exc:
            raise ApiError(ErrorCode.limit_exceeded, "; ".join(exc.problems)) from exc
        except LayoutError as exc:
            raise ApiError(ErrorCode.invalid_layout, "; ".join(exc.problems)) from exc
    layout = Layout(template=template, canvas=canvas, regions=tuple(regions))
    try:
        layout.validate()
    except LayoutLimitError as exc:
        raise ApiError(ErrorCode.limit_exceeded, "; ".join(exc.problems)) from exc
    except LayoutError as exc:
        raise ApiError(ErrorCode.invalid_layout, "; ".join(exc.problems)) from exc
    return layout


def _canvas(video: OutputVideo) -> Canvas:
    canvas = replace(DEFAULT_CANVAS, width=video.width, height=video.height, fps=video.fps)
    if video.bitrate is not None:
        canvas = replace(canvas, video_bitrate=video.bitrate)
    return canvas


def _custom(inputs: Sequence[MixInput], refs: Sequence[StreamRef]) -> list[Region]:
    named = {item.stream_id for item in inputs if item.stream_id}
    spare = iter([r.stream_id for r in refs if r.has_video and r.stream_id not in named])
    regions = []
    for n, item in enumerate(inputs):
        where = f"MixInputList[{n}]"
        if item.view_type == 2:
            raise ApiError(
                ErrorCode.invalid_value, f"{where}.ViewType 2: RecDesk records no whiteboard"
            )
        if item.right <= item.left or item.bottom <= item.top:
            raise ApiError(
                ErrorCode.invalid_layout, f"{where}: Right must be past Left, Bottom past Top"
            )
        x, y = _even(item.left), _even(item.top)
        regions.append(
            Region(
                x=x,
                y=y,
                width=_even(item.right - x),
                height=_even(item.bottom - y),
                stream_id=item.stream_id or next(spare, None),
                z=item.layer,
            )
        )
    return regions


def _even(value: int) -> int:
    return value - value % 2
