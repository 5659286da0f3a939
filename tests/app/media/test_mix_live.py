"""Live mixes: participants that stall, reconnect or speak, and a mix that pauses.

The sources here stand in for network participants that misbehave, on real media played in real
time (a few seconds each).
"""

from __future__ import annotations

import itertools
import threading
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import av.stream
import pytest

from app.layout.model import Canvas, Layout
from app.layout.templates import StreamRef, arrange
from app.media.formats import FORMATS
from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource
from app.media.remux import Remuxer
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources import open_source, parse_source
from tests.helpers.media import ClipSpec, make_clip, probe
from tests.helpers.mix import (
    CANVAS,
    COLORS,
    frames,
    grid,
    mix,
    near,
    psnr,
    record_mix,
    rgb_at,
)


class Stalling:
    """A live source that sends the first `seconds` of a clip in real time, then nothing."""

    def __init__(self, clip: Path, seconds: float) -> None:
        from app.media.sources.livefile import LiveFileSource

        self._inner = LiveFileSource(str(clip))
        self._seconds = seconds
        self._closed = threading.Event()
        self.streams = self._inner.streams
        self.live, self.label = True, "stalling"

    def packets(self) -> Iterator[av.Packet]:
        for packet in self._inner.packets():
            if float(packet.dts * packet.time_base) > self._seconds:
                self._closed.wait(30)  # stalled: the connection stays, no data comes
                return
            yield packet

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        return self._inner.frame_rate(stream)

    def watch(self, listener: object) -> None:
        pass

    def want_keyframe(self) -> None:
        pass

    def interrupt(self) -> None:
        self._closed.set()

    def close(self) -> None:
        self._closed.set()
        self._inner.close()


def test_a_stalled_live_participant_keeps_its_last_picture(h264_aac: Path, tmp_path: Path) -> None:
    canvas = Canvas(width=320, height=240, fps=30)
    layout = Layout(canvas=canvas, regions=arrange("grid", canvas, [StreamRef("cam")]))
    source = MixSource(
        [MixInput("cam", Stalling(h264_aac, 1.0))], layout, FORMATS["mp4"], live=True
    )
    sink = ContainerSink(
        tmp_path / "m.mp4",
        FORMATS["mp4"],
        [StreamInput(s, 30.0) for s in source.streams],
        live=True,
    )
    result = Remuxer(source, [sink], duration=2.5).run()
    source.close()

    assert result.error is None
    decoded = list(frames(tmp_path / "m.mp4"))
    assert len(decoded) == pytest.approx(75, abs=2)
    # The test card's clock stops where the source stalled, and the picture stays (no placeholder).
    assert psnr(decoded[-1], decoded[-15]) > 50  # the same picture, up to the encoder
    assert psnr(decoded[20], decoded[35]) < 40
    assert not near(rgb_at(decoded[-1], 160, 120), (0x20, 0x20, 0x20), 12)


def test_the_speaker_layout_follows_who_speaks(tmp_path: Path) -> None:
    def clip(name: str, talks: str) -> Path:
        tone = f"if({talks},0.5*sin(2*PI*440*t),0)"
        spec = ClipSpec(
            seconds=3.0,
            video_graph=f"color=c={name}:size=320x240:rate=30:duration=3,format=yuv420p",
            audio_graph=f"aevalsrc='{tone}|{tone}':s=48000:d=3",
        )
        return make_clip(tmp_path / f"{name}.mp4", spec)

    red, blue = clip("red", "lt(t,0.8)"), clip("blue", "between(t,1,3)")
    streams = [StreamRef("red"), StreamRef("blue")]
    layout = Layout(template="speaker", canvas=CANVAS, regions=arrange("speaker", CANVAS, streams))
    inputs = [
        MixInput("red", open_source(parse_source(str(red)))),
        MixInput("blue", open_source(parse_source(str(blue)))),
    ]
    out = record_mix(MixSource(inputs, layout, FORMATS["mp4"]), tmp_path / "m.mp4")

    decoded = list(frames(out))
    main = (layout.regions[0].x + layout.regions[0].width // 2, CANVAS.height // 2)
    assert near(rgb_at(decoded[15], *main), COLORS["red"])
    # Blue speaks from 1 s; after 0.3 s of it (and 1.5 s after red took the stage) blue is main.
    assert near(rgb_at(decoded[75], *main), COLORS["blue"])


class Timed:
    """A source whose packets call `actions[t]()` when they first reach `t` seconds."""

    def __init__(self, inner: MixSource, actions: dict[float, Callable[[], None]]) -> None:
        self._inner = inner
        self._actions = sorted(actions.items())

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def packets(self) -> Iterator[av.Packet]:
        for packet in self._inner.packets():
            seconds = float((packet.pts or 0) * packet.time_base)
            while self._actions and seconds >= self._actions[0][0]:
                self._actions.pop(0)[1]()
            yield packet


def test_a_paused_mix_resumes_at_once_on_a_fresh_keyframe(
    people: dict[str, Path], tmp_path: Path
) -> None:
    remuxer: Remuxer | None = None

    def call(name: str) -> Callable[[], None]:
        def act() -> None:
            getattr(remuxer, name)()

        return act

    inner = mix(people, ["red"], grid(["red"]))
    source = Timed(inner, {1.0: call("pause"), 2.0: call("resume")})
    out = tmp_path / "m.mp4"
    sink = ContainerSink(out, FORMATS["mp4"], [StreamInput(s, 30.0) for s in inner.streams])
    remuxer = Remuxer(source, [sink])  # type: ignore[arg-type]
    result = remuxer.run()
    inner.close()

    assert result.error is None
    video = probe(out).of("video")
    # 3 s less the second paused, give or take the frames in flight: no wait for the 2 s group.
    assert len(video) == pytest.approx(60, abs=3)
    keyframes = [p.pts for p in video if p.keyframe]
    assert any(abs(k - 1.0) < 0.1 for k in keyframes), keyframes  # where it resumed
    stamps = sorted(p.pts for p in video if p.pts is not None)
    assert max(b - a for a, b in itertools.pairwise(stamps)) == pytest.approx(1 / 30, abs=1e-3)


class Restarting(Stalling):
    """A live source that drops after `seconds` and comes back with timestamps from zero."""

    def __init__(self, clip: Path, seconds: float) -> None:
        super().__init__(clip, seconds)
        self._clip = clip
        self._listener: Callable[[object], None] = lambda event: None

    def watch(self, listener: object) -> None:
        self._listener = listener  # type: ignore[assignment]

    def packets(self) -> Iterator[av.Packet]:
        from app.media.events import SourceBack, SourceLost
        from app.media.sources.livefile import LiveFileSource

        for packet in self._inner.packets():
            if float(packet.dts * packet.time_base) > self._seconds:
                break
            yield packet
        self._listener(SourceLost("dropped"))
        self._listener(SourceBack(0.3, 1))
        again = LiveFileSource(str(self._clip))
        try:
            yield from again.packets()
        finally:
            again.close()


def test_a_live_participant_that_reconnects_goes_on_with_sound(
    h264_aac: Path, tmp_path: Path
) -> None:
    canvas = Canvas(width=320, height=240, fps=30)
    layout = Layout(canvas=canvas, regions=arrange("grid", canvas, [StreamRef("cam")]))
    source = MixSource(
        [MixInput("cam", Restarting(h264_aac, 1.0))], layout, FORMATS["mp4"], live=True
    )
    sink = ContainerSink(
        tmp_path / "m.mp4",
        FORMATS["mp4"],
        [StreamInput(s, 30.0) for s in source.streams],
        live=True,
    )
    result = Remuxer(source, [sink], duration=3.0).run()
    source.close()

    assert result.error is None
    decoded = list(frames(tmp_path / "m.mp4"))
    # Pictures move again after the restart (the test card's clock runs), and sound comes back.
    assert psnr(decoded[-1], decoded[-10]) < 40
    with av.open(str(tmp_path / "m.mp4")) as container:
        loud = [
            float(f.time)
            for f in container.decode(audio=0)
            if max(array("f", bytes(f.planes[0]))[: f.samples], default=0.0) > 0.05
        ]
    assert loud
    assert loud[-1] > 2.5
