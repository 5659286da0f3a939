"""The service's event stream (`GET /v1/events`) as an async iterator of `Event` surviving drops.

`subscribe(client, since)` reads the server-sent events and yields each one. When the connection
drops, goes silent or the service restarts, it connects again with `Last-Event-ID` set to the last
id it yielded; the service replays the rest from its event log, so nothing is missed, and an id at
or below the last one is skipped, so nothing is repeated. Reconnects wait `Reconnect.first`,
doubling up to `Reconnect.most`; an event received resets the wait.

What another attempt cannot fix ends the iteration with an error: an error answer other than
502/503/504 (`ServiceError`), an answer that is not an event stream or an event that does not parse
(`BadResponse`). An event of a type this client does not know (from a newer service) is skipped,
its id still counted. Stop by leaving the `async for` (`contextlib.aclosing` closes at once) or by
cancelling the task.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import get_args

import httpx
from httpx_sse import SSEError, aconnect_sse

from app.api.models import Event, EventType
from app.client.errors import BadResponse, error_from_response, unreadable
from app.client.policy import RETRY_STATUSES, Reconnect
from app.client.session import ApiSession

_KNOWN_TYPES = frozenset(get_args(EventType))


async def subscribe(
    client: ApiSession, since: int | None = None, *, reconnect: Reconnect | None = None
) -> AsyncGenerator[Event, None]:
    """Every event after id `since` (None: what the service gives a new subscriber), in order."""
    policy = reconnect or client.reconnect
    last = since
    delay = policy.first
    while True:
        http = client.http
        timeout = httpx.Timeout(policy.idle, connect=http.timeout.connect)
        headers = {"Last-Event-ID": str(last)} if last is not None else {}
        try:
            async with aconnect_sse(
                http, "GET", "/v1/events", headers=headers, timeout=timeout
            ) as source:
                response = source.response
                if response.is_error:
                    await response.aread()
                    if response.status_code not in RETRY_STATUSES:
                        raise error_from_response(response)
                else:
                    async for sse in source.aiter_sse():
                        if not sse.data:
                            continue
                        number, event = _parse(sse.data)
                        if last is not None and number <= last:
                            continue
                        last = number
                        delay = policy.first
                        if event is not None:
                            yield event
        except SSEError as exc:
            raise BadResponse(f"{client.url}/v1/events is not an event stream: {exc}") from exc
        except httpx.TransportError:
            pass  # dropped, silent too long, or not reachable yet: connect again below
        await policy.sleep(delay)
        delay = policy.next(delay)


def _parse(data: str) -> tuple[int, Event | None]:
    """The event's id, and the event, or None for a type this client does not know."""
    try:
        raw = json.loads(data)
        if isinstance(raw, dict) and raw.get("type") not in _KNOWN_TYPES:
            number = raw.get("id")
            if isinstance(number, int):
                return number, None
        event = Event.model_validate(raw)
    except ValueError as exc:
        raise unreadable("an event", exc) from exc
    return event.id, event
