"""Mixed recording: each participant in its region, layout changes, joins and leaves, sync, preview.

Inputs are clips of one colour each that flash white and beep at known times, so a pixel says who
is where, and a flash's picture against its beep says how far apart the mix put sound and picture.
"""

from __future__ import annotations

import itertools
import math
import threading
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import av.stream
import pytest

from app.layout.model import Border, Canvas, Layout, Region, Watermark
from app.layout.templates import StreamRef, arrange
from app.media.formats import FORMATS
from app.media.mix.graph import render_preview
from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource
from app.media.remux import Remuxer
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources import open_source, parse_source
from tests.app.media.conftest import Record
from tests.helpers.media import ClipSpec, flashing_clip, make_clip, probe

COLORS = {"red": (255, 0, 0), "lime": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}
CANVAS = Canvas(width=640, height=360, fps=30)
FLASHES = (0.5, 1.5, 2.5)


@pytest.fixture(scope="session")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Four 3 s participants, 320x240 at 30 fps, one colour each, flashing at `FLASHES`."""
    folder = tmp_path_factory.mktemp("people")
    return {
        name: flashing_clip(folder / f"{name}.mp4", name, FLASHES, ClipSpec(seconds=3.0))
        for name in COLORS
    }


def grid(names: list[str], template: str = "grid") -> Layout:
    streams = [StreamRef(n) for n in names]
    return Layout(template=template, canvas=CANVAS, regions=arrange(template, CANVAS, streams))  # type: ignore[arg-type]


def mix(people: dict[str, Path], names: list[str], layout: Layout, **joins: float) -> MixSource:
    inputs = []
    for name in names:
        item = MixInput(name, open_source(parse_source(str(people[name]))))
        item.join = joins.get(name, 0.0)
        inputs.append(item)
    return MixSource(inputs, layout, FORMATS["mp4"])


def record(source: MixSource, out: Path) -> Path:
    sink = ContainerSink(out, FORMATS["mp4"], [StreamInput(s, 30.0) for s in source.streams])
    result = Remuxer(source, [sink]).run()
    source.close()
    assert result.error is None, result.error
    return out


def frames(path: Path) -> Iterator[av.VideoFrame]:
    with av.open(str(path)) as container:
        yield from container.decode(video=0)


def rgb_at(frame: av.VideoFrame, x: int, y: int) -> tuple[int, int, int]:
    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    offset = y * plane.line_size + 3 * x
    data = bytes(plane)[offset : offset + 3]
    return data[0], data[1], data[2]


def near(got: tuple[int, int, int], want: tuple[int, int, int], slack: int = 40) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(got, want, strict=True))


def centre(region: Region) -> tuple[int, int]:
    return region.x + region.width // 2, region.y + region.height // 2


def test_a_grid_of_four_puts_each_participant_in_its_region(
    people: dict[str, Path], tmp_path: Path
) -> None:
    names = list(COLORS)
    layout = grid(names)
    out = record(mix(people, names, layout), tmp_path / "mix.mp4")

    got = probe(out)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert (got.streams[0]["width"], got.streams[0]["height"]) == (640, 360)
    # The sound ends up to a 1024-sample chunk (21 ms) and an AAC frame after the picture.
    assert got.media_duration() == pytest.approx(3.0, abs=0.08)
    video = got.of("video")
    assert len(video) == pytest.approx(90, abs=1)  # a constant 30 fps
    decoded = list(frames(out))
    # Everyone from the first frame to the last (AAC priming does not delay the pictures, and
    # the decoders' last frames are flushed), and at 1 s, between two flashes.
    for frame in (decoded[0], decoded[30], decoded[-1]):
        for region in layout.regions:
            assert near(rgb_at(frame, *centre(region)), COLORS[region.stream_id or ""]), region


def test_a_layout_change_applies_from_the_next_frame(
    people: dict[str, Path], tmp_path: Path
) -> None:
    names = ["red", "lime"]
    before, after = grid(names), grid(list(reversed(names)))
    source = mix(people, names, before)
    sink = ContainerSink(
        tmp_path / "m.mp4", FORMATS["mp4"], [StreamInput(s, 30.0) for s in source.streams]
    )
    video_packets = 0
    for packet in source.packets():
        if packet.stream_index == 0:
            video_packets += 1
            if video_packets == 40:
                source.set_layout(after)  # frames are encoded as they are made: from frame 40
        sink.write(packet)
    sink.close()
    source.close()

    decoded = list(frames(tmp_path / "m.mp4"))
    left = (160, 180)
    assert near(rgb_at(decoded[39], *left), COLORS["red"])
    assert near(rgb_at(decoded[40], *left), COLORS["lime"])
    stamps = [f.pts for f in decoded]
    assert stamps == sorted(stamps)
    assert len(decoded) == pytest.approx(90, abs=1)


def test_a_late_joiner_appears_and_a_leaver_shows_the_placeholder(
    people: dict[str, Path], tmp_path: Path
) -> None:
    names = ["red", "blue"]
    layout = grid(names)
    out = record(mix(people, names, layout, blue=1.0), tmp_path / "m.mp4")

    decoded = list(frames(out))
    blue = centre(layout.regions[1])
    placeholder = (0x20, 0x20, 0x20)
    assert near(rgb_at(decoded[15], *blue), placeholder, 12)  # not there yet
    assert near(rgb_at(decoded[40], *blue), COLORS["blue"])  # joined at 1 s
    # Red's clip ends at 3 s while blue goes on to 4 s: red's region shows its placeholder.
    assert len(decoded) == pytest.approx(120, abs=2)
    assert near(rgb_at(decoded[110], *centre(layout.regions[0])), placeholder, 12)


def test_sound_and_picture_of_each_participant_stay_together(
    people: dict[str, Path], tmp_path: Path
) -> None:
    names = ["red", "lime"]
    layout = grid(names)
    out = record(mix(people, names, layout, lime=0.25), tmp_path / "m.mp4")

    flashes = []
    for frame in frames(out):
        if any(min(rgb_at(frame, *centre(r))) > 200 for r in layout.regions):
            flashes.append(float(frame.time))
    beeps = beep_onsets(out)
    # Red flashes at 0.5, 1.5, 2.5 s and lime 0.25 s later; each beep within 40 ms of its flash.
    assert len(flashes) == 6
    assert len(beeps) == 6
    for flash, beep in zip(sorted(flashes), sorted(beeps), strict=True):
        assert abs(flash - beep) < 0.040, (flash, beep)


def beep_onsets(path: Path) -> list[float]:
    """Times where sound starts after at least 0.1 s of silence."""
    onsets: list[float] = []
    quiet_since = 0.0
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            samples = array("f", bytes(frame.planes[0]))[: frame.samples]
            if max(samples, default=0.0) <= 0.05 and -min(samples, default=0.0) <= 0.05:
                continue
            for i, value in enumerate(samples):
                t = float(frame.time) + i / frame.sample_rate
                if abs(value) > 0.05:
                    if t - quiet_since > 0.1:
                        onsets.append(t)
                    quiet_since = t
    return onsets


def test_preview_matches_the_recorded_frame(people: dict[str, Path], tmp_path: Path) -> None:
    names = list(COLORS)
    layout = grid(names, "floating")
    out = record(mix(people, names, layout), tmp_path / "m.mp4")
    inputs = {name: next(frames(people[name])) for name in names}

    preview = render_preview(layout, inputs)

    recorded = next(frames(out))
    assert psnr(preview, recorded) >= 35


def psnr(a: av.VideoFrame, b: av.VideoFrame) -> float:
    """Peak signal-to-noise ratio of two pictures' luma, in dB."""
    ya = bytes(a.reformat(format="gray").planes[0])
    yb = bytes(b.reformat(format="gray").planes[0])
    error = sum((x - y) ** 2 for x, y in zip(ya, yb, strict=True)) / len(ya)
    return math.inf if error == 0 else 10 * math.log10(255**2 / error)


def test_recdesk_record_mixes_several_sources(
    record: Record, people: dict[str, Path], tmp_path: Path
) -> None:
    [event] = record(people["red"], people["lime"], "-o", tmp_path / "m.mp4", "--size", "640x360")

    assert event["streams"][0]["width"] == 640
    assert event["duration"] == pytest.approx(3.0, abs=0.08)
    frame = list(frames(tmp_path / "m.mp4"))[10]
    assert near(rgb_at(frame, 160, 180), COLORS["red"])
    assert near(rgb_at(frame, 480, 180), COLORS["lime"])


def test_participants_join_and_leave_and_the_grid_follows(
    people: dict[str, Path], tmp_path: Path
) -> None:
    layout = grid(["red", "blue"])
    source = mix(people, ["red"], layout)
    sink = ContainerSink(
        tmp_path / "m.mp4", FORMATS["mp4"], [StreamInput(s, 30.0) for s in source.streams]
    )
    video_packets = 0
    for packet in source.packets():
        if packet.stream_index == 0:
            video_packets += 1
            if video_packets == 30:
                source.add_input(MixInput("blue", open_source(parse_source(str(people["blue"])))))
            if video_packets == 60:
                source.remove_input("red")
        sink.write(packet)
    sink.close()
    source.close()

    decoded = list(frames(tmp_path / "m.mp4"))
    red, blue = (centre(r) for r in layout.regions)
    placeholder = (0x20, 0x20, 0x20)
    assert near(rgb_at(decoded[29], *blue), placeholder, 12)
    assert near(rgb_at(decoded[31], *blue), COLORS["blue"])  # from the frame after it joined
    assert near(rgb_at(decoded[59], *red), COLORS["red"])
    # Red left the room: the grid is arranged again, and blue has the whole canvas.
    assert near(rgb_at(decoded[61], 320, 180), COLORS["blue"])
    # Blue joined 1 s in and plays its 3 s: the mix goes on until it ends.
    assert len(decoded) == pytest.approx(120, abs=2)


def flash_times(path: Path, points: list[tuple[int, int]]) -> list[float]:
    """Times where one of `points` turns white (a 25 fps flash may cover two 30 fps frames)."""
    times: list[float] = []
    for frame in frames(path):
        plane = frame.planes[0]  # luma
        data, line = bytes(plane), plane.line_size
        if any(data[y * line + x] > 200 for x, y in points):
            t = float(frame.time)
            if not times or t - times[-1] > 0.1:
                times.append(t)
    return times


def test_sync_holds_over_minutes_with_inputs_of_other_sizes_rates_and_sample_rates(
    tmp_path: Path,
) -> None:
    flashes = tuple(float(t) for t in range(1, 90, 8))
    odd = flashing_clip(
        tmp_path / "odd.mp4",
        "blue",
        flashes,
        ClipSpec(seconds=90.0, width=200, height=150, fps=25, sample_rate=44100),
    )
    plain = flashing_clip(
        tmp_path / "plain.mp4",
        "red",
        tuple(t + 3 for t in flashes[:-1]),
        ClipSpec(seconds=90.0, width=160, height=90, fps=30),
    )
    canvas = Canvas(width=320, height=180, fps=30)
    names = ["odd", "plain"]
    layout = Layout(canvas=canvas, regions=arrange("grid", canvas, [StreamRef(n) for n in names]))
    inputs = [
        MixInput("odd", open_source(parse_source(str(odd)))),
        MixInput("plain", open_source(parse_source(str(plain)))),
    ]
    out = record(MixSource(inputs, layout, FORMATS["mp4"]), tmp_path / "m.mp4")

    assert probe(out).media_duration() == pytest.approx(90.0, abs=0.1)
    seen = flash_times(out, [centre(r) for r in layout.regions])
    beeps = beep_onsets(out)
    assert len(seen) == len(beeps) == 2 * len(flashes) - 1
    # Picture and sound of each flash within 40 ms, from the first minute to the last.
    for flash, beep in zip(sorted(seen), sorted(beeps), strict=True):
        assert abs(flash - beep) < 0.040, (flash, beep)


def test_background_image_watermark_and_borders(people: dict[str, Path], tmp_path: Path) -> None:
    image = tmp_path / "mark.png"
    with av.open(str(image), "w", format="image2") as out:
        stream = out.add_stream("png")
        stream.width, stream.height, stream.pix_fmt = 64, 32, "rgb24"
        for packet in stream.encode(solid_rgb(64, 32, (255, 0, 255))):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    canvas = Canvas(
        width=640,
        height=360,
        fps=30,
        background="#0000ff",
        watermark=Watermark(image=str(image), x=560, y=10, width=64, height=32, opacity=1.0),
    )
    region = Region(x=0, y=0, width=320, height=180, stream_id="red", border=Border(8, "#00ff00"))
    layout = Layout(template="custom", canvas=canvas, regions=(region,))
    out = record(mix(people, ["red"], layout), tmp_path / "m.mp4")

    frame = list(frames(out))[10]
    assert near(rgb_at(frame, 160, 90), COLORS["red"])
    assert near(rgb_at(frame, 3, 90), (0, 255, 0))  # the border, inside the region
    assert near(rgb_at(frame, 480, 270), (0, 0, 255))  # the background
    assert near(rgb_at(frame, 590, 25), (255, 0, 255))  # the watermark


def solid_rgb(width: int, height: int, rgb: tuple[int, int, int]) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "rgb24")
    plane = frame.planes[0]
    row = bytes(rgb) * width
    plane.update((row + bytes(plane.line_size - len(row))) * height)
    return frame


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
    out = record(MixSource(inputs, layout, FORMATS["mp4"]), tmp_path / "m.mp4")

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


def test_recdesk_record_with_a_layout_file(
    capsys: pytest.CaptureFixture[str], people: dict[str, Path], tmp_path: Path
) -> None:
    from app.media.cli import main

    regions = (
        Region(x=0, y=0, width=640, height=360, stream_id="lime", fit="fill"),
        Region(x=400, y=200, width=200, height=120, stream_id="red", z=1),
        Region(x=40, y=200, width=200, height=120, stream_id="bob", z=1),
    )
    layout = Layout(template="custom", canvas=CANVAS, regions=regions)
    layout.save(tmp_path / "room.json")

    status = main(
        [
            *(str(people[name]) for name in ("red", "lime")),
            *("-o", str(tmp_path / "m.mp4"), "--layout", str(tmp_path / "room.json")),
        ]
    )

    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert captured.err == (
        "recdesk-record: warning: regions[2].stream_id: no stream 'bob' in the room (yet)\n"
    )
    frame = list(frames(tmp_path / "m.mp4"))[10]
    assert near(rgb_at(frame, 320, 100), COLORS["lime"])
    assert near(rgb_at(frame, 500, 260), COLORS["red"])
    assert near(rgb_at(frame, 140, 260), (0x20, 0x20, 0x20), 12)  # bob's placeholder


def test_a_mix_in_parts_with_snapshots(
    record: Record, people: dict[str, Path], tmp_path: Path
) -> None:
    seen = record(
        people["red"],
        people["lime"],
        *("-o", tmp_path / "m.mp4", "--size", "640x360", "--split", "1.5"),
        *("--snapshot-every", "1"),
        kind=None,
    )

    parts = [e for e in seen if e["event"] == "file"]
    shots = [e for e in seen if e["event"] == "snapshot"]
    # The mix makes a keyframe every 2 s, so the parts start at 0 and 2 s.
    assert [Path(e["path"]).name for e in parts] == ["m-001.mp4", "m-002.mp4"]
    assert sum(e["duration"] for e in parts) == pytest.approx(3.0, abs=0.1)
    # One a second (and one at 3 s when the sound, which ends 20 ms after the picture, makes
    # the mix's last frame start there).
    assert [s["at"] for s in shots][:3] == pytest.approx([0.0, 1.0, 2.0], abs=0.05)
    with av.open(shots[1]["path"]) as container:
        frame = next(container.decode(video=0))
    assert (frame.width, frame.height) == (640, 360)
    assert near(rgb_at(frame, 160, 180), COLORS["red"])


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
