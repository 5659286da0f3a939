"""A running recording as it is now: the files growing (`/live`) and the mix's picture (`/picture`).

Both are for a client that watches a recording while it runs; a recording that has ended answers
409 `recording_stopped` (its files are all listed then). The picture is the layout in force,
rendered from the room's current frames (as `POST /v1/layouts/preview` renders one) but read with
a GET that names only the recording, scaled down by `width`, and shared by every viewer within
a quarter of a second (`app.service.recordings.live`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from app.api.errors import ApiError, ErrorCode
from app.api.live import RecordingLive
from app.service.connections import Slots
from app.service.images.store import ImageStore
from app.service.recordings.live import LivePictures, writing_files
from app.service.recordings.task import now_utc
from app.service.routes.deps import ServiceDep

router = APIRouter(prefix="/v1/recordings", tags=["recordings"])

_JPEG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}}, "description": "the mix as it is now"}
}


@router.get("/{recording_id}/live", response_model=RecordingLive)
async def live(recording_id: str, service: ServiceDep) -> RecordingLive:
    """The files an active recording is writing now (not listed yet), with their sizes so far."""
    task, paths = service.tasks.writing(recording_id)
    return RecordingLive(
        recording_id=task.id,
        state=task.state,
        at=now_utc(),
        writing=writing_files(task, paths, service.settings.data_dir),
    )


@router.get("/{recording_id}/picture", response_class=Response, responses=_JPEG)
async def picture(
    recording_id: str,
    service: ServiceDep,
    request: Request,
    width: Annotated[int | None, Query(gt=0, le=3840)] = None,
) -> Response:
    """A mixed recording's picture now, in its layout in force, as a JPEG (`width` scales it
    down); 409 `recording_state` for a single-stream recording. It counts as a layout preview
    against `max_previews` (429 `busy` beyond)."""
    task, _ = service.tasks.writing(recording_id)
    room = service.rooms.room(task.rec.room_id)
    if room is None:
        raise ApiError(ErrorCode.room_not_found, f"no room {task.rec.room_id!r}")
    state = request.app.state
    pictures = getattr(state, "live_pictures", None)
    if not isinstance(pictures, LivePictures):
        pictures = state.live_pictures = LivePictures(ImageStore(service.settings.images_dir))
    previews = Slots.on(state, "previews", service.settings.max_previews)
    if not previews.take():
        busy = ApiError(
            ErrorCode.busy, f"{previews.limit} layout previews are rendering, the most at once"
        )
        return JSONResponse(busy.body(), status_code=busy.code.status, headers={"Retry-After": "1"})
    try:
        jpeg = await pictures.picture(task, dict(room.streams), width)
    finally:
        previews.give_back()
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})
