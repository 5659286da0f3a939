"""The event subscription reconnects by itself, from the last id it saw, against a real server."""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing
from typing import Any

import pytest

from app.api.models import Event
from app.client.client import RecDeskClient
from app.client.errors import BadResponse, NotFound
from app.client.policy import Reconnect
from tests.app.client.conftest import Sleeps, run
from tests.app.client.loopback import Loopback, Request, chunk, error_response, json_response

STREAM_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
    b"Connection: close\r\n\r\n"
)


def sse(number: int, kind: str = "recording.state") -> bytes:
    """One server-sent event, as a chunk of the body."""
    event = {
        "id": number,
        "type": kind,
        "at": "2025-01-01T10:00:00Z",
        "data": {"recording_id": "rec1", "state": "recording"},
    }
    return chunk(f"id: {number}\nevent: {kind}\ndata: {json.dumps(event)}\n\n".encode())


async def first(url: str, sleeps: Sleeps, count: int, since: int | None = None) -> list[Event]:
    """The first `count` events of a subscription, which then ends."""
    got: list[Event] = []
    client = RecDeskClient(url, reconnect=Reconnect(sleep=sleeps))
    async with client, aclosing(client.events(since)) as events:
        async for event in events:
            got.append(event)
            if len(got) == count:
                break
    return got


async def keep_open(writer: asyncio.StreamWriter) -> None:
    await writer.drain()
    await asyncio.sleep(30)  # until the client hangs up


def test_a_drop_reconnects_with_the_last_id_and_nothing_repeats(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(STREAM_HEAD + chunk(b": keep-alive\n\n") + sse(1) + sse(2))
        if n == 0:
            return  # hang up mid-body: no closing chunk
        # The service replays from the id asked for; an overlap must not come out twice.
        writer.write(sse(2) + sse(3))
        await keep_open(writer)

    with Loopback(handler) as server:
        events = run(first(server.url, sleeps, 3))
    assert [event.id for event in events] == [1, 2, 3]
    assert "last-event-id" not in server.requests[0].headers
    assert server.requests[1].headers["last-event-id"] == "2"
    assert server.requests[1].headers["accept"] == "text/event-stream"
    assert sleeps.delays == [0.5]


def test_since_is_sent_as_the_last_event_id(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(STREAM_HEAD + sse(6))
        await keep_open(writer)

    with Loopback(handler) as server:
        events = run(first(server.url, sleeps, 1, since=5))
    assert events[0].id == 6
    assert server.requests[0].headers["last-event-id"] == "5"


def test_reconnect_waits_double_up_to_five_seconds_and_reset_after_an_event(
    sleeps: Sleeps,
) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if n == 0:
            writer.write(STREAM_HEAD + sse(1))
        elif n == 7:
            writer.write(STREAM_HEAD + sse(2))
            await keep_open(writer)
        # otherwise: hang up without a word

    with Loopback(handler) as server:
        events = run(first(server.url, sleeps, 2))
    assert [event.id for event in events] == [1, 2]
    assert sleeps.delays == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert {r.headers["last-event-id"] for r in server.requests[1:]} == {"1"}


def test_a_503_is_waited_out(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if n == 0:
            writer.write(error_response(503, 50301, "unavailable", "the service is starting"))
        else:
            writer.write(STREAM_HEAD + sse(1))
            await keep_open(writer)

    with Loopback(handler) as server:
        assert [e.id for e in run(first(server.url, sleeps, 1))] == [1]
    assert sleeps.delays == [0.5]


def test_an_error_another_try_cannot_fix_ends_the_subscription(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(error_response(404, 40405, "not_found", "no such endpoint"))

    with Loopback(handler) as server, pytest.raises(NotFound, match="no such endpoint"):
        run(first(server.url, sleeps, 1))
    assert len(server.requests) == 1


def test_an_answer_that_is_not_an_event_stream_ends_the_subscription(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(json_response(200, {"items": []}))

    with Loopback(handler) as server, pytest.raises(BadResponse, match="not an event stream"):
        run(first(server.url, sleeps, 1))


def test_an_event_of_an_unknown_type_is_skipped_but_counted(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        if n == 0:
            writer.write(STREAM_HEAD + sse(1, "recording.teleported"))
            return
        writer.write(STREAM_HEAD + sse(2))
        await keep_open(writer)

    with Loopback(handler) as server:
        assert [e.id for e in run(first(server.url, sleeps, 1))] == [2]
    assert server.requests[1].headers["last-event-id"] == "1"


def test_a_garbled_event_is_an_error(sleeps: Sleeps) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        bad: dict[str, Any] = {"id": "one", "type": "recording.state"}
        writer.write(STREAM_HEAD + chunk(f"data: {json.dumps(bad)}\n\n".encode()))
        await keep_open(writer)

    with Loopback(handler) as server, pytest.raises(BadResponse, match="cannot read an event"):
        run(first(server.url, sleeps, 1))
