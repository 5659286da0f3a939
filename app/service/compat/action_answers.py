"""Seed 003's answers, `{"Code", "Message", "RequestId", "Data"}`: task status, task lists, errors.

`Code` 0 is success. A failure answers with the vendor's general codes where they say it: 1 (the
request failed, retry: every 5xx of ours, the service failed or is starting or stopping), 2 (an
incorrect input parameter: every 400 and 422 of ours, a body that is not JSON, a missing or
wrong field, a format, folder, name, storage or layout RecDesk refuses), 100000006 (no `Action`)
and 100000007 (an `Action` this front does not have). The vendor publishes no code for the other
cases, so they answer with RecDesk's own stable code (docs/service.md's table): 40401 no such room,
40403 no such task, 40901 the room already records in this mode, 40902 the task has already
stopped, 40903 the task cannot do that in its state. Every
failure's `Data` is `{"ErrorCode", "ErrorName"}`, RecDesk's code and name, so a 2 says which
problem it was; the HTTP status is the one `/v1` answers the same error with.

A task's `Status`: 1 initialized (`starting`), 2 ongoing (`recording`, `stopping`), 3 completed
(`completed`, and `uploading`: the recording has ended, its files' `Status` tell the upload), 4
ended abnormally (`failed`, with `Reason`), 5 paused. A file's `Status`: 2 uploading, 3 done
(uploaded, or final where the task has no storage), 4 the upload failed (the file is kept here);
its `MediaTrackType`: 1 sound only, 2 pictures only, 3 both; its `FileUrl`: the storage's URL once
uploaded, else this service's download URL. In a mix's files `UserId` and `StreamId` are the
`MixOutputStreamId` of the start (else the task id). `Reason` is RecDesk's, beyond the vendor's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from app.api.errors import ApiError
from app.api.models import RecordedFile, Recording, RecordingState

NO_ACTION = 100000006
UNSUPPORTED_ACTION = 100000007
MIX_TAG = "mixstream:"

_TASK_STATUS: dict[RecordingState, int] = {
    "starting": 1,
    "recording": 2,
    "stopping": 2,
    "paused": 5,
    "uploading": 3,
    "completed": 3,
    "failed": 4,
}
_FILE_STATUS = {None: 3, "pending": 2, "uploading": 2, "uploaded": 3, "failed": 4}
_STREAM_TYPES = {"audio": 1, "video": 2, "av": 3, "separate": 4}

FileUrl = Callable[[RecordedFile], str]


def request_id() -> str:
    """A new `RequestId`."""
    return uuid.uuid4().hex


def success(request: str, data: dict[str, Any]) -> dict[str, Any]:
    """A successful answer."""
    return {"Code": 0, "Message": "success", "RequestId": request, "Data": data}


def failure(request: str, error: ApiError) -> dict[str, Any]:
    """The answer for one of our errors."""
    status = error.code.status
    code = 2 if status in (400, 422) else 1 if status >= 500 else error.code.number
    return {
        "Code": code,
        "Message": error.message,
        "RequestId": request,
        "Data": {"ErrorCode": error.code.number, "ErrorName": error.code.name},
    }


def action_failure(request: str, code: int, message: str) -> dict[str, Any]:
    """The answer for a missing or unknown `Action`: the vendor's own codes."""
    return {"Code": code, "Message": message, "RequestId": request, "Data": {}}


def task_status(rec: Recording) -> int:
    """The vendor's task `Status` for a recording's state."""
    return _TASK_STATUS[rec.state]


def task_summary(rec: Recording) -> dict[str, Any]:
    """A task as `DescribeTasks` lists it."""
    return {
        "TaskId": rec.id,
        "RoomId": rec.room_id,
        "RecordMode": 1 if rec.mode == "single" else 2,
        "StreamType": _STREAM_TYPES[rec.stream_type],
        "RecordBeginTimestamp": epoch_ms(rec.started or rec.created),
        "RecordEndTimestamp": epoch_ms(rec.ended) if rec.ended else 0,
        "Status": task_status(rec),
        "Reason": rec.reason,
    }


def task_details(rec: Recording, file_url: FileUrl) -> dict[str, Any]:
    """A task as `DescribeRecordStatus` (and the commands) answer it: its files included."""
    mix_id = next((t[len(MIX_TAG) :] for t in rec.tags if t.startswith(MIX_TAG)), rec.id)
    return task_summary(rec) | {
        "RecordFiles": [_file(f, mix_id, file_url) for f in rec.files],
    }


def _file(file: RecordedFile, mix_id: str, file_url: FileUrl) -> dict[str, Any]:
    kinds = {s.type for s in file.streams}
    video = next((s for s in file.streams if s.type == "video"), None)
    suffix = PurePosixPath(file.name).suffix.lstrip(".").lower()
    return {
        "UserId": file.user_id or mix_id,
        "UserName": file.user_id or mix_id,
        "StreamId": file.stream_id or mix_id,
        "FileId": file.file_id,
        "FileUrl": file.download_url or file_url(file),
        "OutputFileFormat": "hls" if suffix == "m3u8" else suffix,
        "FileSize": file.size,
        "Duration": round(file.duration * 1000),
        "ResolutionWidth": video.width or 0 if video else 0,
        "ResolutionHeight": video.height or 0 if video else 0,
        "MediaTrackType": ("audio" in kinds) + 2 * ("video" in kinds),
        "BeginTimeStamp": epoch_ms(file.start),
        "Status": _FILE_STATUS.get(file.upload, 3),
    }


def epoch_ms(moment: datetime) -> int:
    """A moment as the vendor's timestamps are: milliseconds since the epoch."""
    return round(moment.timestamp() * 1000)
