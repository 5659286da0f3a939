"""From command-line words to a running mix: stream ids, the layout, the inputs.

- **Stream ids** name the sources in a layout: the file or URL's last name without its extension
  (`cam1.mp4` and `rtmp://host/live/cam1` are both `cam1`); a repeated name gets `-2`, `-3`, ...
- **Layout**: a template id arranges the sources on a canvas of `size` and `fps`; a JSON file is
  used as it is (its canvas wins), with a warning for each of its stream ids no source has.
- **Live**: a mix is live when its sources are (files played with `--live`); files and live sources
  cannot be mixed otherwise, since files would be read as fast as the disk allows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

from app.layout.errors import LayoutError
from app.layout.model import TEMPLATES, Canvas, Layout
from app.layout.templates import StreamRef, arrange
from app.media.errors import SourceError
from app.media.formats import ContainerFormat
from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource
from app.media.sources import open_source, parse_source

log = logging.getLogger(__name__)

_SIZE = re.compile(r"^(\d+)x(\d+)$")


def parse_size(text: str) -> tuple[int, int]:
    """`1280x720` → (1280, 720); even sizes only (yuv420p)."""
    match = _SIZE.match(text)
    if not match:
        raise LayoutError(f"--size {text}: give WIDTHxHEIGHT, like 1280x720")
    width, height = int(match[1]), int(match[2])
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise LayoutError(f"--size {text}: width and height must be positive and even")
    return width, height


def stream_ids(sources: Sequence[str]) -> list[str]:
    """A layout id for each source: its last name without extension, made unique."""
    ids: list[str] = []
    for text in sources:
        name = text.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
        base = Path(name).stem or "stream"
        candidate, n = base, 1
        while candidate in ids:
            n += 1
            candidate = f"{base}-{n}"
        ids.append(candidate)
    return ids


def make_layout(
    spec: str, ids: Sequence[str], *, size: tuple[int, int], fps: int
) -> tuple[Layout, list[str]]:
    """The layout named by `--layout` (a template id or a JSON file), and its warnings."""
    if spec in TEMPLATES:
        canvas = Canvas(width=size[0], height=size[1], fps=fps)
        streams = [StreamRef(i) for i in ids]
        layout = Layout(template=spec, canvas=canvas, regions=arrange(spec, canvas, streams))
        return layout, layout.validate(ids)
    if not spec.endswith(".json") and not Path(spec).exists():
        raise LayoutError(
            f"--layout {spec}: not a template ({', '.join(TEMPLATES)}) nor a JSON layout file"
        )
    layout = Layout.load(spec)
    return layout, layout.validate(ids)


def open_mix(
    sources: Sequence[str],
    layout: Layout,
    fmt: ContainerFormat,
    *,
    live: bool,
    position: float = 0.0,
    max_idle: float = 60.0,
) -> MixSource:
    """Open every source and start a mix of them (closing what was opened if one fails)."""
    specs = [parse_source(text) for text in sources]
    kinds = {"file" if (s.kind == "file" and not live) else "live" for s in specs}
    if len(kinds) > 1:
        raise SourceError(
            "a mix of files and live sources needs --live, so the files play in real time"
        )
    inputs: list[MixInput] = []
    try:
        for stream_id, spec in zip(stream_ids(sources), specs, strict=True):
            source = open_source(spec, live=live, position=position, max_idle=max_idle)
            inputs.append(MixInput(stream_id, source))
        return MixSource(inputs, layout, fmt, live=kinds == {"live"})
    except BaseException:
        for item in inputs:
            item.close()
        raise
