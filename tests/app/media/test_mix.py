"""Mixed recording: each participant in its region, layout changes, joins and leaves, sync, preview.

The participants (`people`, in conftest) are clips of one colour each that flash and beep at known
times; `tests.helpers.mix` says what each check reads from the mix.
"""

from __future__ import annotations

from pathlib import Path

import av
import av.stream
import pytest

from app.layout.model import Border, Canvas, Layout, Region, Watermark
from app.layout.templates import StreamRef, arrange
from app.media.formats import FORMATS
from app.media.mix.graph import render_preview, solid
from app.media.mix.images import LocalImageFiles
from app.media.mix.inputs import MixInput
from app.media.mix.source import QUEUE_FRAMES, MixSource
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources import open_source, parse_source
from tests.app.media.conftest import Record
from tests.helpers.media import ClipSpec, flashing_clip, probe
from tests.helpers.mix import (
    CANVAS,
    COLORS,
    beep_onsets,
    centre,
    flash_times,
    frames,
    grid,
    mix,
    near,
    psnr,
    record_mix,
    rgb_at,
)


def test_a_grid_of_four_puts_each_participant_in_its_region(
    people: dict[str, Path], tmp_path: Path
) -> None:
    names = list(COLORS)
    layout = grid(names)
    out = record_mix(mix(people, names, layout), tmp_path / "mix.mp4")

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
                source.set_layout(after)
        sink.write(packet)
    sink.close()
    source.close()

    decoded = list(frames(tmp_path / "m.mp4"))
    left = (160, 180)
    # From the next frame composed: composing a mix of files runs a few frames ahead of the
    # packets read, and every frame from the change on has the new layout.
    lime = [near(rgb_at(frame, *left), COLORS["lime"]) for frame in decoded]
    red = [near(rgb_at(frame, *left), COLORS["red"]) for frame in decoded]
    changed = lime.index(True)
    assert 40 <= changed <= 42 + QUEUE_FRAMES  # the queue, one waiting, one composing
    assert not any(red[changed:])
    stamps = [f.pts for f in decoded]
    assert stamps == sorted(stamps)
    assert len(decoded) == pytest.approx(90, abs=1)


def test_a_late_joiner_appears_and_a_leaver_shows_the_placeholder(
    people: dict[str, Path], tmp_path: Path
) -> None:
    names = ["red", "blue"]
    layout = grid(names)
    out = record_mix(mix(people, names, layout, blue=1.0), tmp_path / "m.mp4")

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
    out = record_mix(mix(people, names, layout, lime=0.25), tmp_path / "m.mp4")

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


def test_preview_matches_the_recorded_frame(people: dict[str, Path], tmp_path: Path) -> None:
    names = list(COLORS)
    layout = grid(names, "floating")
    out = record_mix(mix(people, names, layout), tmp_path / "m.mp4")
    inputs = {name: next(frames(people[name])) for name in names}

    preview = render_preview(layout, inputs)

    recorded = next(frames(out))
    assert psnr(preview, recorded) >= 35


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
    # From the next frame composed (composing files runs a few frames ahead of what is read).
    ahead = 2 + QUEUE_FRAMES  # the queue, one waiting for room in it, one composing
    assert near(rgb_at(decoded[29], *blue), placeholder, 12)
    assert near(rgb_at(decoded[31 + ahead], *blue), COLORS["blue"])
    assert near(rgb_at(decoded[59], *red), COLORS["red"])
    # Red left the room: the grid is arranged again, and blue has the whole canvas.
    assert near(rgb_at(decoded[61 + ahead], 320, 180), COLORS["blue"])
    # Blue joined 1 s in and plays its 3 s: the mix goes on until it ends.
    assert 118 <= len(decoded) <= 122 + ahead


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
    out = record_mix(MixSource(inputs, layout, FORMATS["mp4"]), tmp_path / "m.mp4")

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
        for packet in stream.encode(solid(64, 32, "#ff00ff").reformat(format="rgb24")):
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
    inputs = [MixInput("red", open_source(parse_source(str(people["red"]))))]
    source = MixSource(inputs, layout, FORMATS["mp4"], images=LocalImageFiles())
    out = record_mix(source, tmp_path / "m.mp4")

    frame = list(frames(out))[10]
    assert near(rgb_at(frame, 160, 90), COLORS["red"])
    assert near(rgb_at(frame, 3, 90), (0, 255, 0))  # the border, inside the region
    assert near(rgb_at(frame, 480, 270), (0, 0, 255))  # the background
    assert near(rgb_at(frame, 590, 25), (255, 0, 255))  # the watermark


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
