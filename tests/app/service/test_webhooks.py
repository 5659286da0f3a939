"""Webhooks: a real service records a demo room and POSTs its events, signed, to receivers on
loopback that refuse, fail and come back; nothing is missed, repeated out of order or unsigned,
and what is left undelivered at a stop is delivered after the restart. An anyRTC-style
recording gets seed 001's flat body; a file with storage is announced once uploaded, with its
URL. Signatures are checked by `tests.helpers.webhooks.verify`, written from the spec."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import secrets
import shutil
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.api.models import Event, Recording
from app.client.client import RecDeskClient
from tests.helpers.service import ServiceProcess, run, wait_until
from tests.helpers.webhooks import (
    Received,
    Receiver,
    distinct,
    printed_secret,
    retries_in_order,
    verify,
)

SEED_001_FIELDS = {
    "type",
    "mediaType",
    "userId",
    "groupId",
    "fileName",
    "fileSize",
    "duration",
    "startTime",
    "endTime",
    "downloadUrl",
    "userData",
}
SEED_TIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2} \d{2}:\d{2}:\d{2}$")
STATUS = {"starting": 0, "recording": 1, "paused": 2, "stopping": 3, "completed": 5, "failed": 6}


def _events_of(url: str, rec_id: str) -> list[Event]:
    """The recording's events from the service's log, oldest first."""

    async def go() -> list[Event]:
        async with RecDeskClient(url) as api:
            last = (await api.health()).last_event_id
            found: list[Event] = []
            async for event in api.events(since=0):
                if event.data.get("recording_id") == rec_id:
                    found.append(event)
                if event.id >= last:
                    return found
        return found

    return run(go())


def _key_of_event(event: Event) -> tuple[str, ...]:
    data = event.data
    match event.type:
        case "recording.state":
            return (event.type, data["state"], str(data["previous"]))
        case "recording.file":
            return (event.type, data["name"])
        case _:
            return (event.type, Path(data["path"]).name)


def _expected_keys(events: list[Event]) -> list[tuple[str, ...]]:
    """The messages a recording's events make: a file waiting for its upload is announced when
    its upload is confirmed; other upload events make none."""
    keys = []
    for event in events:
        if event.type == "recording.upload":
            if event.data["state"] == "uploaded":
                keys.append(("recording.file", event.data["name"]))
        elif event.type != "recording.file" or event.data.get("upload") is None:
            keys.append(_key_of_event(event))
    return keys


def _key_of_message(request: Received) -> tuple[str, ...]:
    body = request.json()
    data = body["data"]
    if body["type"] == "recording.state":
        return (body["type"], data["State"], str(data["PreviousState"]))
    return (body["type"], data["fileName"])


def _delivered(requests: list[Received]) -> list[Received]:
    """The messages answered 2xx at least once, in the order they first came."""
    ok = {r.msg_id for r in requests if 200 <= r.status < 300}
    return [r for r in distinct(requests) if r.msg_id in ok]


def _check_stream(requests: list[Received], secret: str) -> None:
    """Every request signed; a message's retries carry the same body, in a row."""
    assert requests
    for request in requests:
        verify(secret, request.headers, request.body)
        assert request.headers["content-type"] == "application/json"
    bodies: dict[str, bytes] = {}
    for request in requests:
        assert bodies.setdefault(request.msg_id, request.body) == request.body
    assert retries_in_order(requests), [r.msg_id for r in requests]


def _check_envelopes(messages: list[Received], events: list[Event], rec: Recording) -> None:
    """One message per event, in order, each saying what its event says."""
    assert [_key_of_message(m) for m in messages] == [_key_of_event(e) for e in events]
    files = {f.name: f for f in rec.files}
    for message, event in zip(messages, events, strict=True):
        body = message.json()
        assert set(body) == {"type", "timestamp", "data"}
        assert datetime.fromisoformat(body["timestamp"]) == event.at
        data = body["data"]
        if body["type"] == "recording.state":
            assert data["TaskId"] == rec.id
            assert data["RoomId"] == rec.room_id
            assert data["Status"] == STATUS[data["State"]]
            assert data["Reason"] == event.data["reason"]
            assert (data["RecordMode"], data["StreamType"]) == (2, 3)
            continue
        assert set(data) >= SEED_001_FIELDS
        assert data["groupId"] == rec.room_id
        assert data["userData"] == rec.user_data
        assert SEED_TIME.match(data["startTime"])
        assert SEED_TIME.match(data["endTime"])
        assert "/v1/files/" in data["downloadUrl"]  # kept here: a signed link (fetched below)
        assert data["recordingId"] == data["recording_id"] == rec.id
        if body["type"] == "recording.file":
            file = files[data["fileName"]]
            assert (data["type"], data["mediaType"], data["userId"]) == ("1", "audio/video", "")
            assert (data["fileId"], data["fileSize"]) == (file.file_id, file.size)
            assert data["file_id"] == file.file_id
            assert data["duration"] == round(file.duration)
        else:
            assert (data["type"], data["mediaType"]) == ("3", "image")
            assert data["fileName"].endswith(".jpg")
            assert data["fileSize"] > 0


def test_events_reach_both_receivers_through_refusals_failures_and_a_restart(
    tmp_path: Path, demo_media: Path, receiver: Receiver
):
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    config = tmp_path / "recdesk.toml"
    config.write_text(f'[webhooks]\nurl = "{receiver.url("/service")}"\nsecret = "{secret}"\n')
    service = ServiceProcess(
        tmp_path / "data", demo_media, "--config", str(config), "--webhook-backoff", "0.05,0.4,3600"
    )
    service.start().wait_rooms("call")
    try:
        paths = ("/rec", "/service")

        async def record() -> Recording:
            async with RecDeskClient(service.url) as api:
                rec = await api.start_recording(
                    room_id="call",
                    mode="mixed",
                    snapshot_seconds=1.0,
                    callback_url=receiver.url("/rec"),
                    user_data={"customerCode": "1002", "uNamer": "李席"},
                )

                async def recording() -> bool:
                    return (await api.recording(rec.id)).state == "recording"

                await wait_until(recording)
                await asyncio.sleep(1.5)
                await api.pause(rec.id)
                await api.resume(rec.id)
                await asyncio.sleep(1.5)
                return rec

        # 1. Nobody listens: every attempt is refused.
        rec = run(record())
        assert receiver.got() == []

        # 2. The receiver answers 500: messages are tried again and again, the first one first.
        receiver.status = 500
        receiver.listen()
        receiver.wait(lambda got: all(sum(r.path == p for r in got) >= 3 for p in paths))

        # 3. It answers 200: everything so far arrives.
        receiver.status = 200
        so_far = len(_events_of(service.url, rec.id))
        for path in paths:
            receiver.wait(
                lambda got, p=path: len(_delivered([r for r in got if r.path == p])) >= so_far
            )

        # 4. It fails again while the recording stops, and the service stops with messages left.
        receiver.status = 500
        before = len(receiver.got())
        done = run(_stop(service.url, rec.id))
        assert done.state == "completed"
        receiver.wait(lambda got: all(sum(r.path == p for r in got[before:]) >= 2 for p in paths))
        assert service.stop() == 0
        left = len(receiver.got())
        for path in paths:
            keys = [_key_of_message(m) for m in _delivered(receiver.got(path))]
            assert ("recording.state", "completed", "stopping") not in keys

        # 5. After the restart, what was left is delivered.
        receiver.status = 200
        service.start()
        events = _events_of(service.url, rec.id)
        assert events[-1].data["state"] == "completed"
        for path in paths:
            receiver.wait(
                lambda got, p=path: len(_delivered([r for r in got if r.path == p])) >= len(events)
            )
        assert len(receiver.got()) > left
        answer = httpx.get(f"{service.url}/v1/recordings/{rec.id}", timeout=10)
        rec = Recording.model_validate(answer.raise_for_status().json())
    finally:
        service.stop()

    for path in paths:
        requests = receiver.got(path)
        _check_stream(requests, secret)
        assert any(r.status == 500 for r in requests)
        messages = _delivered(requests)
        assert len(messages) == len(distinct(requests))  # nothing given up
        _check_envelopes(messages, events, rec)
    kinds = {m.json()["type"] for m in _delivered(receiver.got("/rec"))}
    assert kinds == {"recording.state", "recording.file", "recording.snapshot"}


async def _stop(url: str, rec_id: str) -> Recording:
    async with RecDeskClient(url) as api:
        return await api.stop(rec_id)


def test_anyrtc_recording_gets_seed_001_flat_callbacks(service: ServiceProcess, receiver: Receiver):
    receiver.listen()
    secret = printed_secret(service.data_dir)
    assert secret.startswith("whsec_")
    assert (service.data_dir / "webhook-secret").stat().st_mode & 0o777 == 0o600

    async def record() -> Recording:
        async with RecDeskClient(service.url) as api:
            rec = await api.start_recording(
                room_id="webinar",
                mode="single",
                snapshot_seconds=1.0,
                callback_url=receiver.url("/AR/V1/av"),
                tags=["callback:anyrtc"],
                user_data='{"customerCode":"1002"}',
            )

            async def recording() -> bool:
                return (await api.recording(rec.id)).state == "recording"

            await wait_until(recording)
            await asyncio.sleep(2.5)
            return await api.stop(rec.id)

    rec = run(record())
    assert rec.state == "completed"
    assert rec.files
    names = {f.name for f in rec.files}
    receiver.wait(lambda got: names <= {r.json().get("fileName") for r in got})
    requests = receiver.got()
    _check_stream(requests, secret)
    files = {f.name: f for f in rec.files}
    kinds = []
    for request in requests:
        body: dict[str, Any] = request.json()
        assert body["groupId"] == "webinar"
        assert body["userData"] == '{"customerCode":"1002"}'
        assert isinstance(body["fileSize"], int)
        assert isinstance(body["duration"], int)
        kinds.append(body["type"])
        # No storage: the download URL is a signed link to the bytes on the service, which works
        # with no other credentials from beyond loopback, and outlives the 24 h of retries.
        link = _beyond_loopback(body["downloadUrl"])
        assert link.status_code == 200, link.text
        expires = int(parse_qs(urlsplit(body["downloadUrl"]).query)["expires"][0])
        assert expires > time.time() + 24 * 3600
        if body["type"] == "2":
            assert set(body) == SEED_001_FIELDS | {"fileId"}, body  # flat: no envelope
            file = files[body["fileName"]]
            assert body["fileId"] == file.file_id
            media = {s.type for s in file.streams}
            expected = "audio/video" if media == {"audio", "video"} else media.pop()
            assert body["mediaType"] == expected
            assert body["userId"] == file.user_id
            assert body["fileSize"] == file.size
            assert link.content == (service.data_dir / file.path).read_bytes()
        else:
            assert set(body) == SEED_001_FIELDS, body  # flat: no envelope, nothing else
            assert body["type"] == "3"
            assert body["mediaType"] == "image"
            assert link.headers["content-type"] == "image/jpeg"
            assert link.content.startswith(b"\xff\xd8")  # a JPEG, whole
            assert len(link.content) == body["fileSize"]
    assert set(kinds) == {"2", "3"}
    assert kinds.count("2") == len(rec.files)

    # A link names its file: another file's id in it is refused; so is the path without it.
    url = next(r.json()["downloadUrl"] for r in requests if r.json()["type"] == "2")
    file_id = url.split("/v1/files/")[1].split("/")[0]
    refused = _beyond_loopback(url.replace(file_id, "f_0123456789ab"))
    assert (refused.status_code, refused.json()["code"]) == (403, 40301)
    bare = _beyond_loopback(url.split("?")[0])
    assert (bare.status_code, bare.json()["code"]) == (401, 40101)
    # `recording_id` names a recording everywhere, its own JSON included.
    own = httpx.get(f"{service.url}/v1/recordings/{rec.id}", timeout=10).json()
    assert own["recording_id"] == own["id"] == rec.id


def _beyond_loopback(url: str) -> httpx.Response:
    """GET `url` with no credentials as a client beyond loopback: through a proxy, which the
    service never counts as loopback."""
    return httpx.get(url, headers={"X-Forwarded-For": "203.0.113.7"}, timeout=30)


def _link(service: ServiceProcess, path: str, expires: int) -> str:
    """A download link signed as the service documents it, with its own key."""
    key = bytes.fromhex((service.data_dir / "download-key").read_text())
    digest = hmac.new(key, f"GET\n{path}\n{expires}".encode(), hashlib.sha256).digest()
    signature = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return f"{service.url}{path}?expires={expires}&signature={signature}"


def test_a_tampered_or_expired_download_link_is_refused(service: ServiceProcess):
    path = "/v1/files/f_0123456789ab/download"
    good = _link(service, path, int(time.time()) + 3600)
    # Signed right: the link is let in, and the file it names is looked for.
    answer = _beyond_loopback(good)
    assert (answer.status_code, answer.json()["code"]) == (404, 40404)
    expires = parse_qs(urlsplit(good).query)["expires"][0]
    tampered = {
        "a later expiry": good.replace(f"expires={expires}", f"expires={int(expires) + 1}"),
        "another signature": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "another snapshot": _link(service, "/v1/files/snapshots/a.jpg", int(expires)).replace(
            "a.jpg", "b.jpg"
        ),
        "no expiry": good.replace(f"expires={expires}&", ""),
    }
    for what, url in tampered.items():
        for answer in (_beyond_loopback(url), httpx.get(url, timeout=30)):
            assert (answer.status_code, answer.json()["code"]) == (403, 40301), what
    expired = _link(service, path, int(time.time()) - 60)
    for answer in (_beyond_loopback(expired), httpx.get(expired, timeout=30)):
        assert (answer.status_code, answer.json()["code"]) == (403, 40302)
        assert answer.json()["name"] == "link_expired"


def test_a_stored_file_is_announced_once_uploaded_with_its_download_url(
    tmp_path: Path, demo_media: Path, monkeypatch: pytest.MonkeyPatch, receiver: Receiver
):
    from cryptography.fernet import Fernet

    from app.api.models import StorageParams
    from tests.helpers.s3 import ACCESS_KEY, S3Server

    receiver.listen()
    monkeypatch.setenv("RECDESK_SECRET_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    s3 = S3Server().start()
    service = ServiceProcess(tmp_path / "data", demo_media).start()
    try:
        service.wait_rooms("call")
        key = "sk-" + secrets.token_hex(8)
        s3.client(key).create_bucket(Bucket="recs")
        storage = StorageParams(
            endpoint=s3.url, bucket="recs", access_key=ACCESS_KEY, secret_key=key
        )

        async def record() -> Recording:
            async with RecDeskClient(service.url) as api:
                rec = await api.start_recording(
                    room_id="call", mode="mixed", storage=storage, callback_url=receiver.url("/rec")
                )

                async def in_state(state: str) -> Recording | None:
                    found = await api.recording(rec.id)
                    return found if found.state == state else None

                await wait_until(lambda: in_state("recording"))
                await asyncio.sleep(1.5)
                await api.stop(rec.id)
                return await wait_until(lambda: in_state("completed"))

        rec = run(record())
        events = _events_of(service.url, rec.id)
    finally:
        service.stop()
        s3.stop()
    receiver.wait(lambda got: any(r.json()["data"].get("State") == "completed" for r in got))
    messages = _delivered(receiver.got())
    _check_stream(receiver.got(), printed_secret(service.data_dir))
    assert [_key_of_message(m) for m in messages] == _expected_keys(events)
    (file,) = rec.files
    assert file.download_url is not None
    (announced,) = [m.json()["data"] for m in messages if m.json()["type"] == "recording.file"]
    assert (announced["fileName"], announced["downloadUrl"]) == (file.name, file.download_url)
    states = [m.json()["data"]["State"] for m in messages if m.json()["type"] == "recording.state"]
    assert states[-2:] == ["uploading", "completed"]


def test_message_ids_stay_unique_across_a_reset_data_folder(
    tmp_path: Path, demo_media: Path, receiver: Receiver
):
    """Receivers drop a webhook-id they have seen (Standard Webhooks): a service whose data
    folder was reset, like a second service, must never reuse one."""
    receiver.listen()
    data = tmp_path / "data"
    ids: list[list[str]] = []
    for run_number in range(2):
        if run_number:
            shutil.rmtree(data)  # a reset: the database starts empty again
        service = ServiceProcess(data, demo_media, "--callback-url", receiver.url("/hooks"))
        service.start().wait_rooms("call")
        before = len(receiver.got())
        try:

            async def record(url: str) -> None:
                async with RecDeskClient(url) as api:
                    rec = await api.start_recording(room_id="call", mode="single")
                    await api.stop(rec.id)

            run(record(service.url))
            receiver.wait(lambda got, n=before: len(distinct(got[n:])) >= 3)
        finally:
            service.stop()
        ids.append([r.msg_id for r in distinct(receiver.got()[before:])])
    first, second = set(ids[0]), set(ids[1])
    assert first.isdisjoint(second), sorted(first & second)
    for msg_id in first | second:
        assert msg_id.startswith("msg_")
        assert uuid.UUID(msg_id.removeprefix("msg_")).version == 7, msg_id
