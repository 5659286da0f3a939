"""The client signs every request by itself (a fresh nonce and time for each attempt), or sends
its bearer token, against a real server on loopback that records what arrived.

Signatures are checked here from the spec (`X-RecDesk-*`: HMAC-SHA256 over the method, path,
sorted query, app, time, nonce and the body's SHA-256), written out, not with the client's code."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import pytest

from app.api import request_signing, signing
from app.client.client import RecDeskClient
from app.client.ctl import build_parser, main
from app.client.errors import Unauthorized, error_from_response
from app.client.policy import Reconnect, RetryPolicy
from app.client.signing import (
    BearerToken,
    SignedRequests,
    credentials,
    from_flags_or_environment,
)
from tests.app.client.conftest import Sleeps, run
from tests.app.client.loopback import Loopback, Request, chunk, json_response, response

APP_ID = "1234567890"
SECRET = "0123456789abcdef0123456789abcdef"
NOW = 1_700_000_000.75
HEALTH = {
    "version": "0.1.0",
    "uptime": 1.0,
    "free_bytes": 1,
    "data_dir": "/data",
    "recordings": 0,
    "last_event_id": 0,
    "providers": [],
}


def spec_signature(app_id: str, nonce: str, secret: str, timestamp: str) -> str:
    """The spec, written out: md5(AppId + SignatureNonce + ServerSecret + Timestamp), hex."""
    return hashlib.md5((app_id + nonce + secret + timestamp).encode()).hexdigest()


def test_the_formula_matches_a_known_vector() -> None:
    # Seed 003 gives no worked example; this one was computed once by hand from the spec.
    expected = "f048f544f9a1fa167a54f133c8a263b4"
    assert spec_signature(APP_ID, "f8a2b3c4d5e6a7b8", SECRET, "1700000000") == expected
    assert signing.signature(APP_ID, "f8a2b3c4d5e6a7b8", SECRET, 1700000000) == expected
    params = signing.signed_params(APP_ID, SECRET, nonce="f8a2b3c4d5e6a7b8", timestamp=1700000000)
    assert params == {
        "AppId": APP_ID,
        "SignatureNonce": "f8a2b3c4d5e6a7b8",
        "Timestamp": "1700000000",
        "SignatureVersion": "1.0",
        "Signature": expected,
    }


def spec_request_signature(
    method: str, target: str, body: bytes, app_id: str, timestamp: str, nonce: str, secret: str
) -> str:
    """The X-RecDesk-Signature of a request, written out from the spec; `target` is the path and
    query as sent, less any X-RecDesk-Signature parameter."""
    parts = urlsplit(target)
    query = "&".join(
        sorted(
            f"{quote(name, safe='-._~')}={quote(value, safe='-._~')}"
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if name != "X-RecDesk-Signature"
        )
    )
    lines = [method, parts.path, query, app_id, timestamp, nonce, hashlib.sha256(body).hexdigest()]
    return hmac.new(secret.encode(), "\n".join(lines).encode(), hashlib.sha256).hexdigest()


def test_the_binding_formula_matches_a_known_vector() -> None:
    # Computed once with openssl (`openssl dgst -sha256 -hmac SECRET`), as docs/auth.md does.
    body = b'{"room_id":"podcast"}'
    expected = "ce1b324915489aeda4fdfe8ad7496510d907712c4dff4a36c53ea1d9ce33efac"
    target = "/v1/recordings?x=a+b&format=ogg"
    nonce = "f8a2b3c4d5e6a7b8"
    assert spec_request_signature("POST", target, body, APP_ID, "1700000000", nonce, SECRET) == (
        expected
    )
    fields = request_signing.signed_fields(
        APP_ID,
        SECRET,
        method="POST",
        path="/v1/recordings",
        query="x=a%20b&format=ogg",
        body=body,
        nonce=nonce,
        timestamp=1700000000,
    )
    assert fields["X-RecDesk-Signature"] == expected


def check_signed(request: Request, timestamp: str = str(int(NOW))) -> str:
    """Assert `request` is signed as the spec says at `timestamp`; its nonce."""
    headers = request.headers
    assert headers["x-recdesk-app"] == APP_ID
    assert headers["x-recdesk-timestamp"] == timestamp
    nonce = headers["x-recdesk-nonce"]
    assert len(nonce) == 16
    assert headers["x-recdesk-signature"] == spec_request_signature(
        request.method, request.target, request.body, APP_ID, timestamp, nonce, SECRET
    )
    assert not set(signing.SIGNATURE_PARAMS) & set(request.query)  # no seed 003 parameters
    assert SECRET not in request.target
    assert "authorization" not in headers
    return nonce


def ok_health() -> Loopback:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(json_response(200, HEALTH))

    return Loopback(handler)


@pytest.fixture
def server() -> Iterator[Loopback]:
    with ok_health() as running:
        yield running


def signed_client(url: str, **options: Any) -> RecDeskClient:
    """A client signing as `APP_ID`, on a clock stopped at `NOW`."""
    client = RecDeskClient(url, app_id=APP_ID, secret=SECRET, **options)
    client.http.auth = SignedRequests(APP_ID, SECRET, clock=lambda: NOW)
    return client


def test_a_url_another_program_opens_is_signed_anew_each_time() -> None:
    # FFmpeg pulls `.../live` by itself: each (re)connection gets a signature of its own.
    client = RecDeskClient("http://127.0.0.1:9/", app_id=APP_ID, secret=SECRET)
    live = "http://127.0.0.1:9/v1/rooms/r/streams/s/live?format=ts"
    first, second = (httpx.URL(client.authorize_url(live)) for _ in range(2))
    for url in (first, second):
        query = dict(url.params)
        assert query["format"] == "ts"
        assert query["X-RecDesk-App"] == APP_ID
        target = url.raw_path.decode()
        assert query["X-RecDesk-Signature"] == spec_request_signature(
            "GET",
            target,
            b"",
            APP_ID,
            query["X-RecDesk-Timestamp"],
            query["X-RecDesk-Nonce"],
            SECRET,
        )
        assert SECRET not in str(url)
    assert first.params["X-RecDesk-Nonce"] != second.params["X-RecDesk-Nonce"]
    # Another host's URL, and any URL of a client with a token or no credentials, stay as they are.
    other = "http://example.invalid/v1/rooms/r/streams/s/live"
    assert client.authorize_url(other) == other
    assert RecDeskClient("http://127.0.0.1:9", token="t0ken").authorize_url(live) == live
    assert RecDeskClient("http://127.0.0.1:9").authorize_url(live) == live


def test_every_request_is_signed_with_a_nonce_of_its_own(server: Loopback) -> None:
    async def scenario() -> None:
        async with signed_client(server.url) as client:
            for _ in range(3):
                await client.health()
            await client._send("GET", "/v1/health", retry=False, params={"x": "1 ~2"})
            body = {"room_id": "podcast", "user_data": "é"}
            await client._send("POST", "/v1/recordings", retry=False, json=body)

    run(scenario())
    nonces = [check_signed(request) for request in server.requests]
    assert len(set(nonces)) == 5
    assert server.requests[3].query["x"] == "1 ~2"  # the request's own parameters stay
    assert json.loads(server.requests[4].body)["user_data"] == "é"  # its body too, as signed


def test_the_real_clock_is_used_in_whole_seconds(server: Loopback) -> None:
    async def scenario() -> None:
        async with RecDeskClient(server.url, app_id=APP_ID, secret=SECRET) as client:
            await client.health()

    before = int(time.time())
    run(scenario())
    after = int(time.time())
    stamp = server.requests[0].headers["x-recdesk-timestamp"]
    assert before <= int(stamp) <= after
    check_signed(server.requests[0], stamp)


def test_a_retried_request_is_signed_anew(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(response(503) if n == 0 else json_response(200, HEALTH))

    with Loopback(handler) as server:

        async def scenario() -> None:
            async with signed_client(server.url, retry=RetryPolicy(sleep=sleeps)) as client:
                await client.health()

        run(scenario())
    first, second = (check_signed(request) for request in server.requests)
    assert first != second  # the service would refuse the same nonce twice


def test_event_stream_reconnects_and_downloads_are_signed(tmp_path: Path, sleeps: Sleeps) -> None:
    event = {
        "id": 1,
        "type": "recording.state",
        "at": "2025-01-01T10:00:00Z",
        "data": {"recording_id": "rec1", "state": "recording"},
    }
    data = b"0123456789" * 100
    meta = {
        "file_id": "f1",
        "recording_id": "rec1",
        "room_id": "room1",
        "name": "room1.mp4",
        "path": "room1.mp4",
        "size": len(data),
        "duration": 1.0,
        "start": "2025-01-01T10:00:00Z",
        "end": "2025-01-01T10:00:01Z",
    }

    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if request.path == "/v1/events" and n == 0:
            writer.write(response(503))
        elif request.path == "/v1/events":
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            writer.write(head + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            writer.write(chunk(f"id: 1\nevent: x\ndata: {json.dumps(event)}\n\n".encode()))
            await writer.drain()
            await asyncio.sleep(30)
        elif request.query.get("download") == "1":
            writer.write(response(200, data))
        else:
            writer.write(json_response(200, meta))

    with Loopback(handler) as server:

        async def scenario() -> None:
            client = signed_client(server.url, reconnect=Reconnect(sleep=sleeps))
            async with client, aclosing(client.events()) as events:
                assert (await anext(events)).id == 1
                await client.download("f1", tmp_path)

        run(scenario())
    assert [r.path for r in server.requests] == [
        "/v1/events",
        "/v1/events",
        "/v1/files/f1",
        "/v1/files/f1",
    ]
    nonces = {check_signed(request) for request in server.requests}
    assert len(nonces) == 4
    assert server.requests[3].query["download"] == "1"
    assert (tmp_path / "room1.mp4").read_bytes() == data


def test_a_token_goes_in_the_authorization_header(server: Loopback) -> None:
    async def scenario() -> None:
        async with RecDeskClient(server.url, token="ci-token-abcdefghijklmnop") as client:
            await client.health()

    run(scenario())
    request = server.requests[0]
    assert request.headers["authorization"] == "Bearer ci-token-abcdefghijklmnop"
    assert not set(signing.SIGNATURE_PARAMS) & set(request.query)


def test_without_credentials_nothing_is_added(server: Loopback) -> None:
    async def scenario() -> None:
        async with RecDeskClient(server.url) as client:
            await client.health()

    run(scenario())
    assert server.requests[0].query == {}
    assert "authorization" not in server.requests[0].headers


@pytest.mark.parametrize(
    ("app_id", "secret", "token", "problem"),
    [
        (APP_ID, None, None, "go together"),
        (None, SECRET, None, "go together"),
        (APP_ID, SECRET, "t", "not both"),
        (None, None, "", "empty"),
        ("", SECRET, None, "must not be empty"),
    ],
)
def test_credentials_that_cannot_work_are_refused_at_once(
    app_id: str | None, secret: str | None, token: str | None, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        credentials(app_id, secret, token)
    with pytest.raises(ValueError, match=problem):
        RecDeskClient("http://127.0.0.1:1", app_id=app_id, secret=secret, token=token)


def test_secrets_stay_out_of_reprs() -> None:
    assert SECRET not in repr(SignedRequests(APP_ID, SECRET))
    assert "tok-secret" not in repr(BearerToken("tok-secret"))


def test_a_401_is_unauthorized_even_with_a_code_this_client_does_not_know() -> None:
    request = httpx.Request("GET", "http://127.0.0.1:1/v1/rooms")
    body = {"code": 40199, "name": "new_reason", "message": "sign it"}
    error = error_from_response(httpx.Response(401, json=body, request=request))
    assert type(error) is Unauthorized
    assert error.caller_fault


# --- recdesk-ctl: which credentials ---------------------------------------------------------------


def chosen(words: list[str], env: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    args = build_parser().parse_args([*words, "health"])
    return from_flags_or_environment(args.app_id, args.secret, args.token, env)


def test_ctl_flags_win_over_the_environment() -> None:
    env = {"RECDESK_APP_ID": "env-app", "RECDESK_SECRET": "env-secret", "RECDESK_TOKEN": "env-t"}
    assert chosen(["--app-id", "a", "--secret", "s"], env) == ("a", "s", None)
    assert chosen(["--token", "t"], env) == (None, None, "t")
    # The AppID on the command line, its secret from the environment (out of `ps`).
    assert chosen(["--app-id", "a"], env) == ("a", "env-secret", None)
    assert chosen([], {"RECDESK_APP_ID": "a", "RECDESK_SECRET": "s"}) == ("a", "s", None)
    assert chosen([], {"RECDESK_TOKEN": "t"}) == (None, None, "t")
    assert chosen([], {}) == (None, None, None)
    late = build_parser().parse_args(["health", "--token", "t"])  # after the command
    assert from_flags_or_environment(late.app_id, late.secret, late.token, {}) == (None, None, "t")


@pytest.mark.parametrize(
    ("words", "env", "problem"),
    [
        (["--app-id", "a", "--token", "t"], {}, "not both"),
        (["--app-id", "a"], {}, "RECDESK_SECRET"),
        (["--secret", "s"], {}, "--app-id"),
        ([], {"RECDESK_APP_ID": "a"}, "RECDESK_SECRET"),
        ([], {"RECDESK_SECRET": "s"}, "RECDESK_APP_ID"),
        ([], {"RECDESK_TOKEN": "t", "RECDESK_APP_ID": "a", "RECDESK_SECRET": "s"}, "unset one"),
    ],
)
def test_ctl_credentials_that_cannot_work_are_a_usage_error(
    words: list[str], env: dict[str, str], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        chosen(words, env)


def test_ctl_says_what_is_missing_before_sending_anything(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("RECDESK_APP_ID", "RECDESK_SECRET", "RECDESK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--url", "http://127.0.0.1:1", "--app-id", "studio", "health"]) == 2
    assert "give $RECDESK_SECRET too" in capsys.readouterr().err
