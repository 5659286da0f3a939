"""The wire models: every JSON body the service reads or writes, shared with its client.

One family per resource (`RecordingCreate` → `Recording` → `RecordingList`). Requests are strict
(`extra="forbid"`: a misspelt field is an error, never a silent default); responses ignore fields
they do not know, so an older client keeps working against a newer service.

A request field beyond a documented limit (`MAX_USER_DATA_BYTES`, `MAX_TAGS`, `MAX_TAG_LENGTH`)
is a validation error of type `LIMIT_EXCEEDED`, which the service answers with that code.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator
from pydantic_core import PydanticCustomError

from app.api.layouts import LayoutOrTemplate, WireLayout
from app.layout.model import TEMPLATES

LIMIT_EXCEEDED = "limit_exceeded"
"""The validation error type of a field beyond a documented limit; the message says which."""
# Stored with the recording and repeated in every list page and webhook: small notes, not data.
MAX_USER_DATA_BYTES = 4096
MAX_TAGS = 16
MAX_TAG_LENGTH = 64

# The layout templates a request may name, for clients that list them (`recdesk-ctl`).
LAYOUT_TEMPLATES: tuple[str, ...] = TEMPLATES
StreamKind = Literal["camera", "screen", "audio"]
Mode = Literal["single", "mixed"]
StreamType = Literal["audio", "video", "av", "separate"]
OutputFormat = Literal["mp4", "mkv", "webm", "flv", "ts", "hls", "m4a", "ogg"]
RecordingState = Literal[
    "starting", "recording", "paused", "stopping", "uploading", "completed", "failed"
]
ACTIVE_STATES: tuple[RecordingState, ...] = (
    "starting",
    "recording",
    "paused",
    "stopping",
    "uploading",
)
StorageVendor = Literal["s3", "oss", "cos", "s3_compatible"]
UploadState = Literal["pending", "uploading", "uploaded", "failed"]
EventType = Literal[
    "room.updated",
    "stream.joined",
    "stream.left",
    "recording.state",
    "recording.file",
    "recording.snapshot",
    "recording.upload",
    "recording.layout",
    "autorecord.held",
    "webhook.given_up",
    "disk.low",
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Response(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- rooms ----------------------------------------------------------------------------------------


class Stream(_Response):
    """One live stream of a room: a user's camera, screen or microphone."""

    stream_id: str
    user_id: str
    kind: StreamKind
    codec: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    audio_codec: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    since: datetime


class Room(_Response):
    """A room and its live streams; `recording` lists the ids of its active recordings, `paused`
    those of them that are paused now."""

    room_id: str
    name: str
    live: bool
    streams: list[Stream] = []
    recording: list[str] = []
    paused: list[str] = []


class RoomList(_Response):
    """A page of rooms; `next` is the cursor of the following page, or null."""

    items: list[Room]
    next: str | None = None


# --- recordings -----------------------------------------------------------------------------------


class StorageParams(_Request):
    """Where a recording's files are uploaded (seed 003's `StorageParams`). The keys are
    write-only: no answer, event or log carries them, and they are kept encrypted."""

    vendor: StorageVendor = "s3_compatible"
    endpoint: str | None = None  # e.g. http://127.0.0.1:9000 for an S3-compatible server
    region: str | None = None
    bucket: str = Field(min_length=1)
    prefix: str = ""
    access_key: str = Field(min_length=1)
    secret_key: str = Field(min_length=1)


class StorageInfo(_Response):
    """A recording's storage as answers show it: everything but the keys."""

    vendor: StorageVendor
    endpoint: str | None = None
    region: str | None = None
    bucket: str
    prefix: str = ""
    profile: str | None = None  # the named profile of the service config, if one was used


class RecordingCreate(_Request):
    """`POST /v1/recordings`: what to record, how, and where.

    `preset` names a preset of the service's config (`GET /v1/presets`): its fields fill in the
    ones this request does not give; a field the request gives, even as null, wins.
    """

    room_id: str = Field(min_length=1)
    preset: str | None = Field(default=None, min_length=1)
    mode: Mode = "single"
    stream_type: StreamType = "av"
    # None: the service picks (the streams' codecs decide: VP8/VP9 → webm, else mp4).
    format: OutputFormat | None = None
    # An SFU's stream whose codec `format` cannot hold is refused (42210) unless this is set;
    # then it is re-encoded.
    reencode: bool = False
    folder: str = ""
    name_rule: str | None = None
    split_seconds: float | None = Field(default=None, gt=0)
    max_idle_seconds: float = Field(default=60.0, gt=0)
    max_duration_seconds: float | None = Field(default=None, gt=0)
    layout: LayoutOrTemplate | None = None
    include: list[str] = []
    exclude: list[str] = []
    snapshot_seconds: float | None = Field(default=None, gt=0)
    user_data: str | None = None
    tags: list[str] = []
    # Upload the files here (or to a storage profile of the service config, by name).
    storage: StorageParams | str | None = None
    # Where this recording's events are POSTed (Standard Webhooks), besides the service's own.
    callback_url: str | None = None

    @field_validator("callback_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        parts = urlsplit(value) if value is not None else None
        if parts is not None and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("user_data", mode="before")
    @classmethod
    def _object_as_text(cls, value: object) -> object:
        # A JSON object is accepted and kept as its JSON text, as the seeds' UserData is a string.
        if isinstance(value, dict | list):
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        return value

    @field_validator("user_data")
    @classmethod
    def _small_user_data(cls, value: str | None) -> str | None:
        size = 0 if value is None else _utf8_size(value)
        if size > MAX_USER_DATA_BYTES:
            raise PydanticCustomError(
                LIMIT_EXCEEDED,
                f"at most {MAX_USER_DATA_BYTES} bytes of text (UTF-8), got {size}",
            )
        return value

    @field_validator("tags")
    @classmethod
    def _few_short_tags(cls, value: list[str]) -> list[str]:
        if len(value) > MAX_TAGS:
            raise PydanticCustomError(LIMIT_EXCEEDED, f"at most {MAX_TAGS} tags, got {len(value)}")
        for index, tag in enumerate(value):
            _utf8_size(tag)
            if len(tag) > MAX_TAG_LENGTH:
                raise PydanticCustomError(
                    LIMIT_EXCEEDED,
                    f"each tag at most {MAX_TAG_LENGTH} characters; tag {index} has {len(tag)}",
                )
        return value


def _utf8_size(text: str) -> int:
    try:
        return len(text.encode())
    except UnicodeEncodeError:  # JSON's "\ud800": no character, and nothing could store it
        raise ValueError("holds a lone surrogate, which is no character") from None


class StreamsUpdate(_Request):
    """`PUT /v1/recordings/{id}/streams`: who is recorded from now on."""

    include: list[str] = []
    exclude: list[str] = []


class LayoutUpdate(_Request):
    """`PUT /v1/recordings/{id}/layout`: a layout's JSON form or a template id."""

    layout: LayoutOrTemplate


class StreamInfo(_Response):
    """One stream inside a recorded file."""

    type: str
    codec: str
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    sample_rate: int | None = None
    channels: int | None = None


class RecordedFile(_Response):
    """A finished file of a recording."""

    file_id: str
    recording_id: str
    room_id: str
    name: str
    path: str
    size: int
    duration: float
    start: datetime
    end: datetime
    streams: list[StreamInfo] = []
    stream_id: str | None = None
    user_id: str | None = None
    part: int = 1
    upload: UploadState | None = None  # None: the recording has no storage
    download_url: str | None = None  # once uploaded
    upload_error: str | None = None  # why the last attempt failed (it is tried again)


class FileList(_Response):
    """A page of files."""

    items: list[RecordedFile]
    next: str | None = None


class RecordingGap(_Response):
    """A stretch an active recording did not record: its service was down (`service-restarted`)
    or its worker was replaced (`worker-restarted`). `from` is when the last part ended, `to`
    when the next one started; both ISO times."""

    # `from` is a Python keyword: the field is `from_` in code and `from` on the wire and in the
    # store, whichever way it is read or written.
    model_config = ConfigDict(extra="ignore", validate_by_name=True, serialize_by_alias=True)

    from_: datetime = Field(alias="from")
    to: datetime
    reason: str


class Recording(_Response):
    """A recording task, its state and its files so far."""

    id: str
    room_id: str
    mode: Mode
    stream_type: StreamType
    format: OutputFormat
    reencode: bool = False
    state: RecordingState
    reason: str | None = None
    folder: str = ""
    name_rule: str | None = None
    split_seconds: float | None = None
    max_idle_seconds: float = 60.0
    max_duration_seconds: float | None = None
    snapshot_seconds: float | None = None
    include: list[str] = []
    exclude: list[str] = []
    layout: WireLayout | None = None
    user_data: str | None = None
    tags: list[str] = []
    storage: StorageInfo | None = None
    callback_url: str | None = None
    preset: str | None = None  # the config's preset it was started with, if any
    created: datetime
    started: datetime | None = None
    ended: datetime | None = None
    elapsed: float = 0.0
    # File name stems by stream id ("" for the mix), and the part number the next file gets.
    stems: dict[str, str] = {}
    next_part: int = 1
    # What it missed while active (a restart of its service or worker), oldest first.
    gaps: list[RecordingGap] = []
    files: list[RecordedFile] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recording_id(self) -> str:
        """`id` again, under the name every other body gives a recording's id (a file's
        `recording_id`, the events', the anyRTC-style answer's): `recording_id` always names a
        recording, `file_id` a file."""
        return self.id


class RecordingList(_Response):
    """A page of recordings, newest first."""

    items: list[Recording]
    next: str | None = None


# --- the rest -------------------------------------------------------------------------------------


class LayoutPreview(_Request):
    """`POST /v1/layouts/preview`: render `layout` from `room_id`'s current frames."""

    room_id: str = Field(min_length=1)
    layout: LayoutOrTemplate


class Image(_Response):
    """An image of the service's images area, which layouts name (`logo.png`)."""

    name: str
    size: int  # bytes
    width: int
    height: int
    format: Literal["png", "jpeg"]
    created: datetime  # when this name was last stored


class ImageStored(Image):
    """`PUT /v1/images/{name}`: the image stored; `replaced` when the name had one before."""

    replaced: bool = False


class ImageList(_Response):
    """Every image of the images area, by name."""

    items: list[Image]


class ProviderHealthModel(_Response):
    """One room provider in `GET /v1/health`: `ok` false with an `error` that says why."""

    name: str
    kind: str  # demo, rtmp, none, ...
    ok: bool
    rooms: int = 0
    error: str | None = None
    checked_at: datetime | None = None  # when it last heard from its source; null: it has none


class ClusterNodeModel(_Response):
    """One host of the cluster in `GET /v1/health`: its CPUs, what is free of them for
    recordings (within the headroom), and the recordings running there."""

    id: str
    address: str
    alive: bool
    cpus: float
    free_cpus: float
    recordings: int = 0


class ClusterHealthModel(_Response):
    """The cluster the service's workers run on, in `GET /v1/health` (null on one host)."""

    address: str
    headroom: float  # the share of each node's CPUs that recordings may take
    cpus: float  # of the nodes alive
    free_cpus: float
    nodes: list[ClusterNodeModel] = []


class Health(_Response):
    """`GET /v1/health`."""

    version: str
    uptime: float
    free_bytes: int
    # Free space kept for recordings: below it they stop and starts answer 507 (`space_short`).
    reserve_bytes: int | None = None
    space_short: bool = False
    # The service's data folder; null for a caller without credentials (beyond loopback).
    data_dir: str | None = None
    recordings: int = 0  # active now
    last_event_id: int = 0  # follow the events from here to see only what comes next
    providers: list[ProviderHealthModel] = []  # where rooms come from, in the config's order
    cluster: ClusterHealthModel | None = None  # where workers run; null: on this host


class Event(_Response):
    """One entry of the event log; `id` is the global sequence and the SSE id."""

    id: int
    type: EventType
    at: datetime
    data: dict[str, Any]


class ErrorBody(_Response):
    """Every error answer."""

    code: int
    name: str
    message: str
