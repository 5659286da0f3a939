"""Crash safety: a recorder killed with SIGKILL leaves files that play, and `recover` finishes them.

The recorders are real `recdesk-record` processes recording a clip played live (`--live`); all the
formats are recorded at once, killed about three seconds after their file appeared, and checked
one by one. A kill all but always lands between two writes, so each file holds whole fragments; a
fragment cut short is made by truncating a copy.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import av
import pytest

from app.media.cli import main
from app.media.errors import NothingRecorded, RecordingError, SourceError
from app.media.recover import recover
from tests.app.media.conftest import Record
from tests.helpers.local import kill_at_header
from tests.helpers.media import FPS, decodes, events, probe, top_level_boxes

FRAME = 1 / FPS
RUN_FOR = 3.0
# The recorder writes fragments (clusters, segments) of at most a second; the pacing starts as the
# output file is created, give or take the moment it takes to open the source.
LOSS = 1.0
SLACK = 0.5
FORMATS = ("mp4", "mkv", "ts", "hls")


@dataclass(frozen=True)
class Crashed:
    """A file left by a killed recorder (kept pristine; tests recover copies of it)."""

    path: Path
    elapsed: float


def _output(folder: Path, fmt: str) -> Path:
    return folder / ("talk.m3u8" if fmt == "hls" else f"talk.{fmt}")


@pytest.fixture(scope="module")
def crashed(h264_aac: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Crashed]:
    """One killed recording per format, all recorded at the same time."""
    root = tmp_path_factory.mktemp("crash")
    running: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
    for fmt in FORMATS:
        folder = root / fmt
        folder.mkdir()
        out = _output(folder, fmt)
        command = [sys.executable, "-m", "app.media.cli", str(h264_aac), "--live", "-o", str(out)]
        if fmt == "hls":
            command += ["--segment-length", "1"]
        running[fmt] = (
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE),
            out,
        )
    appeared: dict[str, float] = {}
    result: dict[str, Crashed] = {}
    deadline = time.monotonic() + 30
    try:
        while len(result) < len(running) and time.monotonic() < deadline:
            now = time.monotonic()
            for fmt, (proc, out) in running.items():
                if fmt in result:
                    continue
                if fmt not in appeared and out.exists():
                    appeared[fmt] = now
                if fmt in appeared and now - appeared[fmt] >= RUN_FOR:
                    proc.send_signal(signal.SIGKILL)
                    result[fmt] = Crashed(out, time.monotonic() - appeared[fmt])
            time.sleep(0.01)
    finally:
        for proc, _ in running.values():
            if proc.poll() is None:
                proc.kill()
            _, err = proc.communicate()
            assert proc.returncode == -signal.SIGKILL, err.decode()
    assert len(result) == len(running), "a recorder wrote no file"
    return result


def _copy(crash: Crashed, folder: Path) -> Path:
    """The crashed recording (an HLS playlist with its segments) copied into `folder`."""
    for item in crash.path.parent.iterdir():
        shutil.copy2(item, folder / item.name)
    return folder / crash.path.name


def _segments(playlist: Path) -> list[Path]:
    lines = playlist.read_text().splitlines()
    return [playlist.parent / line for line in lines if line and not line.startswith("#")]


def _video_frames(path: Path) -> int:
    """The video frames a file holds, counted packet by packet."""
    if path.suffix == ".m3u8":
        # Without #EXT-X-ENDLIST a playlist is live to FFmpeg, which would wait for more segments.
        return sum(_video_frames(segment) for segment in _segments(path))
    with av.open(str(path)) as container:
        packets = [p for p in container.demux(video=0) if p.size and not p.is_corrupt]
    # Read as any player reads it, each frame has a time of its own (the first fragment included).
    assert len({p.pts for p in packets}) == len(packets)
    return len(packets)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_killed_recording_opens_and_holds_all_but_the_last_second(
    crashed: dict[str, Crashed], fmt: str
) -> None:
    crash = crashed[fmt]

    for part in _segments(crash.path) if fmt == "hls" else [crash.path]:
        with av.open(str(part)) as container:
            assert {s.type for s in container.streams} == {"video", "audio"}
    held = _video_frames(crash.path) * FRAME
    # An HLS playlist appears with its first segment, a second into the recording.
    elapsed = crash.elapsed + (1.0 if fmt == "hls" else 0.0)
    assert held >= elapsed - LOSS - SLACK, f"{held:.2f} s of video after {elapsed:.2f} s"


@pytest.mark.parametrize("fmt", FORMATS)
def test_recover_finishes_a_killed_recording(
    crashed: dict[str, Crashed], fmt: str, tmp_path: Path
) -> None:
    path = _copy(crashed[fmt], tmp_path)
    frames = _video_frames(path)

    info = recover(path)

    got = probe(path)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert decodes(path)["video"] == frames == len(got.of("video"))
    assert info.path == path
    assert [(s.type, s.codec) for s in info.streams] == [("video", "h264"), ("audio", "aac")]
    assert info.duration == pytest.approx(got.media_duration(), abs=FRAME)
    assert info.duration == pytest.approx(frames * FRAME, abs=0.1)
    assert info.start < info.end
    if fmt == "hls":
        playlist = path.read_text()
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist
        assert playlist.endswith("#EXT-X-ENDLIST\n")
        assert info.size == path.stat().st_size + sum(p.stat().st_size for p in info.extra_paths)
    else:
        assert info.size == path.stat().st_size
    if fmt == "mp4":
        boxes = top_level_boxes(path)
        assert "moov" in boxes
        assert "moof" not in boxes
        assert got.start("video") == got.start("audio") == 0.0
    assert not [p for p in tmp_path.iterdir() if ".recovering" in p.name]


def test_recdesk_record_recover_prints_the_finished_file(
    crashed: dict[str, Crashed], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _copy(crashed["mp4"], tmp_path)

    status = main(["--recover", str(path)])

    captured = capsys.readouterr()
    assert status == 0, captured.err
    [event] = events(captured.out)
    assert event["path"] == str(path)
    assert event["duration"] == pytest.approx(probe(path).media_duration(), abs=FRAME)
    assert main(["--recover", str(tmp_path / "nothing.mp4")]) == 2
    assert capsys.readouterr().err.startswith("recdesk-record: ")


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
def test_recover_keeps_what_comes_before_a_fragment_cut_short(
    crashed: dict[str, Crashed], fmt: str, tmp_path: Path
) -> None:
    path = _copy(crashed[fmt], tmp_path)
    frames = _video_frames(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 20_000])  # into the last fragment's media

    recover(path)

    got = decodes(path)
    assert frames - FPS <= got["video"] < frames
    assert got["audio"] > 0
    if fmt == "mp4":
        assert "moof" not in top_level_boxes(path)


@pytest.mark.parametrize("fmt", ["mp4", "mkv", "ts", "flv"])
def test_recovering_a_finished_file_changes_nothing_that_plays(
    record: Record, h264_aac: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"talk.{fmt}"
    record(h264_aac, "-o", out)
    before = probe(out)

    info = recover(out)

    after = probe(out)
    for kind in ("video", "audio"):
        assert [(p.digest, p.pts, p.dts) for p in after.of(kind)] == [
            (p.digest, p.pts, p.dts) for p in before.of(kind)
        ]
    assert after.media_duration() == pytest.approx(before.media_duration(), abs=1e-6)
    assert info.duration == pytest.approx(before.media_duration(), abs=FRAME)


def test_recover_drops_playlist_entries_whose_segment_is_gone(
    crashed: dict[str, Crashed], tmp_path: Path
) -> None:
    path = _copy(crashed["hls"], tmp_path)
    segments = [p.name for p in _segments(path)]
    (tmp_path / segments[1]).unlink()
    (tmp_path / segments[2]).write_bytes(b"")

    info = recover(path)

    listed = [line for line in path.read_text().splitlines() if line.endswith(".ts")]
    assert listed == [segments[0], *segments[3:]]
    assert [p.name for p in info.extra_paths] == listed
    assert decodes(path)["video"] > 0


def test_recover_says_what_is_wrong_with_a_path_that_is_no_recording(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"missing\.mp4 does not exist"):
        recover(tmp_path / "missing.mp4")
    notes = tmp_path / "notes.txt"
    notes.write_text("not media\n")
    with pytest.raises(SourceError, match=r"notes\.txt is not a recording: its extension is none"):
        recover(notes)
    fake = tmp_path / "notes.mp4"
    fake.write_text("not media\n")
    with pytest.raises(SourceError, match=r"notes\.mp4 is not a recording that can be read"):
        recover(fake)
    assert fake.read_text() == "not media\n"
    playlist = tmp_path / "notes.m3u8"
    playlist.write_text("#EXTM3U\n#EXTINF:1.0,\nnone-00001.ts\n")
    with pytest.raises(SourceError, match=r"notes\.m3u8 lists no segment that can be read"):
        recover(playlist)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.m3u8", "notes.mp4", "notes.txt"]


def test_a_file_that_cannot_be_rewritten_is_left_as_it_was(tmp_path: Path) -> None:
    # A-law sound in a file named .mp4 (written as QuickTime): it reads, but MP4 cannot hold it.
    path = tmp_path / "odd.mp4"
    with av.open(str(path), "w", format="mov") as out:
        stream = out.add_stream("pcm_alaw", rate=8000, layout="mono")
        frame = av.AudioFrame(format="s16", layout="mono", samples=800)
        frame.sample_rate = 8000
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    data = path.read_bytes()

    with pytest.raises(RecordingError, match=r"recovering .*odd\.mp4 failed: .*pcm_alaw"):
        recover(path)

    assert path.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["odd.mp4"]


def test_a_recorder_killed_before_its_first_fragment_leaves_nothing_to_recover(
    h264_aac: Path, tmp_path: Path
) -> None:
    """Killed as soon as its file has a header (its first fragment comes a second later): the
    file holds no media, and recovery says so and leaves it as it is."""
    out = tmp_path / "talk.mp4"
    kill_at_header(h264_aac, out)
    data = out.read_bytes()

    with pytest.raises(NothingRecorded, match=r"talk\.mp4 holds no media"):
        recover(out)

    assert out.read_bytes() == data
