"""The event log: in order, and resumed after a reconnect without a gap or a repeat."""

from __future__ import annotations

import asyncio

import httpx

from app.api.models import Event
from app.client.client import RecDeskClient
from tests.helpers.service import ServiceProcess, run


def test_events_of_a_recording_in_order_and_resumed(service: ServiceProcess):
    async def scenario() -> tuple[list[Event], list[Event]]:
        async with RecDeskClient(service.url) as api:
            since = (await api.health()).last_event_id
            rec = await api.start_recording(room_id="call", mode="mixed", stream_type="audio")
            seen: list[Event] = []
            stopping: list[asyncio.Task[object]] = []
            async for event in api.events(since=since):
                if event.data.get("recording_id") != rec.id:
                    continue
                seen.append(event)
                if event.type == "recording.state" and event.data["state"] == "recording":
                    stopping.append(asyncio.create_task(api.stop(rec.id)))
                if event.type == "recording.state" and event.data["state"] == "completed":
                    break
            await asyncio.gather(*stopping)
            # A reconnect that says where it was gets exactly what came after.
            resumed: list[Event] = []
            async for event in api.events(since=seen[1].id):
                if event.data.get("recording_id") == rec.id:
                    resumed.append(event)
                if event.id == seen[-1].id:
                    break
            return seen, resumed

    seen, resumed = run(scenario())
    states = [e.data["state"] for e in seen if e.type == "recording.state"]
    assert states == ["starting", "recording", "stopping", "completed"]
    kinds = [e.type for e in seen]
    assert "recording.file" in kinds[: kinds.index("recording.state", 3) + 1]
    assert kinds[-1] == "recording.state"
    ids = [e.id for e in seen]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert [e.id for e in resumed] == ids[2:]


def test_last_event_id_header_resumes_the_stream(service: ServiceProcess):
    url = service.url
    last = httpx.get(f"{url}/v1/health").json()["last_event_id"]
    user = httpx.get(f"{url}/v1/rooms/call").json()["streams"][0]["user_id"]
    httpx.post(f"{url}/v1/demo/rooms/call/users/{user}/leave").raise_for_status()
    httpx.post(f"{url}/v1/demo/rooms/call/users/{user}/join").raise_for_status()
    headers = {"Last-Event-ID": str(last)}
    ids, types = [], []
    with httpx.stream("GET", f"{url}/v1/events", headers=headers, timeout=10) as answer:
        assert answer.headers["content-type"].startswith("text/event-stream")
        for line in answer.iter_lines():
            if line.startswith("id: "):
                ids.append(int(line[4:]))
            if line.startswith("event: "):
                types.append(line[7:])
            if len(types) == 4:
                break
    assert ids == [last + 1, last + 2, last + 3, last + 4]
    assert types[0] == "stream.left"
    assert "stream.joined" in types
