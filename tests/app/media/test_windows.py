"""One window by its title (`window:TITLE`), for real: titled windows on an Xvfb screen, recorded
through x11grab, and the messages a person gets when the title finds none or several."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from app.media.cli import main
from tests.app.media.conftest import Record
from tests.helpers.media import decodes, probe
from tests.helpers.xvfb import ManagedWindows, TitledWindow, Xvfb

RED = (255, 0, 0)
BLUE = (0, 0, 255)
CALL = "Weekly call — Meeting"


@pytest.fixture
def desktop(xvfb: Xvfb, monkeypatch: pytest.MonkeyPatch) -> Iterator[Xvfb]:
    """The session's X screen as `$DISPLAY`, showing a red call window and a blue notes window."""
    monkeypatch.setenv("DISPLAY", xvfb.display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    with (
        TitledWindow(xvfb.display, CALL, rgb=RED, geometry=(20, 20, 201, 121)),
        TitledWindow(xvfb.display, "Notes", rgb=BLUE, geometry=(300, 200, 160, 90)),
    ):
        yield xvfb


def last_picture(path: Path) -> np.ndarray:
    """The file's last decoded picture, as RGB."""
    with av.open(str(path)) as container:
        *_, frame = container.decode(video=0)
    return frame.to_ndarray(format="rgb24")


def test_a_window_is_recorded_at_its_own_size(
    record: Record, desktop: Xvfb, tmp_path: Path
) -> None:
    out = tmp_path / "call.mp4"
    [event] = record("window:weekly CALL", "-o", out, "--duration", "1")  # a part, any case

    got = probe(out)
    assert got.codecs() == {"video": "h264"}
    # The window's size (its odd column and row left out for H.264), not the screen's 640x480.
    assert (got.streams[0]["width"], got.streams[0]["height"]) == (200, 120)
    assert event["reencoded"] == [{"type": "video", "from": "rawvideo", "to": "h264"}]
    assert decodes(out)["video"] == len(got.of("video"))
    # Its own pictures: red all over, none of the blue window or the black screen.
    colour = last_picture(out).reshape(-1, 3).mean(axis=0)
    assert np.abs(colour - RED).max() < 16, colour


def test_the_exact_title_wins_over_a_part(record: Record, desktop: Xvfb, tmp_path: Path) -> None:
    with TitledWindow(desktop.display, "Notes (old)", rgb=RED, geometry=(0, 300, 100, 60)):
        record("window:Notes", "-o", tmp_path / "notes.mp4", "--duration", "0.5")

    assert np.abs(last_picture(tmp_path / "notes.mp4").mean(axis=(0, 1)) - BLUE).max() < 16


def test_the_cursor_is_drawn_over_the_window(record: Record, desktop: Xvfb, tmp_path: Path) -> None:
    with TitledWindow(desktop.display, "Pointer", rgb=RED, geometry=(0, 300, 120, 80)) as window:
        window.point_at(60, 40)
        record("window:Pointer", "-o", tmp_path / "pointer.mp4", "--duration", "0.5")

    away = np.abs(last_picture(tmp_path / "pointer.mp4").astype(int) - RED).sum(axis=2) > 96
    rows, columns = np.nonzero(away)
    assert rows.size, "no cursor in the picture"
    # Where the pointer is, in the window's own coordinates (Xvfb's cursor is about 16 px).
    assert abs(rows.mean() - 40) < 12
    assert abs(columns.mean() - 60) < 12


def test_a_title_that_finds_no_window_lists_the_open_ones(
    capsys: pytest.CaptureFixture[str], desktop: Xvfb, tmp_path: Path
) -> None:
    assert main(["window:Spreadsheet", "-o", str(tmp_path / "x.mp4")]) == 2

    err = capsys.readouterr().err
    assert f"no window titled 'Spreadsheet'; open windows: '{CALL}', 'Notes'" in err
    assert not (tmp_path / "x.mp4").exists()


def test_a_title_that_finds_several_windows_names_them(
    capsys: pytest.CaptureFixture[str], desktop: Xvfb, tmp_path: Path
) -> None:
    assert main(["window:e", "-o", str(tmp_path / "x.mp4")]) == 2

    err = capsys.readouterr().err
    assert f"several windows match 'e': '{CALL}', 'Notes'; give more of the title" in err


def test_the_window_manager_s_list_is_the_one_searched(
    capsys: pytest.CaptureFixture[str], desktop: Xvfb, tmp_path: Path
) -> None:
    with (
        TitledWindow(desktop.display, "Slides", rgb=BLUE, geometry=(0, 300, 100, 60)) as slides,
        TitledWindow(desktop.display, "Chat", rgb=RED, shown=False) as chat,
        ManagedWindows(desktop.display, slides, chat),
    ):
        assert main(["window:Notes", "-o", str(tmp_path / "x.mp4")]) == 2
        assert "no window titled 'Notes'; open windows: 'Slides'\n" in capsys.readouterr().err
        assert main(["window:chat", "-o", str(tmp_path / "x.mp4")]) == 2
        err = capsys.readouterr().err
        assert "window 'Chat' is minimised or hidden: show it to record it" in err
        assert main(["window:Slides", "-o", str(tmp_path / "s.mp4"), "--duration", "0.5"]) == 0

    assert np.abs(last_picture(tmp_path / "s.mp4").mean(axis=(0, 1)) - BLUE).max() < 16


def test_without_a_display_window_capture_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    assert main(["window:Notes", "-o", str(tmp_path / "x.mp4")]) == 2
    assert "window capture needs an X11 display ($DISPLAY is not set)\n" in capsys.readouterr().err

    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    assert main(["window:Notes", "-o", str(tmp_path / "x.mp4")]) == 2
    err = capsys.readouterr().err
    assert "window capture needs an X11 display ($DISPLAY is not set); in a Wayland session " in err
    assert "only XWayland windows can be captured" in err
