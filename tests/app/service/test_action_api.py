"""Seed 003's cloud-recording Action API (`POST /?Action=...`) against the real service.

The StartRecord body is the seed's sample, copied as it is; only its placeholder room ("xxxx") is
replaced by a demo room. The other bodies are the vendor's documented ones (`{"TaskId": ...}`,
`{"Status": 2, "RoomId": ..., "StartTime": ..., "EndTime": ..., "PageOffset": 1, ...}`).
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.service.compat.action_bodies import StartRecord, read_body
from app.service.compat.action_start import recording_create
from tests.helpers.media import probe
from tests.helpers.service import ServiceProcess, run, wait_until

# Seed 003, "Sample request" of StartRecord, verbatim.
SEED_START_RECORD: dict[str, Any] = json.loads("""
{
    "RoomId": "xxxx",
    "RecordInputParams": {
        "RecordMode": 1,
        "StreamType": 3,
        "MaxIdleTime": 60
    },
    "RecordOutputParams": {
        "OutputFileFormat": "mp4",
        "OutputFolder": "record/"
    },
    "StorageParams": {
        "Vendor": 2,
        "Region": "oss-xxxx",
        "Bucket": "xxxx",
        "AccessKeyId": "xxxx",
        "AccessKeySecret": "xxxx"
    }
}
""")


def _call(service: ServiceProcess, action: str, body: object) -> httpx.Response:
    return httpx.post(f"{service.url}/", params={"Action": action}, json=body, timeout=90)


def _ok(service: ServiceProcess, action: str, body: object) -> dict[str, Any]:
    answer = _call(service, action, body)
    assert answer.status_code == 200, answer.text
    reply = answer.json()
    assert (reply["Code"], reply["Message"]) == (0, "success"), reply
    assert reply["RequestId"]
    data: dict[str, Any] = reply["Data"]
    return data


def _status(service: ServiceProcess, task_id: str, status: int) -> dict[str, Any] | None:
    data = _ok(service, "DescribeRecordStatus", {"TaskId": task_id})
    return data if data["Status"] == status else None


def _until_status(service: ServiceProcess, task_id: str, status: int) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        return _status(service, task_id, status)

    return run(wait_until(check))


def _stop_quietly(service: ServiceProcess, task_id: str) -> None:
    _call(service, "StopRecord", {"TaskId": task_id})


def _downloaded(record_file: dict[str, Any], folder: Path) -> Path:
    """The file fetched from its `FileUrl`, as a caller of the vendor's API would fetch it."""
    answer = httpx.get(record_file["FileUrl"], timeout=30)
    assert answer.status_code == 200, answer.text
    path = folder / f"{record_file['FileId']}.{record_file['OutputFileFormat']}"
    path.write_bytes(answer.content)
    assert path.stat().st_size == record_file["FileSize"]
    return path


def _recording(service: ServiceProcess, task_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{service.url}/v1/recordings/{task_id}")
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def test_the_seed_sample_records_each_stream_with_pause_and_resume(
    service: ServiceProcess, tmp_path: Path
):
    body = copy.deepcopy(SEED_START_RECORD)
    body["RoomId"] = "call"
    # The sample's bucket is a placeholder nobody can upload to: the mapping of StorageParams is
    # checked on its own below, and these files stay on the service's disk.
    del body["StorageParams"]
    task_id = _ok(service, "StartRecord", body)["TaskId"]
    try:
        running = _until_status(service, task_id, 2)
        assert (running["RoomId"], running["RecordMode"], running["StreamType"]) == ("call", 1, 3)
        assert running["RecordEndTimestamp"] == 0
        time.sleep(1.0)
        assert _ok(service, "PauseRecord", {"TaskId": task_id})["Status"] == 5
        assert _ok(service, "DescribeRecordStatus", {"TaskId": task_id})["Status"] == 5
        time.sleep(0.5)
        assert _ok(service, "ResumeRecord", {"TaskId": task_id})["Status"] == 2
        time.sleep(1.0)
        done = _ok(service, "StopRecord", {"TaskId": task_id})
    finally:
        _stop_quietly(service, task_id)

    assert done["Status"] == 3
    assert done["RecordEndTimestamp"] >= done["RecordBeginTimestamp"] > 0
    room = httpx.get(f"{service.url}/v1/rooms/call").json()
    files = done["RecordFiles"]
    assert sorted(f["StreamId"] for f in files) == sorted(s["stream_id"] for s in room["streams"])
    for record_file in files:
        assert record_file["UserId"] in record_file["StreamId"]
        assert (record_file["OutputFileFormat"], record_file["MediaTrackType"]) == ("mp4", 3)
        assert record_file["Status"] == 3  # no storage: the file is final here
        media = probe(_downloaded(record_file, tmp_path))
        assert media.codecs() == {"video": "h264", "audio": "aac"}
        video = next(s for s in media.streams if s["type"] == "video")
        assert (video["width"], video["height"]) == (
            record_file["ResolutionWidth"],
            record_file["ResolutionHeight"],
        )
        assert media.media_duration() > 0.5
    listed = _recording(service, task_id)
    assert listed["folder"] == "record/"
    assert listed["max_idle_seconds"] == 60
    assert all(f["path"].startswith("recordings/record/") for f in listed["files"])


def test_a_mixed_recording_changes_layout_and_is_listed(service: ServiceProcess, tmp_path: Path):
    started_ms = int(time.time() * 1000) - 1000
    body = {
        "RoomId": "meeting",
        "RecordInputParams": {
            "RecordMode": 2,
            "StreamType": 3,
            "MaxIdleTime": 60,
            "MixConfig": {
                "MixMode": 2,
                "MixOutputStreamId": "meeting-mix",
                "MixOutputVideoConfig": {"Width": 640, "Height": 360, "Fps": 15, "Bitrate": 800000},
            },
        },
        "RecordOutputParams": {"OutputFileFormat": "mp4", "OutputFolder": "record/"},
    }
    task_id = _ok(service, "StartRecord", body)["TaskId"]
    try:
        _until_status(service, task_id, 2)
        canvas = _recording(service, task_id)["layout"]["canvas"]
        assert (canvas["width"], canvas["height"], canvas["fps"]) == (640, 360, 15)
        assert canvas["video_bitrate"] == 800000

        _ok(
            service,
            "UpdateLayout",
            {"TaskId": task_id, "MixMode": 4, "MixMaxResolutionStreamId": "dave-camera"},
        )
        layout = _recording(service, task_id)["layout"]
        assert layout["template"] == "vertical"
        largest = max(layout["regions"], key=lambda r: r["width"] * r["height"])
        assert largest["stream_id"] == "dave-camera"

        custom = {
            "TaskId": task_id,
            "MixMode": 1,
            "MixInputList": [
                {"StreamId": "erin-camera", "Top": 0, "Left": 0, "Bottom": 360, "Right": 321,
                 "Layer": 1},
                {"Top": 0, "Left": 320, "Bottom": 180, "Right": 640, "Layer": 2},
            ],
        }  # fmt: skip
        _ok(service, "UpdateLayout", custom)
        layout = _recording(service, task_id)["layout"]
        assert layout["template"] == "custom"
        assert [(r["stream_id"], r["x"], r["width"], r["z"]) for r in layout["regions"]] == [
            ("erin-camera", 0, 320, 1),
            ("carol-camera", 320, 320, 2),  # no StreamId: the room's first stream not named
        ]

        window = {"StartTime": started_ms, "EndTime": int(time.time() * 1000) + 1000}
        ongoing = _ok(
            service,
            "DescribeTasks",
            {"Status": 2, "RoomId": "meeting", **window, "PageOffset": 1, "PageSize": 10},
        )
        assert [t["TaskId"] for t in ongoing["TaskList"]] == [task_id]
        assert ongoing["TotalCount"] == 1
        time.sleep(1.0)
        done = _ok(service, "StopRecord", {"TaskId": task_id})
    finally:
        _stop_quietly(service, task_id)

    [mix] = done["RecordFiles"]
    assert (mix["StreamId"], mix["UserId"]) == ("meeting-mix", "meeting-mix")
    assert (mix["ResolutionWidth"], mix["ResolutionHeight"]) == (640, 360)
    media = probe(_downloaded(mix, tmp_path))
    assert media.codecs() == {"video": "h264", "audio": "aac"}
    assert media.media_duration() > 0.5

    ended = _ok(service, "DescribeTasks", {"Status": 3, "RoomId": "meeting", **window})
    assert task_id in [t["TaskId"] for t in ended["TaskList"]]
    still = _ok(service, "DescribeTasks", {"Status": 2, "RoomId": "meeting", **window})
    assert task_id not in [t["TaskId"] for t in still["TaskList"]]


def test_the_core_rules_answer_in_the_vendor_shape(service: ServiceProcess):
    body = copy.deepcopy(SEED_START_RECORD)
    body["RoomId"] = "webinar"
    del body["StorageParams"]
    task_id = _ok(service, "StartRecord", body)["TaskId"]
    try:
        twice = _call(service, "StartRecord", body)
        assert twice.status_code == 409
        assert twice.json()["Code"] == 40901
        _until_status(service, task_id, 2)
        single = _call(service, "UpdateLayout", {"TaskId": task_id, "MixMode": 3})
        assert (single.status_code, single.json()["Code"]) == (409, 40903)
        _ok(service, "StopRecord", {"TaskId": task_id})
    finally:
        _stop_quietly(service, task_id)
    again = _call(service, "StopRecord", {"TaskId": task_id})
    assert (again.status_code, again.json()["Code"]) == (409, 40902)
    assert again.json()["Data"] == {"ErrorCode": 40902, "ErrorName": "recording_stopped"}


def _start_body(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(SEED_START_RECORD)
    body["RoomId"] = "call"
    del body["StorageParams"]
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        place = body
        for name in parents:
            place = place[name]
        place[leaf] = value
    return body


@pytest.mark.parametrize(
    ("action", "body", "status", "code", "ours"),
    [
        (None, {}, 400, 100000006, None),
        ("Record", {}, 400, 100000007, None),
        ("StartRecord", "not an object", 400, 2, 40001),
        ("StartRecord", {"RoomId": "call"}, 422, 2, 42201),
        ("StartRecord", _start_body(RoomId="nowhere"), 404, 40401, 40401),
        ("StartRecord", _start_body(RecordInputParams__StreamType=5), 422, 2, 42201),
        ("StartRecord", _start_body(RecordInputParams__RecordMode=3), 422, 2, 42201),
        ("StartRecord", _start_body(RecordInputParams__Colour=1), 422, 2, 42201),
        ("StartRecord", _start_body(RecordOutputParams__OutputFileFormat="jpg"), 422, 2, 42205),
        ("StartRecord", _start_body(RecordOutputParams__OutputFolder="../up"), 422, 2, 42203),
        (
            "StartRecord",
            _start_body(
                StorageParams={
                    "Vendor": 5,
                    "Bucket": "b",
                    "AccessKeyId": "a",
                    "AccessKeySecret": "s",
                }
            ),
            422,
            2,
            42201,
        ),
        (
            "StartRecord",
            _start_body(
                RecordInputParams__RecordMode=2,
                RecordInputParams__MixConfig={
                    "MixMode": 1,
                    "MixInputList": [
                        {"ViewType": 2, "Top": 0, "Left": 0, "Bottom": 360, "Right": 640}
                    ],
                },
            ),
            422,
            2,
            42201,
        ),
        ("StopRecord", {"TaskId": "X3CgNeE4I1qAAABN"}, 404, 40403, 40403),
        ("DescribeRecordStatus", {"TaskId": "X3CgNeE4I1qAAABN"}, 404, 40403, 40403),
        ("DescribeTasks", {"Status": 4}, 422, 2, 42201),
        ("DescribeTasks", {"Status": 2, "PageSize": 51}, 422, 2, 42201),
    ],
)
def test_bad_requests_get_the_vendor_shape(
    service: ServiceProcess, action: str | None, body: object, status: int, code: int, ours: int
):
    params = {"Action": action} if action else {}
    answer = httpx.post(f"{service.url}/", params=params, json=body)
    assert answer.status_code == status, answer.text
    reply = answer.json()
    assert set(reply) == {"Code", "Message", "RequestId", "Data"}
    assert reply["Code"] == code
    assert reply["Message"]
    if ours is not None:
        assert reply["Data"]["ErrorCode"] == ours


def test_the_seed_sample_storage_params_become_ours():
    body = read_body(StartRecord, json.dumps(SEED_START_RECORD).encode())
    request = recording_create(body, None)
    assert (request.room_id, request.mode, request.stream_type) == ("xxxx", "single", "av")
    assert (request.format, request.folder, request.max_idle_seconds) == ("mp4", "record/", 60)
    storage = request.storage
    assert not isinstance(storage, str)
    assert storage is not None
    assert (storage.vendor, storage.region, storage.bucket) == ("oss", "oss-xxxx", "xxxx")
    assert (storage.access_key, storage.secret_key) == ("xxxx", "xxxx")


@pytest.mark.parametrize(
    ("stream_type", "fmt", "expected"),
    [(1, "aac", ("audio", "m4a")), (2, "flv", ("video", "flv")), (4, "HLS", ("separate", "hls"))],
)
def test_stream_types_and_formats(stream_type: int, fmt: str, expected: tuple[str, str]):
    raw = _start_body(
        RecordInputParams__StreamType=stream_type, RecordOutputParams__OutputFileFormat=fmt
    )
    request = recording_create(read_body(StartRecord, json.dumps(raw).encode()), None)
    assert (request.stream_type, request.format) == expected
