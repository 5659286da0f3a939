"""Rooms, their streams' current pictures, and streams re-served live over HTTP."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from app.api.errors import ApiError, ErrorCode
from app.api.models import Room, RoomList
from app.service.live.frames import current_frame, encode_jpeg
from app.service.live.restream import MEDIA_TYPES, RestreamFormat, live_format, restream
from app.service.rooms.base import LiveStream, RoomState
from app.service.routes.deps import ServiceDep, offset_cursor, read_offset

router = APIRouter(prefix="/v1/rooms", tags=["rooms"])

_MEDIA_TYPES = MEDIA_TYPES


@router.get("", response_model=RoomList)
async def rooms(service: ServiceDep, cursor: str | None = None) -> RoomList:
    """Every room with its live streams, a page at a time."""
    offset = read_offset(cursor)
    every = service.rooms.rooms()
    size = service.settings.page_size
    page = every[offset : offset + size]
    more = offset + size < len(every)
    return RoomList(
        items=[_room_api(service, r) for r in page],
        next=offset_cursor(offset + size) if more else None,
    )


@router.get("/{room_id}", response_model=Room)
async def room(room_id: str, service: ServiceDep) -> Room:
    """One room."""
    return _room_api(service, _room(service, room_id))


@router.get(
    "/{room_id}/streams/{stream_id}/snapshot",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "the stream's picture now"}},
)
async def snapshot(
    room_id: str,
    stream_id: str,
    service: ServiceDep,
    width: Annotated[int | None, Query(gt=0, le=3840)] = None,
) -> Response:
    """The stream's current picture as a JPEG (`width` scales it down)."""
    stream = _stream(service, room_id, stream_id)
    frame = await asyncio.to_thread(current_frame, stream)
    if frame is None:
        raise ApiError(ErrorCode.stream_not_found, f"stream {stream_id!r} has no picture")
    jpeg = await asyncio.to_thread(encode_jpeg, frame, max_width=width)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get(
    "/{room_id}/streams/{stream_id}/live",
    response_class=StreamingResponse,
    responses={200: {"content": {t: {} for t in _MEDIA_TYPES.values()}, "description": "live"}},
)
async def live(
    room_id: str, stream_id: str, service: ServiceDep, format: RestreamFormat | None = None
) -> StreamingResponse:
    """The stream re-served as it comes, to watch or record: MPEG-TS when it holds the codecs
    (the default then), FLV, or Matroska (the default for VP8 and Opus, an SFU's)."""
    stream = _stream(service, room_id, stream_id)
    chosen = format or live_format(stream)
    return StreamingResponse(restream(stream, chosen), media_type=_MEDIA_TYPES[chosen])


def _room_api(service: ServiceDep, state: RoomState) -> Room:
    """A room as the API shows it, with its active and paused recordings."""
    room_id = state.room_id
    return state.to_api(service.tasks.active_ids(room_id), service.tasks.paused_ids(room_id))


def _room(service: ServiceDep, room_id: str) -> RoomState:
    state = service.rooms.room(room_id)
    if state is None:
        raise ApiError(ErrorCode.room_not_found, f"no room {room_id!r}")
    return state


def _stream(service: ServiceDep, room_id: str, stream_id: str) -> LiveStream:
    state = _room(service, room_id)
    stream = state.streams.get(stream_id)
    if stream is None:
        raise ApiError(
            ErrorCode.stream_not_found, f"room {room_id!r} has no live stream {stream_id!r}"
        )
    return stream
