"""A mix's sound as one track or one per group of inputs; mute and levels per input.

The inputs are lavfi tones of known frequencies (and a test card as the picture), mixed as fast as
the machine allows (not live), written through the one output builder and the remuxer, and the
files are decoded to their end: which frequencies each audio track holds says who is in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import av
import pytest

from app.layout.model import Canvas, Layout
from app.layout.templates import StreamRef, arrange
from app.media.formats import FORMATS
from app.media.mix.inputs import MixInput
from app.media.mix.levels import SILENCE_DB, InputLevel
from app.media.mix.source import MixSource
from app.media.pipeline.outputs import OutputRequest, build_outputs
from app.media.remux import Remuxer
from app.media.sources import open_source, parse_source
from tests.helpers.sound import RATE, present, samples

SECONDS = 3
CANVAS = Canvas(width=320, height=240, fps=30)
SOURCES = {
    "screen": f"lavfi:testsrc2=size=320x240:rate=30:duration={SECONDS}",
    "mic": f"lavfi:sine=frequency=440:sample_rate=48000:duration={SECONDS}",
    "speakers": f"lavfi:sine=frequency=1000:sample_rate=48000:duration={SECONDS}",
    "quiet": f"lavfi:anullsrc=r=48000:cl=stereo:d={SECONDS}",
}
TITLES = {"mic": "Microphone", "speakers": "Speakers"}


def call(
    names: tuple[str, ...] = ("screen", "mic", "speakers"),
    tracks: Sequence[Sequence[str]] | None = None,
) -> MixSource:
    """A mix of these lavfi inputs (the tones only heard), the screen in a grid; with `tracks`,
    titled after their first stream id."""
    inputs = [
        MixInput(
            name,
            open_source(parse_source(SOURCES[name])),
            kind="screen" if name == "screen" else "audio",
        )
        for name in names
    ]
    layout = Layout(canvas=CANVAS, regions=arrange("grid", CANVAS, [StreamRef("screen")]))
    titles = [TITLES[group[0]] for group in tracks or ()]
    return MixSource(inputs, layout, FORMATS["mp4"], tracks=tracks, track_titles=titles)


def recorded(source: MixSource, stem: Path, fmt: str = "mp4") -> Path:
    """Record the whole mix into `stem.fmt`, as `recdesk-record` does."""
    outputs = build_outputs(source, OutputRequest(format=FORMATS[fmt], stem=stem))
    result = Remuxer(source, outputs.sinks).run()
    source.close()
    assert result.error is None, result.error
    (info,) = result.files
    return info.path


def title(stream: av.stream.Stream) -> str | None:
    """A track's name as players show it (MP4 keeps it as the handler's name)."""
    return stream.metadata.get("title") or stream.metadata.get("handler_name")


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
def test_separate_tracks_hold_one_voice_each(tmp_path: Path, fmt: str) -> None:
    source = call(tracks=[["mic"], ["speakers"]])
    path = recorded(source, tmp_path / "call", fmt)

    with av.open(str(path)) as container:
        assert [s.type for s in container.streams] == ["video", "audio", "audio"]
        assert [title(s) for s in container.streams.audio] == ["Microphone", "Speakers"]
        frames = sum(1 for _ in container.decode(video=0))
    microphone, speakers = samples(path, 0), samples(path, 1)
    assert present(microphone, (440, 1000)) == {440}
    assert present(speakers, (440, 1000)) == {1000}
    # Both tracks last as long as the picture: sound for the whole recording.
    for track in (microphone, speakers):
        assert len(track) / RATE == pytest.approx(frames / CANVAS.fps, abs=0.1)


def test_one_track_by_default_holds_both_voices_and_levels_are_measured(tmp_path: Path) -> None:
    source = call(("screen", "mic", "speakers", "quiet"))
    path = recorded(source, tmp_path / "call")

    with av.open(str(path)) as container:
        assert [s.type for s in container.streams] == ["video", "audio"]
    assert present(samples(path), (440, 1000)) == {440, 1000}
    levels = source.input_levels()
    assert list(levels) == ["mic", "speakers", "quiet"]  # inputs with sound, in their order
    for tone in ("mic", "speakers"):
        # lavfi's sine is at an eighth of full scale (-18 dBFS), and spread from one channel
        # to two at -3 dB each as the mix takes it.
        assert levels[tone].level == pytest.approx(-21, abs=1)
        assert levels[tone].silent_for < 0.1
    # Nothing was ever heard from it: silent for as long as the mix ran.
    assert (levels["quiet"].level, levels["quiet"].muted) == (SILENCE_DB, False)
    assert levels["quiet"].silent_for == pytest.approx(SECONDS, abs=0.2)


def test_a_muted_input_is_silence_in_its_track_from_the_mute_on(tmp_path: Path) -> None:
    source = call(tracks=[["mic"], ["speakers"]])
    seen: list[tuple[float, dict[str, InputLevel]]] = []
    frame = 0

    def at_each_picture(_picture: object) -> None:
        # Called on the mix's thread for every picture: mix time is the picture's.
        nonlocal frame
        t = frame / CANVAS.fps
        frame += 1
        if frame == 45:  # 1.5 s
            assert source.set_muted("mic", True)
        seen.append((t, source.input_levels()))

    source.on_picture = at_each_picture
    assert not source.set_muted("nobody", True)
    path = recorded(source, tmp_path / "call")

    microphone, speakers = samples(path, 0), samples(path, 1)
    before, after = microphone[: int(1.4 * RATE)], microphone[int(1.7 * RATE) :]
    assert present(before, (440,)) == {440}
    assert present(after, (440,)) == set()
    assert abs(after).max() < 0.001
    assert present(speakers[int(1.7 * RATE) :], (1000,)) == {1000}  # the other track goes on
    # The meter still hears the muted microphone: a person sees it is live.
    late = [levels["mic"] for t, levels in seen if t > 2.0]
    assert late
    assert all(level.muted and level.level > -30 for level in late)
