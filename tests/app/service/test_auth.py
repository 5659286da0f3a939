"""Signed requests against a real service that asks for credentials even on loopback.

Signatures are computed here from the spec (md5 of AppId + SignatureNonce + ServerSecret +
Timestamp, lower-case hex), not with the service's own code. The client and `recdesk-ctl` sign by
themselves; the event stream and downloads work signed; a service without `[auth]` needs nothing
on loopback, and will not listen beyond it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.client.client import RecDeskClient
from app.client.errors import Unauthorized
from tests.helpers.service import ServiceProcess, run, wait_until

SECRET = "studio-secret-0123456789"
LAB_SECRET = "lab-secret-from-the-environment"
TOKEN = "ci-token-abcdefghijklmnop"
CONFIG = f"""
[auth]
require_on_loopback = true
apps = [
  {{ app_id = "studio", secret = "{SECRET}" }},
  {{ app_id = "lab", secret_env = "RECDESK_TEST_LAB_SECRET" }},
]
tokens = [{{ name = "ci", token = "{TOKEN}" }}]
"""
_CTL = [sys.executable, "-c", "import sys; from app.client.ctl import main; sys.exit(main())"]


def signed(
    app_id: str = "studio",
    secret: str = SECRET,
    *,
    nonce: str | None = None,
    timestamp: int | None = None,
    version: str = "1.0",
) -> dict[str, str]:
    """The five parameters of a request signed as the spec says."""
    nonce = nonce or secrets.token_hex(8)
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    text = (app_id + nonce + secret + stamp).encode()
    return {
        "AppId": app_id,
        "SignatureNonce": nonce,
        "Timestamp": stamp,
        "SignatureVersion": version,
        "Signature": hashlib.md5(text).hexdigest(),
    }


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory, demo_media: Path) -> Iterator[ServiceProcess]:
    """A demo service that asks every caller for credentials, loopback included."""
    folder = tmp_path_factory.mktemp("secured")
    config = folder / "recdesk.toml"
    config.write_text(CONFIG)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RECDESK_TEST_LAB_SECRET", LAB_SECRET)
        service = ServiceProcess(folder / "data", demo_media, "--config", str(config)).start()
    deadline = time.monotonic() + 60
    while True:  # the demo rooms go live once their media is read
        items = get(service, "/v1/rooms", headers=bearer()).json()["items"]
        if {"podcast", "call"} <= {room["room_id"] for room in items if room["live"]}:
            break
        assert time.monotonic() < deadline, "the demo rooms did not go live"
        time.sleep(0.1)
    yield service
    service.stop()


def get(service: ServiceProcess, path: str, **options: Any) -> httpx.Response:
    return httpx.get(service.url + path, timeout=10, **options)


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refused(response: httpx.Response, name: str) -> str:
    """The message of a 401 with the error `name`, checked for its shape and for secrets."""
    assert response.status_code == 401, response.text
    body = response.json()
    assert (body["name"], body["code"]) == (
        name,
        {"unauthorized": 40101, "signature_expired": 40102, "nonce_reused": 40103}[name],
    )
    for secret in (SECRET, LAB_SECRET, TOKEN):
        assert secret not in response.text
    message: str = body["message"]
    return message


# --- the service ----------------------------------------------------------------------------------


def test_an_unsigned_request_is_refused_with_what_to_do(secured: ServiceProcess) -> None:
    response = get(secured, "/v1/rooms")
    message = refused(response, "unauthorized")
    assert "Signature" in message
    assert "Bearer" in message
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_health_and_the_api_description_stay_open(secured: ServiceProcess) -> None:
    assert get(secured, "/v1/health").status_code == 200
    assert get(secured, "/openapi.json").json()["info"]["title"] == "RecDesk recording service"
    assert get(secured, "/docs").status_code == 200
    assert get(secured, "/redoc").status_code == 200
    assert get(secured, "/docs-assets/swagger-ui.css").status_code == 200
    assert get(secured, "/docs-assets/redoc.standalone.js").status_code == 200


def test_a_request_signed_as_the_spec_says_passes(secured: ServiceProcess) -> None:
    response = get(secured, "/v1/rooms", params=signed())
    assert response.status_code == 200, response.text
    assert "podcast" in {room["room_id"] for room in response.json()["items"]}
    # The version seed 003's own clients send means the same formula.
    assert get(secured, "/v1/rooms", params=signed(version="2.0")).status_code == 200
    # An app whose secret came from the environment.
    assert get(secured, "/v1/rooms", params=signed("lab", LAB_SECRET)).status_code == 200


def test_a_wrong_secret_is_refused(secured: ServiceProcess) -> None:
    wrong = "not-the-secret-at-all-0000"
    message = refused(get(secured, "/v1/rooms", params=signed(secret=wrong)), "unauthorized")
    assert "Signature does not match" in message
    assert wrong not in message
    # Another app's secret does not sign for this one.
    assert get(secured, "/v1/rooms", params=signed("lab", SECRET)).status_code == 401


def test_unknown_apps_and_malformed_signatures_are_refused(secured: ServiceProcess) -> None:
    message = refused(get(secured, "/v1/rooms", params=signed("nobody")), "unauthorized")
    assert "'nobody'" in message
    incomplete = {k: v for k, v in signed().items() if k != "Timestamp"}
    assert "Timestamp" in refused(get(secured, "/v1/rooms", params=incomplete), "unauthorized")
    message = refused(get(secured, "/v1/rooms", params=signed(version="3.0")), "unauthorized")
    assert "SignatureVersion" in message


def test_a_timestamp_outside_ten_minutes_is_expired(secured: ServiceProcess) -> None:
    now = int(time.time())
    for timestamp in (now - 11 * 60, now + 11 * 60):
        response = get(secured, "/v1/rooms", params=signed(timestamp=timestamp))
        assert "clock" in refused(response, "signature_expired")
    in_time = get(secured, "/v1/rooms", params=signed(timestamp=now - 9 * 60))
    assert in_time.status_code == 200
    millis = get(secured, "/v1/rooms", params=signed(timestamp=now * 1000))
    assert "milliseconds" in refused(millis, "signature_expired")


def test_a_nonce_is_used_once(secured: ServiceProcess) -> None:
    params = signed()
    assert get(secured, "/v1/rooms", params=params).status_code == 200
    message = refused(get(secured, "/v1/rooms", params=params), "nonce_reused")
    assert params["SignatureNonce"] in message
    # Signed anew with the same nonce: still used.
    again = signed(nonce=params["SignatureNonce"])
    assert get(secured, "/v1/rooms", params=again).status_code == 401
    # Nonces belong to their app.
    lab = signed("lab", LAB_SECRET, nonce=params["SignatureNonce"])
    assert get(secured, "/v1/rooms", params=lab).status_code == 200


def test_a_bearer_token_in_the_header_or_the_query_passes(secured: ServiceProcess) -> None:
    assert get(secured, "/v1/rooms", headers=bearer()).status_code == 200
    assert get(secured, "/v1/rooms", params={"Token": TOKEN}).status_code == 200
    refused(get(secured, "/v1/rooms", headers=bearer("wrong-token-0123456789")), "unauthorized")
    refused(get(secured, "/v1/rooms", params={"Token": "wrong"}), "unauthorized")
    basic = get(secured, "/v1/rooms", auth=("studio", SECRET))
    assert "Bearer TOKEN" in refused(basic, "unauthorized")


def test_secrets_and_tokens_stay_out_of_the_log(secured: ServiceProcess) -> None:
    assert get(secured, "/v1/rooms", params={"Token": TOKEN}).status_code == 200
    marker = secrets.token_hex(8)  # the nonce of the last request: its log line comes last
    get(secured, "/v1/rooms", params=signed(secret="a-wrong-secret-0123456", nonce=marker))
    deadline = time.monotonic() + 10
    while marker not in (log := secured.log.read_text()):
        assert time.monotonic() < deadline, "the access log has no line for the request"
        time.sleep(0.05)  # the access log line is written once the answer has gone
    for secret in (SECRET, LAB_SECRET, TOKEN, "a-wrong-secret-0123456"):
        assert secret not in log


# --- the client and recdesk-ctl -------------------------------------------------------------------


def test_the_client_signs_every_request_by_itself(secured: ServiceProcess) -> None:
    async def scenario() -> None:
        async with RecDeskClient(secured.url, app_id="studio", secret=SECRET) as client:
            rooms = await client.all_rooms()
            assert "podcast" in {room.room_id for room in rooms}
            for _ in range(3):  # each request with a nonce of its own
                await client.room("podcast")
        async with RecDeskClient(secured.url, token=TOKEN) as client:
            assert (await client.room("call")).room_id == "call"
        async with RecDeskClient(secured.url) as client:
            with pytest.raises(Unauthorized) as caught:
                await client.rooms()
            assert caught.value.number == 40101
        async with RecDeskClient(secured.url, app_id="studio", secret="wrong-secret-00000") as c:
            with pytest.raises(Unauthorized) as caught:
                await c.rooms()
            assert "wrong-secret-00000" not in str(caught.value)

    run(scenario())


def test_events_and_downloads_work_signed(secured: ServiceProcess, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with RecDeskClient(secured.url, app_id="studio", secret=SECRET) as client:
            async with aclosing(client.events(since=0)) as events:
                first = await asyncio.wait_for(anext(events), 20)
            assert first.id >= 1
            recording = await client.start_recording(
                room_id="podcast", stream_type="audio", format="ogg"
            )

            async def recording_now() -> bool:
                return (await client.recording(recording.id)).state == "recording"

            await wait_until(recording_now)
            await asyncio.sleep(1.0)
            stopped = await client.stop(recording.id)
            assert stopped.files, stopped
            file = stopped.files[0]
            path = await client.download(file.file_id, tmp_path)
            assert path.stat().st_size == file.size > 0
            unsigned = get(secured, f"/v1/files/{file.file_id}", params={"download": "1"})
            refused(unsigned, "unauthorized")
            unsigned_events = get(secured, "/v1/events", params={"since": "0"})
            refused(unsigned_events, "unauthorized")

    run(scenario())


def ctl(service: ServiceProcess, *words: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("RECDESK_APP_ID", "RECDESK_SECRET", "RECDESK_TOKEN")
    }
    return subprocess.run(
        [*_CTL, "--url", service.url, *words],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**environ, **env},
    )


def test_recdesk_ctl_signs_with_flags_or_the_environment(secured: ServiceProcess) -> None:
    runs = {
        "flags": ctl(secured, "--app-id", "studio", "--secret", SECRET, "rooms"),
        "flags after the command": ctl(secured, "rooms", "--app-id", "studio", "--secret", SECRET),
        "id flag, secret from env": ctl(
            secured, "--app-id", "studio", "rooms", RECDESK_SECRET=SECRET
        ),
        "env": ctl(secured, "rooms", RECDESK_APP_ID="lab", RECDESK_SECRET=LAB_SECRET),
        "token flag": ctl(secured, "--token", TOKEN, "rooms"),
        "token env": ctl(secured, "rooms", RECDESK_TOKEN=TOKEN),
    }
    for how, done in runs.items():
        assert done.returncode == 0, (how, done.stderr)
        assert "podcast" in done.stdout, how
    health = ctl(secured, "--json", "health", RECDESK_TOKEN=TOKEN)
    assert json.loads(health.stdout)["version"]

    bare = ctl(secured, "rooms")
    assert bare.returncode == 1
    assert "code 40101 unauthorized" in bare.stderr
    wrong = ctl(secured, "rooms", RECDESK_APP_ID="studio", RECDESK_SECRET="wrong-0123456789abc")
    assert wrong.returncode == 1
    assert "Signature does not match" in wrong.stderr
    assert "wrong-0123456789abc" not in wrong.stderr


# --- without [auth] -------------------------------------------------------------------------------


def test_loopback_needs_nothing_without_require_on_loopback(service: ServiceProcess) -> None:
    assert get(service, "/v1/rooms").status_code == 200


def test_beyond_loopback_without_credentials_the_service_will_not_start(tmp_path: Path) -> None:
    server = [sys.executable, "-m", "app.service.main", "--port", "0"]
    for host in ("0.0.0.0", "::"):
        done = subprocess.run(
            [*server, "--host", host, "--data-dir", str(tmp_path / "data")],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2
        assert done.stdout == ""  # no URL: nothing listens
        assert f"--host {host} listens beyond loopback" in done.stderr
        assert "[auth]" in done.stderr


def test_a_proxied_request_needs_credentials_even_from_loopback(tmp_path: Path) -> None:
    config = tmp_path / "recdesk.toml"
    config.write_text(f'[auth]\ntokens = [{{ name = "ci", token = "{TOKEN}" }}]\n')
    service = ServiceProcess(tmp_path / "data", None, "--config", str(config), "--host", "0.0.0.0")
    service.start()
    try:
        service.url = service.url.replace("0.0.0.0", "127.0.0.1")
        assert get(service, "/v1/rooms").status_code == 200
        # uvicorn takes the client's address from a proxy on loopback: 203.0.113.9 is not local.
        proxied = {"X-Forwarded-For": "203.0.113.9"}
        refused(get(service, "/v1/rooms", headers=proxied), "unauthorized")
        assert get(service, "/v1/rooms", headers={**proxied, **bearer()}).status_code == 200
        # A proxy header never counts as loopback, whatever address it names.
        local = {"X-Forwarded-For": "127.0.0.1"}
        refused(get(service, "/v1/rooms", headers=local), "unauthorized")
        # Signatures need [auth] apps; this service has none.
        refused(get(service, "/v1/rooms", headers=proxied, params=signed()), "unauthorized")
    finally:
        service.stop()
