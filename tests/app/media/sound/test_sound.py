"""System sound and microphones through a real sound server: PulseAudio for this process (the
`sound_server` fixture), PipeWire for a `recdesk-record` of its own. Tones tell sources apart."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.media.cli import main
from app.media.errors import SourceError
from app.media.sources import open_source, parse_source
from app.media.sources.sound import sound_devices
from tests.app.media.conftest import Record
from tests.helpers.media import events, probe
from tests.helpers.sound import SoundServer, Tone, tones

RECORD = [sys.executable, "-m", "app.media.cli"]


def test_loopback_records_what_the_speakers_play(
    record: Record, sound_server: SoundServer, tmp_path: Path
) -> None:
    with Tone("speakers", 440):
        record("loopback:default", "-o", tmp_path / "call.m4a", "--duration", "2")

    got = probe(tmp_path / "call.m4a")
    assert got.codecs() == {"audio": "aac"}
    assert got.media_duration() == pytest.approx(2.0, abs=0.1)
    assert tones(tmp_path / "call.m4a", [440, 1000]) == {440}


def test_microphone_records_what_it_hears(
    record: Record, sound_server: SoundServer, tmp_path: Path
) -> None:
    with Tone("micwire", 1000), Tone("speakers", 440):
        record("mic:default", "-o", tmp_path / "voice.m4a", "--duration", "2")

    assert tones(tmp_path / "voice.m4a", [440, 1000]) == {1000}


def test_outputs_are_found_by_the_name_a_person_sees(
    record: Record, sound_server: SoundServer, tmp_path: Path
) -> None:
    with Tone("speakers", 440):
        record("loopback:speakers", "-o", tmp_path / "call.m4a", "--duration", "1")

    assert tones(tmp_path / "call.m4a", [440]) == {440}


def test_silence_still_lasts_the_whole_recording(
    record: Record, sound_server: SoundServer, tmp_path: Path
) -> None:
    # Nothing plays: the monitor of an idle output delivers no sound at all.
    record("loopback:default", "-o", tmp_path / "quiet.m4a", "--duration", "2")

    got = probe(tmp_path / "quiet.m4a")
    assert got.media_duration() == pytest.approx(2.0, abs=0.1)
    assert tones(tmp_path / "quiet.m4a", [440, 1000]) == set()


def test_an_unknown_output_is_refused_with_those_there_are(
    capsys: pytest.CaptureFixture[str], sound_server: SoundServer, tmp_path: Path
) -> None:
    status = main(["loopback:Headphones", "-o", str(tmp_path / "x.m4a"), "--duration", "1"])

    err = capsys.readouterr().err
    assert status == 2
    assert "no output named 'Headphones'" in err
    assert "speakers (Speakers)" in err
    assert not (tmp_path / "x.m4a").exists()


def test_the_sound_devices_are_listed_as_a_person_sees_them(sound_server: SoundServer) -> None:
    devices, reason = sound_devices()

    assert reason is None
    listed = {(d.kind, d.source, d.description) for d in devices}
    assert ("loopback", "loopback:speakers", "Speakers — what this computer plays") in listed
    assert ("mic", "mic:virtmic", "Virtual_Microphone") in listed
    assert not any(d.source.endswith(".monitor") for d in devices)


def test_closing_leaves_no_thread_behind(sound_server: SoundServer) -> None:
    threads = set(threading.enumerate())
    with Tone("speakers", 440):
        source = open_source(parse_source("loopback:Speakers"))
        packets = source.packets()
        first = next(packets)
        source.interrupt()
        rest = list(packets)  # ends once interrupted
        source.close()
        source.close()

    assert first.time_base == pytest.approx(1 / 48_000)
    assert all(p.duration <= 480 for p in [first, *rest])  # at most 10 ms each
    assert set(threading.enumerate()) == threads


def test_a_microphone_that_is_not_there_names_those_there_are(sound_server: SoundServer) -> None:
    with pytest.raises(SourceError, match=r"no microphone named 'speakers'.*virtmic"):
        open_source(parse_source("mic:speakers"))


def test_loopback_through_pipewire(pipewire_server: SoundServer, tmp_path: Path) -> None:
    out = tmp_path / "call.m4a"
    with Tone("speakers", 440, server=pipewire_server):
        done = subprocess.run(
            [*RECORD, "loopback:default", "-o", str(out), "--duration", "2"],
            env={**os.environ, **pipewire_server.env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert done.returncode == 0, done.stderr
    assert [e["path"] for e in events(done.stdout)] == [str(out)]
    assert probe(out).media_duration() == pytest.approx(2.0, abs=0.1)
    assert tones(out, [440, 1000]) == {440}


def test_no_sound_server_is_said_so(tmp_path: Path) -> None:
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path / 'nobody'}"}
    (tmp_path / "client.conf").write_text("autospawn = no\n")
    env["PULSE_CLIENTCONFIG"] = str(tmp_path / "client.conf")
    done = subprocess.run(
        [*RECORD, "mic:default", "-o", str(tmp_path / "x.m4a"), "--duration", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr.strip().endswith("no sound server is running (PulseAudio or PipeWire)")


@pytest.mark.windows
def test_wasapi_loopback_records_what_the_speakers_play(record: Record, tmp_path: Path) -> None:
    import numpy as np
    import soundcard

    stop = threading.Event()

    def play() -> None:
        wave = 0.5 * np.sin(2 * np.pi * 440 * np.arange(480) / 48_000).astype(np.float32)
        with soundcard.default_speaker().player(48_000, channels=1, blocksize=480) as out:
            while not stop.is_set():
                out.play(wave)

    thread = threading.Thread(target=play, daemon=True)
    thread.start()
    try:
        record("loopback:default", "-o", tmp_path / "call.m4a", "--duration", "2")
    finally:
        stop.set()
        thread.join(10)
    assert tones(tmp_path / "call.m4a", [440, 1000]) == {440}


def test_an_idle_output_gives_continuous_sound_on_the_clock(sound_server: SoundServer) -> None:
    source = open_source(parse_source("loopback:default"))
    try:
        packets = source.packets()
        got = [next(packets) for _ in range(30)]  # 0.3 s at most 10 ms each
    finally:
        source.close()

    assert all(b.pts == a.pts + a.duration for a, b in itertools.pairwise(got))
    assert not any(any(bytes(p)) for p in got)  # nothing plays: silence
