"""Demo controls (only with the demo rooms, from `--demo` or the config): make a participant
join or leave a demo room now.

Operators use them to show what a recording does when people come and go; tests use them to
make it happen at a known moment.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.api.errors import ApiError, ErrorCode
from app.api.models import Room
from app.service.routes.deps import ServiceDep

router = APIRouter(prefix="/v1/demo/rooms", tags=["demo"])


@router.post("/{room_id}/users/{user_id}/join", response_model=Room)
async def join(room_id: str, user_id: str, service: ServiceDep) -> Room:
    """The user's streams join the room (again)."""
    return _act(service, room_id, user_id, join=True)


@router.post("/{room_id}/users/{user_id}/leave", response_model=Room)
async def leave(room_id: str, user_id: str, service: ServiceDep) -> Room:
    """The user's streams leave the room."""
    return _act(service, room_id, user_id, join=False)


def _act(service: ServiceDep, room_id: str, user_id: str, *, join: bool) -> Room:
    from app.service.rooms.composite import find_provider
    from app.service.rooms.demo import DemoRooms

    rooms = find_provider(service.rooms, DemoRooms)
    if rooms is None:
        raise ApiError(ErrorCode.not_found, "demo controls exist only with the demo rooms")
    # Unknown rooms and users are ApiErrors from the provider itself.
    if join:
        rooms.join(room_id, user_id)
    else:
        rooms.leave(room_id, user_id)
    state = rooms.room(room_id)
    assert state is not None
    return state.to_api(service.tasks.active_ids(room_id), service.tasks.paused_ids(room_id))
