"""`recdesk-ctl`'s plain text: aligned columns, durations like 1:02:03, sizes like 12.3 MB."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.api.models import (
    Event,
    Health,
    ProviderHealthModel,
    RecordedFile,
    Recording,
    Room,
    Stream,
)
from app.client import tables

AT = datetime(2025, 1, 1, 10, 0, tzinfo=UTC)


def file(file_id: str, name: str, size: int, duration: float) -> RecordedFile:
    return RecordedFile(
        file_id=file_id,
        recording_id="rec1",
        room_id="room1",
        name=name,
        path=f"/data/{name}",
        size=size,
        duration=duration,
        start=AT,
        end=AT,
    )


def recording(**fields: object) -> Recording:
    base: dict[str, object] = {
        "id": "rec1",
        "room_id": "room1",
        "mode": "mixed",
        "stream_type": "av",
        "format": "mp4",
        "state": "recording",
        "created": AT,
    }
    return Recording.model_validate(base | fields)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        *[(None, "-"), (0, "0:00:00"), (4.6, "0:00:05"), (59.4, "0:00:59")],
        *[(3723, "1:02:03"), (360_000, "100:00:00"), (-3, "0:00:00")],
    ],
)
def test_duration(seconds: float | None, text: str) -> None:
    assert tables.duration(seconds) == text


@pytest.mark.parametrize(
    ("count", "text"),
    [
        *[(None, "-"), (0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (12_345_678, "12.3 MB")],
        *[(999_960, "1.0 MB"), (1_500_000_000, "1.5 GB"), (2 * 10**12, "2.0 TB")],
    ],
)
def test_size(count: int | None, text: str) -> None:
    assert tables.size(count) == text


def test_columns_line_up_with_numbers_to_the_right_and_no_trailing_spaces() -> None:
    text = tables.table(["ID", "NAME", "SIZE"], [["a", "long name", "1 B"], ["bb", "x", "10 kB"]])
    assert text.splitlines() == [
        "ID  NAME       SIZE",
        "a   long name  1 B",
        "bb  x          10 kB",
    ]
    right = tables.table(["ID", "SIZE"], [["a", "1 B"], ["b", "10 kB"]], right={1})
    assert right.splitlines() == ["ID   SIZE", "a     1 B", "b   10 kB"]


def test_an_empty_table_is_its_header() -> None:
    assert tables.rooms_table([]) == "ID  NAME  LIVE  STREAMS  RECORDING"


def test_rooms() -> None:
    stream = Stream(stream_id="s1", user_id="u1", kind="camera", since=AT)
    rooms = [
        Room(room_id="room1", name="Daily", live=True, streams=[stream, stream], recording=["r1"]),
        Room(room_id="lobby", name="Lobby", live=False),
    ]
    assert tables.rooms_table(rooms).splitlines() == [
        "ID     NAME   LIVE  STREAMS  RECORDING",
        "room1  Daily  yes         2  r1",
        "lobby  Lobby  no          0  -",
    ]


def test_recordings() -> None:
    rows = [
        recording(elapsed=3723.2, files=[file("f1", "a.mp4", 1, 1)]),
        recording(id="rec22", state="failed", mode="single", elapsed=5),
    ]
    assert tables.recordings_table(rows).splitlines() == [
        "ID     ROOM   MODE    STATE      ELAPSED  FILES",
        "rec1   room1  mixed   recording  1:02:03      1",
        "rec22  room1  single  failed     0:00:05      0",
    ]


def test_files() -> None:
    rows = [file("f1", "room1_a.mp4", 12_345_678, 62.0), file("f22", "b.mp4", 512, 3723)]
    assert tables.files_table(rows).splitlines() == [
        "ID   NAME            SIZE  DURATION  RECORDING",
        "f1   room1_a.mp4  12.3 MB   0:01:02  rec1",
        "f22  b.mp4          512 B   1:02:03  rec1",
    ]


def test_files_with_storage_show_their_upload_and_where_it_is() -> None:
    uploaded = file("f1", "a.mp4", 2000, 1).model_copy(
        update={"upload": "uploaded", "download_url": "http://s3.test/rec/a.mp4"}
    )
    failed = file("f2", "b.mp4", 2000, 1).model_copy(
        update={"upload": "failed", "upload_error": "PUT b.mp4: cannot connect"}
    )
    assert tables.files_table([uploaded, failed]).splitlines() == [
        "ID  NAME     SIZE  DURATION  RECORDING  UPLOAD    URL",
        "f1  a.mp4  2.0 kB   0:00:01  rec1       uploaded  http://s3.test/rec/a.mp4",
        "f2  b.mp4  2.0 kB   0:00:01  rec1       failed    error: PUT b.mp4: cannot connect",
    ]
    storage = {"vendor": "s3_compatible", "endpoint": "http://s3.test", "bucket": "rec"}
    text = tables.recording_detail(recording(storage=storage | {"profile": "archive"}))
    assert "storage    s3_compatible http://s3.test/rec (profile archive)" in text.splitlines()


def test_a_recording_in_detail_says_why_it_failed_and_lists_its_files() -> None:
    text = tables.recording_detail(
        recording(
            state="failed",
            reason="the room emptied",
            layout={"version": 1, "template": "grid"},
            tags=["a", "b"],
            files=[file("f1", "a.mp4", 2000, 1)],
        )
    )
    lines = text.splitlines()
    assert "state      failed (the room emptied)" in lines
    assert "layout     grid" in lines
    assert "tags       a, b" in lines
    assert lines[-1].startswith("f1  a.mp4  2.0 kB")


def test_health_lists_each_room_provider_and_what_is_wrong() -> None:
    studio = ProviderHealthModel(
        name="studio", kind="rtmp", ok=False, rooms=2, error="stat page: HTTP 404", checked_at=AT
    )
    demo = ProviderHealthModel(name="demo", kind="demo", ok=True, rooms=6)
    health = Health(version="1.0", uptime=62, free_bytes=10**9, providers=[demo, studio])
    head, providers = tables.health_detail(health).split("\n\n")
    assert "uptime      0:01:02" in head.splitlines()
    checked = tables.when(AT)
    assert providers.splitlines() == [
        f"PROVIDER  KIND  OK   ROOMS  CHECKED{' ' * (len(checked) - 7)}  ERROR",
        f"demo      demo  yes      6  -{' ' * (len(checked) - 1)}  -",
        f"studio    rtmp  no       2  {checked}  stat page: HTTP 404",
    ]
    alone = Health(version="1.0", uptime=1, free_bytes=1)
    assert "\n\n" not in tables.health_detail(alone)


def test_a_stream_shows_its_formats() -> None:
    stream = Stream(
        stream_id="s1",
        user_id="u1",
        kind="camera",
        codec="h264",
        width=1280,
        height=720,
        fps=30.0,
        audio_codec="opus",
        sample_rate=48000,
        channels=2,
        since=AT,
    )
    row = tables.streams_table([stream]).splitlines()[1]
    assert "h264 1280x720 30 fps" in row
    assert "opus 48 kHz 2 ch" in row


def test_an_event_is_one_line() -> None:
    stream = {"stream_id": "alice-camera", "user_id": "alice", "kind": "camera"}
    data = {"room_id": "r1", "stream": stream, "files": ["f1"], "reason": None}
    line = tables.event_line(Event(id=42, type="stream.joined", at=AT, data=data))
    assert "\n" not in line
    assert line.startswith("42  ")
    assert line.endswith('  stream.joined  room_id=r1 stream=alice-camera files=["f1"]')
    # Words with spaces stay one value: quoted, so a script can split the line on spaces.
    held = {"room_id": "r1", "preset": "talks", "reason": "the start failed: disk full"}
    line = tables.event_line(Event(id=43, type="autorecord.held", at=AT, data=held))
    assert line.endswith('room_id=r1 preset=talks reason="the start failed: disk full"')
