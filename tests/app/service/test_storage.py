"""Recordings uploaded to a real S3-compatible server on loopback (moto's), through the real
service and client: the bytes arrive whole, the keys never show, and nothing is lost when the
storage or the service goes away in the middle."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from app.api.models import Event, RecordedFile, Recording, StorageInfo, StorageParams
from app.client.client import RecDeskClient
from app.client.errors import InvalidRequest, ServerFailure
from tests.helpers.s3 import ACCESS_KEY, S3Server
from tests.helpers.service import ServiceProcess, run, wait_until

PART = 8 * 1024  # small parts: every recorded file is a multipart upload


@pytest.fixture
def s3() -> Iterator[S3Server]:
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def secret() -> str:
    """A storage secret key no test shares, to look for where it must not be."""
    return "sk-" + secrets.token_hex(16)


def _bucket(s3: S3Server, secret: str) -> str:
    name = "rec-" + secrets.token_hex(4)
    s3.client(secret).create_bucket(Bucket=name)
    return name


def _service(
    tmp_path: Path,
    demo_media: Path,
    monkeypatch: pytest.MonkeyPatch,
    *extra: str,
    key: bool = True,
) -> ServiceProcess:
    if key:
        monkeypatch.setenv("RECDESK_SECRET_KEY", Fernet.generate_key().decode())
    else:
        monkeypatch.delenv("RECDESK_SECRET_KEY", raising=False)
    # The OS keyring of whoever runs the tests stays out of it.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    flags = ("--upload-part-size", str(PART), "--upload-retry-max", "0.5", *extra)
    service = ServiceProcess(tmp_path / "data", demo_media, *flags).start()
    service.wait_rooms("call")
    return service


def _storage(s3: S3Server, bucket: str, secret: str, **more: str) -> StorageParams:
    return StorageParams(
        endpoint=s3.url, bucket=bucket, access_key=ACCESS_KEY, secret_key=secret, **more
    )


async def _in_state(api: RecDeskClient, rec_id: str, state: str) -> Recording | None:
    rec = await api.recording(rec_id)
    return rec if rec.state == state else None


async def _record(api: RecDeskClient, seconds: float = 2.0, **fields: object) -> Recording:
    """Start a recording of the `call` room, let it record, stop it; the stop's answer."""
    rec = await api.start_recording(room_id="call", **fields)
    await wait_until(lambda: _in_state(api, rec.id, "recording"))
    await asyncio.sleep(seconds)
    return await api.stop(rec.id)


async def _events(api: RecDeskClient) -> list[Event]:
    """Every event so far."""
    last = (await api.health()).last_event_id
    found = []
    async with aclosing(api.events(since=0)) as stream:
        async for event in stream:
            found.append(event)
            if event.id >= last:
                return found
    return found


def _stored(s3: S3Server, secret: str, bucket: str, key: str) -> bytes:
    body: bytes = s3.client(secret).get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def _key(file: RecordedFile, bucket: str, s3: S3Server) -> str:
    assert file.download_url is not None
    prefix = f"{s3.url}/{bucket}/"
    assert file.download_url.startswith(prefix), file.download_url
    return file.download_url.removeprefix(prefix)


def test_files_upload_whole_and_the_keys_never_show(
    tmp_path: Path, demo_media: Path, monkeypatch: pytest.MonkeyPatch, s3: S3Server, secret: str
):
    bucket = _bucket(s3, secret)
    service = _service(tmp_path, demo_media, monkeypatch)
    try:

        async def go() -> tuple[Recording, list[Event], list[str]]:
            async with RecDeskClient(service.url) as api:
                storage = _storage(s3, bucket, secret, prefix="/studio/")
                stopped = await _record(api, storage=storage, folder="up")
                assert stopped.state in ("uploading", "completed")
                done = await wait_until(lambda: _in_state(api, stopped.id, "completed"))
                async with httpx.AsyncClient(base_url=service.url) as http:
                    answers = [
                        (await http.get(path)).text
                        for path in (f"/v1/recordings/{done.id}", "/v1/recordings", "/v1/files")
                    ]
                return done, await _events(api), answers

        done, events, answers = run(go())
    finally:
        service.stop()

    assert done.storage == StorageInfo(
        vendor="s3_compatible", endpoint=s3.url, region="us-east-1", bucket=bucket, prefix="studio"
    )
    states = [
        e.data["state"]
        for e in events
        if e.type == "recording.state" and e.data["recording_id"] == done.id
    ]
    assert states == ["starting", "recording", "stopping", "uploading", "completed"]
    assert len(done.files) == 2  # the call's two people
    for file in done.files:
        assert (file.upload, file.upload_error) == ("uploaded", None)
        key = _key(file, bucket, s3)
        assert key == f"studio/up/{file.name}"
        local = service.data_dir / file.path
        assert _stored(s3, secret, bucket, key) == local.read_bytes()  # kept here by default
        assert file.size > PART
        # Sent in parts, each once; progress grew to the whole file.
        sent = [n for path, n in s3.parts_sent() if path == f"/{bucket}/{key}"]
        assert sorted(sent) == list(range(1, -(-file.size // PART) + 1))
        progress = [
            (e.data["bytes"], e.data["state"])
            for e in events
            if e.type == "recording.upload" and e.data["file_id"] == file.file_id
        ]
        assert [b for b, _ in progress] == sorted(b for b, _ in progress)
        assert progress[-1] == (file.size, "uploaded")
        assert len(progress) > 3
    # No key in any answer or event, in the database, or in the log.
    for text in (*answers, *(e.model_dump_json() for e in events)):
        assert secret not in text
        assert ACCESS_KEY not in text
    for path in service.data_dir.glob("recdesk.sqlite3*"):
        assert secret.encode() not in path.read_bytes()
    with sqlite3.connect(service.data_dir / "recdesk.sqlite3") as db:
        (sealed,) = db.execute(
            "SELECT sealed FROM secrets WHERE owner = ?", (f"storage:{done.id}",)
        ).fetchone()
    assert secret.encode() not in sealed
    assert ACCESS_KEY.encode() not in sealed
    assert secret not in service.log.read_text()


def test_storage_going_down_mid_upload_loses_nothing_and_it_finishes_when_back(
    tmp_path: Path, demo_media: Path, monkeypatch: pytest.MonkeyPatch, s3: S3Server, secret: str
):
    bucket = _bucket(s3, secret)
    service = _service(tmp_path, demo_media, monkeypatch, "--remove-uploaded")
    s3.hold_parts_after(2)
    kept = tmp_path / "kept"
    try:

        async def go() -> Recording:
            async with RecDeskClient(service.url) as api:
                storage = _storage(s3, bucket, secret)
                stopped = await _record(api, storage=storage, mode="mixed")
                assert stopped.state == "uploading"
                assert await asyncio.to_thread(s3.holding.wait, 30)
                s3.stop()  # with part 3 on its way

                async def failed() -> Recording | None:
                    rec = await api.recording(stopped.id)
                    return rec if rec.files[0].upload == "failed" else None

                down = await wait_until(failed)
                # Nothing lost: the task waits, the file is here, the error says why.
                assert down.state == "uploading"
                [file] = down.files
                assert file.upload_error is not None
                assert s3.url in file.upload_error
                local = service.data_dir / file.path
                shutil.copy(local, kept)
                await asyncio.sleep(1.0)  # several more tries while it is down
                assert (await api.recording(stopped.id)).state == "uploading"
                s3.start()
                return await wait_until(lambda: _in_state(api, stopped.id, "completed"))

        done = run(go())
        [file] = done.files
        assert file.upload == "uploaded"
        key = _key(file, bucket, s3)
        assert _stored(s3, secret, bucket, key) == kept.read_bytes()
        # The upload went on from part 3: parts 1 and 2 were sent once.
        sent = [n for path, n in s3.parts_sent() if path == f"/{bucket}/{key}"]
        assert sorted(sent) == list(range(1, -(-file.size // PART) + 1))
        # The local copy went once the upload was confirmed; the service hands out a signed link.
        assert not (service.data_dir / file.path).exists()
        got = httpx.get(f"{service.url}/v1/files/{file.file_id}?download=1")
        assert got.status_code == 307
        assert httpx.get(got.headers["location"]).content == kept.read_bytes()
    finally:
        service.stop()


def test_a_restarted_service_resumes_its_pending_uploads(
    tmp_path: Path, demo_media: Path, monkeypatch: pytest.MonkeyPatch, s3: S3Server, secret: str
):
    bucket = _bucket(s3, secret)
    s3.stop()  # down from the start
    service = _service(tmp_path, demo_media, monkeypatch)
    try:

        async def first() -> Recording:
            async with RecDeskClient(service.url) as api:
                stopped = await _record(api, 1.5, storage=_storage(s3, bucket, secret))

                async def all_failed() -> Recording | None:
                    rec = await api.recording(stopped.id)
                    return rec if all(f.upload == "failed" for f in rec.files) else None

                return await wait_until(all_failed)

        waiting = run(first())
        assert waiting.state == "uploading"
        assert service.stop() == 0
        s3.start()
        service.start()

        async def second() -> Recording:
            async with RecDeskClient(service.url) as api:
                return await wait_until(lambda: _in_state(api, waiting.id, "completed"))

        done = run(second())
    finally:
        service.stop()
    assert [f.file_id for f in done.files] == [f.file_id for f in waiting.files]
    for file in done.files:
        assert file.upload == "uploaded"
        local = (service.data_dir / file.path).read_bytes()
        assert _stored(s3, secret, bucket, _key(file, bucket, s3)) == local


def test_a_storage_profile_of_the_config_and_requests_it_refuses(
    tmp_path: Path, demo_media: Path, monkeypatch: pytest.MonkeyPatch, s3: S3Server, secret: str
):
    bucket = _bucket(s3, secret)
    monkeypatch.setenv("ARCHIVE_SECRET", secret)
    config = tmp_path / "recdesk.toml"
    config.write_text(
        f'[storage.archive]\nendpoint = "{s3.url}"\nbucket = "{bucket}"\nprefix = "archive"\n'
        f'access_key = "{ACCESS_KEY}"\nsecret_key_env = "ARCHIVE_SECRET"\n'
    )
    service = _service(tmp_path, demo_media, monkeypatch, "--config", str(config))
    try:

        async def go() -> Recording:
            async with RecDeskClient(service.url) as api:
                with pytest.raises(InvalidRequest, match=r"no storage profile 'nope'.*archive"):
                    await api.start_recording(room_id="call", storage="nope")
                bad = {"bucket": bucket, "access_key": "a", "secret_key": secret}
                with pytest.raises(InvalidRequest, match=r"storage\.endpoint"):
                    await api.start_recording(room_id="call", storage=StorageParams(**bad))
                stopped = await _record(api, 1.0, storage="archive", stream_type="audio")
                return await wait_until(lambda: _in_state(api, stopped.id, "completed"))

        done = run(go())
    finally:
        service.stop()
    assert done.storage is not None
    assert (done.storage.profile, done.storage.prefix) == ("archive", "archive")
    for file in done.files:
        key = _key(file, bucket, s3)
        assert key == f"archive/{file.name}"
        assert _stored(s3, secret, bucket, key) == (service.data_dir / file.path).read_bytes()
    assert secret not in service.log.read_text()


def test_storage_without_a_secret_key_is_refused_saying_how_to_set_one(
    tmp_path: Path, demo_media: Path, monkeypatch: pytest.MonkeyPatch, s3: S3Server, secret: str
):
    service = _service(tmp_path, demo_media, monkeypatch, key=False)
    try:

        async def go() -> None:
            async with RecDeskClient(service.url) as api:
                with pytest.raises(ServerFailure, match="RECDESK_SECRET_KEY") as refused:
                    await api.start_recording(room_id="call", storage=_storage(s3, "any", secret))
                assert refused.value.name == "storage_unavailable"
                assert refused.value.status == 503
                assert (await api.recordings()).items == []

        run(go())
    finally:
        service.stop()
