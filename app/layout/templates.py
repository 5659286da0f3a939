"""Templates: where each stream in a room goes, and how a layout follows people joining and leaving.

- `grid`: every stream in the largest equal 16:9 tiles that fit (at most 25), the last row centred.
- `floating`: the main stream on the whole canvas; the others as small windows over it, along the
  bottom right.
- `vertical`: the main stream at the left, three quarters wide; the others in a column at the right.
- `horizontal`: the main stream on top, three quarters high; the others in a row along the bottom.
- `speaker`: `vertical`, with the most recent loud speaker as the main stream.
- `screen_share`: `vertical`, with a screen stream as the main stream; `grid` when there is none.
- `custom`: regions stay exactly as set; `reflow` never moves them. Asked to arrange, it starts
  from the grid, for an editor to change.

The main stream is the one asked for if it is there with video: `main` (for screen_share, only
a screen), or for speaker `speaker`, then `main`. Otherwise it is the first screen for floating and
screen_share, and the first stream for the rest. `reflow` passes the previous main as `main`, so
the main stays put as others come and go.

Audio-only streams get no region (the compositor mixes their sound all the same), and with no video
stream there are no regions: the canvas background shows. At most 25 streams get a region, the
main one first, then in the order given. Only floating windows overlap anything; they are drawn
above the main stream (z 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, assert_never, get_args

from app.layout import geometry
from app.layout.errors import LayoutError
from app.layout.geometry import Box
from app.layout.model import Canvas, Layout, Region, TemplateId

StreamKind = Literal["camera", "screen", "audio"]
STREAM_KINDS: tuple[StreamKind, ...] = get_args(StreamKind)
MAX_STREAM_REGIONS = 25
"""The most streams a template gives a region; beyond that, tiles would be too small to see."""


@dataclass(frozen=True)
class StreamRef:
    """A stream in the room, as the templates see it: its id and what it carries."""

    stream_id: str
    kind: StreamKind = "camera"

    def __post_init__(self) -> None:
        if not self.stream_id:
            raise LayoutError("stream_id: must be a non-empty string")
        if self.kind not in STREAM_KINDS:
            raise LayoutError(
                f"stream {self.stream_id!r}: unknown kind {self.kind!r}; "
                f"use one of {'|'.join(STREAM_KINDS)}"
            )

    @property
    def has_video(self) -> bool:
        """Whether the stream gets a region (audio-only streams are only heard)."""
        return self.kind != "audio"


def arrange(
    template: TemplateId,
    canvas: Canvas,
    streams: Sequence[StreamRef],
    *,
    speaker: str | None = None,
    main: str | None = None,
) -> tuple[Region, ...]:
    """The regions `template` gives `streams` on `canvas`, with default settings.

    `main` picks the main stream of floating, vertical, horizontal and screen_share (a screen),
    and is the fallback of speaker; `speaker` is the most recent loud speaker. `LayoutError` for
    an unknown template or an invalid canvas.
    """
    Layout(template=template, canvas=canvas).validate()
    video = _video_streams(streams)
    whole = Box(0, 0, canvas.width, canvas.height)
    match template:
        case "grid" | "custom":
            return _grid(video, whole)
        case "floating":
            first = _main(video, main, prefer_screen=True)
            return _with_main(video, first, _floating, whole, others_z=1)
        case "vertical":
            return _with_main(video, _main(video, main), geometry.main_beside, whole)
        case "horizontal":
            return _with_main(video, _main(video, main), geometry.main_above, whole)
        case "speaker":
            wanted = speaker if _find(video, speaker) is not None else main
            return _with_main(video, _main(video, wanted), geometry.main_beside, whole)
        case "screen_share":
            screens = [s for s in video if s.kind == "screen"]
            if not screens:
                return _grid(video, whole)
            return _with_main(video, _main(screens, main), geometry.main_beside, whole)
        case _:
            assert_never(template)


def reflow(layout: Layout, streams: Sequence[StreamRef], *, speaker: str | None = None) -> Layout:
    """`layout` after streams joined or left: arranged again by its template.

    A stream that keeps a region keeps that region's fit, border, placeholder and audio; new
    streams get the defaults. The main stream stays the same unless it left (or, for speaker,
    someone else spoke). A custom layout is returned unchanged.
    """
    if layout.template == "custom":
        return layout
    previous = _main_of(layout)
    regions = arrange(layout.template, layout.canvas, streams, speaker=speaker, main=previous)
    return layout.with_regions(_keep_settings(region, layout) for region in regions)


def _keep_settings(region: Region, layout: Layout) -> Region:
    """`region` with the settings its stream had in `layout`, if it had a region there."""
    old = layout.region_of(region.stream_id) if region.stream_id is not None else None
    if old is None:
        return region
    return replace(
        region, fit=old.fit, border=old.border, placeholder=old.placeholder, audio=old.audio
    )


def _video_streams(streams: Sequence[StreamRef]) -> list[StreamRef]:
    """Streams with video, each id once, in order."""
    seen: set[str] = set()
    video = []
    for stream in streams:
        if stream.has_video and stream.stream_id not in seen:
            seen.add(stream.stream_id)
            video.append(stream)
    return video


def _find(streams: Sequence[StreamRef], stream_id: str | None) -> StreamRef | None:
    return next((s for s in streams if s.stream_id == stream_id), None)


def _main(
    streams: Sequence[StreamRef], wanted: str | None, *, prefer_screen: bool = False
) -> StreamRef | None:
    """The stream asked for if present, else the first screen (when preferred), else the first."""
    found = _find(streams, wanted)
    if found is not None:
        return found
    if prefer_screen:
        found = next((s for s in streams if s.kind == "screen"), None)
    return found or next(iter(streams), None)


def _main_of(layout: Layout) -> str | None:
    """The stream of the largest region (the first of equals): the main one of its template."""
    filled = [r for r in layout.regions if r.stream_id is not None]
    return max(filled, key=lambda r: r.area).stream_id if filled else None


def _with_main(
    streams: Sequence[StreamRef],
    main: StreamRef | None,
    place: Callable[[Box, int], tuple[Box, list[Box]]],
    canvas: Box,
    *,
    others_z: int = 0,
) -> tuple[Region, ...]:
    """The main stream's region first (z 0), then the others' (`others_z`)."""
    if main is None:
        return ()
    # The main stream is chosen from everyone; the cap falls on the others.
    others = [s for s in streams if s is not main][: MAX_STREAM_REGIONS - 1]
    main_box, boxes = place(canvas, len(others))
    return _regions([main], [main_box]) + _regions(others, boxes, z=others_z)


def _grid(streams: Sequence[StreamRef], canvas: Box) -> tuple[Region, ...]:
    placed = streams[:MAX_STREAM_REGIONS]
    return _regions(placed, geometry.grid(len(placed), canvas))


def _floating(canvas: Box, others: int) -> tuple[Box, list[Box]]:
    return canvas, geometry.windows(others, canvas)


def _regions(
    streams: Sequence[StreamRef], boxes: Sequence[Box], *, z: int = 0
) -> tuple[Region, ...]:
    """A region with default settings per stream; streams left without a box get none, and so
    do boxes too small to draw in (a canvas of a few pixels)."""
    return tuple(
        Region(box.x, box.y, box.width, box.height, stream_id=stream.stream_id, z=z)
        for stream, box in zip(streams, boxes, strict=False)
        if box.width >= 2 and box.height >= 2
    )
