"""Seed 003's cloud-recording Action bodies, read and checked as the vendor documents them.

The seed's StartRecord sample is read as it is (`RoomId`, `RecordInputParams`,
`RecordOutputParams`, `StorageParams`); names are the vendor's, in PascalCase, and a name this
front does not know is refused rather than ignored, as on `/v1`.

```json
{"RoomId": "xxxx",
 "RecordInputParams": {"RecordMode": 1, "StreamType": 3, "MaxIdleTime": 60},
 "RecordOutputParams": {"OutputFileFormat": "mp4", "OutputFolder": "record/"},
 "StorageParams": {"Vendor": 2, "Region": "oss-xxxx", "Bucket": "xxxx",
                   "AccessKeyId": "xxxx", "AccessKeySecret": "xxxx"}}
```

`action_start` says what a StartRecord becomes, `action_layout` what a layout becomes.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_pascal

from app.api.errors import ApiError, ErrorCode

Body = TypeVar("Body", bound=BaseModel)


class VendorBody(BaseModel):
    """A body in the vendor's PascalCase names; unknown names are refused."""

    model_config = ConfigDict(alias_generator=to_pascal, extra="forbid")


class MixInput(VendorBody):
    """One region of a custom layout (`MixMode` 1): a box in canvas pixels, and its stream."""

    stream_id: str | None = None  # None: the next stream in the room's order
    view_type: Literal[1, 2] = 1  # 2 is a whiteboard, which RecDesk does not record
    top: int = Field(ge=0)
    left: int = Field(ge=0)
    bottom: int = Field(ge=0)
    right: int = Field(ge=0)
    layer: int = 0


class OutputVideo(VendorBody):
    """`MixOutputVideoConfig`: the mixed picture's size, rate and bitrate (bits per second)."""

    width: int = Field(gt=0)
    height: int = Field(gt=0)
    fps: int = Field(gt=0)
    bitrate: int | None = Field(default=None, gt=0)


class RecordStream(VendorBody):
    """One entry of `RecordStreamList`."""

    stream_id: str = Field(min_length=1)


class MixConfig(VendorBody):
    """`RecordInputParams.MixConfig`: the mixed recording's layout and picture."""

    mix_mode: Literal[1, 2, 3, 4, 5] = 2
    mix_input_list: list[MixInput] = []
    mix_output_stream_id: str | None = None
    mix_output_video_config: OutputVideo | None = None
    mix_max_resolution_stream_id: str | None = None


class RecordInputParams(VendorBody):
    """What to record."""

    record_mode: Literal[1, 2]
    stream_type: Literal[1, 2, 3, 4] = 3
    max_idle_time: float = Field(default=30, gt=0)
    max_record_time: float | None = Field(default=None, gt=0)
    record_stream_list: list[RecordStream] = []
    mix_config: MixConfig | None = None


class RecordOutputParams(VendorBody):
    """What the files are and where they go."""

    output_file_format: str = "mp4"
    output_folder: str = ""


class VendorStorage(VendorBody):
    """`StorageParams`: the bucket the files are uploaded to."""

    vendor: int
    region: str | None = None
    bucket: str = Field(min_length=1)
    access_key_id: str = Field(min_length=1)
    access_key_secret: str = Field(min_length=1)
    endpoint: str | None = None


class StartRecord(VendorBody):
    """`Action=StartRecord`."""

    room_id: str = Field(min_length=1)
    record_input_params: RecordInputParams
    record_output_params: RecordOutputParams = RecordOutputParams()
    storage_params: VendorStorage | None = None


class TaskRef(VendorBody):
    """`StopRecord`, `PauseRecord`, `ResumeRecord`, `DescribeRecordStatus`: a task by id."""

    task_id: str = Field(min_length=1)


class UpdateLayout(VendorBody):
    """`Action=UpdateLayout`: a mixed recording's new layout."""

    task_id: str = Field(min_length=1)
    mix_mode: Literal[1, 2, 3, 4, 5] = 2
    mix_input_list: list[MixInput] = []
    mix_max_resolution_stream_id: str | None = None


class DescribeTasks(VendorBody):
    """`Action=DescribeTasks`: ongoing (2) or ended (3) tasks, newest first, a page at a time."""

    status: Literal[2, 3]
    room_id: str | None = None
    page_offset: int = Field(default=1, ge=0)  # 0 means 1, as the vendor's
    page_size: int = Field(default=50, ge=1, le=50)
    start_time: int | None = None  # ms since the epoch: tasks created at or after
    end_time: int | None = None  # ms since the epoch: tasks created at or before


def read_body(model: type[Body], raw: bytes) -> Body:
    """A body read and checked; `ApiError` that names the vendor's field when it is wrong."""
    try:
        data: Any = json.loads(raw) if raw.strip() else {}
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(ErrorCode.malformed_request, "the body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise ApiError(ErrorCode.malformed_request, "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "body"
            message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
            problems.append(f"{where}: {message}")
        raise ApiError(ErrorCode.invalid_value, "; ".join(problems)) from exc
