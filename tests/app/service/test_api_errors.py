"""Bad requests get a 4xx with a stable code and a message, never a 5xx, and lose nothing."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.service import ServiceProcess


def _post(service: ServiceProcess, body: object = None, *, content: bytes | None = None):
    if content is not None:
        return httpx.post(
            f"{service.url}/v1/recordings",
            content=content,
            headers={"Content-Type": "application/json"},
        )
    return httpx.post(f"{service.url}/v1/recordings", json=body)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"room_id": "nowhere"}, 404, 40401),
        ({"room_id": "call", "mode": "sideways"}, 422, 42201),
        ({"room_id": "call", "split_seconds": "often"}, 422, 42201),
        ({"room_id": "call", "split_seconds": -5}, 422, 42201),
        ({"room_id": "call", "max_idle_seconds": 0}, 422, 42201),
        ({"room_id": "call", "include": "alice"}, 422, 42201),
        ({"room_id": "call", "colour": "red"}, 422, 42201),
        ({"room_id": 7}, 422, 42201),
        ({}, 422, 42201),
        ({"room_id": "call", "format": "m4a", "stream_type": "av"}, 422, 42205),
        ({"room_id": "call", "folder": "../outside"}, 422, 42203),
        ({"room_id": "call", "folder": "/etc"}, 422, 42203),
        ({"room_id": "call", "folder": "a/../../b"}, 422, 42203),
        ({"room_id": "call", "name_rule": "../x_{date}"}, 422, 42203),
        ({"room_id": "call", "name_rule": "x/{date}"}, 422, 42203),
        ({"room_id": "call", "name_rule": "x_{nope}"}, 422, 42204),
        ({"room_id": "call", "mode": "mixed", "name_rule": "{userid}_{date}"}, 422, 42204),
        ({"room_id": "call", "layout": "grid"}, 422, 42201),
        ({"room_id": "call", "mode": "mixed", "layout": "mosaic"}, 422, 42202),
        (
            {
                "room_id": "call",
                "mode": "mixed",
                "layout": {"version": 1, "template": "custom", "regions": [{"x": 0, "widht": 4}]},
            },
            422,
            42202,
        ),
    ],
)
def test_bad_start_requests(service: ServiceProcess, body: object, status: int, code: int):
    answer = _post(service, body)
    assert answer.status_code == status, answer.text
    error = answer.json()
    assert error["code"] == code
    assert error["name"]
    assert error["message"]


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'"call"', b""])
def test_malformed_bodies_are_400(service: ServiceProcess, content: bytes):
    answer = _post(service, content=content)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == 40001


def test_unknown_ids_and_wrong_states(service: ServiceProcess):
    url = service.url
    assert httpx.get(f"{url}/v1/recordings/r_nope").json()["code"] == 40403
    assert httpx.post(f"{url}/v1/recordings/r_nope/stop").status_code == 404
    assert httpx.get(f"{url}/v1/files/f_nope").json()["code"] == 40404
    assert httpx.get(f"{url}/v1/rooms/nowhere").json()["code"] == 40401
    assert httpx.get(f"{url}/v1/rooms/call/streams/nobody/snapshot").json()["code"] == 40402
    assert httpx.get(f"{url}/v1/nothing-here").json()["code"] == 40405
    assert httpx.get(f"{url}/v1/recordings", params={"cursor": "garbage"}).status_code == 422
    assert httpx.get(f"{url}/v1/recordings", params={"state": "asleep"}).status_code == 422
    bad_layout = httpx.post(f"{url}/v1/layouts/preview", json={"room_id": "call", "layout": 5})
    assert bad_layout.status_code == 422
