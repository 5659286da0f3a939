"""`recdesk-record` as a user runs it: bad input gets one line saying what to fix, no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.media.cli import main
from tests.helpers.media import events, probe

RECORD = [sys.executable, "-m", "app.media.cli"]


def fails(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    """Run in-process; return the exit status and stderr, which must be one line."""
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return status, lines[0]


def test_missing_source(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, line = fails(capsys, tmp_path / "nope.mp4", "-o", tmp_path / "x.mp4")
    assert status == 2
    assert line == f"recdesk-record: cannot open {tmp_path / 'nope.mp4'}: no such file"


def test_unreachable_url(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, line = fails(capsys, "rtmp://127.0.0.1:9/live/none", "-o", tmp_path / "x.mp4")
    assert status == 2
    assert line.startswith("recdesk-record: cannot open rtmp://127.0.0.1:9/live/none: ")


def test_unknown_format(capsys: pytest.CaptureFixture[str], h264_aac: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([str(h264_aac), "-o", str(tmp_path / "x"), "--format", "avi"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.count("\n") == 1
    assert "--format: invalid choice: 'avi'" in err
    assert "mp4" in err


def test_unwritable_output(
    capsys: pytest.CaptureFixture[str], h264_aac: Path, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    blocker = tmp_path / "file"
    blocker.write_text("")
    if os.geteuid() == 0:  # root writes anywhere; a folder that is a file stops everyone
        status, line = fails(capsys, h264_aac, "-o", blocker / "x.mp4")
        assert status == 2
        assert line.startswith(f"recdesk-record: cannot create the output folder {blocker}: ")
    else:
        status, line = fails(capsys, h264_aac, "-o", locked / "x.mp4")
        assert status == 2
        assert (
            line
            == f"recdesk-record: cannot write into {locked}: permission denied; choose another -o"
        )


def test_source_without_the_asked_stream(
    capsys: pytest.CaptureFixture[str], h264_only: Path, tmp_path: Path
) -> None:
    status, line = fails(capsys, h264_only, "-o", tmp_path / "x.m4a", "--stream-type", "audio")
    assert status == 2
    assert (
        line
        == f"recdesk-record: {h264_only} has no audio stream; record it with --stream-type video"
    )
    assert list(tmp_path.iterdir()) == []


def test_audio_format_with_video_stream_type(
    capsys: pytest.CaptureFixture[str], h264_aac: Path, tmp_path: Path
) -> None:
    status, line = fails(capsys, h264_aac, "-o", tmp_path / "x.m4a", "--stream-type", "video")
    assert status == 2
    assert line == "recdesk-record: m4a files hold audio only; record with --stream-type audio"


def test_existing_output_is_kept(
    capsys: pytest.CaptureFixture[str], h264_aac: Path, tmp_path: Path
) -> None:
    earlier = tmp_path / "x.mp4"
    earlier.write_bytes(b"an earlier recording")
    status, line = fails(capsys, h264_aac, "-o", earlier)
    assert status == 2
    assert line == f"recdesk-record: {earlier} exists; pass -y to replace it, or choose another -o"
    assert earlier.read_bytes() == b"an earlier recording"
    assert main([str(h264_aac), "-o", str(earlier), "-y"]) == 0


def test_missing_output_and_bad_mix_options(
    capsys: pytest.CaptureFixture[str], h264_aac: Path, tmp_path: Path
) -> None:
    status, line = fails(capsys, h264_aac)
    assert (status, line) == (2, "recdesk-record: give an output file with -o OUTPUT")
    out = tmp_path / "x.mp4"
    status, line = fails(capsys, h264_aac, h264_aac, "-o", out, "--size", "1281x720")
    assert (status, line) == (
        2,
        "recdesk-record: --size 1281x720: width and height must be positive and even",
    )
    status, line = fails(capsys, h264_aac, "-o", out, "--layout", "mosaic")
    assert status == 2
    assert line.startswith("recdesk-record: --layout mosaic: not a template (grid, floating,")
    assert not out.exists()


def test_bad_duration(capsys: pytest.CaptureFixture[str], h264_aac: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([str(h264_aac), "-o", "x.mp4", "--duration", "soon"])
    assert exit_.value.code == 2
    assert "soon is not a number of seconds" in capsys.readouterr().err


def test_list_protocols_reports_what_ffmpeg_has(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-protocols"]) == 0
    protocols = capsys.readouterr().out.split()
    assert {"file", "rtmp", "rtsp", "http", "https", "udp", "tcp"} <= set(protocols)


def test_list_devices_names_the_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-devices"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("device kinds: ")
    assert {"x11grab", "v4l2", "alsa"} <= set(first.removeprefix("device kinds: ").split(", "))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_finishes_the_file_and_exits_0(
    h264_aac: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "live.mp4"
    process = subprocess.Popen(
        [*RECORD, str(h264_aac), "--live", "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Wait until the recording has written media, then stop it as a user would.
    for _ in range(200):
        if out.exists() and out.stat().st_size > 50_000:
            break
        try:
            process.wait(0.05)
        except subprocess.TimeoutExpired:
            continue
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=30)

    assert process.returncode == 0, stderr
    [event] = events(stdout)
    assert event["path"] == str(out)
    got = probe(out)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert got.media_duration() > 0.5
    assert event["duration"] == pytest.approx(got.media_duration(), abs=0.05)


def test_live_is_for_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, line = fails(capsys, "rtmp://127.0.0.1:9/live/x", "--live", "-o", tmp_path / "x.mp4")
    assert status == 2
    assert line == (
        "recdesk-record: --live paces a file; rtmp://127.0.0.1:9/live/x is live already, "
        "record it without --live"
    )
