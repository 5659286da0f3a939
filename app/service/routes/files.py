"""Finished files: looked up by name or id, and downloaded (with Range) with `?download=1`.

A file whose local copy went once its storage confirmed it (`--remove-uploaded`) downloads
through a redirect (307) to a link its storage signed, valid for an hour.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from app.api.errors import ApiError, ErrorCode
from app.api.models import FileList, RecordedFile
from app.service.routes.deps import ServiceDep

router = APIRouter(prefix="/v1/files", tags=["files"])


@router.get("", response_model=FileList)
async def files(
    service: ServiceDep,
    name: str | None = None,
    room_id: str | None = None,
    recording_id: str | None = None,
    cursor: str | None = None,
) -> FileList:
    """Files, newest first; `name` matches part of the file name."""
    items, more = service.store.files(
        name=name,
        room_id=room_id,
        recording_id=recording_id,
        cursor=cursor,
        limit=service.settings.page_size,
    )
    return FileList(items=items, next=more)


@router.get(
    "/{file_id}",
    response_model=RecordedFile,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "download=1"}},
)
async def file(
    file_id: str, service: ServiceDep, download: bool = False
) -> RecordedFile | FileResponse | RedirectResponse:
    """A file's metadata, or with `download=1` its bytes (Range requests supported)."""
    found = service.store.file(file_id)
    if found is None:
        raise ApiError(ErrorCode.file_not_found, f"no file {file_id!r}")
    if not download:
        return found
    root = service.settings.data_dir.resolve()
    path = (root / found.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        if found.upload == "uploaded" and (link := await service.tasks.uploads.signed_link(found)):
            return RedirectResponse(link, status_code=307)
        raise ApiError(ErrorCode.file_not_found, f"file {file_id} is no longer on disk")
    return FileResponse(path, filename=found.name)
