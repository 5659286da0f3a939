"""The store keeps recordings, files and events across reopenings, the same on both backends:
every test runs on a real SQLite file and on a fresh database of a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from app.api.errors import ApiError, ErrorCode
from app.api.models import RecordedFile, Recording, StreamInfo
from app.service.store.errors import StoreConflict
from app.service.store.schema import MIGRATIONS
from app.service.store.store import Store
from tests.helpers.postgres import PostgresServer

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's store is: a new SQLite file, or a new database on the session's server."""
    if request.param == "sqlite":
        return tmp_path / "data" / "recdesk.sqlite3"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database()


@pytest.fixture
def store(location: str | Path) -> Iterator[Store]:
    with Store(location) as opened:
        yield opened


def schema_version(location: str | Path) -> int:
    """The schema's version as the database itself records it."""
    if isinstance(location, Path):
        with sqlite3.connect(location) as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
    with psycopg.connect(location) as pg:
        row = pg.execute("SELECT version FROM recdesk_schema").fetchone()
        assert row is not None
        return int(row[0])


def set_schema_version(location: str | Path, version: int) -> None:
    if isinstance(location, Path):
        with sqlite3.connect(location) as db:
            db.execute(f"PRAGMA user_version = {version}")
    else:
        with psycopg.connect(location) as pg:
            pg.execute("UPDATE recdesk_schema SET version = %s", (version,))


def recording(number: int, *, room: str = "room1", state: str = "recording") -> Recording:
    return Recording.model_validate(
        {
            "id": f"rec{number:04d}",
            "room_id": room,
            "mode": "single",
            "stream_type": "av",
            "format": "mp4",
            "state": state,
            "created": T0 + timedelta(seconds=number),
            "tags": ["a", "b"],
            "user_data": '{"k":1}',
            "layout": {"version": 1, "template": "grid"},
        }
    )


def recorded_file(rec: Recording, number: int, *, name: str = "", part: int = 1) -> RecordedFile:
    start = rec.created + timedelta(seconds=number)
    name = name or f"{rec.room_id}_{rec.id}_{number}.mp4"
    return RecordedFile(
        file_id=f"{rec.id}-f{number}-p{part}",
        recording_id=rec.id,
        room_id=rec.room_id,
        name=name,
        path=f"recordings/{name}",
        size=1000 + number,
        duration=10.5,
        start=start,
        end=start + timedelta(seconds=10.5),
        streams=[StreamInfo(type="video", codec="h264", width=320, height=240, fps=30.0)],
        user_id="alice",
        part=part,
    )


def test_recording_round_trip_with_files(store: Store) -> None:
    rec = recording(1)
    store.add_recording(rec)
    later = recorded_file(rec, 5, name="b.mp4")
    first_part = recorded_file(rec, 2, name="z.mp4", part=1)
    second_part = recorded_file(rec, 2, name="a.mp4", part=2)
    for f in (later, second_part, first_part):
        store.add_file(f)

    got = store.recording(rec.id)
    assert got is not None
    assert got.model_dump(exclude={"files"}) == rec.model_dump(exclude={"files"})
    assert [f.file_id for f in got.files] == [
        first_part.file_id,
        second_part.file_id,
        later.file_id,
    ]
    assert got.files[0] == first_part
    assert store.file(later.file_id) == later
    assert store.file("nope") is None
    assert store.recording("nope") is None
    assert store.file_paths(rec.id) == {later.path, first_part.path, second_part.path}


def test_files_in_recording_json_are_ignored(store: Store) -> None:
    rec = recording(1)
    rec.files = [recorded_file(rec, 1)]
    store.add_recording(rec)
    got = store.recording(rec.id)
    assert got is not None
    assert got.files == []


def test_update_replaces_the_row(store: Store) -> None:
    rec = recording(1)
    store.add_recording(rec)
    done = rec.model_copy(update={"state": "completed", "reason": "stopped", "elapsed": 42.0})
    store.update_recording(done)
    got = store.recording(rec.id)
    assert got is not None
    assert (got.state, got.reason, got.elapsed) == ("completed", "stopped", 42.0)
    assert store.recordings(state="recording") == ([], None)
    assert [r.id for r in store.recordings(state="completed")[0]] == [rec.id]

    with pytest.raises(ApiError) as caught:
        store.update_recording(recording(2))
    assert caught.value.code is ErrorCode.recording_not_found


def test_add_file_twice_is_ignored(store: Store) -> None:
    rec = recording(1)
    store.add_recording(rec)
    f = recorded_file(rec, 1)
    store.add_file(f)
    store.add_file(f)
    store.add_file(f.model_copy(update={"file_id": "another-id", "size": 1}))
    assert store.files(recording_id=rec.id)[0] == [f]


def test_duplicate_ids_are_system_errors(store: Store) -> None:
    rec = recording(1)
    store.add_recording(rec)
    with pytest.raises(ApiError) as caught:
        store.add_recording(rec)
    assert caught.value.code is ErrorCode.internal
    assert isinstance(caught.value.__cause__, StoreConflict)
    f = recorded_file(rec, 1)
    store.add_file(f)
    with pytest.raises(ApiError):
        store.add_file(f.model_copy(update={"path": "elsewhere.mp4"}))
    with pytest.raises(ApiError):
        store.add_file(recorded_file(recording(9), 1))  # its recording is not stored
    assert store.file_paths(rec.id) == {f.path}


def test_paging_120_recordings(store: Store) -> None:
    rooms = ("red", "green", "blue")
    for n in range(120):
        rec = recording(n, room=rooms[n % 3], state="completed" if n % 2 else "recording")
        store.add_recording(rec)
        store.add_file(recorded_file(rec, 1))

    def walk(limit: int, **filters: str) -> list[Recording]:
        seen: list[Recording] = []
        cursor: str | None = None
        while True:
            page, cursor = store.recordings(cursor=cursor, limit=limit, **filters)
            assert len(page) <= limit
            seen.extend(page)
            if cursor is None:
                return seen
            assert len(page) == limit

    everything = walk(50)
    ids = [r.id for r in everything]
    assert ids == [f"rec{n:04d}" for n in reversed(range(120))]
    assert all(len(r.files) == 1 and r.files[0].recording_id == r.id for r in everything)
    assert [r.id for r in walk(7)] == ids
    assert [r.id for r in walk(120)] == ids

    blue_done = [r.id for r in walk(4, room_id="blue", state="completed")]
    expected = [f"rec{n:04d}" for n in reversed(range(120)) if n % 3 == 2 and n % 2]
    assert blue_done == expected
    assert len(blue_done) == 20
    assert store.recordings(room_id="nowhere") == ([], None)


def test_same_created_pages_by_id(store: Store) -> None:
    for n in range(10):
        store.add_recording(recording(0).model_copy(update={"id": f"same{n}"}))
    first, cursor = store.recordings(limit=4)
    second, cursor = store.recordings(limit=4, cursor=cursor)
    third, cursor = store.recordings(limit=4, cursor=cursor)
    assert cursor is None
    assert [r.id for r in first + second + third] == [f"same{n}" for n in reversed(range(10))]


def test_created_in_other_time_zones_orders_by_instant(store: Store) -> None:
    # 13:30 UTC written as 15:30+02:00 sorts after 12:00 UTC, though not as text.
    plus2 = datetime(2024, 5, 1, 15, 30, tzinfo=timezone(timedelta(hours=2)))
    early = recording(1).model_copy(update={"id": "early", "created": T0})
    late = recording(2).model_copy(update={"id": "late", "created": plus2})
    store.add_recording(late)
    store.add_recording(early)
    assert [r.id for r in store.recordings()[0]] == ["late", "early"]
    assert [r.id for r in store.active_recordings()] == ["early", "late"]


@pytest.mark.parametrize(
    "cursor",
    ["", "not base64!", "bm90IGpzb24", "WzEsMiwzXQ", "WyJmaWxlcyIsIjIwMjQiLCJ4Il0"],
)
def test_bad_cursor_is_refused(store: Store, cursor: str) -> None:
    store.add_recording(recording(1))
    with pytest.raises(ApiError) as caught:
        store.recordings(cursor=cursor)
    assert caught.value.code is ErrorCode.invalid_value
    assert caught.value.code.status == 422
    assert "not a cursor this service gave" in caught.value.message


def test_a_files_cursor_is_no_recordings_cursor(store: Store) -> None:
    rec = recording(1)
    store.add_recording(rec)
    for n in range(3):
        store.add_file(recorded_file(rec, n))
    _, cursor = store.files(limit=1)
    assert cursor is not None
    with pytest.raises(ApiError):
        store.recordings(cursor=cursor)


def test_bad_limit_is_refused(store: Store) -> None:
    with pytest.raises(ApiError) as caught:
        store.files(limit=0)
    assert caught.value.code is ErrorCode.invalid_value


def test_active_recordings_oldest_first(store: Store) -> None:
    states = ["starting", "recording", "paused", "stopping", "completed", "failed"]
    for n, state in enumerate(states * 2):
        store.add_recording(recording(n, state=state))
    active = store.active_recordings()
    assert [r.id for r in active] == [f"rec{n:04d}" for n in (0, 1, 2, 3, 6, 7, 8, 9)]


def test_files_filters_and_paging(store: Store) -> None:
    names = ["Talk_100%.mp4", "talk_a.mkv", "other.mp4", "talkXa.mp4"]
    recs = [recording(1, room="r1"), recording(2, room="r2")]
    for rec in recs:
        store.add_recording(rec)
        for n, name in enumerate(names):
            store.add_file(recorded_file(rec, n, name=f"{rec.id}-{name}"))

    def names_of(**query: str) -> list[str]:
        files: list[RecordedFile] = []
        cursor: str | None = None
        while True:
            page, cursor = store.files(cursor=cursor, limit=3, **query)
            files.extend(page)
            if cursor is None:
                return [f.name for f in files]

    everything = names_of()
    assert len(everything) == 8
    assert everything[0] == "rec0002-talkXa.mp4"  # newest start first
    # Case is ignored, and `%` and `_` are plain characters, not patterns.
    assert names_of(name="TALK_") == [
        "rec0002-talk_a.mkv",
        "rec0002-Talk_100%.mp4",
        "rec0001-talk_a.mkv",
        "rec0001-Talk_100%.mp4",
    ]
    assert names_of(name="100%") == ["rec0002-Talk_100%.mp4", "rec0001-Talk_100%.mp4"]
    assert names_of(name="talk", room_id="r1") == [
        "rec0001-talkXa.mp4",
        "rec0001-talk_a.mkv",
        "rec0001-Talk_100%.mp4",
    ]
    assert names_of(recording_id="rec0002", name=".mkv") == ["rec0002-talk_a.mkv"]
    assert names_of(name="nothing") == []


def test_survives_reopening(location: str | Path) -> None:
    with Store(location) as store:
        rec = recording(1)
        store.add_recording(rec)
        store.add_file(recorded_file(rec, 1))
        appended = [store.append_event("recording.state", {"n": n}) for n in range(3)]
    with Store(location) as store:
        got = store.recording(rec.id)
        assert got is not None
        assert len(got.files) == 1
        assert store.last_event_id() == 3
        assert store.events_after(0) == appended
        assert store.append_event("recording.file", {}).id == 4
    assert schema_version(location) == len(MIGRATIONS)


def test_events_sequence(store: Store) -> None:
    assert store.last_event_id() == 0
    assert store.events_after(0) == []
    at = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    event = store.append_event("recording.state", {"id": "rec1", "at": at, "state": "recording"})
    assert event.id == 1
    assert event.type == "recording.state"
    assert event.data == {"id": "rec1", "at": "2024-01-02T03:04:05Z", "state": "recording"}
    assert abs((event.at - datetime.now(UTC)).total_seconds()) < 5
    for n in range(9):
        store.append_event("stream.joined", {"n": n})
    assert store.last_event_id() == 10
    assert [e.id for e in store.events_after(3, limit=4)] == [4, 5, 6, 7]
    assert store.events_after(1)[0].data == {"n": 0}
    assert store.events_after(10) == []
    assert store.events_after(0)[0] == event


def test_concurrent_appends(store: Store) -> None:
    ids: list[list[int]] = [[] for _ in range(8)]
    start = threading.Barrier(len(ids))

    def append(mine: list[int]) -> None:
        start.wait()
        for n in range(50):
            mine.append(store.append_event("room.updated", {"n": n}).id)

    threads = [threading.Thread(target=append, args=(mine,)) for mine in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for mine in ids:
        assert mine == sorted(mine)
    every = sorted(i for mine in ids for i in mine)
    assert every == list(range(1, 401))
    assert [e.id for e in store.events_after(0, limit=1000)] == every


def test_closed_store_answers_unavailable(location: str | Path) -> None:
    store = Store(location)
    store.close()
    store.close()
    with pytest.raises(ApiError) as caught:
        store.last_event_id()
    assert caught.value.code is ErrorCode.unavailable


def test_newer_schema_is_refused(location: str | Path) -> None:
    Store(location).close()
    set_schema_version(location, 99)
    with pytest.raises(ApiError, match="schema version 99"):
        Store(location)
