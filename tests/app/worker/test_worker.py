"""The recorder worker, run as the service runs it: a process driven over stdin/stdout JSON lines.

Streams are clips played live (`live_file`), joined where their live timeline is now; the files
are checked as a user would: they open, hold the right streams, last as long as they should, are
named as the job says, and show what the layout says.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app.layout.model import Canvas, Layout, Region
from app.media.recover import recover
from tests.helpers.media import FPS, ClipSpec, flashing_clip, probe, top_level_boxes
from tests.helpers.mix import COLORS, frames, near, rgb_at
from tests.helpers.worker import TIMEOUT, WorkerProcess, job, stream

FRAME = 1 / FPS
# A remuxer ends each stream at its first anchor at or past the limit.
DURATION_SLACK = 0.2


def _files(worker: WorkerProcess, **match: Any) -> dict[str, dict[str, Any]]:
    """The `file` events so far (matching `match`), by file name."""
    return {
        Path(e["path"]).name: e
        for e in worker.of("file")
        if all(e.get(k) == v for k, v in match.items())
    }


def _kinds(path: Path) -> list[str]:
    return sorted(str(s["type"]) for s in probe(path).streams)


def test_single_mode_records_each_stream_into_its_own_file(h264_aac: Path, tmp_path: Path) -> None:
    streams = [
        stream("alice-camera", h264_aac, stem="room_alice_{part}"),
        stream("bob-camera", h264_aac, stem="room_bob"),
    ]
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, streams, max_duration_seconds=2.0))
        ended = worker.ended()
        assert ended == {"event": "ended", "reason": "duration", "message": None}
        assert worker.process.returncode == 0
    files = _files(worker)
    assert set(files) == {"room_alice_001.mp4", "room_bob.mp4"}
    for name, who in (("room_alice_001.mp4", "alice"), ("room_bob.mp4", "bob")):
        event = files[name]
        assert event["stream_id"] == f"{who}-camera"
        assert event["user_id"] == who
        assert event["part"] == 1
        assert Path(event["path"]).is_absolute()
        assert _kinds(tmp_path / name) == ["audio", "video"]
        assert probe(tmp_path / name).media_duration() == pytest.approx(2.0, abs=DURATION_SLACK)
    ends = worker.of("stream-ended")
    assert sorted(e["stream_id"] for e in ends) == ["alice-camera", "bob-camera"]
    assert {e["reason"] for e in ends} == {"duration"}
    assert len(worker.of("started")) == 1


def test_separate_stream_type_splits_each_file_into_parts(h264_aac: Path, tmp_path: Path) -> None:
    fields = {"stream_type": "separate", "split_seconds": 1.0, "max_duration_seconds": 2.5}
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, [stream("alice-camera", h264_aac, stem="talk")], **fields))
        assert worker.ended()["reason"] == "duration"
    files = _files(worker)
    video = sorted(n for n in files if n.endswith(".video.mp4"))
    audio = sorted(n for n in files if n.endswith(".audio.m4a"))
    assert video == ["talk-001.video.mp4", "talk-002.video.mp4", "talk-003.video.mp4"]
    assert audio == ["talk-001.audio.m4a", "talk-002.audio.m4a", "talk-003.audio.m4a"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(audio + video)
    for name in video + audio:
        assert files[name]["part"] == int(name[5:8])
        assert _kinds(tmp_path / name) == ["video" if ".video." in name else "audio"]


@pytest.mark.parametrize(
    ("split", "first", "stems", "names"),
    [
        (1.0, 3, ["a_{part}", "b"], {"a_003.mp4", "a_004.mp4", "b-003.mp4", "b-004.mp4"}),
        (None, 1, ["c_{part}", "d"], {"c_001.mp4", "d.mp4"}),
        (None, 2, ["e_{part}", "f"], {"e_002.mp4", "f-002.mp4"}),
    ],
)
def test_files_are_named_by_stem_and_part(
    h264_aac: Path,
    tmp_path: Path,
    split: float | None,
    first: int,
    stems: list[str],
    names: set[str],
) -> None:
    streams = [stream(f"s{i}-camera", h264_aac, stem=s) for i, s in enumerate(stems)]
    fields = {"split_seconds": split, "first_part": first, "max_duration_seconds": 1.5}
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, streams, **fields))
        assert worker.ended()["reason"] == "duration"
    assert set(_files(worker)) == names
    assert {p.name for p in tmp_path.iterdir()} == names


def test_a_file_on_disk_is_never_written_over(h264_aac: Path, tmp_path: Path) -> None:
    (tmp_path / "a.mp4").write_bytes(b"left by an earlier worker")
    with WorkerProcess() as worker:
        worker.start(
            job(tmp_path, [stream("alice-camera", h264_aac, stem="a")], max_duration_seconds=1.0)
        )
        assert worker.ended()["reason"] == "duration"
    assert set(_files(worker)) == {"a-002.mp4"}
    assert (tmp_path / "a.mp4").read_bytes() == b"left by an earlier worker"


@pytest.mark.parametrize("mode", ["single", "mixed"])
def test_a_job_may_start_paused(h264_aac: Path, tmp_path: Path, mode: str) -> None:
    fields = {"paused": True, "mode": mode, "mix_stem": "mix"}
    with WorkerProcess() as worker:
        worker.wait_for("ready")
        worker.send(job(tmp_path, [stream("alice-camera", h264_aac, stem="a")], **fields))
        assert worker.wait_for("paused")["at"] == 0.0
        time.sleep(0.5)
        worker.send({"cmd": "resume"})
        worker.wait_for("started")
        time.sleep(0.5)
        worker.send({"cmd": "stop"})
        assert worker.ended()["reason"] == "stopped"
    assert [
        e["event"] for e in worker.events if e["event"] in ("paused", "resumed", "started")
    ] == [
        "paused",
        "resumed",
        "started",
    ]
    [event] = worker.of("file")
    assert 0.2 < probe(Path(event["path"])).media_duration() < 2.0


def test_pause_and_resume_are_reported_once_and_keep_one_timeline(
    h264_aac: Path, tmp_path: Path
) -> None:
    streams = [stream("alice-camera", h264_aac, stem="a"), stream("bob-camera", h264_aac, stem="b")]
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, streams))
        time.sleep(0.5)
        worker.send({"cmd": "pause"})
        paused = worker.wait_for("paused")
        time.sleep(0.5)
        worker.send({"cmd": "resume"})
        resumed = worker.wait_for("resumed")
        worker.send({"cmd": "snapshot"})
        snapshots = [worker.wait_for("snapshot"), worker.wait_for("snapshot")]
        worker.send({"cmd": "stop"})
        assert worker.ended()["reason"] == "stopped"
    assert len(worker.of("paused")) == len(worker.of("resumed")) == 1
    assert 0 < paused["at"] <= resumed["at"]
    assert {s["stream_id"] for s in snapshots} == {"alice-camera", "bob-camera"}
    assert all(Path(s["path"]).is_file() for s in snapshots)
    for name in ("a.mp4", "b.mp4"):
        times = sorted(p.pts for p in probe(tmp_path / name).of("video") if p.pts is not None)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert max(gaps) < 2.5 * FRAME  # no frozen gap where the pause was


def test_streams_join_and_leave_with_files_of_their_own(h264_aac: Path, tmp_path: Path) -> None:
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, [stream("alice-camera", h264_aac, stem="alice")]))
        worker.send(
            {"cmd": "add", "stream": stream("bob-screen", h264_aac, kind="screen", stem="bob")}
        )
        worker.send({"cmd": "add", "stream": stream("alice-camera", h264_aac, stem="again")})
        worker.wait_for("warning")
        time.sleep(1.0)
        worker.send({"cmd": "remove", "stream_id": "bob-screen"})
        # Back at once (a reconnect, say): the same stem, a file of its own.
        worker.send({"cmd": "add", "stream": stream("bob-screen", h264_aac, stem="bob")})
        ended = worker.wait_for("stream-ended", stream_id="bob-screen")
        assert ended["reason"] == "stopped"
        worker.send({"cmd": "remove", "stream_id": "nobody"})
        worker.send({"cmd": "dance"})
        worker.send("not json")
        for _ in range(3):
            worker.wait_for("warning")
        time.sleep(0.5)
        worker.send({"cmd": "stop"})
        assert worker.ended()["reason"] == "stopped"
        assert worker.process.returncode == 0
    files = _files(worker)
    assert set(files) == {"alice.mp4", "bob.mp4", "bob-002.mp4"}
    assert files["bob-002.mp4"]["part"] == 2
    assert files["bob.mp4"]["stream_id"] == "bob-screen"
    assert files["bob.mp4"]["user_id"] == "bob"
    bob = probe(tmp_path / "bob.mp4")
    assert _kinds(tmp_path / "bob.mp4") == ["audio", "video"]
    assert 0.5 < bob.media_duration() < probe(tmp_path / "alice.mp4").media_duration()
    assert len(worker.of("warning")) == 4


def test_a_stream_without_what_the_stream_type_needs_is_skipped(
    h264_aac: Path, aac_only: Path, tmp_path: Path
) -> None:
    streams = [
        stream("alice-camera", h264_aac, stem="alice"),
        stream("bob-audio", aac_only, kind="audio", stem="bob"),
    ]
    fields = {"stream_type": "video", "max_duration_seconds": 1.0}
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, streams, **fields))
        assert worker.ended()["reason"] == "duration"
    [warning] = worker.of("warning")
    assert "bob-audio" in warning["message"]
    assert set(_files(worker)) == {"alice.mp4"}
    assert _kinds(tmp_path / "alice.mp4") == ["video"]


@pytest.fixture(scope="module")
def colours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """3 s clips of one colour each."""
    folder = tmp_path_factory.mktemp("colours")
    return {c: flashing_clip(folder / f"{c}.mp4", c, (), ClipSpec(seconds=3.0)) for c in COLORS}


def _halves(left: str, right: str) -> dict[str, Any]:
    canvas = Canvas(width=640, height=360, fps=30)
    regions = (
        Region(0, 0, 320, 360, stream_id=left, fit="fill"),
        Region(320, 0, 320, 360, stream_id=right, fit="fill"),
    )
    return Layout(template="custom", canvas=canvas, regions=regions).to_json()


def test_mixed_mode_draws_the_layout_and_follows_a_new_one(
    colours: dict[str, Path], tmp_path: Path
) -> None:
    streams = [stream("red", colours["red"]), stream("lime", colours["lime"])]
    fields = {"mode": "mixed", "mix_stem": "mix_{part}", "layout": _halves("red", "lime")}
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, streams, **fields))
        time.sleep(1.0)
        worker.send({"cmd": "layout", "layout": _halves("lime", "red")})
        bigger = _halves("red", "lime")
        bigger["canvas"]["width"] = 1280
        worker.send({"cmd": "layout", "layout": bigger})
        assert "canvas" in worker.wait_for("warning")["message"]
        time.sleep(1.0)
        worker.send({"cmd": "stop"})
        assert worker.ended()["reason"] == "stopped"
    [event] = worker.of("file")
    assert event["path"] == str(tmp_path / "mix_001.mp4")
    assert (event["stream_id"], event["user_id"], event["part"]) == (None, None, 1)
    red, lime = COLORS["red"], COLORS["lime"]
    seen = [
        (near(rgb_at(f, 160, 180), red), near(rgb_at(f, 480, 180), lime))
        for f in frames(tmp_path / "mix_001.mp4")
    ]
    first = seen.index((True, True))  # after the inputs' live delay
    last_frame = list(frames(tmp_path / "mix_001.mp4"))[-1]
    assert near(rgb_at(last_frame, 160, 180), lime)
    assert near(rgb_at(last_frame, 480, 180), red)
    assert first < len(seen) - 1


def test_closed_stdin_finishes_the_files_and_ends_service_gone(
    h264_aac: Path, tmp_path: Path
) -> None:
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, [stream("alice-camera", h264_aac, stem="a")], format="hls"))
        time.sleep(1.0)
        worker.close_stdin()
        assert worker.ended() == {"event": "ended", "reason": "service-gone", "message": None}
        assert worker.process.returncode == 0
    [event] = worker.of("file")
    assert event["path"] == str(tmp_path / "a.m3u8")
    assert event["extra_paths"]
    assert all(Path(p).is_file() for p in event["extra_paths"])
    assert "#EXT-X-ENDLIST" in (tmp_path / "a.m3u8").read_text()


_SERVICE = """
import json, subprocess, sys, time
worker = subprocess.Popen([sys.executable, "-m", "app.worker.main"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True)
worker.stdout.readline()
worker.stdin.write(sys.argv[1] + "\\n")
worker.stdin.flush()
for line in worker.stdout:
    if json.loads(line)["event"] == "started":
        break
print(worker.pid, flush=True)
time.sleep(60)
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:  # a zombie nobody reaps is gone too
            return stat.read().split(") ")[-1].startswith("Z")
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_worker_whose_service_is_killed_finishes_its_files_and_exits(
    h264_aac: Path, tmp_path: Path
) -> None:
    line = json.dumps(job(tmp_path, [stream("alice-camera", h264_aac, stem="a")]))
    service = subprocess.Popen(
        [sys.executable, "-c", _SERVICE, line], stdout=subprocess.PIPE, text=True
    )
    try:
        assert service.stdout is not None
        pid = int(service.stdout.readline())
        time.sleep(1.0)
        service.send_signal(signal.SIGKILL)
        service.wait()
        deadline = time.monotonic() + TIMEOUT
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(pid)
    finally:
        if service.poll() is None:
            service.kill()
    path = tmp_path / "a.mp4"
    assert "moof" not in top_level_boxes(path)  # finished: one index, no fragments left
    assert probe(path).media_duration() > 0.5


def test_a_killed_worker_leaves_a_file_recover_finishes(h264_aac: Path, tmp_path: Path) -> None:
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, [stream("alice-camera", h264_aac, stem="a")]))
        time.sleep(2.5)
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
    info = recover(tmp_path / "a.mp4")
    assert info.duration > 1.0
    assert _kinds(tmp_path / "a.mp4") == ["audio", "video"]


def _bad_layout(folder: Path, clip: Path) -> str:
    layout = _halves("red", "lime")
    layout["canvas"]["width"] = 641
    streams = [stream("red", clip)]
    return json.dumps(job(folder, streams, mode="mixed", mix_stem="m", layout=layout))


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (lambda folder, clip: "{not json", "not a JSON line"),
        (_bad_layout, "job: layout: canvas.width"),
        (
            lambda folder, clip: json.dumps(
                job(folder, [stream("x", folder / "nope.mp4", stem="x")])
            ),
            "nothing could be recorded: cannot open x",
        ),
        (
            lambda folder, clip: json.dumps(
                job(folder / "file" / "sub", [stream("x", clip, stem="x")])
            ),
            "cannot create the folder",
        ),
        (lambda folder, clip: json.dumps(job(folder, [stream("x", clip)])), "stem: required"),
    ],
    ids=["not-json", "bad-layout", "no-source", "unwritable", "no-stem"],
)
def test_a_job_that_cannot_start_ends_in_an_error(
    h264_aac: Path, tmp_path: Path, line: Any, says: str
) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    with WorkerProcess() as worker:
        worker.wait_for("ready")
        worker.send(line(tmp_path, h264_aac))
        ended = worker.ended()
        assert worker.process.returncode == 1
    assert ended["reason"] == "error"
    assert says in ended["message"]
    assert "\n" not in ended["message"]
    assert not worker.of("started")


def test_sigterm_finishes_the_files(h264_aac: Path, tmp_path: Path) -> None:
    with WorkerProcess() as worker:
        worker.start(job(tmp_path, [stream("alice-camera", h264_aac, stem="a")]))
        time.sleep(0.5)
        worker.process.send_signal(signal.SIGTERM)
        assert worker.ended()["reason"] == "stopped"
        assert worker.process.returncode == 0
    assert "moof" not in top_level_boxes(tmp_path / "a.mp4")


def test_a_worker_left_before_its_job_ends_service_gone() -> None:
    with WorkerProcess() as worker:
        worker.wait_for("ready")
        worker.close_stdin()
        assert worker.ended()["reason"] == "service-gone"
        assert worker.process.returncode == 0
