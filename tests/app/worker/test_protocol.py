"""The worker protocol: every message survives its line, the wire keeps its keys, a bad line says
what is wrong, and a job made from the service's own models records with a real worker."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import av
import pytest

from app.api.models import Recording, RecordingCreate
from app.layout.model import Canvas, Layout
from app.layout.templates import StreamRef, arrange
from app.media.fileinfo import Reencoded, StreamInfo
from app.media.formats import FORMATS
from app.service.recordings.formats import with_format
from app.service.recordings.task import ActiveTask, checked_request, now_utc
from app.service.rooms.base import LiveStream, RoomState
from app.worker.fields import JobError
from app.worker.protocol import (
    AddStream,
    Ended,
    FileWritten,
    Heartbeat,
    Job,
    Message,
    Pause,
    Paused,
    Ready,
    RemoveStream,
    Resume,
    Resumed,
    SetLayout,
    SnapshotTaken,
    SourceBack,
    SourceLost,
    Started,
    Stop,
    StreamEnded,
    StreamJob,
    TakeSnapshot,
    Warned,
)
from app.worker.wire import (
    decode_command,
    decode_event,
    decode_job,
    encode,
)
from tests.helpers.worker import WorkerProcess, job, stream

CANVAS = Canvas(width=640, height=360, fps=25)
LAYOUT = Layout(
    template="grid",
    canvas=CANVAS,
    regions=arrange("grid", CANVAS, [StreamRef("alice", "camera"), StreamRef("bob", "screen")]),
)
ALICE = StreamJob("alice", "u1", "camera", "/clips/a.mp4", live_file=True, epoch=1.5, stem="a")
BOB = StreamJob("bob", None, "screen", "rtmp://127.0.0.1/live/bob")
SINGLE = Job(
    task_id="r_1",
    mode="single",
    stream_type="av",
    format=FORMATS["mp4"],
    folder=Path("/records/r_1"),
    streams=(ALICE, StreamJob("carol", "u3", "audio", "/clips/c.m4a", stem="c-{part}")),
    split_seconds=60.0,
    max_idle_seconds=30.0,
    max_duration_seconds=3600.0,
    snapshot_seconds=10.0,
    first_part=3,
    paused=True,
)
MIXED = Job(
    task_id="r_2",
    mode="mixed",
    stream_type="separate",
    format=FORMATS["mkv"],
    folder=Path("/records/r_2"),
    streams=(ALICE, BOB),
    layout=LAYOUT,
    mix_stem="mix_{part}",
)
WHEN = datetime(2026, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)
FILE = FileWritten(
    path=Path("/records/r_1/a-001.mp4"),
    size=123456,
    duration=12.345678,
    start=WHEN,
    end=WHEN.replace(second=12),
    streams=(
        StreamInfo("video", "h264", width=640, height=360, fps=25.0),
        StreamInfo("audio", "aac", sample_rate=48000, channels=2),
    ),
    reencoded=(Reencoded("audio", "opus", "aac"),),
    extra_paths=(Path("/records/r_1/a-001-00001.ts"),),
    stream_id="alice",
    user_id="u1",
    part=1,
)

COMMANDS: list[Message] = [
    Pause(),
    Resume(),
    Stop(),
    TakeSnapshot(),
    SetLayout(LAYOUT),
    AddStream(ALICE),
    RemoveStream("bob"),
    RemoveStream("bob", left=True),
]
EVENTS: list[Message] = [
    Ready(),
    Heartbeat(),
    Started(),
    FILE,
    FileWritten(Path("/records/mix.mp4"), 1, 0.5, WHEN, WHEN, ()),
    SnapshotTaken(Path("/records/r_1/a-snap-00001.jpg"), 4.2, "alice"),
    SnapshotTaken(Path("/records/mix-snap-00001.jpg"), 4.2, None),
    Paused(1.25),
    Resumed(3.5),
    SourceLost("connection reset", "bob"),
    SourceBack(2.5, 3, "bob"),
    StreamEnded("alice", "source-ended", None),
    StreamEnded("bob", "error", "cannot open"),
    Warned("remove nobody: no such stream is being recorded"),
    Ended("duration"),
    Ended("error", "nothing could be recorded"),
]


def test_the_job_survives_its_line() -> None:
    for sent in (SINGLE, MIXED):
        line = encode(sent)
        assert "\n" not in line
        assert decode_job(line) == sent


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_every_command_survives_its_line(command: Message) -> None:
    assert decode_command(encode(command), "single") == command


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: type(e).__name__)
def test_every_event_survives_its_line(event: Message) -> None:
    assert decode_event(encode(event)) == event


def test_the_wire_keeps_its_keys_and_names() -> None:
    assert json.loads(encode(Stop())) == {"cmd": "stop"}
    assert json.loads(encode(TakeSnapshot())) == {"cmd": "snapshot"}
    assert json.loads(encode(RemoveStream("b"))) == {"cmd": "remove", "stream_id": "b"}
    left = {"cmd": "remove", "stream_id": "b", "left": True}
    assert json.loads(encode(RemoveStream("b", left=True))) == left
    assert json.loads(encode(Ready())) == {"event": "ready"}
    assert json.loads(encode(Ended("stopped"))) == {
        "event": "ended",
        "reason": "stopped",
        "message": None,
    }
    assert json.loads(encode(SourceLost("gone", "b")))["event"] == "source-lost"
    assert json.loads(encode(SourceBack(1.0, 1, "b")))["event"] == "source-back"
    assert json.loads(encode(StreamEnded("b", "idle")))["event"] == "stream-ended"
    assert json.loads(encode(Warned("w")))["event"] == "warning"
    assert json.loads(encode(FILE))["start"] == "2026-05-01T12:00:00.123+00:00"
    # The job's keys are those a hand-written job line has (tests/helpers/worker.py).
    written = json.loads(encode(SINGLE))
    assert set(job(Path("/x"), [])) <= set(written)
    assert set(written["streams"][0]) == set(stream("a-camera", Path("/x"), stem="a"))


def test_unknown_keys_are_ignored() -> None:
    line = json.loads(encode(MIXED))
    line["from_a_newer_service"] = {"anything": [1, 2]}
    line["streams"][0]["quality"] = "high"
    assert decode_job(json.dumps(line)) == MIXED
    assert decode_command('{"cmd": "stop", "why": "done"}', "mixed") == Stop()
    assert decode_event('{"event": "paused", "at": 1.0, "by": "op"}') == Paused(1.0)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("not json", "command: not a JSON line"),
        ("[1]", 'a command is a JSON object like {"cmd": "stop"}'),
        ('{"cmd": "dance"}', "unknown command 'dance'; use one of pause, resume, stop"),
        ('{"cmd": "remove"}', "remove: give the stream_id of the stream to remove"),
        ('{"cmd": "remove", "stream_id": "b", "left": 1}', "remove: left must be true or false"),
        ('{"cmd": "layout", "layout": 3}', "layout: must be a JSON object"),
        (
            '{"cmd": "add", "stream": {"stream_id": "a", "kind": "camera", "uri": "/a.mp4"}}',
            "add: stream.stem: required, but missing",
        ),
        ('{"cmd": "add", "stream": {"stream_id": "a", "kind": "tv"}}', "add: stream.kind: 'tv'"),
    ],
)
def test_a_bad_command_says_what_is_wrong(line: str, says: str) -> None:
    with pytest.raises(JobError) as caught:
        decode_command(line, "single")
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("{", "event: not a JSON line"),
        ('{"event": "teleported"}', "'teleported' is not an event"),
        ('{"event": "ended", "reason": "bored"}', "ended.reason: 'bored' is not one of"),
        ('{"event": "paused"}', "paused.at: required"),
        ('{"event": "file", "path": "/a.mp4", "size": -1}', "file.size: must be a whole number"),
    ],
)
def test_a_bad_event_says_what_is_wrong(line: str, says: str) -> None:
    with pytest.raises(JobError) as caught:
        decode_event(line)
    assert says in str(caught.value)


def test_a_bad_job_line_says_so() -> None:
    with pytest.raises(JobError, match="job: not a JSON line"):
        decode_job("{'task_id': 1}")


@pytest.mark.parametrize("mode", ["single", "mixed"])
def test_a_job_made_by_the_service_records_with_a_real_worker(
    h264_aac: Path, tmp_path: Path, mode: str
) -> None:
    since = datetime.now(UTC)
    streams = {
        sid: LiveStream(sid, sid.partition("-")[0], "camera", str(h264_aac), since, True, epoch)
        for sid, epoch in (("alice-camera", time.time()), ("bob-camera", time.time()))
    }
    room = RoomState("demo", "Demo", streams)
    request = RecordingCreate.model_validate(
        {"room_id": "demo", "mode": mode, "max_duration_seconds": 2.0, "folder": "demo"}
    )
    request = with_format(request, room.streams.values())
    folder, layout = checked_request(request, room, tmp_path)
    rec = Recording(
        id="r_protocol",
        state="starting",
        layout=layout,
        created=now_utc(),
        **request.model_dump(exclude={"layout", "storage"}),
    )
    task = ActiveTask(rec, folder, streams=dict(room.streams))
    sent = task.job()
    assert sent.layout == layout
    with WorkerProcess() as worker:
        worker.wait_for("ready")
        worker.send(encode(sent))
        worker.wait_for("started")
        ended = worker.ended()
    assert decode_event(json.dumps(ended)) == Ended("duration")
    events = [decode_event(json.dumps(e)) for e in worker.events]
    files = [e for e in events if isinstance(e, FileWritten)]
    owners = {"single": {"alice-camera", "bob-camera"}, "mixed": {None}}[mode]
    assert {f.stream_id for f in files} == owners
    for file in files:
        assert file.path.parent == folder
        record = task.file_record(file, str(file.path.relative_to(tmp_path)))
        assert record.size == file.path.stat().st_size
        with av.open(str(file.path)) as container:
            assert {s.type for s in container.streams} == {"video", "audio"}
            assert container.duration is not None
            assert container.duration / av.time_base == pytest.approx(2.0, abs=0.3)
        assert record.duration == pytest.approx(2.0, abs=0.3)
