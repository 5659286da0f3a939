"""The video half of a mix: an FFmpeg filter graph built from a layout, one output frame per push.

```
background ─────────────────────────────▶ overlay ─▶ overlay ─▶ … ─▶ overlay(watermark) ─▶ yuv420p
region 1 ─▶ scale/pad|crop (+ border) ────────┘          │
region 2 ─▶ scale/pad|crop (+ border) ───────────────────┘   (regions in z-order)
```

Every input gets exactly one frame per output frame, all with the same timestamp, so the graph's
frame sync never waits: a stalled input's last frame is pushed again, a missing one's placeholder.
The graph is rebuilt when the layout changes or an input's picture changes size or format, between
two output frames, so a change applies from the next frame; the encoder after it never notices.

`render_preview(layout, frames)` runs the same graph once: the desktop's preview is the recording.

**Tile-sized work** (`tile_sized`, the default): a picture scaled down to half its size or less is
scaled by area averaging instead of bicubic (a third of the cost, PSNR over 40 dB against it on
the benchmark's clips), and a region that a region above it covers whole is drawn from its
placeholder, so its picture is never scaled. `shown()` says which streams are seen, and at what
size, so their decoders can follow (`MixInput.show`).

Images (background, watermark, placeholders) come from the `ImageSource` the caller gives
(`app.media.mix.images`): read as bytes and decoded from memory when a layout is set, once per
image, so a layout whose images cannot be read is refused before it is drawn, and FFmpeg never
opens a caller's path or URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import av
import av.filter

from app.layout.images import image_fields
from app.layout.model import Canvas, Layout, Region
from app.media.errors import ImageError
from app.media.mix.images import NO_IMAGES, ImageSource, decode_image, fitted

PIXEL_FORMAT = "yuv420p"
_Key = tuple[object, ...]


def solid(width: int, height: int, color: str) -> av.VideoFrame:
    """A frame of one colour (`#rrggbb`)."""
    rgb = bytes.fromhex(color.removeprefix("#"))
    frame = av.VideoFrame(width, height, "rgb24")
    row = rgb * width
    plane = frame.planes[0]
    data = (row + bytes(plane.line_size - len(row))) * height
    plane.update(data)
    return frame.reformat(format=PIXEL_FORMAT)


def layout_images(
    layout: Layout, images: ImageSource, known: Mapping[str, av.VideoFrame] | None = None
) -> dict[str, av.VideoFrame]:
    """Every image `layout` names, decoded (those in `known` are not read again); `ImageError`,
    naming the field, for one that cannot be read or decoded."""
    decoded: dict[str, av.VideoFrame] = {}
    for path, ref in image_fields(layout):
        if ref in decoded:
            continue
        if known is not None and ref in known:
            decoded[ref] = known[ref]
            continue
        try:
            decoded[ref] = decode_image(images.read(ref))
        except ImageError as exc:
            raise type(exc)(f"{path}: {exc}") from exc
    return decoded


class VideoGraph:
    """Composes one output frame from one frame per region; images come from `images`."""

    def __init__(
        self, layout: Layout, images: ImageSource = NO_IMAGES, *, tile_sized: bool = True
    ) -> None:
        self._layout = layout
        self._images = images
        self._tile_sized = tile_sized
        self._covered = _covered(layout.regions_by_z())
        self._decoded = layout_images(layout, images)
        canvas = layout.canvas
        self._background = (
            fitted(self._decoded[canvas.background_image], canvas.width, canvas.height)
            if canvas.background_image
            else solid(canvas.width, canvas.height, canvas.background)
        )
        self._background = self._background.reformat(format=PIXEL_FORMAT)
        mark = canvas.watermark
        self._watermark = (
            fitted(self._decoded[mark.image], mark.width, mark.height) if mark else None
        )
        self._graph: av.filter.Graph | None = None
        self._key: _Key = ()
        self._placeholders: dict[int, av.VideoFrame] = {}

    @property
    def layout(self) -> Layout:
        """The layout being drawn."""
        return self._layout

    def images_for(self, layout: Layout) -> dict[str, av.VideoFrame]:
        """The decoded images of `layout`, for `set_layout`; any thread. `ImageError` if one
        cannot be read, so a caller can refuse the layout before it reaches the graph."""
        return layout_images(layout, self._images, self._decoded)

    def set_layout(self, layout: Layout, images: Mapping[str, av.VideoFrame] | None = None) -> None:
        """Draw `layout` from the next frame on, with its `images_for` (read now if not given)."""
        if layout.canvas != self._layout.canvas:
            raise ValueError("the canvas of a mix is fixed once it records; change regions only")
        self._decoded = dict(images) if images is not None else self.images_for(layout)
        self._layout = layout
        self._covered = _covered(layout.regions_by_z())
        self._graph = None
        self._placeholders = {}

    def shown(self) -> dict[str, tuple[int, int]]:
        """The streams the layout shows and is not covering, each with its tile's size."""
        regions = self._layout.regions_by_z()
        return {
            r.stream_id: (r.width, r.height)
            for i, r in enumerate(regions)
            if r.stream_id and i not in self._covered
        }

    def compose(self, frames: Mapping[str, av.VideoFrame | None], pts: int) -> av.VideoFrame:
        """The output frame at `pts` (in 1/fps) from each stream's current frame (None: absent)."""
        regions = self._layout.regions_by_z()
        inputs = [
            self._input(i, r, None if i in self._covered else frames.get(r.stream_id or ""))
            for i, r in enumerate(regions)
        ]
        key = tuple((f.width, f.height, f.format.name) for f in inputs)
        if self._graph is None or key != self._key:
            self._graph, self._key = self._build(regions, inputs), key
        base = Fraction(1, self._layout.canvas.fps)
        pushed = [self._background, *inputs]
        if self._watermark is not None:
            pushed.append(self._watermark)
        for at, frame in enumerate(pushed):
            frame.pts, frame.time_base = pts, base
            self._graph.push(frame, at=at)
        out = self._graph.pull()
        assert isinstance(out, av.VideoFrame)
        return out

    def _input(self, index: int, region: Region, frame: av.VideoFrame | None) -> av.VideoFrame:
        if frame is not None:
            return frame
        placeholder = self._placeholders.get(index)
        if placeholder is None:
            spec = region.placeholder
            if spec.image:
                placeholder = fitted(self._decoded[spec.image], region.width, region.height)
            else:
                placeholder = solid(region.width, region.height, spec.color)
            self._placeholders[index] = placeholder.reformat(format=PIXEL_FORMAT)
            placeholder = self._placeholders[index]
        return placeholder

    def _build(self, regions: tuple[Region, ...], inputs: list[av.VideoFrame]) -> av.filter.Graph:
        canvas = self._layout.canvas
        graph = av.filter.Graph()
        # One thread: slice threads cost more in wake-ups than they save on tiles this size (the
        # mix benchmark measured a quarter less CPU for composing); decoders and x264 have theirs.
        graph.threads = 1
        base = Fraction(1, canvas.fps)
        chain = graph.add_buffer(
            width=canvas.width, height=canvas.height, format=PIXEL_FORMAT, time_base=base
        )
        for region, frame in zip(regions, inputs, strict=True):
            source = graph.add_buffer(
                width=frame.width, height=frame.height, format=frame.format.name, time_base=base
            )
            size = (frame.width, frame.height) if self._tile_sized else None
            fitted = _fit(graph, source, region, canvas, size)
            overlay = graph.add("overlay", f"x={region.x}:y={region.y}:eof_action=repeat")
            chain.link_to(overlay, 0, 0)
            fitted.link_to(overlay, 0, 1)
            chain = overlay
        if self._watermark is not None and (mark := canvas.watermark) is not None:
            source = graph.add_buffer(
                width=mark.width,
                height=mark.height,
                format=self._watermark.format.name,
                time_base=base,
            )
            node = source
            if mark.opacity < 1:
                node = _then(graph, node, "format", "rgba")
                node = _then(graph, node, "colorchannelmixer", f"aa={mark.opacity:.3f}")
            overlay = graph.add("overlay", f"x={mark.x}:y={mark.y}")
            chain.link_to(overlay, 0, 0)
            node.link_to(overlay, 0, 1)
            chain = overlay
        chain = _then(graph, chain, "format", PIXEL_FORMAT)
        chain.link_to(graph.add("buffersink"))
        graph.configure()
        return graph


def _covered(regions: tuple[Region, ...]) -> frozenset[int]:
    """The regions (by index in z-order) that one region above them covers whole: every region
    is opaque (a picture, its padding or its placeholder), so nothing of them is seen."""
    return frozenset(
        i
        for i, low in enumerate(regions)
        if any(
            high.x <= low.x
            and high.y <= low.y
            and high.x + high.width >= low.x + low.width
            and high.y + high.height >= low.y + low.height
            for high in regions[i + 1 :]
        )
    )


def _fit(
    graph: av.filter.Graph,
    node: av.filter.FilterContext,
    region: Region,
    canvas: Canvas,
    picture: tuple[int, int] | None = None,
) -> av.filter.FilterContext:
    """Scale a stream into its region by the region's fit mode, inside its border; a `picture`
    of this size scaled to half or less by area averaging, else (or no size given) bicubic."""
    border = region.border.width if region.border else 0
    width, height = region.width - 2 * border, region.height - 2 * border
    flags = ""
    if picture is not None and picture[0] >= 2 * width and picture[1] >= 2 * height:
        flags = ":flags=area"
    match region.fit:
        case "stretch":
            node = _then(graph, node, "scale", f"{width}:{height}{flags}")
        case "fit":
            node = _then(
                graph,
                node,
                "scale",
                f"{width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2"
                + flags,
            )
            node = _then(
                graph,
                node,
                "pad",
                f"{width}:{height}:(ow-iw)/2:(oh-ih)/2:color={canvas.background}",
            )
        case "fill":
            node = _then(
                graph,
                node,
                "scale",
                f"{width}:{height}:force_original_aspect_ratio=increase" + flags,
            )
            node = _then(graph, node, "crop", f"{width}:{height}")
    if region.border is not None and border:
        node = _then(
            graph,
            node,
            "pad",
            f"{region.width}:{region.height}:{border}:{border}:color={region.border.color}",
        )
    return _then(graph, node, "setsar", "1")


def _then(
    graph: av.filter.Graph, node: av.filter.FilterContext, name: str, args: str
) -> av.filter.FilterContext:
    nxt = graph.add(name, args)
    node.link_to(nxt)
    return nxt


def render_preview(
    layout: Layout,
    frames: Mapping[str, av.VideoFrame | None],
    *,
    images: ImageSource = NO_IMAGES,
    pts: int = 0,
) -> av.VideoFrame:
    """One frame of the mix for these streams' frames, through the graph a recording uses."""
    return VideoGraph(layout, images).compose(frames, pts)
