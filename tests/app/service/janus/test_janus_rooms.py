"""A Janus VideoRoom's publishers as RecDesk rooms and streams, through a real service."""

from __future__ import annotations

import httpx
import pytest

from tests.app.service.janus.conftest import Publish
from tests.helpers.janus.lab import JanusLab
from tests.helpers.service import ServiceProcess, run, wait_until

pytestmark = pytest.mark.janus


async def _streams(
    service: ServiceProcess, room: int
) -> list[tuple[str, str, str | None, str | None]]:
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{service.url}/v1/rooms/{room}")
    if answer.status_code == 404:
        return []
    answer.raise_for_status()
    return [
        (s["stream_id"], s["kind"], s["codec"], s["audio_codec"]) for s in answer.json()["streams"]
    ]


def test_publishers_are_streams_that_join_and_leave(
    janus_service: ServiceProcess, janus_lab: JanusLab, janus_room: int, publish: Publish
) -> None:
    alice = publish(janus_room, "alice")
    bob = publish(janus_room, "Bob Smith", "--video", "none")
    carol = publish(janus_room, "carol", "--screen", "--audio", "none")

    async def scenario() -> None:
        expected = [
            ("alice", "camera", "vp8", "opus"),
            ("Bob-Smith-audio", "audio", None, "opus"),
            ("carol-screen", "screen", "vp8", None),
        ]
        await wait_until(lambda: _is(janus_service, janus_room, expected))
        async with httpx.AsyncClient() as http:
            room = (await http.get(f"{janus_service.url}/v1/rooms/{janus_room}")).json()
            health = (await http.get(f"{janus_service.url}/v1/health")).json()
        assert (room["name"], room["live"]) == (f"Class {janus_room}", True)
        [provider] = health["providers"]
        assert (provider["name"], provider["kind"], provider["ok"]) == ("sfu", "janus", True)
        bob.stop()  # leaves the call
        await wait_until(lambda: _is(janus_service, janus_room, [expected[0], expected[2]]))
        alice.kill()  # crashes: Janus notices when its session times out
        carol.kill()
        await wait_until(lambda: _is(janus_service, janus_room, []), timeout=30)

    run(scenario())


async def _is(
    service: ServiceProcess, room: int, expected: list[tuple[str, str, str | None, str | None]]
) -> bool | None:
    return (await _streams(service, room)) == expected or None
