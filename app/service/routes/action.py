"""Seed 003's cloud-recording Action API, `POST /?Action=NAME`, onto the core.

| Action                 | body                                   | the core                      |
| ---------------------- | -------------------------------------- | ----------------------------- |
| `StartRecord`          | `RoomId`, `RecordInputParams`, ...     | `TaskManager.create`          |
| `StopRecord`           | `TaskId`                               | `TaskManager.stop`            |
| `PauseRecord`          | `TaskId`                               | `TaskManager.pause`           |
| `ResumeRecord`         | `TaskId`                               | `TaskManager.resume`          |
| `UpdateLayout`         | `TaskId`, `MixMode`, `MixInputList`... | `TaskManager.set_layout`      |
| `DescribeRecordStatus` | `TaskId`                               | `TaskManager.get`             |
| `DescribeTasks`        | `Status`, `RoomId`, `PageOffset`, ...  | the store's listing           |

A task's `TaskId` is its recording id. StartRecord answers `Data: {"TaskId"}`; the others answer
the task as DescribeRecordStatus shows it (`app.service.compat.action_answers`); DescribeTasks
answers `TotalCount`, `PageOffset`, `PageSize` and `TaskList`. The signature parameters of the
query (`AppId`, `SignatureNonce`, `Timestamp`, `SignatureVersion`, `Signature`) are the auth
middleware's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from app.api.errors import ApiError
from app.api.models import RecordedFile, Recording
from app.service.compat.action_answers import (
    NO_ACTION,
    UNSUPPORTED_ACTION,
    FileUrl,
    action_failure,
    epoch_ms,
    failure,
    request_id,
    success,
    task_details,
    task_status,
    task_summary,
)
from app.service.compat.action_bodies import (
    DescribeTasks,
    StartRecord,
    TaskRef,
    UpdateLayout,
    read_body,
)
from app.service.compat.action_layout import updated_layout
from app.service.compat.action_start import recording_create
from app.service.routes.deps import ServiceDep

if TYPE_CHECKING:
    from app.service.app import Service

router = APIRouter(tags=["cloud recording Action API (seed 003)"])

_Handler = Callable[["Service", bytes, FileUrl], Awaitable[dict[str, Any]]]
_SCAN_PAGE = 200


@router.post("/")
async def action(
    request: Request,
    service: ServiceDep,
    name: Annotated[str | None, Query(alias="Action")] = None,
) -> JSONResponse:
    """Run one Action; the answer is `{Code, Message, RequestId, Data}`."""
    rid = request_id()
    if not name:
        known = ", ".join(_ACTIONS)
        return JSONResponse(
            action_failure(rid, NO_ACTION, f"Action: missing; use one of {known}"), status_code=400
        )
    handler = _ACTIONS.get(name)
    if handler is None:
        return JSONResponse(
            action_failure(rid, UNSUPPORTED_ACTION, f"Action {name!r}: not supported"),
            status_code=400,
        )

    def file_url(file: RecordedFile) -> str:
        return f"{request.url_for('file', file_id=file.file_id)}?download=1"

    try:
        data = await handler(service, await request.body(), file_url)
    except ApiError as error:
        return JSONResponse(failure(rid, error), status_code=error.code.status)
    return JSONResponse(success(rid, data))


async def _start(service: Service, raw: bytes, file_url: FileUrl) -> dict[str, Any]:
    body = read_body(StartRecord, raw)
    rec = await service.tasks.create(recording_create(body, service.rooms.room(body.room_id)))
    return {"TaskId": rec.id}


async def _stop(service: Service, raw: bytes, file_url: FileUrl) -> dict[str, Any]:
    return task_details(await service.tasks.stop(read_body(TaskRef, raw).task_id), file_url)


async def _pause(service: Service, raw: bytes, file_url: FileUrl) -> dict[str, Any]:
    return task_details(await service.tasks.pause(read_body(TaskRef, raw).task_id), file_url)


async def _resume(service: Service, raw: bytes, file_url: FileUrl) -> dict[str, Any]:
    return task_details(await service.tasks.resume(read_body(TaskRef, raw).task_id), file_url)


async def _update_layout(service: Service, raw: bytes, file_url: FileUrl) -> dict[str, Any]:
    body = read_body(UpdateLayout, raw)
    rec = service.tasks.get(body.task_id)
    room = service.rooms.room(rec.room_id)
    spec = updated_layout(body, rec.layout, list(room.streams.values()) if room else [])
    return task_details(await service.tasks.set_layout(body.task_id, spec), file_url)


async def _describe(service: Service, raw: bytes, file_url: FileUrl) -> dict[str, Any]:
    return task_details(service.tasks.get(read_body(TaskRef, raw).task_id), file_url)


async def _describe_tasks(service: Service, raw: bytes, file_url: FileUrl) -> dict[str, Any]:
    query = read_body(DescribeTasks, raw)
    matched = _matching(service, query)
    page = max(query.page_offset, 1)
    first = (page - 1) * query.page_size
    return {
        "TotalCount": len(matched),
        "PageOffset": page,
        "PageSize": query.page_size,
        "TaskList": [task_summary(rec) for rec in matched[first : first + query.page_size]],
    }


def _matching(service: Service, query: DescribeTasks) -> list[Recording]:
    """The tasks `query` asks for, newest first, read from the store a page at a time."""
    ended = query.status == 3
    matched: list[Recording] = []
    cursor: str | None = None
    while True:
        page, cursor = service.store.recordings(
            room_id=query.room_id, cursor=cursor, limit=_SCAN_PAGE
        )
        for rec in page:
            created = epoch_ms(rec.created)
            if query.start_time is not None and created < query.start_time:
                return matched  # newest first: every later one is older still
            if query.end_time is not None and created > query.end_time:
                continue
            if (task_status(rec) in (3, 4)) == ended:
                matched.append(rec)
        if cursor is None:
            return matched


_ACTIONS: dict[str, _Handler] = {
    "StartRecord": _start,
    "StopRecord": _stop,
    "PauseRecord": _pause,
    "ResumeRecord": _resume,
    "UpdateLayout": _update_layout,
    "DescribeRecordStatus": _describe,
    "DescribeTasks": _describe_tasks,
}
