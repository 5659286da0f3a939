"""Recordings: start, list, read, pause, resume, stop, and change layout or streams while
running."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.models import (
    LayoutUpdate,
    Recording,
    RecordingCreate,
    RecordingList,
    RecordingState,
    StreamsUpdate,
)
from app.service.recordings.presets import with_preset
from app.service.routes.deps import ServiceDep

router = APIRouter(prefix="/v1/recordings", tags=["recordings"])


@router.post("", response_model=Recording, status_code=201)
async def start(body: RecordingCreate, service: ServiceDep) -> Recording:
    """Start recording a room (409 if it already records in this mode); a `preset` of the
    config fills in the fields the body does not give (422 `unknown_preset` if it has none)."""
    config = service.settings.config
    request = with_preset(body, {} if config is None else config.presets)
    return await service.tasks.create(request)


@router.get("", response_model=RecordingList)
async def recordings(
    service: ServiceDep,
    room_id: str | None = None,
    state: RecordingState | None = None,
    cursor: str | None = None,
) -> RecordingList:
    """Recordings, newest first, a page at a time."""
    items, more = service.store.recordings(
        room_id=room_id, state=state, cursor=cursor, limit=service.settings.page_size
    )
    return RecordingList(items=service.tasks.listed(items), next=more)


@router.get("/{recording_id}", response_model=Recording)
async def recording(recording_id: str, service: ServiceDep) -> Recording:
    """One recording: state, reason, timings and files."""
    return service.tasks.get(recording_id)


@router.post("/{recording_id}/pause", response_model=Recording)
async def pause(recording_id: str, service: ServiceDep) -> Recording:
    """Pause; the file goes on without a gap after `resume`."""
    return await service.tasks.pause(recording_id)


@router.post("/{recording_id}/resume", response_model=Recording)
async def resume(recording_id: str, service: ServiceDep) -> Recording:
    """Resume a paused recording."""
    return await service.tasks.resume(recording_id)


@router.post("/{recording_id}/stop", response_model=Recording)
async def stop(recording_id: str, service: ServiceDep) -> Recording:
    """Stop; answers once every file is final, with the files (409 if already stopped)."""
    return await service.tasks.stop(recording_id)


@router.put("/{recording_id}/layout", response_model=Recording)
async def layout(recording_id: str, body: LayoutUpdate, service: ServiceDep) -> Recording:
    """Change a mixed recording's layout from its next frame."""
    return await service.tasks.set_layout(recording_id, body.layout)


@router.put("/{recording_id}/streams", response_model=Recording)
async def streams(recording_id: str, body: StreamsUpdate, service: ServiceDep) -> Recording:
    """Change who is recorded (stream ids, or user ids for all of a user's streams)."""
    return await service.tasks.set_streams(recording_id, body)
