"""A call recorded on this computer, for real: one X11 window, the microphone and what the
computer plays, through a real sound server (PulseAudio), as the desktop's "Call" records it.

Tones tell the voices apart (the other side at 440 Hz from the speakers, the user at 1000 Hz into
the microphone); a window that flashes as the speakers beep measures picture against sound.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from app.media.local import LocalInput, LocalRecorder, LocalSpec
from tests.app.media.local.test_call_mix import finished, record
from tests.helpers.flasher import Flasher
from tests.helpers.media import probe
from tests.helpers.sound import RATE, SoundServer, Tone, samples, tones
from tests.helpers.sync import measure
from tests.helpers.xvfb import TitledWindow, Xvfb

MIC = LocalInput("mic", "mic:default", "audio", "Microphone")
SPEAKERS = LocalInput("speakers", "loopback:default", "audio", "Speakers")


@pytest.fixture
def desktop(xvfb: Xvfb, sound_server: SoundServer, monkeypatch: pytest.MonkeyPatch) -> Xvfb:
    """The session's X screen as `$DISPLAY`, and its sound server."""
    monkeypatch.setenv("DISPLAY", xvfb.display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return xvfb


@pytest.fixture
def call_window(desktop: Xvfb) -> Iterator[TitledWindow]:
    """The call's window: a green one, titled as a meeting's would be."""
    with TitledWindow(desktop.display, "Weekly call", rgb=(0, 160, 0)) as window:
        yield window


def _call(tmp_path: Path, *, separate: bool, seconds: float = 2.5) -> Path:
    window = LocalInput("window", "window:Weekly call", "screen", "Weekly call")
    spec = LocalSpec(
        "call", (window, MIC, SPEAKERS), mixed=True, quality="source", separate_tracks=separate
    )
    recorder = LocalRecorder(spec, tmp_path, name="call")
    recorder.start()
    record(recorder, seconds)
    ended = finished(recorder)
    assert ended.reason == "stopped", ended.message
    [info] = ended.files
    return Path(info.path)


def test_a_call_holds_both_voices_in_one_track(call_window: TitledWindow, tmp_path: Path) -> None:
    with Tone("speakers", 440), Tone("micwire", 1000, heard_from="virtmic"):
        path = _call(tmp_path, separate=False)

    got = probe(path)
    assert [s["type"] for s in got.streams] == ["video", "audio"]
    assert (got.streams[0]["width"], got.streams[0]["height"]) == (200, 120)  # the window's
    assert got.media_duration() >= 2.4
    assert tones(path, [440, 1000]) == {440, 1000}


def test_separate_tracks_keep_each_voice_apart(call_window: TitledWindow, tmp_path: Path) -> None:
    with Tone("speakers", 440), Tone("micwire", 1000, heard_from="virtmic"):
        path = _call(tmp_path, separate=True)

    got = probe(path)
    assert [s["type"] for s in got.streams] == ["video", "audio", "audio"]
    assert tones(path, [440, 1000], stream=0) == {1000}  # the microphone: the user
    assert tones(path, [440, 1000], stream=1) == {440}  # the speakers: the other side


def test_picture_and_sound_of_a_call_stay_in_sync(desktop: Xvfb, tmp_path: Path) -> None:
    with Flasher(desktop.display, "Sync call", "speakers"):
        window = LocalInput("window", "window:Sync call", "screen", "Sync call")
        spec = LocalSpec("sync", (window, MIC, SPEAKERS), mixed=True, quality="draft")
        recorder = LocalRecorder(spec, tmp_path, name="sync")
        recorder.start()
        record(recorder, 5.0)
        ended = finished(recorder)
    [info] = ended.files

    sync = measure(Path(info.path))
    assert len(sync.offsets) >= 3, sync
    print(f"A/V offset: median {sync.median * 1000:+.0f} ms, worst {sync.worst * 1000:+.0f} ms")
    assert abs(sync.median) <= 0.100, sync
    # The first beep leaves a sound server that has just opened two streams for the recording:
    # on a loaded host the server itself has played it up to 0.35 s late (seen once in CI, the
    # flashes and the other beeps in step). Every beep after the first second is in step.
    settled = sync.after(1.0)
    assert settled, sync
    assert max(map(abs, settled)) <= 0.100, sync


def test_a_muted_microphone_is_silent_and_a_pause_leaves_no_gap(
    call_window: TitledWindow, tmp_path: Path
) -> None:
    window = LocalInput("window", "window:Weekly call", "screen", "Weekly call")
    spec = LocalSpec(
        "call",
        (window, MIC, SPEAKERS),
        mixed=True,
        quality="draft",
        separate_tracks=True,
        muted=("mic",),
    )
    with Tone("speakers", 440), Tone("micwire", 1000, heard_from="virtmic"):
        recorder = LocalRecorder(spec, tmp_path, name="call")
        recorder.start()
        record(recorder, 1.5)
        recorder.pause()
        seam = recorder.stats().elapsed  # where the file goes on after the pause
        time.sleep(1.0)  # a second of the call is not recorded: the file must not show a hole
        recorder.resume()
        record(recorder, 3.0)
        ended = finished(recorder)
    [info] = ended.files
    path = Path(info.path)

    assert tones(path, [440, 1000], stream=0) == set()  # muted: nothing of the user
    assert float(np.abs(samples(path, 0)).max()) < 0.001
    speakers = samples(path, 1)
    picture = probe(path).end("video")
    assert len(speakers) / RATE == pytest.approx(picture, abs=0.15)
    # The other side's tone runs on across the pause and nothing of it is lost: no 10 ms of
    # silence anywhere in it (a pause that left a gap would leave one of the pause's length).
    windows = np.abs(speakers[: len(speakers) // 480 * 480]).reshape(-1, 480).max(axis=1)
    heard = np.flatnonzero(windows > 0.1)
    assert heard.size
    quiet = np.flatnonzero(windows[heard[0] : heard[-1] + 1] < 0.05) + heard[0]
    assert not quiet.size, (seam, [q / 100 for q in quiet])
