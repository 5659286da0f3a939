"""The layout of a mixed recording: the canvas, and the regions streams are drawn into.

Plain frozen data that the compositor draws from and the desktop editor edits. Coordinates are
canvas pixels from the top left; every box is whole pixels and, because the output is yuv420p
(one chroma sample per 2x2 pixels), of positive even width and height. A region's border is drawn
inside its box, so a region never reaches past the box it declares.

Building a value checks nothing, so an editor can hold a half-finished layout; `Layout.validate`
says what is wrong (`app.layout.checks`), and `Layout.from_json` and `Layout.load` return only
valid layouts (`app.layout.jsonform`). Templates that place regions for the streams in a room are
in `app.layout.templates`.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

FitMode = Literal["fit", "fill", "stretch"]
"""How a picture meets its region: whole with bars, cropped to fill it, or stretched to it."""
FIT_MODES: tuple[FitMode, ...] = get_args(FitMode)

TemplateId = Literal[
    "grid", "floating", "vertical", "horizontal", "speaker", "screen_share", "custom"
]
TEMPLATES: tuple[TemplateId, ...] = get_args(TemplateId)

LAYOUT_VERSIONS: tuple[int, ...] = (1,)
"""The versions of the JSON form this code reads; it writes the last."""


@dataclass(frozen=True)
class Watermark:
    """An image drawn over everything, at a fixed place and size."""

    image: str
    x: int
    y: int
    width: int
    height: int
    opacity: float = 1.0


@dataclass(frozen=True)
class Canvas:
    """The output picture and its encoding: size, rate, background, bitrates, watermark."""

    width: int = 1280
    height: int = 720
    fps: int = 30
    background: str = "#000000"
    background_image: str | None = None
    video_bitrate: int = 2_000_000
    audio_bitrate: int = 128_000
    watermark: Watermark | None = None


@dataclass(frozen=True)
class Border:
    """A frame drawn inside a region's box."""

    width: int = 2
    color: str = "#ffffff"


@dataclass(frozen=True)
class Placeholder:
    """What a region shows while its stream has no video or is not in the room."""

    color: str = "#202020"
    image: str | None = None


@dataclass(frozen=True)
class Region:
    """A box on the canvas that one stream's picture fills; `z` orders overlapping boxes."""

    x: int
    y: int
    width: int
    height: int
    stream_id: str | None = None
    z: int = 0
    fit: FitMode = "fit"
    border: Border | None = None
    placeholder: Placeholder = field(default_factory=Placeholder)
    audio: bool = True

    @property
    def area(self) -> int:
        """Width times height, in pixels."""
        return self.width * self.height


@dataclass(frozen=True)
class Layout:
    """A whole mixed layout: which template made it, the canvas, and the regions."""

    template: TemplateId = "grid"
    canvas: Canvas = field(default_factory=Canvas)
    regions: tuple[Region, ...] = ()
    version: int = LAYOUT_VERSIONS[-1]

    def validate(self, stream_ids: Collection[str] | None = None) -> list[str]:
        """Raise `LayoutError` if anything is wrong; return warnings, such as unknown streams.

        With `stream_ids` (the streams now in the room), a region whose stream is not among them
        is a warning: people join late, and the region shows its placeholder until they do.
        """
        from app.layout.checks import validate

        return validate(self, stream_ids)

    def to_json(self) -> dict[str, Any]:
        """The JSON form: plain dicts, lists, strings, numbers, booleans and None."""
        from app.layout.jsonform import layout_to_json

        return layout_to_json(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Layout:
        """A valid layout from its JSON form; `LayoutError` names the JSON path of a bad field."""
        from app.layout.jsonform import layout_from_json

        return layout_from_json(data)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Layout:
        """A valid layout from a UTF-8 JSON file; `LayoutError` names the file and the problem."""
        from app.layout.jsonform import load

        return load(path)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Validate, then write the JSON form to `path` (UTF-8), replacing it all at once."""
        from app.layout.jsonform import save

        save(self, path)

    def regions_by_z(self) -> tuple[Region, ...]:
        """The regions in drawing order: lowest `z` first, equal `z` in list order."""
        return tuple(sorted(self.regions, key=lambda region: region.z))

    def region_of(self, stream_id: str) -> Region | None:
        """The first region the stream fills, if any."""
        return next((r for r in self.regions if r.stream_id == stream_id), None)

    def with_regions(self, regions: Iterable[Region]) -> Layout:
        """The same layout with other regions."""
        return replace(self, regions=tuple(regions))

    def with_region(self, index: int, region: Region) -> Layout:
        """The same layout with region `index` replaced (an editor moving or restyling one box)."""
        regions = list(self.regions)
        regions[index] = region
        return replace(self, regions=tuple(regions))

    def with_canvas(self, canvas: Canvas) -> Layout:
        """The same layout on another canvas; regions are kept as they are."""
        return replace(self, canvas=canvas)

    def with_template(self, template: TemplateId) -> Layout:
        """The same regions under another template; `reflow` then places them its way."""
        return replace(self, template=template)
