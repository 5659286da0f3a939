"""The documented limits, against the real service: request bodies, layouts, start requests, and
the seeds' fronts, which end in the same limits.

Each request beyond a limit is sent beside the same request just within it, which must succeed, so
that a refusal for another reason cannot pass for the limit. A refusal is a 413 or 422 with a
stable code and a message that names the field and the limit, never a path of the server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import av
import httpx
import pytest

from tests.helpers.service import ServiceProcess, run, wait_until

MIB = 1024 * 1024
# A folder at every limit at once: 8 deep, a 255-byte name, 1024 bytes in all.
FOLDER = "/".join(["a" * 255, "b" * 255, "c" * 255, "d" * 248, "e", "f", "g", "h"])
TAGS = [f"{i:02d}" + "t" * 62 for i in range(16)]  # 16 tags of 64 characters


def post(service: ServiceProcess, path: str, **options: Any) -> httpx.Response:
    return httpx.post(service.url + path, timeout=90, **options)


def refused(answer: httpx.Response, status: int, code: int, *words: str) -> str:
    """The message of a refusal, checked for its status, code, words, and for server paths."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["code"] == code, body
    message: str = body["message"]
    for word in words:
        assert word in message, message
    assert "/tmp" not in message, message
    assert "recordings/" not in message, message
    return message


def grid(count: int, width: int = 1280, height: int = 720) -> list[dict[str, int]]:
    """`count` boxes in rows of 8 on a `width` x `height` canvas."""
    w, h = width // 8 // 2 * 2, height // ((count + 7) // 8) // 2 * 2
    return [{"x": (i % 8) * w, "y": (i // 8) * h, "width": w, "height": h} for i in range(count)]


def layout(count: int, width: int = 1280, height: int = 720) -> dict[str, Any]:
    canvas = {"width": width, "height": height}
    regions = grid(count, *(min(width, 3840), min(height, 3840)))
    return {"version": 1, "template": "custom", "canvas": canvas, "regions": regions}


@pytest.fixture
def started(service: ServiceProcess) -> Iterator[list[str]]:
    """Ids of the recordings a test started; each is stopped at its end."""
    ids: list[str] = []
    yield ids
    for rec_id in ids:
        post(service, f"/v1/recordings/{rec_id}/stop")


def start(service: ServiceProcess, started: list[str], body: dict[str, Any]) -> httpx.Response:
    """`POST /v1/recordings`; a recording it starts is stopped at the end of the test."""
    answer = post(service, "/v1/recordings", json=body)
    if answer.status_code == 201:
        started.append(answer.json()["id"])
    return answer


def recording(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 201, answer.text
    rec: dict[str, Any] = answer.json()
    return rec


# --- request bodies -------------------------------------------------------------------------------


def padded(body: dict[str, Any], size: int) -> bytes:
    """`body` as JSON, padded with spaces to `size` bytes (still the same JSON)."""
    text = json.dumps(body).encode()
    return text + b" " * (size - len(text))


def test_a_body_within_1_mib_is_read_and_one_past_it_is_413(service: ServiceProcess) -> None:
    body = {"room_id": "call", "layout": layout(1)}
    headers = {"Content-Type": "application/json"}
    within = post(service, "/v1/layouts/preview", content=padded(body, MIB), headers=headers)
    assert within.status_code == 200, within.text
    two_mb = padded(body, 2 * MIB)
    refused(
        post(service, "/v1/layouts/preview", content=two_mb, headers=headers),
        413,
        41301,
        "1 MiB",
    )

    # Without a Content-Length (chunked), the body is counted as it comes.
    def chunks() -> Iterator[bytes]:
        for start in range(0, len(two_mb), 64 * 1024):
            yield two_mb[start : start + 64 * 1024]

    answer = post(service, "/v1/layouts/preview", content=chunks(), headers=headers)
    assert answer.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in answer.request.headers
    refused(answer, 413, 41301, "1 MiB")
    # The seeds' fronts read their bodies themselves: the same limit.
    refused(post(service, "/", params={"Action": "StartRecord"}, content=two_mb), 413, 41301)
    query = {"AppID": "app", "ArRoomID": "call", "Type": "Meet"}
    refused(post(service, "/anyapi/v1/startrecord", params=query, content=chunks()), 413, 41301)


def test_image_uploads_have_a_larger_body_limit(service: ServiceProcess) -> None:
    # 2 MiB passes this limit (the images route checks the image itself); 10 MiB does not.
    answer = httpx.put(f"{service.url}/v1/images/big.png", content=b"x" * 2 * MIB, timeout=90)
    assert answer.json()["code"] != 41301, answer.text
    refused(
        httpx.put(f"{service.url}/v1/images/big.png", content=b"x" * 10 * MIB, timeout=90),
        413,
        41301,
        "9 MiB",
    )


# --- layouts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "problem"),
    [
        ((3841, 2160), "canvas.width: at most 3840 pixels, got 3841"),
        ((16000, 16000), "canvas.height: at most 3840 pixels, got 16000"),
        ((3840, 3840), "at most 8294400"),
    ],
)
def test_a_preview_canvas_beyond_4k_is_refused(
    service: ServiceProcess, size: tuple[int, int], problem: str
) -> None:
    within = post(
        service, "/v1/layouts/preview", json={"room_id": "call", "layout": layout(1, 3840, 2160)}
    )
    assert within.status_code == 200, within.text
    beyond = post(
        service, "/v1/layouts/preview", json={"room_id": "call", "layout": layout(1, *size)}
    )
    refused(beyond, 422, 42207, problem)


def test_64_regions_preview_and_record_and_65_do_not(
    service: ServiceProcess, started: list[str]
) -> None:
    preview = post(service, "/v1/layouts/preview", json={"room_id": "class", "layout": layout(64)})
    assert preview.status_code == 200, preview.text
    assert preview.headers["content-type"] == "image/jpeg"
    body = {"room_id": "class", "layout": layout(65)}
    refused(post(service, "/v1/layouts/preview", json=body), 422, 42207, "at most 64 regions")

    body = {"room_id": "webinar", "mode": "mixed", "layout": layout(64)}
    rec = recording(start(service, started, body))
    assert len(rec["layout"]["regions"]) == 64
    body = {"room_id": "meeting", "mode": "mixed", "layout": layout(65)}
    refused(start(service, started, body), 422, 42207, "regions: at most 64")
    # A running mix's new layout too.
    update = httpx.put(
        f"{service.url}/v1/recordings/{rec['id']}/layout", json={"layout": layout(65)}, timeout=90
    )
    refused(update, 422, 42207, "regions: at most 64")


# --- start requests -------------------------------------------------------------------------------


def test_a_start_at_every_limit_records(service: ServiceProcess, started: list[str]) -> None:
    body = {"room_id": "call", "user_data": "u" * 4096, "tags": TAGS, "folder": FOLDER}
    rec = recording(start(service, started, body))
    url = f"{service.url}/v1/recordings/{rec['id']}"

    async def recording_now() -> bool:
        return bool(httpx.get(url).json()["state"] == "recording")

    run(wait_until(recording_now))
    stopped = post(service, f"/v1/recordings/{rec['id']}/stop").json()
    assert stopped["state"] == "completed", stopped
    assert stopped["files"]
    for file in stopped["files"]:
        assert file["path"].startswith(f"recordings/{FOLDER}/")
        with av.open(str(service.data_dir / file["path"])) as container:
            assert sum(1 for _ in container.decode(video=0)) > 0
    listed = httpx.get(url).json()
    assert (listed["user_data"], listed["tags"]) == ("u" * 4096, TAGS)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"user_data": "u" * 4097}, ["user_data", "at most 4096 bytes"]),
        ({"user_data": {"note": "u" * 4096}}, ["user_data", "at most 4096 bytes"]),
        ({"tags": [*TAGS, "17th"]}, ["tags", "at most 16 tags, got 17"]),
        ({"tags": ["t" * 65]}, ["tags", "at most 64 characters"]),
        ({"folder": "a" * 300}, ["folder", "at most 255 bytes", "300"]),
        ({"folder": "/".join(["a"] * 2000)}, ["folder", "at most 8 folders deep, got 2000"]),
        ({"folder": "/".join(["a"] * 9)}, ["folder", "at most 8 folders deep, got 9"]),
        ({"folder": FOLDER.replace("d" * 248, "d" * 249)}, ["folder", "at most 1024 bytes"]),
        ({"name_rule": "n" * 201}, ["name rule", "at most 200 bytes"]),
    ],
    ids=lambda value: str(value)[:40],
)
def test_a_start_beyond_a_limit_is_refused(
    service: ServiceProcess, started: list[str], change: dict[str, Any], words: list[str]
) -> None:
    body = {"room_id": "call", "user_data": "u" * 4096, "tags": TAGS, "folder": FOLDER, **change}
    refused(start(service, started, body), 422, 42207, *words)


def test_a_10_mb_user_data_is_refused_before_it_is_read(
    service: ServiceProcess, started: list[str]
) -> None:
    body = {"room_id": "call", "user_data": "u" * 10_000_000}
    refused(start(service, started, body), 413, 41301)


# --- the seeds' fronts ----------------------------------------------------------------------------


def anyrtc(service: ServiceProcess, call: str, body: object, **params: str) -> httpx.Response:
    query = {"AppID": "a" * 58, "ArRoomID": "meeting", "Type": "Meet", **params}
    return httpx.request(
        "GET", f"{service.url}/anyapi/v1/{call}", params=query, json=body, timeout=90
    )


def test_anyrtc_ends_in_the_same_limits(service: ServiceProcess) -> None:
    body = {"Path": FOLDER, "UserData": {"note": "u" * 4085}}  # 4096 bytes as JSON text
    answer = anyrtc(service, "startrecord", body)
    try:
        assert answer.json()["result"] == "ok", answer.text
    finally:
        anyrtc(service, "stoprecord", None)
    for change, words in [
        ({"UserData": "u" * 4097}, ["UserData", "at most 4096 bytes"]),
        ({"Path": "a" * 300}, ["Path", "at most 255 bytes"]),
        ({"Path": "/".join(["a"] * 2000)}, ["Path", "at most 8 folders deep"]),
    ]:
        answer = anyrtc(service, "startrecord", {**body, **change})
        refused(answer, 422, 42207, *words)
        assert answer.json()["result"] == "limit_exceeded"
    refused(anyrtc(service, "startrecord", body, AppID="a" * 59), 422, 42207, "AppID")


def action(service: ServiceProcess, name: str, body: object) -> httpx.Response:
    return httpx.post(f"{service.url}/", params={"Action": name}, json=body, timeout=90)


def test_the_action_api_ends_in_the_same_limits(service: ServiceProcess) -> None:
    boxes = [
        {
            "Left": b["x"],
            "Top": b["y"],
            "Right": b["x"] + b["width"],
            "Bottom": b["y"] + b["height"],
        }
        for b in grid(64)
    ]
    body: dict[str, Any] = {
        "RoomId": "class",
        "RecordInputParams": {
            "RecordMode": 2,
            "MixConfig": {"MixMode": 1, "MixInputList": boxes, "MixOutputStreamId": "m" * 54},
        },
        "RecordOutputParams": {"OutputFolder": FOLDER},
    }
    answer = action(service, "StartRecord", body)
    assert answer.json()["Code"] == 0, answer.text
    action(service, "StopRecord", {"TaskId": answer.json()["Data"]["TaskId"]})

    def changed(path: list[str], value: object) -> dict[str, Any]:
        copy: dict[str, Any] = json.loads(json.dumps(body))
        place = copy
        for key in path[:-1]:
            place = place[key]
        place[path[-1]] = value
        return copy

    mix = ["RecordInputParams", "MixConfig"]
    for path, value, words in [
        ([*mix, "MixInputList"], [*boxes, boxes[0]], ["at most 64 regions, got 65"]),
        ([*mix, "MixOutputStreamId"], "m" * 55, ["MixOutputStreamId", "at most 54"]),
        (
            [*mix, "MixOutputVideoConfig"],
            {"Width": 16000, "Height": 16000, "Fps": 30},
            ["canvas.width: at most 3840"],
        ),
        (["RecordOutputParams", "OutputFolder"], "a" * 300, ["OutputFolder", "255 bytes"]),
    ]:
        answer = action(service, "StartRecord", changed(path, value))
        assert answer.status_code == 422, answer.text
        reply = answer.json()
        assert (reply["Code"], reply["Data"]["ErrorCode"]) == (2, 42207), reply
        assert all(word in reply["Message"] for word in words), reply
        assert "/tmp" not in reply["Message"]
