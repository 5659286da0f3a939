"""The images a layout names, and the names an images area accepts.

A layout draws three kinds of image: the canvas's `background_image`, the `watermark.image` and
each region's `placeholder.image`. What such a field holds depends on who draws the layout: the
service draws only images of its own images area, named like `logo.png`; `recdesk-record` and the
desktop's local recorder draw files of the user's own computer. Neither ever fetches a URL. This
module knows the fields and the name rule; where a name or a file is read is the compositor's
(`app.media.mix.images`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from app.layout.model import Layout

MAX_NAME_LENGTH = 64
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
# Letters, digits, `.`, `_` and `-`; not starting with a dot (no hidden files, no `..`).
_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")

NAME_RULE = (
    f"letters, digits, '.', '_' and '-', at most {MAX_NAME_LENGTH} characters, "
    f"ending {', '.join(IMAGE_SUFFIXES)}"
)
"""The name rule in words, for messages."""


def is_image_name(value: object) -> bool:
    """Whether `value` is a plain image name such as `logo.png` (see `NAME_RULE`).

    Such a name is one file name, never a path: it holds no separator, no `..` and no scheme, so
    joined to a folder it stays inside it.
    """
    return (
        isinstance(value, str)
        and len(value) <= MAX_NAME_LENGTH
        and _NAME.fullmatch(value) is not None
        and ".." not in value
        and value.lower().endswith(IMAGE_SUFFIXES)
    )


def image_fields(layout: Layout) -> Iterator[tuple[str, str]]:
    """Each image the layout names, as (JSON path of its field, what the field holds)."""
    canvas = layout.canvas
    if canvas.background_image is not None:
        yield "canvas.background_image", canvas.background_image
    if canvas.watermark is not None:
        yield "canvas.watermark.image", canvas.watermark.image
    for index, region in enumerate(layout.regions):
        if region.placeholder.image is not None:
            yield f"regions[{index}].placeholder.image", region.placeholder.image


def with_images(layout: Layout, change: Callable[[str], str]) -> Layout:
    """The layout with every image field's value passed through `change` (a name to a file)."""
    canvas = layout.canvas
    if canvas.background_image is not None:
        canvas = replace(canvas, background_image=change(canvas.background_image))
    if canvas.watermark is not None:
        canvas = replace(
            canvas, watermark=replace(canvas.watermark, image=change(canvas.watermark.image))
        )
    regions = tuple(
        r
        if r.placeholder.image is None
        else replace(r, placeholder=replace(r.placeholder, image=change(r.placeholder.image)))
        for r in layout.regions
    )
    return replace(layout, canvas=canvas, regions=regions)
