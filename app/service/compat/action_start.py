"""Seed 003's StartRecord as the core's `RecordingCreate`.

| vendor                                   | RecDesk                                             |
| ---------------------------------------- | --------------------------------------------------- |
| `RoomId`                                 | `room_id`                                           |
| `RecordInputParams.RecordMode` 1, 2      | `mode` single, mixed                                |
| `.StreamType` 1, 2, 3 (default), 4       | `stream_type` audio, video, av, separate            |
| `.MaxIdleTime` (s, default 30)           | `max_idle_seconds`                                  |
| `.MaxRecordTime` (s)                     | `max_duration_seconds`                              |
| `.RecordStreamList[].StreamId`           | `include` (single-stream only, as the vendor's)     |
| `.MixConfig`                             | `layout` (`action_layout`)                          |
| `.MixConfig.MixOutputStreamId`           | the tag `mixstream:ID` (the mix's id in answers)    |
| `RecordOutputParams.OutputFileFormat`    | `format`: mp4 (default), flv, hls, ours; aac: m4a |
| `.OutputFolder`                          | `folder`                                            |
| `StorageParams.Vendor` 1, 2, 3, 11       | `storage.vendor` s3, oss, cos, s3_compatible        |
| `.Region`, `.Bucket`, `.Endpoint`        | `storage.region`, `.bucket`, `.endpoint`            |
| `.AccessKeyId`, `.AccessKeySecret`       | `storage.access_key`, `.secret_key`                 |

A value beyond one of the service's limits (the folder's, the layout's, a `MixOutputStreamId` so
long that its tag would pass 64 characters) is `limit_exceeded`, naming the vendor's field. The
vendor numbers are `app.service.storage.targets.vendor_of`'s (1 Amazon S3, 2 Alibaba Cloud OSS,
3 Tencent Cloud COS, 11 an S3-compatible server at `Endpoint`); the vendor's other storage kinds
(Qiniu, the VOD services, ...) are refused with that list.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import ValidationError

from app.api.errors import ApiError, ErrorCode
from app.api.layouts import LAYOUT_LIMIT
from app.api.models import LIMIT_EXCEEDED, MAX_TAG_LENGTH, OutputFormat, RecordingCreate, StreamType
from app.service.compat.action_answers import MIX_TAG
from app.service.compat.action_bodies import MixConfig, StartRecord
from app.service.compat.action_layout import start_layout
from app.service.recordings.naming import check_folder
from app.service.rooms.base import RoomState
from app.service.storage.targets import vendor_of

STREAM_TYPES: dict[int, StreamType] = {1: "audio", 2: "video", 3: "av", 4: "separate"}
_FORMAT_ALIASES: dict[str, OutputFormat] = {"aac": "m4a"}
_FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)
MAX_MIX_STREAM_ID = MAX_TAG_LENGTH - len(MIX_TAG)


def recording_create(body: StartRecord, room: RoomState | None) -> RecordingCreate:
    """The core's start request for a StartRecord body (`room`: the room now, if it exists)."""
    inputs, outputs = body.record_input_params, body.record_output_params
    mode = "single" if inputs.record_mode == 1 else "mixed"
    check_folder(outputs.output_folder, "RecordOutputParams.OutputFolder")
    fields: dict[str, Any] = {
        "room_id": body.room_id,
        "mode": mode,
        "stream_type": STREAM_TYPES[inputs.stream_type],
        "format": _output_format(outputs.output_file_format),
        "folder": outputs.output_folder,
        "max_idle_seconds": inputs.max_idle_time,
        "max_duration_seconds": inputs.max_record_time,
    }
    if mode == "single":
        fields["include"] = [s.stream_id for s in inputs.record_stream_list]
    else:
        mix = inputs.mix_config or MixConfig()
        streams = list(room.streams.values()) if room is not None else []
        fields["layout"] = start_layout(mix, streams)
        if mix.mix_output_stream_id:
            if len(mix.mix_output_stream_id) > MAX_MIX_STREAM_ID:
                raise ApiError(
                    ErrorCode.limit_exceeded,
                    f"RecordInputParams.MixConfig.MixOutputStreamId: at most {MAX_MIX_STREAM_ID} "
                    f"characters, got {len(mix.mix_output_stream_id)}",
                )
            fields["tags"] = [MIX_TAG + mix.mix_output_stream_id]
    if (storage := body.storage_params) is not None:
        fields["storage"] = {
            "vendor": vendor_of(storage.vendor),
            "region": storage.region,
            "bucket": storage.bucket,
            "endpoint": storage.endpoint,
            "access_key": storage.access_key_id,
            "secret_key": storage.access_key_secret,
        }
    try:
        return RecordingCreate.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        if error["type"] == LAYOUT_LIMIT:  # the message names the layout's field
            raise ApiError(ErrorCode.limit_exceeded, error["msg"]) from exc
        where = ".".join(str(p) for p in error["loc"])
        code = (
            ErrorCode.limit_exceeded if error["type"] == LIMIT_EXCEEDED else ErrorCode.invalid_value
        )
        raise ApiError(code, f"{where}: {error['msg']}") from exc


def _output_format(name: str) -> OutputFormat:
    wanted = name.strip().lower()
    if wanted in _FORMAT_ALIASES:
        return _FORMAT_ALIASES[wanted]
    for fmt in _FORMATS:
        if fmt == wanted:
            return fmt
    raise ApiError(
        ErrorCode.unsupported_output,
        f"RecordOutputParams.OutputFileFormat {name!r}: use one of {', '.join(_FORMATS)} (or aac)",
    )
