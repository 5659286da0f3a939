"""Signatures that bind a request (`X-RecDesk-*`), against a real service that asks every caller
for credentials and takes seed 003's signature only on the seeds' own fronts
(`require_request_signature`); credentials in a log; what health shows to whom.

Signatures are computed here from the spec in docs/auth.md (HMAC-SHA256 over METHOD, PATH, sorted
QUERY, APP, TIMESTAMP, NONCE and the body's SHA-256), not with the service's own code, and once
with that page's own shell recipe (bash, openssl, curl).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote

import httpx
import pytest

from app.client.client import RecDeskClient
from app.client.errors import RoomNotFound
from tests.app.service.test_auth import LAB_SECRET, SECRET, TOKEN, bearer, ctl, refused, signed
from tests.helpers.service import ServiceProcess, run

SIGNING_PAGE = Path(__file__).parents[3] / "docs" / "auth.md"
CONFIG = f"""
[auth]
require_on_loopback = true
require_request_signature = true
apps = [
  {{ app_id = "studio", secret = "{SECRET}" }},
  {{ app_id = "lab", secret = "{LAB_SECRET}" }},
]
tokens = [{{ name = "ci", token = "{TOKEN}" }}]
"""
CREATE = {"room_id": "nowhere", "stream_type": "audio"}


def canonical_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(sorted(f"{quote(k, safe='-._~')}={quote(v, safe='-._~')}" for k, v in pairs))


def bound(
    method: str,
    path: str,
    query: str = "",
    body: bytes = b"",
    *,
    app_id: str = "studio",
    secret: str = SECRET,
    nonce: str | None = None,
) -> dict[str, str]:
    """The four X-RecDesk-* headers of a request signed as docs/auth.md says."""
    nonce = nonce or secrets.token_hex(8)
    stamp = str(int(time.time()))
    lines = [method, path, canonical_query(query), app_id, stamp, nonce]
    text = "\n".join([*lines, hashlib.sha256(body).hexdigest()])
    return {
        "X-RecDesk-App": app_id,
        "X-RecDesk-Timestamp": stamp,
        "X-RecDesk-Nonce": nonce,
        "X-RecDesk-Signature": hmac.new(secret.encode(), text.encode(), "sha256").hexdigest(),
    }


def send(
    service: ServiceProcess,
    method: str,
    path: str,
    *,
    query: str = "",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    url = service.url + path + (f"?{query}" if query else "")
    content_type = {"Content-Type": "application/json"} if body else {}
    return httpx.request(
        method, url, content=body, headers={**content_type, **(headers or {})}, timeout=10
    )


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """A service that asks every caller for credentials and, on /v1, a binding signature."""
    folder = tmp_path_factory.mktemp("strict")
    config = folder / "recdesk.toml"
    config.write_text(CONFIG)
    service = ServiceProcess(folder / "data", None, "--config", str(config)).start()
    yield service
    service.stop()


def test_a_signature_binds_the_method_path_query_and_body(strict: ServiceProcess) -> None:
    body = json.dumps(CREATE).encode()
    # Made for GET /v1/rooms, it signs nothing else: not a start, not another query.
    for_rooms = bound("GET", "/v1/rooms")
    moved = send(strict, "POST", "/v1/recordings", body=body, headers=for_rooms)
    assert "does not match" in refused(moved, "unauthorized")
    listed = bound("GET", "/v1/rooms", "limit=1")
    other_query = send(strict, "GET", "/v1/rooms", query="limit=2", headers=listed)
    assert "limit=2" in refused(other_query, "unauthorized")  # the canonical request it computed
    # One byte of the body changed.
    headers = bound("POST", "/v1/recordings", body=body)
    changed = body.replace(b"nowhere", b"nowherf")
    tampered = send(strict, "POST", "/v1/recordings", body=changed, headers=headers)
    assert "does not match" in refused(tampered, "unauthorized")
    # Signed for what is sent, it passes: the route reads the body the signature covered.
    started = send(strict, "POST", "/v1/recordings", body=body, headers=headers)
    assert started.status_code == 404, started.text
    assert started.json()["name"] == "room_not_found"
    assert "'nowhere'" in started.json()["message"]
    again = send(strict, "POST", "/v1/recordings", body=body, headers=headers)
    refused(again, "nonce_reused")
    query = "since=0&limit=5"  # a query in any order and encoding signs the same
    rooms = send(strict, "GET", "/v1/rooms", query=query, headers=bound("GET", "/v1/rooms", query))
    assert rooms.status_code == 200, rooms.text
    spaced = bound("GET", "/v1/files", "room_id=a b")
    files = send(strict, "GET", "/v1/files", query="room_id=a+b", headers=spaced)
    assert files.status_code == 200, files.text


def test_seed_signatures_are_refused_on_v1_and_kept_on_the_seeds_fronts(
    strict: ServiceProcess,
) -> None:
    # The leak of issue 18: parameters signed for one call, sent with a body of the caller's.
    leaked = signed()
    start = send(strict, "POST", "/v1/recordings", query=str(httpx.QueryParams(leaked)), body=b"{}")
    message = refused(start, "unauthorized")
    assert "require_request_signature" in message
    assert "X-RecDesk-Signature" in message
    # anyRTC's front keeps seed 003's scheme: the call reaches its route, which finds no room.
    call = {**signed(), "ArRoomID": "nowhere", "Type": "Meet"}
    stop = httpx.get(strict.url + "/anyapi/v1/stoprecord", params=call, timeout=10)
    assert stop.status_code == 404, stop.text
    assert stop.json()["result"] == "room_not_found"
    # So does the Action API's.
    action = {**signed(), "Action": "DescribeTasks"}
    tasks = httpx.post(strict.url + "/", params=action, json={}, timeout=10)
    assert tasks.json()["Data"]["ErrorName"] == "invalid_value", tasks.text  # its own check
    # Bearer tokens still work on /v1.
    assert httpx.get(strict.url + "/v1/rooms", headers=bearer(), timeout=10).status_code == 200


def test_the_client_and_recdesk_ctl_sign_each_request(strict: ServiceProcess) -> None:
    async def scenario() -> None:
        async with RecDeskClient(strict.url, app_id="studio", secret=SECRET) as client:
            assert await client.all_rooms() == []
            with pytest.raises(RoomNotFound):  # the start's body passed the check and the route
                await client.start_recording(room_id="nowhere", stream_type="audio")
            with pytest.raises(RoomNotFound):  # the path signed as sent: /v1/rooms/b%20%C3%A9~
                await client.room("b é~")
            # A URL for another program (FFmpeg), signed in its query: it opens once, as signed.
            url = client.authorize_url(strict.url + "/v1/rooms?limit=3")
            assert httpx.get(url, timeout=10).status_code == 200
            refused(httpx.get(url, timeout=10), "nonce_reused")
            other = client.authorize_url(strict.url + "/v1/rooms?limit=3")
            refused(httpx.get(other.replace("limit=3", "limit=4"), timeout=10), "unauthorized")

    run(scenario())
    done = ctl(strict, "--app-id", "lab", "--json", "rooms", RECDESK_SECRET=LAB_SECRET)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["items"] == []


def _recipe() -> str:
    text = SIGNING_PAGE.read_text()
    found = re.search(r"```sh\n(# recdesk_curl METHOD PATH.*?)```", text, re.DOTALL)
    assert found, "the signing recipe in docs/auth.md"
    return found.group(1)


def test_the_docs_shell_recipe_signs_a_request(strict: ServiceProcess) -> None:
    assert shutil.which("openssl"), "needs openssl: make deps installs it"
    assert shutil.which("curl"), "needs curl: make deps installs it"
    script = _recipe() + (
        "recdesk_curl GET /v1/rooms 'limit=10'; echo\n"
        'recdesk_curl POST /v1/recordings "" \'{"room_id": "nowhere", "stream_type": "audio"}\'\n'
    )
    env = {"PATH": "/usr/bin:/bin", "RECDESK_URL": strict.url, "RECDESK_APP_ID": "studio"}
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**env, "RECDESK_SECRET": SECRET},
    )
    assert done.returncode == 0, done.stderr
    rooms, start = done.stdout.splitlines()
    assert json.loads(rooms)["items"] == []
    assert json.loads(start)["name"] == "room_not_found"


def test_tokens_and_signatures_in_any_case_stay_out_of_the_log(strict: ServiceProcess) -> None:
    values = {name: f"{name}-value-{secrets.token_hex(6)}" for name in ("token", "TOKEN", "Token")}
    for name, value in values.items():
        refused(send(strict, "GET", "/v1/rooms", query=f"{name}={value}"), "unauthorized")
    assert send(strict, "GET", "/v1/rooms", query=f"token={TOKEN}").status_code == 401
    assert send(strict, "GET", "/v1/rooms", query=f"TOKEN={TOKEN}").status_code == 401
    seed = signed(secret="a-wrong-secret-0123456")
    send(strict, "GET", "/anyapi/v1/stoprecord", query=str(httpx.QueryParams(seed)))
    in_url = {
        "X-RecDesk-App": "studio",
        "X-RecDesk-Timestamp": "1",
        "X-RecDesk-Nonce": "n",
        "X-RecDesk-Signature": "f" * 64,
    }
    send(strict, "GET", "/v1/rooms", query=str(httpx.QueryParams(in_url)))
    marker = secrets.token_hex(8)
    send(strict, "GET", "/v1/health", query=f"marker={marker}")
    deadline = time.monotonic() + 10
    while marker not in (log := strict.log.read_text()):
        assert time.monotonic() < deadline, "the access log has no line for the request"
        time.sleep(0.05)  # the access log line is written once the answer has gone
    for value in [*values.values(), TOKEN, SECRET, seed["Signature"], "f" * 64]:
        assert value not in log
    assert "X-RecDesk-Signature=[hidden]" in log  # the line is there, without the value


def test_health_shows_the_data_folder_only_to_callers_it_knows(
    strict: ServiceProcess, tmp_path: Path
) -> None:
    anonymous = httpx.get(strict.url + "/v1/health", timeout=10)
    assert anonymous.status_code == 200
    assert anonymous.json().get("data_dir") is None
    assert str(strict.data_dir) not in anonymous.text
    with_token = httpx.get(strict.url + "/v1/health", headers=bearer(), timeout=10).json()
    assert with_token["data_dir"] == str(strict.data_dir.absolute())
    signed_in = send(strict, "GET", "/v1/health", headers=bound("GET", "/v1/health")).json()
    assert signed_in["data_dir"] == str(strict.data_dir.absolute())
    # The desktop runs its service on loopback without [auth], and opens files from its folder.
    local = ServiceProcess(tmp_path / "data").start()
    try:
        shown = httpx.get(local.url + "/v1/health", timeout=10).json()
        assert shown["data_dir"] == str(local.data_dir.absolute())
    finally:
        local.stop()
