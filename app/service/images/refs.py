"""A layout's images checked against the images area: each a name there, never a path or URL.

Where the service takes a layout (a start, a preview, a live change, a config preset), every
image field must be a plain name (`app.layout.images`): anything else, a path, `..`, `file:`,
`http:` or `data:`, is `invalid_layout` (422), with a message that names the field and not its
value, so it says the same whatever the value points at. A well-formed name the area does not
hold is `unknown_image` (422). Nothing here touches the file a value names.
"""

from __future__ import annotations

from app.api.errors import ApiError, ErrorCode
from app.layout.images import NAME_RULE, image_fields, is_image_name
from app.layout.model import Layout
from app.service.images.store import ImageStore


def check_layout_images(layout: Layout, images: ImageStore | None) -> None:
    """Refuse image fields that are not names of `images` (None: names only, e.g. a config
    preset read before the service runs; the area is looked at when it starts a recording)."""
    fields = list(image_fields(layout))
    malformed = [path for path, ref in fields if not is_image_name(ref)]
    if malformed:
        raise ApiError(
            ErrorCode.invalid_layout,
            "; ".join(
                f"{path}: must name an image of the service's images area ({NAME_RULE}), "
                "not a path or URL; upload one with PUT /v1/images/NAME"
                for path in malformed
            ),
        )
    if images is None:
        return
    missing = [(path, ref) for path, ref in fields if not images.has(ref)]
    if missing:
        raise ApiError(
            ErrorCode.unknown_image,
            "; ".join(
                f"{path}: no image {ref!r} in the images area; upload it with PUT /v1/images/{ref}"
                for path, ref in missing
            ),
        )
