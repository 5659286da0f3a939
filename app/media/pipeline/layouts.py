"""The layout a mix gets when none is given, and the command line's way of asking for one.

- **Default layout**: a template arranged for the mix's streams on a canvas
  (`default_layout`); the canvas is `DEFAULT_CANVAS` unless a front end knows better (the
  desktop's quality, the command line's `--size` and `--fps`).
- **Layout**: a template id arranges the sources on a canvas of `size` and `fps`; a JSON file is
  used as it is (its canvas wins), with a warning for each of its stream ids no source has.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from app.layout.errors import LayoutError
from app.layout.model import TEMPLATES, Canvas, Layout, TemplateId
from app.layout.templates import StreamRef, arrange

# The canvas of a mix that is given no other.
DEFAULT_CANVAS = Canvas(width=1280, height=720, fps=30)

_SIZE = re.compile(r"^(\d+)x(\d+)$")


def default_layout(
    streams: Sequence[StreamRef],
    canvas: Canvas = DEFAULT_CANVAS,
    template: TemplateId = "grid",
) -> Layout:
    """`template` (a grid by default) arranged for `streams` on `canvas`."""
    return Layout(template=template, canvas=canvas, regions=arrange(template, canvas, streams))


def parse_size(text: str) -> tuple[int, int]:
    """`1280x720` → (1280, 720); even sizes only (yuv420p)."""
    match = _SIZE.match(text)
    if not match:
        raise LayoutError(f"--size {text}: give WIDTHxHEIGHT, like 1280x720")
    width, height = int(match[1]), int(match[2])
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise LayoutError(f"--size {text}: width and height must be positive and even")
    return width, height


def make_layout(
    spec: str, ids: Sequence[str], *, size: tuple[int, int], fps: int
) -> tuple[Layout, list[str]]:
    """The layout named by `--layout` (a template id or a JSON file), and its warnings."""
    template = next((t for t in TEMPLATES if t == spec), None)
    if template is not None:
        canvas = Canvas(width=size[0], height=size[1], fps=fps)
        layout = default_layout([StreamRef(i) for i in ids], canvas, template)
        return layout, layout.validate(ids)
    if not spec.endswith(".json") and not Path(spec).exists():
        raise LayoutError(
            f"--layout {spec}: not a template ({', '.join(TEMPLATES)}) nor a JSON layout file"
        )
    layout = Layout.load(spec)
    return layout, layout.validate(ids)
