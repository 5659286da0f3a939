"""Seed 001's anyRTC start and stop calls against the real service.

The calls are the seed's: `GET /anyapi/v1/startrecord?AppID=...&ArRoomID=...&Type=Meet` with a
JSON body (`Path`, `UserData`, `NameRule`) on the GET, and its name rules and `userData` copied
from the seed's text; only the room is a demo room.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from app.service.compat.anyrtc import name_rule_of
from tests.helpers.media import probe
from tests.helpers.service import ServiceProcess, run, wait_until

# Seed 001: the NameRule of the body table, and the example with every field.
SEED_NAME_RULE = "ar_{roomid}_{date}_{random}"
SEED_FULL_NAME_RULE = "xx_{random}_{date}_{time}_{roomid}_{userid}_xx.mp4"
# Seed 001: the callback example's userData, a JSON object carried as a string.
SEED_USER_DATA = (
    '{"customerCode":"1002","devCoder":"10006","uNamer":"李席","devCoded":"10008",'
    '"uNamed":"王伟","nIder":"1005","nNamer":"电务段","nIded":"1006","nNamed":"工务段"}'
)


def _anyrtc(
    service: ServiceProcess, call: str, room: str, body: object = None, **params: str
) -> httpx.Response:
    query = {"AppID": "your.appid", "ArRoomID": room, "Type": "Meet", **params}
    return httpx.request(
        "GET", f"{service.url}/anyapi/v1/{call}", params=query, json=body, timeout=90
    )


def _recording(service: ServiceProcess, rec_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{service.url}/v1/recordings/{rec_id}")
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def _until_recording(service: ServiceProcess, rec_id: str) -> None:
    async def check() -> bool:
        return _recording(service, rec_id)["state"] == "recording"

    run(wait_until(check))


def test_a_meeting_is_recorded_into_one_file_named_by_the_rule(service: ServiceProcess):
    body = {"Path": "anyrtc", "UserData": SEED_USER_DATA, "NameRule": SEED_NAME_RULE}
    started = _anyrtc(service, "startrecord", "call", body)
    assert started.status_code == 200, started.text
    assert started.json()["result"] == "ok"
    rec_id = started.json()["recording_id"]
    try:
        _until_recording(service, rec_id)
        running = _recording(service, rec_id)
        assert running["mode"] == "mixed"
        assert "callback:anyrtc" in running["tags"]
        assert "appid:your.appid" in running["tags"]
        run(wait_until(lambda: _recorded_for(service, rec_id, 1.5)))
    finally:
        stopped = _anyrtc(service, "stoprecord", "call")
    assert stopped.status_code == 200, stopped.text
    assert stopped.json() == {"result": "ok", "recording_id": rec_id}

    done = _recording(service, rec_id)
    assert done["state"] == "completed"
    assert done["user_data"] == SEED_USER_DATA
    [file] = done["files"]
    assert re.fullmatch(r"ar_call_\d{8}_[A-Za-z0-9]{4}\.mp4", file["name"]), file["name"]
    assert file["path"] == f"recordings/anyrtc/{file['name']}"
    media = probe(service.data_dir / file["path"])
    assert media.codecs() == {"video": "h264", "audio": "aac"}
    video = next(s for s in media.streams if s["type"] == "video")
    assert (video["width"], video["height"]) == (1280, 720)
    assert media.media_duration() > 0.5


async def _recorded_for(service: ServiceProcess, rec_id: str, seconds: float) -> bool:
    return float(_recording(service, rec_id)["elapsed"]) >= seconds


def test_each_user_gets_files_named_with_the_seed_full_rule(service: ServiceProcess):
    body = {"Path": "anyrtc-single", "NameRule": SEED_FULL_NAME_RULE}
    started = _anyrtc(service, "startrecord", "call", body, Mode="single")
    assert started.json()["result"] == "ok", started.text
    rec_id = started.json()["recording_id"]
    try:
        _until_recording(service, rec_id)
        run(wait_until(lambda: _recorded_for(service, rec_id, 1.0)))
    finally:
        stopped = _anyrtc(service, "stoprecord", "call", Mode="single")
    assert stopped.json()["result"] == "ok", stopped.text
    done = _recording(service, rec_id)
    names = sorted(f["name"] for f in done["files"])
    assert len(names) == 2
    for name, user in zip(names, ("alice", "bob"), strict=True):
        assert re.fullmatch(rf"xx_[A-Za-z0-9]{{4}}_\d{{8}}_\d{{6}}_call_{user}_xx\.mp4", name), name
    for file in done["files"]:
        assert probe(service.data_dir / file["path"]).codecs() == {"video": "h264", "audio": "aac"}


def test_a_second_start_and_a_stop_of_nothing_answer_in_the_seed_form(service: ServiceProcess):
    started = _anyrtc(service, "startrecord", "webinar", {"NameRule": SEED_NAME_RULE})
    assert started.json()["result"] == "ok", started.text
    try:
        twice = _anyrtc(service, "startrecord", "webinar")
        assert twice.status_code == 409
        assert twice.json()["result"] == "recording_active"
        assert twice.json()["code"] == 40901
    finally:
        assert _anyrtc(service, "stoprecord", "webinar").json()["result"] == "ok"
    nothing = _anyrtc(service, "stoprecord", "webinar")
    assert nothing.status_code == 409
    assert nothing.json()["result"] == "recording_stopped"


def test_the_body_may_come_as_a_form(service: ServiceProcess):
    form = {"Path": "anyrtc-form", "NameRule": "form_{roomid}_{random}.flv"}
    query = {"AppID": "your.appid", "ArRoomID": "podcast", "Type": "Meet"}
    started = httpx.post(f"{service.url}/anyapi/v1/startrecord", params=query, data=form)
    assert started.json()["result"] == "ok", started.text
    rec_id = started.json()["recording_id"]
    try:
        _until_recording(service, rec_id)
    finally:
        httpx.post(f"{service.url}/anyapi/v1/stoprecord", params=query, timeout=90)
    done = _recording(service, rec_id)
    assert done["format"] == "flv"
    [file] = done["files"]
    assert file["name"].startswith("form_podcast_")
    assert probe(service.data_dir / file["path"]).format == "flv"


@pytest.mark.parametrize(
    ("params", "body", "status", "result"),
    [
        ({"Type": "meet"}, None, 422, "invalid_value"),
        ({"ArRoomID": ""}, None, 422, "invalid_value"),
        ({"AppID": ""}, None, 422, "invalid_value"),
        ({"Colour": "red"}, None, 422, "invalid_value"),
        ({"ArRoomID": "nowhere"}, None, 404, "room_not_found"),
        ({}, {"Path": "../outside"}, 422, "path_outside_data_dir"),
        ({}, {"NameRule": "ar_{roomid}_{nope}"}, 422, "invalid_name_rule"),
        ({}, {"UserData": 7}, 422, "invalid_value"),
        ({"Path": "a"}, {"Path": "b"}, 422, "invalid_value"),
        ({"Mode": "both"}, None, 422, "invalid_value"),
        ({}, "[1, 2]", 400, "malformed_request"),
    ],
)
def test_bad_starts_answer_in_the_seed_form(
    service: ServiceProcess, params: dict[str, str], body: object, status: int, result: str
):
    answer = _anyrtc(service, "startrecord", "call", body, **params)
    assert answer.status_code == status, answer.text
    reply = answer.json()
    assert reply["result"] == result
    assert reply["result"] != "ok"
    assert reply["code"] // 100 == status
    assert reply["message"]


def test_a_stop_in_an_unknown_room_says_so(service: ServiceProcess):
    answer = _anyrtc(service, "stoprecord", "nowhere")
    assert answer.status_code == 404
    assert answer.json()["result"] == "room_not_found"


@pytest.mark.parametrize(
    ("rule", "mode", "expected"),
    [
        (SEED_NAME_RULE, "mixed", (SEED_NAME_RULE, None)),
        (SEED_FULL_NAME_RULE, "single", ("xx_{random}_{date}_{time}_{roomid}_{userid}_xx", "mp4")),
        (SEED_FULL_NAME_RULE, "mixed", ("xx_{random}_{date}_{time}_{roomid}_xx", "mp4")),
        ("{userid}_{date}.FLV", "mixed", ("{date}", "flv")),
        ("talk.2026", "mixed", ("talk.2026", None)),
        ("", "mixed", (None, None)),
    ],
)
def test_name_rules(rule: str, mode: str, expected: tuple[str | None, str | None]):
    assert name_rule_of(rule, "single" if mode == "single" else "mixed") == expected
