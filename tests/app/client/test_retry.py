"""The retry policy, against a real loopback server that drops, stalls and refuses on cue.

GETs and PUTs are tried again after a lost connection, a timeout or a 502/503/504; POSTs are not,
except a stop, whose retry takes "already stopped" for the success it is.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.client.client import RecDeskClient
from app.client.errors import AlreadyStopped, ConnectionFailed, ServerFailure
from app.client.policy import RetryPolicy
from tests.app.client.conftest import Sleeps, run
from tests.app.client.loopback import (
    Loopback,
    Request,
    error_response,
    json_response,
    response,
)
from tests.helpers.rtmp import free_port

HEALTH = {"version": "0.1.0", "uptime": 1.5, "free_bytes": 10**9}


def recording(state: str = "recording") -> dict[str, Any]:
    """The fields of a Recording body that have no default."""
    return {
        "id": "rec1",
        "room_id": "room1",
        "mode": "single",
        "stream_type": "av",
        "format": "mp4",
        "state": state,
        "created": "2025-01-01T10:00:00Z",
    }


def client(url: str, sleeps: Sleeps, **options: Any) -> RecDeskClient:
    return RecDeskClient(url, retry=RetryPolicy(sleep=sleeps), **options)


async def drop(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
    """Read the request, answer nothing, hang up."""


def seen(server: Loopback) -> list[str]:
    return [f"{r.method} {r.path}" for r in server.requests]


def test_get_is_retried_after_a_dropped_connection(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if n > 0:
            writer.write(json_response(200, HEALTH))

    async def scenario(url: str) -> str:
        async with client(url, sleeps) as c:
            return (await c.health()).version

    with Loopback(handler) as server:
        assert run(scenario(server.url)) == "0.1.0"
    assert seen(server) == ["GET /v1/health"] * 2
    assert sleeps.delays == [0.2]


def test_get_is_retried_on_503_with_growing_waits(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if n < 2:
            writer.write(error_response(503, 50301, "unavailable", "the service is starting"))
        else:
            writer.write(json_response(200, HEALTH))

    async def scenario(url: str) -> float:
        async with client(url, sleeps) as c:
            return (await c.health()).uptime

    with Loopback(handler) as server:
        assert run(scenario(server.url)) == 1.5
    assert len(server.requests) == 3
    assert sleeps.delays == [0.2, 0.5]


def test_get_gives_up_after_three_attempts_with_the_cause_attached(sleeps: Sleeps) -> None:
    async def scenario(url: str) -> None:
        async with client(url, sleeps) as c:
            await c.room("room1")

    with Loopback(drop) as server, pytest.raises(ConnectionFailed) as caught:
        run(scenario(server.url))
    assert seen(server) == ["GET /v1/rooms/room1"] * 3
    assert sleeps.delays == [0.2, 0.5]
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
    assert str(caught.value) == (
        f"the service at {server.url} closed the connection before answering fully"
    )


def test_a_502_page_on_every_attempt_is_a_server_failure(sleeps: Sleeps) -> None:
    page = b"<html><body>502 Bad Gateway</body></html>"

    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(response(502, page, {"Content-Type": "text/html"}))

    async def scenario(url: str) -> None:
        async with client(url, sleeps) as c:
            await c.rooms()

    with Loopback(handler) as server, pytest.raises(ServerFailure) as caught:
        run(scenario(server.url))
    assert len(server.requests) == 3
    assert (caught.value.status, caught.value.number, caught.value.code) == (502, None, None)
    assert str(caught.value) == "the service answered HTTP 502 Bad Gateway"


def test_a_refused_connection_is_retried_then_reported(sleeps: Sleeps) -> None:
    url = f"http://127.0.0.1:{free_port()}"

    async def scenario() -> None:
        async with client(url, sleeps) as c:
            await c.health()

    with pytest.raises(ConnectionFailed, match=r"^cannot connect to the service at http://127"):
        run(scenario())
    assert sleeps.delays == [0.2, 0.5]


def test_a_read_timeout_is_retried(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if n == 0:
            await asyncio.sleep(5)  # far past the client's read timeout
        writer.write(json_response(200, HEALTH))

    async def scenario(url: str) -> str:
        async with client(url, sleeps, timeout=httpx.Timeout(0.3, connect=5)) as c:
            return (await c.health()).version

    with Loopback(handler) as server:
        assert run(scenario(server.url)) == "0.1.0"
    assert len(server.requests) == 2


def test_a_put_is_retried(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if n > 0:
            writer.write(json_response(200, recording()))

    async def scenario(url: str) -> str:
        async with client(url, sleeps) as c:
            return (await c.set_layout("rec1", "grid")).id

    with Loopback(handler) as server:
        assert run(scenario(server.url)) == "rec1"
    assert seen(server) == ["PUT /v1/recordings/rec1/layout"] * 2
    assert server.requests[1].body == b'{"layout":"grid"}'


def test_a_post_that_got_no_answer_is_not_sent_again(sleeps: Sleeps) -> None:
    async def scenario(url: str) -> None:
        async with client(url, sleeps) as c:
            await c.start_recording(room_id="room1", mode="mixed")

    with Loopback(drop) as server, pytest.raises(ConnectionFailed):
        run(scenario(server.url))
    assert seen(server) == ["POST /v1/recordings"]
    assert server.requests[0].body == b'{"room_id":"room1","mode":"mixed"}'
    assert sleeps.delays == []


def test_a_post_answered_503_is_not_sent_again(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(error_response(503, 50301, "unavailable", "the service is stopping"))

    async def scenario(url: str) -> None:
        async with client(url, sleeps) as c:
            await c.pause("rec1")

    with Loopback(handler) as server, pytest.raises(ServerFailure, match="stopping"):
        run(scenario(server.url))
    assert seen(server) == ["POST /v1/recordings/rec1/pause"]


def test_a_stop_without_answer_is_retried_and_already_stopped_is_success(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if n == 1:
            writer.write(error_response(409, 40902, "recording_stopped", "already stopped"))
        elif n == 2:
            writer.write(json_response(200, recording("completed")))

    async def scenario(url: str) -> str:
        async with client(url, sleeps) as c:
            return (await c.stop("rec1")).state

    with Loopback(handler) as server:
        assert run(scenario(server.url)) == "completed"
    assert seen(server) == [
        "POST /v1/recordings/rec1/stop",
        "POST /v1/recordings/rec1/stop",
        "GET /v1/recordings/rec1",
    ]


def test_a_retried_stop_waits_for_the_first_one_to_finish_the_files(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if n == 0:
            writer.write(error_response(503, 50301, "unavailable", "busy"))
        elif n == 1:
            writer.write(error_response(409, 40902, "recording_stopped", "already stopped"))
        else:
            writer.write(json_response(200, recording("stopping" if n < 4 else "completed")))

    async def scenario(url: str) -> str:
        async with client(url, sleeps) as c:
            return (await c.stop("rec1")).state

    with Loopback(handler) as server:
        assert run(scenario(server.url)) == "completed"
    assert seen(server)[2:] == ["GET /v1/recordings/rec1"] * 3
    assert sleeps.delays == [0.2, 0.5, 0.5]


def test_a_stop_answered_already_stopped_at_once_is_an_error(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(error_response(409, 40902, "recording_stopped", "already stopped"))

    async def scenario(url: str) -> None:
        async with client(url, sleeps) as c:
            await c.stop("rec1")

    with Loopback(handler) as server, pytest.raises(AlreadyStopped):
        run(scenario(server.url))
    assert len(server.requests) == 1


def test_a_stop_gets_its_own_longer_timeout(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.5)  # longer than the read timeout, shorter than the stop's
        writer.write(json_response(200, recording("completed")))

    async def scenario(url: str) -> str:
        timeout = httpx.Timeout(0.2, connect=5)
        async with client(url, sleeps, timeout=timeout, stop_timeout=5) as c:
            return (await c.stop("rec1")).state

    with Loopback(handler) as server:
        assert run(scenario(server.url)) == "completed"
    assert len(server.requests) == 1


def test_a_closed_client_refuses_to_send(sleeps: Sleeps) -> None:
    async def scenario() -> None:
        c = client("http://127.0.0.1:1", sleeps)
        await c.aclose()
        assert c.closed
        await c.health()

    with pytest.raises(RuntimeError, match="closed"):
        run(scenario())


def test_ids_stay_one_path_segment_and_credentials_sign_the_request(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(error_response(404, 40401, "room_not_found", "no such room"))

    async def scenario(url: str) -> None:
        async with client(url, sleeps, app_id="app", secret="s3cret") as c:
            await c.room("../recordings")

    with Loopback(handler) as server, pytest.raises(Exception, match="no such room"):
        run(scenario(server.url))
    assert server.requests[0].path == "/v1/rooms/..%2Frecordings"
    assert server.requests[0].headers["x-recdesk-app"] == "app"  # signed: see test_signing.py
    assert "s3cret" not in server.requests[0].target
    assert "authorization" not in server.requests[0].headers
