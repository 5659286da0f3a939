"""A whole room recorded here draws the images its layout names from the service's images area.

The layout editor names images of the service (`logo.png`); the local recorder reads files of
this computer only. Before such a recording starts, each named image is fetched from the
connected service (`GET /v1/images/{name}`) into a folder of the app's, and the layout given to
the recorder names those files instead.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.client.client import RecDeskClient
from app.layout.images import image_fields, is_image_name, with_images
from app.layout.model import Layout


def service_images(layout: Layout | None) -> set[str]:
    """The images of the service's area that `layout` names (none for a file of this computer)."""
    if layout is None:
        return set()
    return {value for _field, value in image_fields(layout) if is_image_name(value)}


async def fetched_layout(layout: Layout, client: RecDeskClient, folder: Path) -> Layout:
    """`layout` naming local copies of the service's images it names, fetched into `folder`."""
    names = service_images(layout)
    if not names:
        return layout
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    for name in sorted(names):
        data = await client.image(name)
        await asyncio.to_thread((folder / name).write_bytes, data)
    return with_images(layout, lambda value: str(folder / value) if value in names else value)
