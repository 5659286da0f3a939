"""Capture devices, for real: an X screen (Xvfb) through x11grab, ALSA's null capture device, and
`--list-devices` as a person reads it, with and without a display and a sound server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.media.sources.devices import WAYLAND_MESSAGE
from tests.app.media.conftest import Record
from tests.helpers.media import decodes, probe
from tests.helpers.sound import SoundServer
from tests.helpers.xvfb import TitledWindow, Xvfb

ROOT = Path(__file__).resolve().parents[3]


def list_devices(tmp_path: Path, **env: str) -> str:
    """`recdesk-record --list-devices` in a process of its own, with only this environment and
    no sound server (`PULSE_SERVER` names a socket nobody listens on); it must exit 0."""
    clean = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "PULSE_SERVER": f"unix:{tmp_path}/nobody/native",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "app.media.cli", "--list-devices"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def group(listing: str, title: str) -> list[str]:
    """The lines of one group of a listing ("Windows:"), without their indent or alignment."""
    lines = listing.splitlines()
    start = lines.index(f"{title}:") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return [re.sub(r"  +", "  ", line.strip()) for line in lines[start:end]]


def test_screen_capture_is_encoded_to_h264(record: Record, xvfb: Xvfb, tmp_path: Path) -> None:
    [event] = record(f"x11grab:{xvfb.display}", "-o", tmp_path / "screen.mp4", "--duration", "1")

    got = probe(tmp_path / "screen.mp4")
    assert got.codecs() == {"video": "h264"}
    assert (got.streams[0]["width"], got.streams[0]["height"]) == (640, 480)
    assert event["reencoded"] == [{"type": "video", "from": "rawvideo", "to": "h264"}]
    assert got.media_duration() == pytest.approx(1.0, abs=0.05)
    assert decodes(tmp_path / "screen.mp4")["video"] == len(got.of("video"))


def test_alsa_capture_is_encoded_to_aac(record: Record, tmp_path: Path) -> None:
    [event] = record("alsa:null", "-o", tmp_path / "mic.m4a", "--duration", "1")

    assert event["path"] == str(tmp_path / "mic.m4a")
    assert event["reencoded"] == [{"type": "audio", "from": "pcm_s16le", "to": "aac"}]
    got = probe(tmp_path / "mic.m4a")
    assert got.codecs() == {"audio": "aac"}
    # ALSA stamps what it delivers by the wall clock: on a loaded host a late read moves the
    # stamps ahead of the samples, and a second of stamps holds 0.94 s of sound (seen in CI).
    assert got.media_duration() == pytest.approx(1.0, abs=0.1)


def test_list_devices_shows_screens_and_windows_by_name(xvfb: Xvfb, tmp_path: Path) -> None:
    with TitledWindow(xvfb.display, "Weekly call — Meeting", rgb=(255, 0, 0)):
        listing = list_devices(tmp_path, DISPLAY=xvfb.display)

    assert group(listing, "Screens") == [f"x11grab:{xvfb.display}  Screen {xvfb.display} (640x480)"]
    # The argument to pass, quoted for a shell, then the name a person sees.
    assert "'window:Weekly call — Meeting'  Weekly call — Meeting" in group(listing, "Windows")
    sound = group(listing, "System sound")
    assert len(sound) == 1
    assert sound[0].startswith("none: ")
    assert "sound server" in sound[0]
    assert group(listing, "Cameras")  # the cameras, or why there are none
    assert WAYLAND_MESSAGE not in listing


def test_list_devices_shows_the_sound_server_s_outputs_and_microphones(
    sound_server: SoundServer, tmp_path: Path
) -> None:
    listing = list_devices(tmp_path, PULSE_SERVER=sound_server.env["PULSE_SERVER"])

    assert "loopback:speakers  Speakers — what this computer plays" in group(
        listing, "System sound"
    )
    microphones = group(listing, "Microphones")
    assert microphones[0].startswith("mic:virtmic  ")  # the server's, before ALSA's hardware
    assert "alsa:default  default capture device" in microphones
    assert not any(line.startswith("mic:speakers") for line in microphones)  # no monitors


def test_list_devices_without_a_display_or_sound_server_says_why(tmp_path: Path) -> None:
    listing = list_devices(tmp_path, XDG_SESSION_TYPE="wayland")

    assert group(listing, "Screens") == ["none: no X11 display: $DISPLAY is not set"]
    assert group(listing, "Windows") == ["none: no X11 display: $DISPLAY is not set"]
    assert group(listing, "System sound")[0].startswith("none: ")
    assert "alsa:default  default capture device" in group(listing, "Microphones")
    assert listing.rstrip().endswith(WAYLAND_MESSAGE)


def test_list_devices_with_a_display_nobody_answers_says_why(tmp_path: Path) -> None:
    number = next(n for n in range(300, 400) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    listing = list_devices(tmp_path, DISPLAY=f":{number}")

    [why] = group(listing, "Windows")
    assert why.startswith(f"none: cannot connect to the X11 display :{number}")
