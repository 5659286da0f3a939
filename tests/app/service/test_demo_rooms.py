"""The demo rooms: who is in them, the media they are made of, and how people come and go.

A fake clock stands in for time: the churn sleeps on it, and the test moves it on.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from app.api.errors import ApiError, ErrorCode
from app.service.rooms.base import RoomChange
from app.service.rooms.demo import CHURN_PERIOD, DEMO_ROOMS, DemoRooms
from app.service.rooms.demo_media import LOOP, MANIFEST, generate, plan_room
from tests.helpers.media import probe


class FakeClock:
    """A wall clock that moves only when the test advances it; sleepers wake on their time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + seconds, future))
        await future

    async def advance(self, seconds: float) -> None:
        """Move on by `seconds`, waking each sleeper at its own time, in order."""
        target = self.now + seconds
        while due := sorted((s for s in self._sleepers if s[0] <= target), key=lambda s: s[0]):
            at, future = due[0]
            self._sleepers.remove(due[0])
            self.now = max(self.now, at)
            future.set_result(None)
            await settle()
        self.now = target


async def settle() -> None:
    """Let woken tasks run until they wait again."""
    for _ in range(10):
        await asyncio.sleep(0)


def streams_of(rooms: DemoRooms, room_id: str) -> list[str]:
    room = rooms.room(room_id)
    assert room is not None
    return list(room.streams)


def test_six_rooms_with_their_people_and_streams(demo_media: Path) -> None:
    clock = FakeClock()

    async def scenario() -> None:
        rooms = DemoRooms(demo_media, churn=False, clock=clock, sleep=clock.sleep)
        await rooms.start(lambda change: None)
        await rooms.ready()
        try:
            listed = {room.room_id: room for room in rooms.rooms()}
            assert list(listed) == ["call", "meeting", "class", "webinar", "podcast", "empty"]
            assert {r.room_id: r.name for r in listed.values()} == {
                "call": "1:1 call",
                "meeting": "Team meeting",
                "class": "Class",
                "webinar": "Webinar",
                "podcast": "Podcast",
                "empty": "Empty room",
            }
            kinds = {
                room_id: Counter(s.kind for s in room.streams.values())
                for room_id, room in listed.items()
            }
            assert kinds == {
                "call": {"camera": 2},
                "meeting": {"camera": 4},
                "class": {"camera": 9},
                "webinar": {"camera": 2, "screen": 1},
                "podcast": {"audio": 3},
                "empty": {},
            }
            assert not listed["empty"].live
            assert all(room.live for room_id, room in listed.items() if room_id != "empty")
            assert streams_of(rooms, "webinar") == ["peggy-camera", "peggy-screen", "quinn-camera"]

            for room in listed.values():
                for stream_id, stream in room.streams.items():
                    assert stream_id == f"{stream.user_id}-{stream.kind}"
                    assert Path(stream.uri).is_absolute()
                    assert Path(stream.uri).is_file()
                    assert stream.live_file
                    assert stream.epoch == clock.now
                    assert stream.since.timestamp() == clock.now
                    assert stream.position(clock.now + 5) == 5
            camera = listed["call"].streams["alice-camera"].media
            assert (camera.codec, camera.width, camera.height, camera.fps) == ("h264", 640, 360, 30)
            assert (camera.audio_codec, camera.sample_rate, camera.channels) == ("aac", 48000, 2)
            screen = listed["webinar"].streams["peggy-screen"].media
            assert (screen.codec, screen.width, screen.height, screen.fps) == (
                "h264",
                1280,
                720,
                15,
            )
            assert screen.audio_codec is None
            voice = listed["podcast"].streams["rita-audio"].media
            assert (voice.codec, voice.audio_codec, voice.sample_rate) == (None, "aac", 48000)
            assert listed["call"].to_api().streams[0].stream_id == "alice-camera"
        finally:
            await rooms.stop()

    asyncio.run(scenario())


def test_every_file_is_h264_aac_a_loop_long_with_a_keyframe_every_second(
    demo_media: Path,
) -> None:
    files = [f for room in DEMO_ROOMS for f in plan_room(room.room_id, room.people)]
    assert len(files) == 21
    for file in files:
        path = demo_media / file.name
        got = probe(path)
        assert got.media_duration() == pytest.approx(LOOP, abs=0.1), file.name
        expected = {"camera": {"video", "audio"}, "screen": {"video"}, "audio": {"audio"}}
        assert set(got.codecs()) == expected[file.kind], file.name
        for stream in got.streams:
            if stream["type"] == "video":
                assert stream["codec"] == "h264"
                size = (1280, 720) if file.kind == "screen" else (640, 360)
                assert (stream["width"], stream["height"]) == size
            else:
                assert (stream["codec"], stream["sample_rate"], stream["channels"]) == (
                    "aac",
                    48000,
                    2,
                )
        if "video" in got.codecs():
            keyframes = [p.pts for p in got.of("video") if p.keyframe]
            assert keyframes == pytest.approx([float(s) for s in range(int(LOOP))]), file.name
        assert path.suffix == (".m4a" if file.kind == "audio" else ".mp4")


def test_each_participant_has_a_look_and_a_pitch_of_their_own(demo_media: Path) -> None:
    for room in DEMO_ROOMS:
        files = plan_room(room.room_id, room.people)
        cameras = [f.video_graph for f in files if f.kind == "camera"]
        voices = [f.audio_graph for f in files if f.audio_graph]
        assert len(set(cameras)) == len(cameras)
        assert len(set(voices)) == len(voices)


def test_media_is_reused_and_remade_when_missing_or_its_recipe_changed(
    demo_media: Path, tmp_path: Path
) -> None:
    stamps = {p: p.stat().st_mtime_ns for p in demo_media.rglob("*.m*")}

    async def second_start() -> tuple[str, ...]:
        rooms = DemoRooms(demo_media, churn=False)
        await rooms.start(lambda change: None)
        await rooms.ready()
        await rooms.stop()
        return rooms.generated

    assert asyncio.run(second_start()) == ()
    assert {p: p.stat().st_mtime_ns for p in demo_media.rglob("*.m*")} == stamps

    # A copy of the call's files: one recipe changed, one file damaged, a half-written one left.
    call = next(room for room in DEMO_ROOMS if room.room_id == "call")
    files = plan_room("call", call.people)
    (tmp_path / "call").mkdir()
    for file in files:
        (tmp_path / file.name).write_bytes((demo_media / file.name).read_bytes())
    manifest = json.loads((demo_media / MANIFEST).read_text())
    manifest["files"] = {f.name: manifest["files"][f.name] for f in files}
    manifest["files"]["call/alice-camera.mp4"]["video_graph"] = "an older recipe"
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    bob = tmp_path / "call/bob-camera.mp4"
    bob.write_bytes(bob.read_bytes()[: bob.stat().st_size // 2])
    (tmp_path / "call/.999.bob-camera.mp4").write_bytes(b"half a file")

    made = {file.name: was_made for file, _, was_made in generate(files, tmp_path)}
    assert made == {"call/alice-camera.mp4": True, "call/bob-camera.mp4": True}
    assert probe(tmp_path / "call/bob-camera.mp4").codecs() == {"video": "h264", "audio": "aac"}
    made = {file.name: was_made for file, _, was_made in generate(files, tmp_path)}
    assert made == {"call/alice-camera.mp4": False, "call/bob-camera.mp4": False}


def test_rooms_appear_as_their_media_is_made_and_stop_leaves_no_half_file(tmp_path: Path) -> None:
    changes: list[RoomChange] = []

    async def scenario() -> None:
        rooms = DemoRooms(tmp_path, churn=False)
        await rooms.start(changes.append)
        assert [r.room_id for r in rooms.rooms()] == ["empty"]  # at once, it needs no media

        async def call_appeared() -> None:
            while rooms.room("call") is None:
                await asyncio.sleep(0.05)

        await asyncio.wait_for(call_appeared(), 60)
        await rooms.stop()
        shown = [r.room_id for r in rooms.rooms()]
        await settle()
        assert [r.room_id for r in rooms.rooms()] == shown  # nothing appears after stop()
        assert shown[0] == "call"
        assert shown[-1] == "empty"

    asyncio.run(scenario())
    assert [(c.kind, c.room_id, c.stream and c.stream.stream_id) for c in changes[:4]] == [
        ("room.updated", "empty", None),
        ("room.updated", "call", None),
        ("stream.joined", "call", "alice-camera"),
        ("stream.joined", "call", "bob-camera"),
    ]
    # The generation stopped between frames: what exists is whole and in the manifest.
    made = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.mp4")}
    assert not [p for p in tmp_path.rglob(".*")]
    assert made == set(json.loads((tmp_path / MANIFEST).read_text())["files"])
    assert {"call/alice-camera.mp4", "call/bob-camera.mp4"} <= made


def test_join_and_leave_report_every_stream(demo_media: Path) -> None:
    clock = FakeClock()
    changes: list[RoomChange] = []

    async def scenario() -> None:
        rooms = DemoRooms(demo_media, churn=False, clock=clock, sleep=clock.sleep)
        await rooms.start(changes.append)
        await rooms.ready()
        changes.clear()

        left = rooms.leave("webinar", "peggy")
        assert [s.stream_id for s in left] == ["peggy-camera", "peggy-screen"]
        assert streams_of(rooms, "webinar") == ["quinn-camera"]
        assert rooms.leave("webinar", "peggy") == []

        await clock.advance(30)
        joined = rooms.join("webinar", "peggy")
        assert [s.stream_id for s in joined] == ["peggy-camera", "peggy-screen"]
        assert all(s.epoch == clock.now for s in joined)
        assert streams_of(rooms, "webinar") == ["peggy-camera", "peggy-screen", "quinn-camera"]
        assert rooms.join("webinar", "peggy") == []

        with pytest.raises(ApiError) as unknown_room:
            rooms.join("lobby", "peggy")
        assert unknown_room.value.code is ErrorCode.room_not_found
        with pytest.raises(ApiError) as stranger:
            rooms.join("webinar", "mallory")
        assert stranger.value.code is ErrorCode.invalid_value
        await rooms.stop()

    asyncio.run(scenario())
    assert [(c.kind, c.stream and c.stream.stream_id) for c in changes] == [
        ("stream.left", "peggy-camera"),
        ("stream.left", "peggy-screen"),
        ("room.updated", None),
        ("stream.joined", "peggy-camera"),
        ("stream.joined", "peggy-screen"),
        ("room.updated", None),
    ]
    assert {c.room_id for c in changes} == {"webinar"}


def test_people_come_and_go_on_the_clock(demo_media: Path) -> None:
    clock = FakeClock()
    changes: list[RoomChange] = []
    start = clock.now

    def moves() -> list[tuple[str, str, float]]:
        out = [
            (c.kind, c.stream.stream_id, c.stream.epoch)
            for c in changes
            if c.stream is not None and c.room_id in ("meeting", "class")
        ]
        changes.clear()
        return out

    async def scenario() -> None:
        rooms = DemoRooms(demo_media, clock=clock, sleep=clock.sleep)
        await rooms.start(changes.append)
        await rooms.ready()
        await settle()
        assert len(streams_of(rooms, "class")) == 8  # one student is late
        assert "olivia-camera" not in streams_of(rooms, "class")
        assert len(streams_of(rooms, "meeting")) == 4
        moves()

        await clock.advance(2 * LOOP)
        assert moves() == [("stream.joined", "olivia-camera", start + 2 * LOOP)]
        assert len(streams_of(rooms, "class")) == 9

        await clock.advance(2 * LOOP)
        assert moves() == [("stream.left", "frank-camera", start)]
        assert streams_of(rooms, "meeting") == ["carol-camera", "dave-camera", "erin-camera"]

        await clock.advance(2 * LOOP)
        assert moves() == [("stream.joined", "frank-camera", start + 6 * LOOP)]
        assert streams_of(rooms, "meeting")[-1] == "frank-camera"

        # The cycle repeats: the student leaves, comes back late again; the meeting's move recurs.
        await clock.advance(CHURN_PERIOD)
        assert [m[:2] for m in moves()] == [
            ("stream.left", "olivia-camera"),
            ("stream.joined", "olivia-camera"),
            ("stream.left", "frank-camera"),
            ("stream.joined", "frank-camera"),
        ]
        await rooms.stop()

    asyncio.run(scenario())
    assert changes == []  # nothing moves once stopped


def test_stop_before_start_and_twice_is_harmless(tmp_path: Path) -> None:
    async def scenario() -> None:
        rooms = DemoRooms(tmp_path)
        await rooms.stop()
        await rooms.stop()

    asyncio.run(scenario())
    assert not os.listdir(tmp_path)
