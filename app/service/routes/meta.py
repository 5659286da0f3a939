"""Health, the event stream (server-sent events) and layout previews.

`GET /v1/events` sends each stored event as `id: N`, `event: TYPE`, `data: {Event JSON}`; it
starts after `Last-Event-ID` (or `?since=N`), so a client that reconnects resumes where it was.
Without either it starts with new events only; `since=0` replays the whole log.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from shutil import disk_usage
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response

from app.api.errors import ApiError, ErrorCode
from app.api.models import (
    ClusterHealthModel,
    ClusterNodeModel,
    Health,
    LayoutPreview,
    ProviderHealthModel,
)
from app.service.auth.guard import principal_of
from app.service.connections import Slots, SlotStream
from app.service.images.store import ImageStore
from app.service.limits import run_while_connected
from app.service.recordings.layouts import preview_jpeg, resolve_layout
from app.service.routes.deps import ServiceDep

if TYPE_CHECKING:
    from app.service.app import Service

router = APIRouter(prefix="/v1")

_JPEG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}}, "description": "a JPEG picture"}
}


@router.get("/health", response_model=Health, tags=["service"])
async def health(service: ServiceDep, request: Request) -> Health:
    """Version, uptime, the free space where recordings are written (and whether it is below
    the reserve), and each room provider; the data folder only to a caller the service knows
    (on loopback, or with valid credentials), as a path says how the server is laid out."""
    folder = service.settings.recordings_dir
    free = disk_usage(folder if folder.exists() else service.settings.data_dir).free
    reserve = service.settings.disk_reserve
    return Health(
        version=service.version,
        uptime=round(time.monotonic() - service.started, 3),
        free_bytes=free,
        reserve_bytes=reserve,
        space_short=free < reserve,
        data_dir=str(service.settings.data_dir) if principal_of(request) is not None else None,
        recordings=service.tasks.active_count,
        last_event_id=service.store.last_event_id(),
        providers=[
            ProviderHealthModel.model_validate(entry, from_attributes=True)
            for entry in service.rooms.health()
        ],
        cluster=await _cluster(service),
    )


async def _cluster(service: Service) -> ClusterHealthModel | None:
    """The cluster's hosts, when the workers run on one; None on one host."""
    settings = service.settings.cluster
    if settings is None or settings.address is None:
        return None
    nodes = [
        ClusterNodeModel(
            id=node.node_id,
            address=node.address,
            alive=node.alive,
            cpus=node.cpus,
            free_cpus=node.free_cpus,
            recordings=node.recordings,
        )
        for node in await service.tasks.cluster_health()
    ]
    alive = [node for node in nodes if node.alive]
    return ClusterHealthModel(
        address=settings.address,
        headroom=settings.headroom,
        cpus=sum(node.cpus for node in alive),
        free_cpus=round(sum(node.free_cpus for node in alive), 4),
        nodes=nodes,
    )


@router.get(
    "/events",
    tags=["events"],
    responses={200: {"content": {"text/event-stream": {}}, "description": "server-sent events"}},
)
async def events(
    service: ServiceDep,
    request: Request,
    since: Annotated[int | None, Query(ge=0)] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> Response:
    """Every event after `Last-Event-ID` (or `since`), then each new one as it happens.

    At most `max_event_streams` streams are open at once; beyond, 429 `busy` with Retry-After.
    """
    after = since
    if last_event_id is not None:
        try:
            after = max(0, int(last_event_id))
        except ValueError as exc:
            raise ApiError(ErrorCode.invalid_value, "Last-Event-ID: not an event id") from exc
    start = service.store.last_event_id() if after is None else after
    streams = Slots.on(request.app.state, "event_streams", service.settings.max_event_streams)
    if not streams.take():
        busy = ApiError(ErrorCode.busy, f"{streams.limit} event streams are open, the most at once")
        return JSONResponse(busy.body(), status_code=busy.code.status, headers={"Retry-After": "5"})

    async def stream() -> AsyncIterator[bytes]:
        yield b"retry: 1000\n\n"
        async for event in service.events.follow(start):
            if await request.is_disconnected():
                return
            if event is None:
                yield b": keep-alive\n\n"
                continue
            data = json.dumps(event.model_dump(mode="json"), separators=(",", ":"))
            yield f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n".encode()

    return SlotStream(
        stream(),
        streams,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/layouts/preview", tags=["layouts"], response_class=Response, responses=_JPEG)
async def preview(body: LayoutPreview, service: ServiceDep, request: Request) -> Response:
    """One frame of `layout`, rendered by the compositor from the room's current pictures.

    At most `max_previews` render at once; beyond, 429 `busy` with Retry-After. A preview whose
    client goes away stops at its next step (a stream read, the composing, the JPEG).
    """
    room = service.rooms.room(body.room_id)
    if room is None:
        raise ApiError(ErrorCode.room_not_found, f"no room {body.room_id!r}")
    images = ImageStore(service.settings.images_dir)
    layout = resolve_layout(body.layout, room.streams.values(), images=images)
    previews = Slots.on(request.app.state, "previews", service.settings.max_previews)
    if not previews.take():
        busy = ApiError(
            ErrorCode.busy, f"{previews.limit} layout previews are rendering, the most at once"
        )
        return JSONResponse(busy.body(), status_code=busy.code.status, headers={"Retry-After": "1"})
    streams = dict(room.streams)
    jpeg = await run_while_connected(
        request,
        lambda cancel: preview_jpeg(layout, streams, images, cancel=cancel),
        ended=previews.give_back,
    )
    if jpeg is None:
        return Response(status_code=499)  # nobody reads it; the access log shows why it ended
    return Response(jpeg, media_type="image/jpeg")
