"""Seed 001's anyRTC start and stop calls (`/anyapi/v1/startrecord|stoprecord`), onto the core.

`app.service.compat.anyrtc` reads a call into a `RecordingCreate`; the task manager does the rest.
A stop stops the room's active recording in the mode the call's `Type` (or `Mode`) stands for,
whoever started it, as a second start would have been refused by it. Errors answer in the seed's
form, `{"result": NAME, "code", "message"}`, with the HTTP status of the same error on `/v1`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.api.errors import ApiError, ErrorCode
from app.service.compat.anyrtc import AnyRtcCall, error_body, ok_body, read_call
from app.service.routes.deps import ServiceDep

router = APIRouter(prefix="/anyapi/v1", tags=["anyRTC (seed 001)"])


@router.get("/startrecord")
@router.post("/startrecord", include_in_schema=False)
async def start_record(request: Request, service: ServiceDep) -> JSONResponse:
    """Start recording `ArRoomID` (a mixed recording of the meeting for `Type=Meet`)."""
    try:
        call = await _call(request)
        rec = await service.tasks.create(call.recording_create())
    except ApiError as error:
        return JSONResponse(error_body(error), status_code=error.code.status)
    return JSONResponse(ok_body(rec.id))


@router.get("/stoprecord")
@router.post("/stoprecord", include_in_schema=False)
async def stop_record(request: Request, service: ServiceDep) -> JSONResponse:
    """Stop the room's recording; answers once its files are final."""
    try:
        call = await _call(request)
        ids = [
            rec_id
            for rec_id in service.tasks.active_ids(call.room_id)
            if service.tasks.get(rec_id).mode == call.mode
        ]
        if not ids:
            if service.rooms.room(call.room_id) is None:
                raise ApiError(ErrorCode.room_not_found, f"no room {call.room_id!r}")
            raise ApiError(
                ErrorCode.recording_stopped,
                f"room {call.room_id!r} has no {call.mode} recording to stop",
            )
        rec = await service.tasks.stop(ids[0])
    except ApiError as error:
        return JSONResponse(error_body(error), status_code=error.code.status)
    return JSONResponse(ok_body(rec.id))


async def _call(request: Request) -> AnyRtcCall:
    return read_call(
        request.query_params, await request.body(), request.headers.get("content-type")
    )
