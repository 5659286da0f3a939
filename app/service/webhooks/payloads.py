"""What each event of a recording says to a webhook receiver: the message's type and JSON.

```
event                            message type          data
recording.state                  recording.state       seed 003's status fields (below)
recording.file                   recording.file        seed 001's callback fields (+ our ids)
recording.snapshot               recording.snapshot    seed 001's fields with type "3"
recording.upload uploaded        recording.file        the file's, with its storage's downloadUrl
```

Every file and snapshot message has a `downloadUrl`: its storage's URL once uploaded there, else
a signed link to its bytes on this service (`app.service.links`), valid for days and needing no
other credentials. Our envelope's `data` names the file `file_id` and the recording
`recording_id` (as everywhere in the API), besides seed-style `fileId` and `recordingId`.

A file of a recording with storage (`upload` pending) is announced when its upload is confirmed
rather than when it is listed, so its message carries the download URL; the upload queue tries
a failed upload again for as long as it takes, so other upload events (pending, uploading,
failed) make no message, and nor do events of rooms.

Seed 001's fields (anyRTC's callback): `type` "1" a mixed recording's file, "2" one stream's file,
"3" a snapshot; `mediaType` "audio/video", "audio", "video" or "image"; `userId` ("" for a mix);
`groupId` the room; `fileName`; `fileSize` in bytes; `duration` in whole seconds; `startTime`
and `endTime` as the seed writes them (`2018-3-21 13:06:27`, here in UTC); `downloadUrl` (an
http(s) URL, above); `userData` ("" when none). A recording made through the anyRTC-style API
gets exactly these fields, flat, with no envelope (`Payload.flat`), plus `fileId` in a file's.

Seed 003 names the status callback but not its fields; they follow its API's naming: `TaskId`,
`RoomId`, `Status` (a number, `STATUS_CODES`), `State` and `PreviousState` (our state names),
`Reason`, `RecordMode` (1 single, 2 mixed), `StreamType` (1 audio, 2 video, 3 both in one file,
4 both in separate files) and `UserData`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.api.models import Event, RecordedFile, Recording
from app.service.links import DownloadLinks

STATUS_CODES = {
    "starting": 0,
    "recording": 1,
    "paused": 2,
    "stopping": 3,
    "uploading": 4,
    "completed": 5,
    "failed": 6,
}
RECORD_MODES = {"single": 1, "mixed": 2}
STREAM_TYPES = {"audio": 1, "video": 2, "av": 3, "separate": 4}
AWAITING_UPLOAD = ("pending", "uploading", "failed")


@dataclass(frozen=True)
class Payload:
    """One event as webhook content: its type, the envelope's `data`, and seed 001's flat body
    for anyRTC-style callbacks (None: this event makes no such callback)."""

    type: str
    data: dict[str, Any]
    flat: dict[str, Any] | None = None


def seed_time(moment: datetime) -> str:
    """A time as seed 001 writes it, `2018-3-21 13:06:27`, in UTC."""
    t = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return f"{t.year}-{t.month}-{t.day} {t:%H:%M:%S}"


def iso_time(moment: datetime) -> str:
    """A time as the Standard Webhooks envelope writes it, `2026-01-02T03:04:05.678901Z`."""
    t = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def payload_of(
    event: Event,
    rec: Recording,
    stored_file: Callable[[str], RecordedFile | None],
    data_dir: Path,
    links: DownloadLinks | None = None,
) -> Payload | None:
    """What `event` of `rec` says to receivers, or None when it says nothing to them; `links`
    signs the download links of what has no storage URL (None: no link)."""
    data = event.data
    match event.type:
        case "recording.state":
            return Payload("recording.state", state_fields(data, rec))
        case "recording.file":
            file = RecordedFile.model_validate(data)
            if file.upload in AWAITING_UPLOAD:
                return None
            return _file_payload(file, rec, links)
        case "recording.upload":
            state = data.get("state") or data.get("upload")
            file_id = data.get("file_id")
            if state != "uploaded" or not isinstance(file_id, str):
                return None
            uploaded = stored_file(file_id)
            if uploaded is None:
                return None
            url = data.get("download_url") or uploaded.download_url
            return _file_payload(uploaded.model_copy(update={"download_url": url}), rec, links)
        case "recording.snapshot":
            return _snapshot_payload(data, rec, event.at, data_dir, links)
        case _:
            return None


def state_fields(data: Mapping[str, Any], rec: Recording) -> dict[str, Any]:
    """A state change as seed 003's status callback."""
    state = str(data.get("state", rec.state))
    return {
        "TaskId": rec.id,
        "RoomId": rec.room_id,
        "Status": STATUS_CODES.get(state, -1),
        "State": state,
        "PreviousState": data.get("previous"),
        "Reason": data.get("reason"),
        "RecordMode": RECORD_MODES[rec.mode],
        "StreamType": STREAM_TYPES[rec.stream_type],
        "UserData": rec.user_data or "",
    }


def file_fields(
    file: RecordedFile, rec: Recording, links: DownloadLinks | None = None
) -> dict[str, Any]:
    """A finished file as seed 001's callback body, with its `fileId`."""
    url = file.download_url
    if url is None and links is not None:
        url = links.file_url(file.file_id)
    kinds = {s.type for s in file.streams}
    media = (
        "audio/video" if {"audio", "video"} <= kinds else "audio" if "audio" in kinds else "video"
    )
    return {
        "type": "1" if rec.mode == "mixed" else "2",
        "mediaType": media,
        "userId": file.user_id or "",
        "groupId": rec.room_id,
        "fileName": file.name,
        "fileSize": file.size,
        "duration": round(file.duration),
        "startTime": seed_time(file.start),
        "endTime": seed_time(file.end),
        "downloadUrl": url,
        "userData": rec.user_data or "",
        "fileId": file.file_id,
    }


def _file_payload(file: RecordedFile, rec: Recording, links: DownloadLinks | None) -> Payload:
    flat = file_fields(file, rec, links)
    extra = {
        "recordingId": rec.id,
        "streamId": file.stream_id,
        "part": file.part,
        "recording_id": rec.id,
        "file_id": file.file_id,
    }
    return Payload("recording.file", flat | extra, flat)


def _snapshot_payload(
    data: Mapping[str, Any],
    rec: Recording,
    at: datetime,
    data_dir: Path,
    links: DownloadLinks | None,
) -> Payload:
    path = str(data.get("path") or "")
    url = data.get("download_url")
    if url is None and links is not None and path and not Path(path).is_absolute():
        url = links.snapshot_url(path)
    try:
        size = (data_dir / path).stat().st_size if path else 0
    except OSError:
        size = 0
    flat = {
        "type": "3",
        "mediaType": "image",
        "userId": data.get("user_id") or "",
        "groupId": rec.room_id,
        "fileName": Path(path).name,
        "fileSize": size,
        "duration": 0,
        "startTime": seed_time(at),
        "endTime": seed_time(at),
        "downloadUrl": url,
        "userData": rec.user_data or "",
    }
    extra = {
        "recordingId": rec.id,
        "streamId": data.get("stream_id"),
        "at": data.get("at"),
        "recording_id": rec.id,
    }
    return Payload("recording.snapshot", flat | extra, flat)
