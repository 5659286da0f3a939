"""The images area: the images layouts name, uploaded, listed, read and deleted.

`PUT /v1/images/{name}` takes the image's bytes as the body (`Content-Type: image/png` or
`image/jpeg`): 201 for a new name, 200 with `replaced: true` for a name that had an image. The
upload is stored once it decodes as what it says it is, within the limits of
`app.service.images.store`. Layouts name these images (`"watermark": {"image": "logo.png", ...}`).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from app.api.errors import ApiError, ErrorCode
from app.api.models import ImageList, ImageStored
from app.media.mix.images import MAX_IMAGE_BYTES
from app.service.images.store import MEDIA_TYPES, ImageStore, check_name, image_format
from app.service.routes.deps import ServiceDep

router = APIRouter(prefix="/v1/images", tags=["images"])

# A body past the limit is read on, and dropped, up to this much, so that the client reads the
# 413 rather than a connection reset in the middle of its upload; beyond, the connection closes.
_DRAIN_BYTES = 4 * MAX_IMAGE_BYTES

_IMAGE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/png": {}, "image/jpeg": {}}, "description": "the image's bytes"}
}


def _store(service: ServiceDep) -> ImageStore:
    return ImageStore(service.settings.images_dir)


@router.get("", response_model=ImageList)
async def images(service: ServiceDep) -> ImageList:
    """Every image of the images area, by name: size, picture size, format, when stored."""
    return ImageList(items=await asyncio.to_thread(_store(service).list))


@router.put(
    "/{name}",
    response_model=ImageStored,
    status_code=201,
    responses={200: {"model": ImageStored, "description": "the name's image was replaced"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"image/png": {}, "image/jpeg": {}},
        }
    },
)
async def put_image(
    name: str,
    request: Request,
    response: Response,
    service: ServiceDep,
    content_type: Annotated[str | None, Header()] = None,
) -> ImageStored:
    """Store the body (a PNG or JPEG of at most 8 MiB and 3840x2160) under `name`."""
    check_name(name)
    announced = image_format(content_type)
    data = await _body(request, MAX_IMAGE_BYTES)
    stored = await asyncio.to_thread(_store(service).put, name, data, announced)
    if stored.replaced:
        response.status_code = 200
    return stored


@router.get("/{name}", response_class=Response, responses=_IMAGE)
async def get_image(name: str, service: ServiceDep) -> Response:
    """An image's bytes, as stored."""
    data, fmt = await asyncio.to_thread(_store(service).read, name)
    return Response(data, media_type=MEDIA_TYPES[fmt], headers={"Cache-Control": "no-cache"})


@router.delete("/{name}", status_code=204, response_class=Response)
async def delete_image(name: str, service: ServiceDep) -> Response:
    """Remove an image; layouts that name it are refused from then on (422 `unknown_image`)."""
    await asyncio.to_thread(_store(service).delete, name)
    return Response(status_code=204)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, or 413 `image_too_large` once it is past `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _DRAIN_BYTES:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > _DRAIN_BYTES:
            break
        if size <= limit:
            chunks.append(chunk)
    if size > limit:
        raise _too_large(limit)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        ErrorCode.image_too_large, f"an image is at most {limit // 2**20} MiB; this one is more"
    )
