"""Finished files: looked up by name or id, and downloaded (with Range) with `?download=1` or
at `/v1/files/{file_id}/download`; snapshots at `/v1/files/snapshots/{path}`.

The two download paths also take a signed link's `expires` and `signature`
(`app.service.links`): the `downloadUrl` of a callback, which needs no other
credentials, and is refused with 403 `link_invalid` or `link_expired` when wrong or out of date.
A file whose local copy went once its storage confirmed it (`--remove-uploaded`) downloads
through a redirect (307) to a link its storage signed, valid for an hour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse

from app.api.errors import ApiError, ErrorCode
from app.api.models import FileList, RecordedFile
from app.service.links import download_links
from app.service.routes.deps import ServiceDep

if TYPE_CHECKING:
    from app.service.app import Service

router = APIRouter(prefix="/v1/files", tags=["files"])
_BYTES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "the bytes"}
}
_JPEG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}}, "description": "the snapshot"}
}
# A snapshot is one of the JPEGs a recording writes beside its files.
_SNAPSHOT_SUFFIXES = (".jpg", ".jpeg")


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


@router.get("/snapshots/{path:path}", responses=_JPEG, response_class=FileResponse)
async def download_snapshot(
    path: str,
    request: Request,
    service: ServiceDep,
    expires: str | None = None,
    signature: str | None = None,
) -> FileResponse:
    """A snapshot of a recording, by its path under the data folder (a callback's link)."""
    _check_link(request, service, expires, signature)
    recordings = service.settings.recordings_dir.resolve()
    found = (service.settings.data_dir / path).resolve()
    if (
        not found.is_relative_to(recordings)
        or found.suffix.lower() not in _SNAPSHOT_SUFFIXES
        or not found.is_file()
    ):
        raise ApiError(ErrorCode.file_not_found, f"no snapshot {path!r}")
    return FileResponse(found, filename=found.name)


@router.get("/{file_id}/download", responses=_BYTES, response_model=None)
async def download_file(
    file_id: str,
    request: Request,
    service: ServiceDep,
    expires: str | None = None,
    signature: str | None = None,
) -> FileResponse | RedirectResponse:
    """A file's bytes (Range requests supported); a callback's signed link needs nothing else."""
    _check_link(request, service, expires, signature)
    found = service.store.file(file_id)
    if found is None:
        raise ApiError(ErrorCode.file_not_found, f"no file {file_id!r}")
    return await _bytes(found, service)


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
    return await _bytes(found, service)


def _check_link(
    request: Request, service: Service, expires: str | None, signature: str | None
) -> None:
    """A request with a link's parameters is judged by them alone, whoever sends it."""
    if expires is not None or signature is not None:
        download_links(service.settings).check(request.scope["path"], expires, signature)


async def _bytes(found: RecordedFile, service: Service) -> FileResponse | RedirectResponse:
    root = service.settings.data_dir.resolve()
    path = (root / found.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        if found.upload == "uploaded" and (link := await service.tasks.uploads.signed_link(found)):
            return RedirectResponse(link, status_code=307)
        raise ApiError(ErrorCode.file_not_found, f"file {found.file_id} is no longer on disk")
    return FileResponse(path, filename=found.name)
