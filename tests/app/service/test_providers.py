"""Several room providers at once: rooms from each, ids unique across them, one failing leaves the
others working, and `/v1/health` says how each is doing (on a real service with `--config`)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from app.service.rooms.base import LiveStream, OnChange, ProviderHealth, RoomChange, RoomState
from app.service.rooms.composite import Providers, find_provider
from app.service.rooms.demo import DemoRooms
from app.service.rooms.static import NoRooms
from tests.helpers.rtmp import free_port
from tests.helpers.service import ServiceProcess, run

DEMO_IDS = ["call", "meeting", "class", "webinar", "podcast", "empty"]


class Stage:
    """A room provider the test drives: people publish and unpublish when the test says so."""

    def __init__(self, name: str, *, fail_start: bool = False, fail_stop: bool = False) -> None:
        self.name = name
        self.fail_start = fail_start
        self.fail_stop = fail_stop
        self.stopped = False
        self._rooms: dict[str, RoomState] = {}
        self._on_change: OnChange = lambda change: None

    def rooms(self) -> list[RoomState]:
        return list(self._rooms.values())

    def room(self, room_id: str) -> RoomState | None:
        return self._rooms.get(room_id)

    async def start(self, on_change: OnChange) -> None:
        if self.fail_start:
            raise OSError("the media server refused the connection")
        self._on_change = on_change

    async def stop(self) -> None:
        self.stopped = True
        if self.fail_stop:
            raise RuntimeError("stuck")

    def health(self) -> list[ProviderHealth]:
        return [ProviderHealth(self.name, "stage", ok=True, rooms=len(self._rooms))]

    def publish(self, room_id: str, user_id: str) -> None:
        room = self._rooms.get(room_id)
        if room is None:
            room = self._rooms[room_id] = RoomState(room_id, room_id)
            self._on_change(RoomChange("room.updated", room_id))
        stream = LiveStream(
            user_id, user_id, "camera", f"rtmp://stage/{user_id}", datetime.now(UTC)
        )
        room.streams[user_id] = stream
        self._on_change(RoomChange("stream.joined", room_id, stream))
        self._on_change(RoomChange("room.updated", room_id))

    def unpublish(self, room_id: str, user_id: str) -> None:
        room = self._rooms[room_id]
        stream = room.streams.pop(user_id)
        if not room.streams:
            del self._rooms[room_id]
        self._on_change(RoomChange("stream.left", room_id, stream))
        self._on_change(RoomChange("room.updated", room_id))


def ids(rooms: list[RoomState]) -> list[str]:
    return [room.room_id for room in rooms]


def test_rooms_from_the_demo_and_another_provider(demo_media: Path) -> None:
    async def scenario() -> None:
        demo = DemoRooms(demo_media, churn=False)
        stage = Stage("stage")
        providers = Providers([demo, stage])
        changes: list[RoomChange] = []
        await providers.start(changes.append)
        try:
            await demo.ready()
            stage.publish("studio-talk", "ann")
            assert ids(providers.rooms()) == [*DEMO_IDS, "studio-talk"]
            assert providers.room("studio-talk") is stage.room("studio-talk")
            assert providers.room("call") is demo.room("call")
            assert providers.room("nowhere") is None
            assert [c.room_id for c in changes if c.kind == "stream.joined"][-1] == "studio-talk"
            assert providers.health() == [
                ProviderHealth("demo", "demo", ok=True, rooms=6),
                ProviderHealth("stage", "stage", ok=True, rooms=1),
            ]
            assert providers.find(DemoRooms) is demo
            assert providers.find(Stage) is stage
            assert providers.find(NoRooms) is None
            assert find_provider(providers, DemoRooms) is demo
            assert find_provider(demo, DemoRooms) is demo
            assert find_provider(NoRooms(), DemoRooms) is None
        finally:
            await providers.stop()
        assert stage.stopped

    run(scenario())


def test_a_room_id_from_a_later_provider_is_ignored_and_reported(demo_media: Path) -> None:
    async def scenario() -> None:
        demo = DemoRooms(demo_media, churn=False)
        stage = Stage("stage")
        providers = Providers([demo, stage])
        changes: list[RoomChange] = []
        await providers.start(changes.append)
        try:
            await demo.ready()
            changes.clear()
            stage.publish("call", "mallory")
            stage.publish("lobby", "ann")
            assert ids(providers.rooms()) == [*DEMO_IDS, "lobby"]
            call = providers.room("call")
            assert call is not None
            assert "mallory" not in call.streams
            assert {(c.kind, c.room_id) for c in changes} == {
                ("room.updated", "lobby"),
                ("stream.joined", "lobby"),
            }
            stage_health = providers.health()[1]
            assert not stage_health.ok
            assert stage_health.rooms == 1
            assert stage_health.error == (
                "rooms another provider already has are ignored here: 'call' "
                "(give this provider a room_prefix)"
            )
            stage.unpublish("call", "mallory")  # its leaving is not the demo room's either
            assert all(c.room_id == "lobby" for c in changes)
            assert providers.health()[1] == ProviderHealth("stage", "stage", ok=True, rooms=1)
        finally:
            await providers.stop()

    run(scenario())


def test_a_room_belongs_to_the_provider_that_showed_it_first() -> None:
    async def scenario() -> None:
        first, second = Stage("first"), Stage("second")
        providers = Providers([first, second])
        changes: list[tuple[str, str]] = []
        await providers.start(
            lambda c: changes.append((c.kind, c.stream.user_id if c.stream else ""))
        )
        second.publish("lobby", "ann")
        first.publish("lobby", "bob")  # the same id, later: ignored while second has it
        assert providers.room("lobby") is second.room("lobby")
        assert ("stream.joined", "bob") not in changes
        assert not providers.health()[0].ok
        second.unpublish("lobby", "ann")  # ann's leaving is told; bob's lobby stays ignored
        assert changes[-2] == ("stream.left", "ann")
        assert providers.room("lobby") is None
        assert providers.rooms() == []
        assert not providers.health()[0].ok
        first.unpublish("lobby", "bob")  # gone from first too: its next lobby is the lobby
        assert ("stream.left", "bob") not in changes
        first.publish("lobby", "carl")
        assert providers.room("lobby") is first.room("lobby")
        assert changes[-2:] == [("stream.joined", "carl"), ("room.updated", "")]
        assert [h.ok for h in providers.health()] == [True, True]
        await providers.stop()

    run(scenario())


def test_a_provider_that_fails_to_start_leaves_the_others_running() -> None:
    async def scenario() -> None:
        broken, stage = Stage("broken", fail_start=True, fail_stop=True), Stage("stage")
        providers = Providers([broken, stage])
        changes: list[RoomChange] = []
        await providers.start(changes.append)
        stage.publish("lobby", "ann")
        assert ids(providers.rooms()) == ["lobby"]
        assert len(changes) == 3
        assert providers.health() == [
            ProviderHealth(
                "broken",
                "stage",
                ok=False,
                rooms=0,
                error="did not start: the media server refused the connection",
            ),
            ProviderHealth("stage", "stage", ok=True, rooms=1),
        ]
        await providers.stop()  # one stop that raises does not keep the others from stopping
        assert broken.stopped
        assert stage.stopped

    run(scenario())


def test_no_rooms_is_healthy() -> None:
    assert NoRooms().health() == [ProviderHealth("none", "none", ok=True, rooms=0)]


def test_health_of_a_service_with_several_providers(tmp_path: Path, demo_media: Path) -> None:
    nothing = free_port()  # nobody listens here: the stat page is unreachable
    config = tmp_path / "recdesk.toml"
    config.write_text(
        f"""
[[providers]]
kind = "demo"
name = "sample"

[[providers]]
kind = "rtmp"
name = "studio"
stat_url = "http://127.0.0.1:{nothing}/stat"
rtmp_url = "rtmp://127.0.0.1:{nothing}"
room_prefix = "studio-"
poll_seconds = 0.2
"""
    )
    extra = ("--demo-media-dir", str(demo_media), "--no-churn", "--config", str(config))
    service = ServiceProcess(tmp_path / "data", None, *extra).start()
    try:
        service.wait_rooms("call", "podcast")

        deadline = time.monotonic() + 30
        while True:  # until the demo rooms are all there and the stat page has been tried
            health = httpx.get(service.url + "/v1/health").json()
            sample, studio = health["providers"]
            if sample["rooms"] == 6 and studio["checked_at"] is not None:
                break
            assert time.monotonic() < deadline, health
            time.sleep(0.1)
        assert sample == {
            "name": "sample",
            "kind": "demo",
            "ok": True,
            "rooms": 6,
            "error": None,
            "checked_at": None,
        }
        assert (studio["name"], studio["kind"], studio["ok"], studio["rooms"]) == (
            "studio",
            "rtmp",
            False,
            0,
        )
        assert f"http://127.0.0.1:{nothing}/stat" in str(studio["error"])
        # The demo rooms go on working, their controls included.
        listed = httpx.get(service.url + "/v1/rooms").json()["items"]
        assert [room["room_id"] for room in listed] == DEMO_IDS
        left = httpx.post(f"{service.url}/v1/demo/rooms/call/users/alice/leave")
        assert left.status_code == 200, left.text
        assert [s["user_id"] for s in left.json()["streams"]] == ["bob"]
        ctl = [
            sys.executable,
            "-c",
            "import sys; from app.client.ctl import main; sys.exit(main())",
        ]
        out = subprocess.run(
            [*ctl, "--url", service.url, "health"], capture_output=True, text=True, check=True
        ).stdout
        table = out.split("\n\n")[1].splitlines()
        assert table[0].split() == ["PROVIDER", "KIND", "OK", "ROOMS", "CHECKED", "ERROR"]
        assert table[1].split()[:5] == ["sample", "demo", "yes", "6", "-"]
        assert table[2].split()[:4] == ["studio", "rtmp", "no", "0"]
        assert f"http://127.0.0.1:{nothing}/stat" in table[2]
    finally:
        assert service.stop() == 0


def test_a_service_without_providers_has_one_that_has_no_rooms(tmp_path: Path) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("")
    service = ServiceProcess(tmp_path / "data", None, "--config", str(config)).start()
    try:
        health = httpx.get(service.url + "/v1/health").json()
        assert health["providers"] == [
            {
                "name": "none",
                "kind": "none",
                "ok": True,
                "rooms": 0,
                "error": None,
                "checked_at": None,
            }
        ]
        assert httpx.post(f"{service.url}/v1/demo/rooms/call/users/alice/leave").status_code == 404
    finally:
        assert service.stop() == 0
