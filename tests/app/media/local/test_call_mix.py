"""A call recorded on this computer: a picture, the microphone and what the computer plays.

lavfi stand-ins play in real time: a 440 Hz "microphone", a 1000 Hz "speakers" and a silent
input. The files are decoded to their end and each audio track's frequencies say whose voice it
holds; the recorder's figures are read as the desktop's level meters read them.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import av
import pytest

from app.media.local import (
    SILENCE_WARNING,
    Ended,
    LocalInput,
    LocalRecorder,
    LocalSpec,
    SourceLevel,
)
from app.media.local.journal import read_journal
from app.media.mix.levels import SILENCE_DB
from tests.helpers.media import probe
from tests.helpers.sound import RATE, present, samples

SCREEN = LocalInput("screen", "lavfi:testsrc2=size=320x240:rate=30,realtime", "screen", "Screen")
MIC = LocalInput(
    "mic", "lavfi:sine=frequency=440:sample_rate=48000,arealtime", "audio", "Microphone"
)
SPEAKERS = LocalInput(
    "speakers", "lavfi:sine=frequency=1000:sample_rate=48000,arealtime", "audio", "Speakers"
)
QUIET = LocalInput("quiet", "lavfi:anullsrc=r=48000:cl=stereo,arealtime", "audio")


def wait_for(check: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait until `check()` is true (a generous timeout; never a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def record(recorder: LocalRecorder, until: float) -> None:
    """Let the recorder write media up to `until` seconds of its file."""
    wait_for(lambda: recorder.stats().elapsed >= until)


def finished(recorder: LocalRecorder) -> Ended:
    """Stop and return how it ended."""
    recorder.stop()
    ended = recorder.wait(30)
    assert ended is not None
    return ended


def levels(recorder: LocalRecorder) -> dict[str, SourceLevel]:
    """The recorder's level of each input, by stream id."""
    return {s.stream_id: s for s in recorder.stats().sources}


def title(stream: av.stream.Stream) -> str | None:
    """A track's name as players show it (MP4 keeps it as the handler's name)."""
    return stream.metadata.get("title") or stream.metadata.get("handler_name")


def test_a_paused_call_keeps_two_continuous_tracks_one_voice_each(tmp_path: Path) -> None:
    spec = LocalSpec(
        "Call", (SCREEN, MIC, SPEAKERS), mixed=True, quality="draft", separate_tracks=True
    )
    recorder = LocalRecorder(spec, tmp_path, name="call")
    recorder.start()
    wait_for(lambda: len(recorder.stats().sources) == 2)
    wait_for(lambda: all(s.level > -30 for s in recorder.stats().sources))
    assert [s.stream_id for s in recorder.stats().sources] == ["mic", "speakers"]
    assert not recorder.set_muted("nobody", True)
    record(recorder, 1.5)
    recorder.pause()
    wait_for(lambda: recorder.stats().state == "paused")
    paused_at = recorder.stats().elapsed
    time.sleep(1.0)  # a pause as long as a recorder's would be: the file must not show it
    recorder.resume()
    record(recorder, paused_at + 1.5)
    (info,) = finished(recorder).files

    with av.open(str(info.path)) as container:
        assert [s.type for s in container.streams] == ["video", "audio", "audio"]
        assert [title(s) for s in container.streams.audio] == ["Microphone", "Speakers"]
    got = probe(info.path)
    microphone, speakers = samples(info.path, 0), samples(info.path, 1)
    assert present(microphone, (440, 1000)) == {440}
    assert present(speakers, (440, 1000)) == {1000}
    # Each track is sound for the whole file, pause and all: no hole in either.
    for track in (microphone, speakers):
        assert len(track) / RATE == pytest.approx(got.end("video"), abs=0.15)
    with av.open(str(info.path)) as container:
        for stream in container.streams.audio:
            packets = [p for p in container.demux(stream) if p.size and p.pts is not None]
            base = float(stream.time_base or 0)
            holes = [(b.pts - a.pts - a.duration) * base for a, b in itertools.pairwise(packets)]
            assert max(holes) < 0.01
            container.seek(0)


def test_muted_and_silent_inputs_of_a_call(tmp_path: Path) -> None:
    spec = LocalSpec(
        "Voices",
        (MIC, SPEAKERS, QUIET),
        mixed=True,
        format="m4a",
        separate_tracks=True,
        muted=("speakers",),
    )
    recorder = LocalRecorder(spec, tmp_path, name="voices")
    recorder.start()
    wait_for(lambda: levels(recorder).get("quiet", SourceLevel("", 0, 0, False)).silent_for > 1)
    heard = levels(recorder)
    # Muted from the start, yet its meter moves: the person sees the input is live.
    assert heard["speakers"].muted
    assert heard["speakers"].level > -30
    assert not heard["mic"].muted
    assert heard["mic"].silent_for < 0.5
    assert heard["quiet"].level == SILENCE_DB
    first = heard["quiet"].silent_for
    wait_for(lambda: levels(recorder)["quiet"].silent_for > first + 0.5)  # it keeps counting
    assert SILENCE_WARNING == 10.0
    assert recorder.set_muted("speakers", False)
    wait_for(lambda: not levels(recorder)["speakers"].muted)
    record(recorder, recorder.stats().elapsed + 1.0)
    (info,) = finished(recorder).files
    assert recorder.stats().sources == ()  # the mix is gone with the recording

    assert info.path.suffix == ".m4a"
    with av.open(str(info.path)) as container:
        assert [title(s) for s in container.streams] == ["Microphone", "Speakers", "quiet"]
    speakers = samples(info.path, 1)
    unmuted = int((len(speakers) / RATE - 0.8) * RATE)
    assert abs(speakers[: int(1.0 * RATE)]).max() < 0.001  # muted: silence in its track
    assert present(speakers[unmuted:], (1000,)) == {1000}  # and heard again once unmuted
    assert present(samples(info.path, 0), (440, 1000)) == {440}
    assert abs(samples(info.path, 2)).max() < 0.001

    journal = read_journal(recorder.folder)
    assert journal is not None
    assert LocalSpec.from_json(journal["spec"]) == spec
    old = dict(journal["spec"])
    del old["separate_tracks"], old["muted"]
    old["inputs"] = [{k: v for k, v in i.items() if k != "label"} for i in old["inputs"]]
    assert LocalSpec.from_json(old) == LocalSpec(
        "Voices",
        (
            LocalInput("mic", MIC.source, "audio"),
            LocalInput("speakers", SPEAKERS.source, "audio"),
            LocalInput("quiet", QUIET.source, "audio"),
        ),
        mixed=True,
        format="m4a",
    )
