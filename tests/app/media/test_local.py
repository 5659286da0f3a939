"""The local recording engine: devices (lavfi stand-ins), a live-played file, the disk guard.

Each recording runs in real time for a few seconds, as a device would deliver; the files are
checked as a user would: streams, duration, one continuous timeline across a pause, and in a mix
the pictures of who joined and left.
"""

from __future__ import annotations

import io
import itertools
import subprocess
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np

from app.media.local import (
    QUALITIES,
    Ended,
    LocalInput,
    LocalRecorder,
    LocalSpec,
    find_unfinished,
    mark_saved,
)
from app.media.local.journal import read_journal, write_journal
from app.media.local.monitor import SILENCE_DB, Monitor
from tests.helpers.media import probe

CAMERA = LocalInput("camera", "lavfi:testsrc2=size=640x360:rate=30,realtime", "camera")
MIC = LocalInput("mic", "lavfi:sine=frequency=440:sample_rate=48000,arealtime", "audio")
SCREEN = LocalInput("screen", "lavfi:testsrc=size=800x600:rate=15,realtime", "screen")


def wait_for(check: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait until `check()` is true (a generous timeout; never a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def record(recorder: LocalRecorder, seconds: float) -> None:
    """Let the recorder write `seconds` of media."""
    wait_for(lambda: recorder.stats().elapsed >= seconds)


def finished(recorder: LocalRecorder) -> Ended:
    """Stop and return how it ended."""
    recorder.stop()
    ended = recorder.wait(30)
    assert ended is not None
    return ended


def gone_pid() -> int:
    """The pid of a process that has exited."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def largest_gap(times: list[float]) -> float:
    """The longest step between successive presentation times."""
    ordered = sorted(times)
    return max(b - a for a, b in itertools.pairwise(ordered))


def test_screen_camera_and_microphone_with_a_pause_make_one_continuous_file(
    tmp_path: Path,
) -> None:
    events: list[object] = []
    spec = LocalSpec("Screen, camera and mic", (SCREEN, CAMERA, MIC), mixed=True)
    recorder = LocalRecorder(spec, tmp_path, name="desk", on_event=events.append)
    recorder.start()
    record(recorder, 1.5)
    stats = recorder.stats()
    assert stats.state == "recording"
    assert stats.has_video
    assert stats.has_audio
    wait_for(lambda: recorder.preview() is not None)
    preview = recorder.preview()
    assert preview is not None
    assert preview.width <= 320
    assert len(preview.data) == preview.stride * preview.height
    wait_for(lambda: recorder.stats().level > -30)  # the 440 Hz tone at -18 dBFS
    recorder.pause()
    wait_for(lambda: recorder.stats().state == "paused")
    paused_at = recorder.stats().elapsed
    time.sleep(1.0)
    assert recorder.stats().elapsed - paused_at < 0.2  # nothing written while paused
    recorder.resume()
    record(recorder, paused_at + 1.5)
    ended = finished(recorder)

    assert ended.reason == "stopped"
    assert ended.message is None
    assert [type(e).__name__ for e in events][:3] == ["Started", "Paused", "Resumed"]
    assert type(events[-1]).__name__ == "Ended"
    (info,) = ended.files
    assert info.path == tmp_path / ended.folder.name / "desk.mp4"
    got = probe(info.path)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert got.streams[0]["width"] == 1280
    assert got.streams[0]["height"] == 720
    # The pause left no hole: about three seconds of media, pictures at a steady rate.
    assert 2.5 < got.duration < 4.5
    # A machine too busy to keep up skips pictures (and counts them) rather than drift.
    skipped = recorder.stats().dropped / 30
    assert largest_gap([p.pts for p in got.of("video") if p.pts is not None]) < 0.2 + skipped
    assert recorder.stats().size == info.size


def test_the_mixed_sound_of_a_room_is_an_m4a_of_aac(tmp_path: Path) -> None:
    tone = LocalInput("carol", "lavfi:sine=frequency=660:sample_rate=44100,arealtime", "audio")
    spec = LocalSpec("Room sound", (MIC, tone), mixed=True, format="m4a")
    recorder = LocalRecorder(spec, tmp_path, name="room")
    recorder.start()
    record(recorder, 2.0)
    stats = recorder.stats()
    assert stats.has_audio
    assert not stats.has_video
    ended = finished(recorder)
    (info,) = ended.files
    assert info.path.suffix == ".m4a"
    got = probe(info.path)
    assert got.codecs() == {"audio": "aac"}
    assert got.streams[0]["sample_rate"] == 48000
    assert 1.8 < got.duration < 4.0


def test_source_size_keeps_the_screen_at_its_own_size(tmp_path: Path) -> None:
    # An 800x600 screen at "Source size" stays 800x600 (High would draw it on 1920x1080), with a
    # bitrate in proportion to its area; with a camera over it, the screen still sets the size.
    camera = LocalInput("camera", "lavfi:testsrc2=size=320x180:rate=30,realtime", "camera")
    for inputs in ((SCREEN,), (SCREEN, camera)):
        spec = LocalSpec("Screen", inputs, mixed=len(inputs) > 1, quality="source")
        recorder = LocalRecorder(spec, tmp_path, name=f"screen-{len(inputs)}")
        recorder.start()
        record(recorder, 1.0)
        (info,) = finished(recorder).files
        [video] = [s for s in probe(info.path).streams if s["type"] == "video"]
        assert (video["width"], video["height"]) == (800, 600)
    canvas = QUALITIES["source"].canvas((801, 600))
    assert (canvas.width, canvas.height) == (800, 600)  # even, as encoders want
    assert canvas.video_bitrate == round(6_000_000 * 800 * 600 / (1920 * 1080))
    assert (QUALITIES["source"].canvas().width, QUALITIES["high"].canvas().width) == (1920, 1920)


def test_a_participant_is_copied_as_it_comes(tmp_path: Path, h264_aac: Path) -> None:
    # A file played live stands in for the service's live re-serve: packets are copied as they are.
    spec = LocalSpec("carol", (LocalInput("carol", str(h264_aac)),))
    recorder = LocalRecorder(spec, tmp_path, name="carol")
    recorder.start()
    record(recorder, 2.0)
    wait_for(lambda: recorder.preview() is not None)
    ended = finished(recorder)
    (info,) = ended.files
    got = probe(info.path)
    source = probe(h264_aac)
    assert got.codecs() == source.codecs() == {"video": "h264", "audio": "aac"}
    assert (got.streams[0]["width"], got.streams[0]["height"]) == (
        source.streams[0]["width"],
        source.streams[0]["height"],
    )
    # Copied, not re-encoded: the file's pictures are the source's packets.
    assert {p.digest for p in got.of("video")} <= {p.digest for p in source.of("video")}


def test_webm_of_a_participant_reencodes_to_vp8_and_opus(tmp_path: Path, h264_aac: Path) -> None:
    spec = LocalSpec("carol", (LocalInput("carol", str(h264_aac)),), format="webm")
    recorder = LocalRecorder(spec, tmp_path, name="carol")
    recorder.start()
    record(recorder, 1.5)
    (info,) = finished(recorder).files
    assert probe(info.path).codecs() == {"video": "vp8", "audio": "opus"}


def test_split_writes_parts_of_the_asked_length(tmp_path: Path) -> None:
    spec = LocalSpec("parts", (CAMERA, MIC), mixed=True, quality="draft", split=1.0)
    recorder = LocalRecorder(spec, tmp_path, name="parts")
    recorder.start()
    record(recorder, 2.6)
    ended = finished(recorder)
    names = [f.path.name for f in ended.files]
    # Parts start on keyframes, which a mix makes every two seconds.
    assert names[:2] == ["parts-001.mp4", "parts-002.mp4"]
    assert 0.9 < probe(ended.files[0].path).duration < 2.5


def test_low_disk_space_warns_then_stops_cleanly(tmp_path: Path) -> None:
    free = [10_000_000_000]
    events: list[object] = []
    recorder = LocalRecorder(
        LocalSpec("camera", (CAMERA,), mixed=True, quality="draft"),
        tmp_path,
        name="full",
        on_event=events.append,
        disk_usage=lambda _path: SimpleNamespace(free=free[0]),
        watch_every=0.1,
    )
    recorder.start()
    record(recorder, 1.0)
    free[0] = 4_000_000_000
    wait_for(lambda: any(type(e).__name__ == "DiskLow" for e in events))
    assert recorder.stats().state == "recording"
    assert recorder.stats().free == 4_000_000_000
    free[0] = 50_000_000
    ended = recorder.wait(30)
    assert ended is not None
    assert ended.reason == "disk-full"
    assert ended.message is not None
    assert "disk" in ended.message
    lows = [e for e in events if type(e).__name__ == "DiskLow"]
    assert [getattr(e, "stopping", None) for e in lows] == [False, True]
    (info,) = ended.files
    assert probe(info.path).duration >= 0.9  # what was recorded is kept, finished


def test_a_source_that_does_not_open_ends_with_its_reason(tmp_path: Path) -> None:
    bad = LocalInput("camera", "v4l2:/dev/video-none", "camera")
    recorder = LocalRecorder(LocalSpec("camera", (bad,), mixed=True), tmp_path, name="bad")
    recorder.start()
    ended = recorder.wait(30)
    assert ended is not None
    assert ended.reason == "error"
    assert ended.message is not None
    assert "/dev/video-none" in ended.message
    assert ended.files == ()
    assert recorder.stats().state == "ended"
    assert find_unfinished(tmp_path) == []  # nothing to recover: no file was written


def test_a_finished_recording_not_yet_saved_is_found_until_marked_saved(tmp_path: Path) -> None:
    recorder = LocalRecorder(LocalSpec("camera", (CAMERA,), mixed=True), tmp_path, name="kept")
    recorder.start()
    record(recorder, 1.0)
    ended = finished(recorder)
    assert find_unfinished(tmp_path) == []  # this very process's, waiting to be saved
    # The app died in its save dialog: the next start finds the files, whole.
    journal = read_journal(ended.folder)
    assert journal is not None
    write_journal(ended.folder, {**journal, "pid": gone_pid()})
    (found,) = find_unfinished(tmp_path)
    assert not found.killed
    assert found.name == "kept"
    assert found.spec == recorder.spec
    assert found.files == tuple(f.path for f in ended.files)
    mark_saved(found.folder)
    assert find_unfinished(tmp_path) == []


def test_the_working_directory_goes_with_its_last_recording(tmp_path: Path) -> None:
    workdir = tmp_path / ".recdesk-recording"
    first, second = workdir / "20261121-183005-a1b2c3", workdir / "20261121-190000-d4e5f6"
    for folder in (first, second):
        folder.mkdir(parents=True)
        (folder / "journal.json").write_text("{}")
    mark_saved(first)
    assert not first.exists()
    assert second.is_dir()  # another recording's folder keeps the working directory
    mark_saved(second)
    assert not workdir.exists()  # no empty hidden folder left beside the recordings
    assert tmp_path.is_dir()


def test_silence_reads_as_the_floor(tmp_path: Path) -> None:
    quiet = LocalInput("mic", "lavfi:anullsrc=r=48000:cl=stereo,arealtime", "audio")
    recorder = LocalRecorder(LocalSpec("mic", (quiet,), mixed=True), tmp_path, name="quiet")
    recorder.start()
    record(recorder, 1.0)
    assert recorder.stats().level == SILENCE_DB
    finished(recorder)


def colour(name: str) -> LocalInput:
    """A live camera stand-in of one colour, named after it."""
    return LocalInput(name, f"lavfi:color=c={name}:size=320x240:rate=30,realtime", "camera")


RGB = {"red": (255, 0, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}


def colours_by_time(path: Path) -> list[tuple[float, set[str]]]:
    """Each picture's time and the colours of `RGB` that fill a tile's worth of it."""
    shown = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            assert frame.time is not None
            pixels = frame.to_ndarray(format="rgb24").astype(np.int16)
            names = set()
            for name, rgb in RGB.items():
                near = np.abs(pixels - np.array(rgb, dtype=np.int16)).sum(axis=2) < 90
                if near.mean() > 0.03:
                    names.add(name)
            shown.append((float(frame.time), names))
    return shown


def test_a_mixed_recording_follows_who_joins_and_leaves(tmp_path: Path) -> None:
    events: list[object] = []
    red, blue, yellow = colour("red"), colour("blue"), colour("yellow")
    spec = LocalSpec("Room", (red, blue), mixed=True, quality="draft")
    recorder = LocalRecorder(spec, tmp_path, name="room", on_event=events.append)
    recorder.start()
    record(recorder, 1.0)
    added_at = recorder.stats().elapsed
    recorder.add_input(yellow)
    recorder.add_input(yellow)  # twice is once
    wait_for(lambda: "yellow" in recorder.mixed_streams())
    joined_at = recorder.stats().elapsed
    record(recorder, joined_at + 1.0)
    removed_at = recorder.stats().elapsed
    recorder.remove_input("red")
    recorder.remove_input("red")
    assert recorder.mixed_streams() == {"blue", "yellow"}
    record(recorder, removed_at + 1.0)
    ended = finished(recorder)
    recorder.add_input(colour("white"))  # too late: ignored
    assert recorder.mixed_streams() == {"blue", "yellow"}

    assert ended.reason == "stopped"
    assert not any(type(e).__name__ == "JoinFailed" for e in events)
    (info,) = ended.files
    shown = colours_by_time(info.path)
    # Composed before the add, once their first pictures came: the two who started. Between the
    # join (and the newcomer's first picture) and the leave: three tiles. After the leave: no red.
    assert all("yellow" not in names for t, names in shown if t < added_at)
    both = next(t for t, names in shown if names == {"red", "blue"})
    before = [names for t, names in shown if both <= t < added_at]
    during = [names for t, names in shown if joined_at + 0.5 < t < removed_at]
    after = [names for t, names in shown if t > removed_at + 0.3]
    assert before
    assert during
    assert after
    assert all(names == {"red", "blue"} for names in before), before
    assert all(names == {"red", "blue", "yellow"} for names in during), during
    assert all(names == {"blue", "yellow"} for names in after), after


def test_a_newcomer_that_cannot_be_opened_is_left_out(tmp_path: Path) -> None:
    events: list[object] = []
    spec = LocalSpec("Room sound", (MIC,), mixed=True, format="m4a")
    recorder = LocalRecorder(spec, tmp_path, name="room", on_event=events.append)
    recorder.start()
    record(recorder, 0.5)
    recorder.add_input(LocalInput("gone", "lavfi:nosuchfilter", "audio"))
    wait_for(lambda: any(type(e).__name__ == "JoinFailed" for e in events))
    assert recorder.mixed_streams() == {"mic"}
    record(recorder, 1.5)  # the recording goes on
    ended = finished(recorder)
    assert ended.reason == "stopped"
    (info,) = ended.files
    assert probe(info.path).duration > 1.2


def test_the_preview_of_a_mix_is_scaled_from_its_pictures_not_decoded() -> None:
    # A mix offers each picture before encoding it: the preview is that picture made small, and
    # the packets the files get are only counted, never decoded (far cheaper at 1080p).
    templates = av.open(io.BytesIO(), "w", format="matroska")
    stream = templates.add_stream("libx264", rate=30)
    stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
    monitor = Monitor([stream], {stream.index: 30.0})
    try:
        red = np.full((720, 1280, 3), (200, 30, 30), dtype=np.uint8)
        monitor.show(av.VideoFrame.from_ndarray(red, format="rgb24"))
        preview = monitor.preview()
        assert preview is not None
        assert (preview.width, preview.height) == (320, 180)
        pixel = np.frombuffer(preview.data, dtype=np.uint8)[:3].astype(int)
        assert np.abs(pixel - (200, 30, 30)).max() < 12
        # Written packets (here not even H.264) count as frames and leave the preview alone.
        for n in range(3):
            packet = av.Packet(b"not a picture")
            packet.pts, packet.dts, packet.time_base = n, n, Fraction(1, 30)
            packet.stream = stream
            monitor.write(packet)
        assert monitor.frames == 3
        assert monitor.preview() is preview
    finally:
        monitor.close()
        templates.close()
