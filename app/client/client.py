"""`RecDeskClient`: the typed async client of the recording service's HTTP API (v1).

A method per endpoint, each returning the wire models of `app.api.models` and raising the
`app.client.errors` tree, never an httpx error. The connection under it (state, timeouts,
retries) is `app.client.session.ApiSession`; `async with RecDeskClient(url) as client:` or
`aclose()` when done.

Retry policy: GETs and PUTs are tried again (`RetryPolicy`: 3 attempts, 0.2 s then 0.5 s apart)
when the connection fails or times out and on 502/503/504; POSTs are not, since the service may
have acted on one that got no answer. `stop` is the exception: stopping twice ends in the same
state, so a stop that got no answer is sent again, and if the retry hears 409
`recording_stopped` the first one did its work, and the recording is fetched instead.

The event stream lives in `app.client.events`, downloads in `app.client.download`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from app.api.layouts import layout_json
from app.api.live import RecordingLive
from app.api.models import (
    ACTIVE_STATES,
    Event,
    FileList,
    Health,
    Image,
    ImageList,
    ImageStored,
    RecordedFile,
    Recording,
    RecordingCreate,
    RecordingList,
    RecordingState,
    Room,
    RoomList,
    StorageInfo,
    StreamsUpdate,
)
from app.api.presets import Preset, PresetList, StorageList
from app.client import download as _download
from app.client import events as _events
from app.client.errors import AlreadyStopped, error_from_response
from app.client.policy import STOP_TIMEOUT
from app.client.session import DEFAULT_URL, ApiSession

if TYPE_CHECKING:
    from app.layout.model import Layout

__all__ = ["DEFAULT_URL", "RecDeskClient"]

_SETTLE_POLL = 0.5


def _seg(value: str) -> str:
    # Ids go into the path as one segment: a slash in an id must not reach another endpoint.
    return quote(value, safe="")


def _query(**params: str | None) -> dict[str, str]:
    return {key: value for key, value in params.items() if value is not None}


def _image_type(data: bytes, name: str) -> str:
    # By the bytes' own signature, else by the name: the service decodes it either way, and its
    # refusal of a file that is no image then says so, rather than that the type was missing.
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff") or name.lower().endswith((".jpg", ".jpeg")):
        return "image/jpeg"
    return "image/png"


class RecDeskClient(ApiSession):
    """The recording service's API (v1) as typed async methods; `ApiSession` holds the options."""

    # --- the service and its rooms ------------------------------------------------------------

    async def health(self) -> Health:
        """The service's version, uptime and free disk space."""
        return await self._call("GET", "/v1/health", Health)

    async def rooms(self, cursor: str | None = None) -> RoomList:
        """One page of rooms; pass the previous page's `next` to get the following one."""
        return await self._call("GET", "/v1/rooms", RoomList, params=_query(cursor=cursor))

    async def all_rooms(self) -> list[Room]:
        """Every room, following the pages to the end."""
        rooms: list[Room] = []
        cursor: str | None = None
        while True:
            page = await self.rooms(cursor)
            rooms.extend(page.items)
            if not page.next:
                return rooms
            cursor = page.next

    async def room(self, room_id: str) -> Room:
        """A room and its live streams."""
        return await self._call("GET", f"/v1/rooms/{_seg(room_id)}", Room)

    async def snapshot(self, room_id: str, stream_id: str, *, width: int | None = None) -> bytes:
        """The current picture of a stream, as JPEG bytes; `width` scales it down (a thumbnail)."""
        return await self._bytes(
            "GET",
            f"/v1/rooms/{_seg(room_id)}/streams/{_seg(stream_id)}/snapshot",
            params=None if width is None else {"width": str(width)},
        )

    async def live(
        self, room_id: str, stream_id: str, fmt: Literal["ts", "flv"] = "ts"
    ) -> AsyncGenerator[bytes, None]:
        """A stream re-served live (MPEG-TS or FLV), as chunks of bytes until it ends.

        Close it (`contextlib.aclosing`, or break and let it go) to hang up.
        """
        path = f"/v1/rooms/{_seg(room_id)}/streams/{_seg(stream_id)}/live"
        async with self.get_stream(path, params={"format": fmt}) as response:
            async for chunk in response.aiter_bytes():
                yield chunk

    # --- recordings ---------------------------------------------------------------------------

    async def start_recording(
        self, request: RecordingCreate | None = None, /, **fields: Any
    ) -> Recording:
        """Start recording a room: pass a `RecordingCreate`, or its fields as keywords.

        Fields are checked here first, so a wrong value raises `ValueError` before any request.
        """
        if request is not None and fields:
            raise TypeError("start_recording takes a RecordingCreate or keywords, not both")
        body = request if request is not None else RecordingCreate(**fields)
        return await self._call(
            "POST",
            "/v1/recordings",
            Recording,
            json=body.model_dump(mode="json", exclude_unset=True),
        )

    async def recordings(
        self,
        room_id: str | None = None,
        state: RecordingState | None = None,
        cursor: str | None = None,
    ) -> RecordingList:
        """One page of recordings, newest first, optionally of one room or in one state."""
        params = _query(room_id=room_id, state=state, cursor=cursor)
        return await self._call("GET", "/v1/recordings", RecordingList, params=params)

    async def all_recordings(
        self, room_id: str | None = None, state: RecordingState | None = None
    ) -> list[Recording]:
        """Every recording that matches, following the pages to the end."""
        found: list[Recording] = []
        cursor: str | None = None
        while True:
            page = await self.recordings(room_id, state, cursor)
            found.extend(page.items)
            if not page.next:
                return found
            cursor = page.next

    async def recording(self, recording_id: str) -> Recording:
        """A recording's state, timings and files so far."""
        return await self._call("GET", f"/v1/recordings/{_seg(recording_id)}", Recording)

    async def pause(self, recording_id: str) -> Recording:
        """Pause a recording; the file goes on without a gap once resumed."""
        return await self._call("POST", f"/v1/recordings/{_seg(recording_id)}/pause", Recording)

    async def resume(self, recording_id: str) -> Recording:
        """Resume a paused recording."""
        return await self._call("POST", f"/v1/recordings/{_seg(recording_id)}/resume", Recording)

    async def stop(self, recording_id: str) -> Recording:
        """Stop a recording and return it completed (or failed) with its final files."""
        path = f"/v1/recordings/{_seg(recording_id)}/stop"
        response, unanswered = await self._send("POST", path, retry=True, timeout=self.stop_timeout)
        if response.is_error:
            error = error_from_response(response)
            if unanswered and isinstance(error, AlreadyStopped):
                # An attempt that got no answer reached the service: that stop is ours.
                return await self._settled(recording_id)
            raise error
        return self._parse(response, Recording)

    async def _settled(self, recording_id: str) -> Recording:
        # The first stop may still be finishing the files; wait for it as long as a stop may take.
        polls = max(1, int((self.stop_timeout.read or STOP_TIMEOUT) / _SETTLE_POLL))
        for _ in range(polls):
            recording = await self.recording(recording_id)
            if recording.state not in ACTIVE_STATES:
                break
            await self.retry.sleep(_SETTLE_POLL)
        return recording

    async def set_layout(
        self, recording_id: str, layout: Layout | Mapping[str, Any] | str
    ) -> Recording:
        """Change a mixed recording's layout: a `Layout`, its JSON form, or a template id."""
        body = {"layout": layout_json(layout)}  # the service checks it and names every problem
        path = f"/v1/recordings/{_seg(recording_id)}/layout"
        return await self._call("PUT", path, Recording, json=body)

    async def set_streams(
        self, recording_id: str, include: Sequence[str] = (), exclude: Sequence[str] = ()
    ) -> Recording:
        """Change whose streams a running recording takes from now on."""
        body = StreamsUpdate(include=list(include), exclude=list(exclude)).model_dump(mode="json")
        path = f"/v1/recordings/{_seg(recording_id)}/streams"
        return await self._call("PUT", path, Recording, json=body)

    async def recording_live(self, recording_id: str) -> RecordingLive:
        """What an active recording is writing now: its files not listed yet, with their sizes."""
        path = f"/v1/recordings/{_seg(recording_id)}/live"
        return await self._call("GET", path, RecordingLive)

    async def recording_picture(self, recording_id: str, *, width: int | None = None) -> bytes:
        """A mixed recording's picture now, in its layout in force, as JPEG bytes (`width`
        scales it down)."""
        return await self._bytes(
            "GET",
            f"/v1/recordings/{_seg(recording_id)}/picture",
            params=None if width is None else {"width": str(width)},
        )

    async def preview_layout(self, room_id: str, layout: Layout | Mapping[str, Any] | str) -> bytes:
        """One frame of `layout` composed from the room's current pictures, as JPEG bytes."""
        body = {"room_id": room_id, "layout": layout_json(layout)}
        return await self._bytes("POST", "/v1/layouts/preview", json=body)

    # --- what the service's config offers a start ---------------------------------------------

    async def presets(self) -> list[Preset]:
        """The presets of the service's config, in its order: what `preset` may name."""
        return (await self._call("GET", "/v1/presets", PresetList)).items

    async def storage_profiles(self) -> list[StorageInfo]:
        """The storage profiles of the service's config (no keys): what `storage` may name."""
        return (await self._call("GET", "/v1/storage", StorageList)).items

    # --- images -------------------------------------------------------------------------------

    async def images(self) -> list[Image]:
        """The images of the service's images area: what a layout's image fields may name."""
        return (await self._call("GET", "/v1/images", ImageList)).items

    async def image(self, name: str) -> bytes:
        """An image of the images area, as its bytes."""
        return await self._bytes("GET", f"/v1/images/{_seg(name)}")

    async def upload_image(self, name: str, data: bytes) -> ImageStored:
        """Store a PNG or JPEG under `name` (`logo.png`), replacing what the name held; the
        service decodes it first and refuses anything else (`InvalidRequest`)."""
        headers = {"Content-Type": _image_type(data, name)}
        path = f"/v1/images/{_seg(name)}"
        return await self._call("PUT", path, ImageStored, content=data, headers=headers)

    async def delete_image(self, name: str) -> None:
        """Remove an image from the images area (`ImageNotFound` if there is none)."""
        response, _ = await self._send("DELETE", f"/v1/images/{_seg(name)}", retry=False)
        if response.is_error:
            raise error_from_response(response)

    # --- files --------------------------------------------------------------------------------

    async def files(
        self,
        name: str | None = None,
        room_id: str | None = None,
        recording_id: str | None = None,
        cursor: str | None = None,
    ) -> FileList:
        """One page of recorded files, found by name, room or recording."""
        params = _query(name=name, room_id=room_id, recording_id=recording_id, cursor=cursor)
        return await self._call("GET", "/v1/files", FileList, params=params)

    async def all_files(
        self,
        name: str | None = None,
        room_id: str | None = None,
        recording_id: str | None = None,
    ) -> list[RecordedFile]:
        """Every file that matches, following the pages to the end."""
        found: list[RecordedFile] = []
        cursor: str | None = None
        while True:
            page = await self.files(name, room_id, recording_id, cursor)
            found.extend(page.items)
            if not page.next:
                return found
            cursor = page.next

    async def file(self, file_id: str) -> RecordedFile:
        """A recorded file's metadata."""
        return await self._call("GET", f"/v1/files/{_seg(file_id)}", RecordedFile)

    async def download(
        self,
        file_id: str,
        dest: Path,
        *,
        progress: Callable[[int, int | None], None] | None = None,
        resume: bool = True,
    ) -> Path:
        """Save a recorded file at `dest` (or under its own name in the folder `dest`).

        The bytes go to `<dest>.part` first, which a later call resumes from with a Range
        request, and are renamed into place once complete. Returns the path written.
        """
        return await _download.download(self, file_id, dest, progress=progress, resume=resume)

    # --- events -------------------------------------------------------------------------------

    def events(self, since: int | None = None) -> AsyncGenerator[Event, None]:
        """Every event after `since` (or from now), reconnecting by itself; see `subscribe`."""
        return _events.subscribe(self, since)
