"""Work that follows what is shown: small tiles decode and scale cheaply and still look the same,
and a participant the layout does not show decodes only what keeps it ready to be shown."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from app.layout.model import Canvas, Layout
from app.layout.templates import StreamRef, arrange
from app.media.formats import FORMATS
from app.media.mix.inputs import MixInput
from app.media.mix.source import QUEUE_FRAMES, MixSource
from app.media.sources import open_source, parse_source
from tests.helpers.media import ClipSpec, make_clip
from tests.helpers.mix import COLORS, centre, composed, grid, near, psnr, rgb_at

ROOM = 25


@pytest.fixture(scope="module")
def detailed(clips: Path) -> Path:
    """1 s of a detailed, moving 640x360 test card in H.264 (loop filter on, B-frames) + AAC."""
    return make_clip(clips / "card-360p.mp4", ClipSpec(seconds=1.0, width=640, height=360))


def test_small_tiles_take_the_cheap_path_and_look_the_same(detailed: Path) -> None:
    canvas = Canvas(width=640, height=360, fps=30)
    streams = [StreamRef(f"p{i:02d}") for i in range(ROOM)]
    layout = Layout(template="grid", canvas=canvas, regions=arrange("grid", canvas, streams))

    full, cheap = (composed([detailed] * ROOM, layout, tile_sized=t) for t in (False, True))

    assert len(full) == len(cheap) >= 30
    whole = psnr(np.stack(full), np.stack(cheap))
    tiles = {
        r.stream_id: psnr(
            np.stack([f[r.y : r.y + r.height, r.x : r.x + r.width] for f in full]),
            np.stack([f[r.y : r.y + r.height, r.x : r.x + r.width] for f in cheap]),
        )
        for r in layout.regions
    }
    print(f"PSNR: whole {whole:.1f} dB, tiles {min(tiles.values()):.1f}-{max(tiles.values()):.1f}")
    assert len(tiles) == ROOM
    assert whole < 90  # the cheap path is taken: not the same bits
    assert whole >= 35
    assert min(tiles.values()) >= 35


def test_a_hidden_participant_decodes_less_and_shows_at_once(
    people: dict[str, Path], tmp_path: Path
) -> None:
    shown_alone = grid(["red"])
    both = grid(["red", "lime"])
    inputs = [MixInput(n, open_source(parse_source(str(people[n])))) for n in ("red", "lime")]
    red, lime = inputs
    source = MixSource(inputs, shown_alone, FORMATS["mp4"])
    pictures: list[tuple[int, int, int]] = []
    region = next(r for r in both.regions if r.stream_id == "lime")
    counts: tuple[int, int] | None = None

    def seen(frame: object) -> None:
        pictures.append(rgb_at(frame, *centre(region)))  # type: ignore[arg-type]

    source.on_picture = seen
    for packet in source.packets():
        if packet.stream_index == 0 and len(pictures) == 45:
            counts = (red.decoded_pictures, lime.decoded_pictures)
            source.set_layout(both)
    source.close()

    assert counts is not None
    # Unseen, lime decoded only the pictures others refer to (its B-frames skipped) ...
    assert counts[1] < 0.8 * counts[0], counts
    # ... and is shown from the next frame composed, its own picture, no wait for a keyframe.
    changed = next(i for i, rgb in enumerate(pictures) if near(rgb, COLORS["lime"]))
    assert 45 <= changed <= 47 + QUEUE_FRAMES
    later = pictures[changed : changed + 15]
    assert all(near(rgb, COLORS["lime"]) or min(rgb) > 200 for rgb in later), later  # or a flash


def test_a_region_covered_whole_is_not_drawn(people: dict[str, Path]) -> None:
    layout = grid(["red", "lime"])
    red = next(r for r in layout.regions if r.stream_id == "red")
    # Lime's region grows over red's whole: red is covered and never scaled into the picture.
    over = dataclasses.replace(
        next(r for r in layout.regions if r.stream_id == "lime"),
        x=0,
        y=0,
        width=layout.canvas.width,
        height=layout.canvas.height,
        z=red.z + 1,
    )
    covered = dataclasses.replace(layout, regions=(red, over))
    inputs = [MixInput(n, open_source(parse_source(str(people[n])))) for n in ("red", "lime")]
    source = MixSource(inputs, covered, FORMATS["mp4"])
    pictures: list[tuple[int, int, int]] = []
    source.on_picture = lambda frame: pictures.append(rgb_at(frame, *centre(red)))
    for _ in source.packets():
        pass
    source.close()

    assert pictures
    assert all(near(rgb, COLORS["lime"]) or min(rgb) > 200 for rgb in pictures)
    assert inputs[0].decoded_pictures < 0.8 * inputs[1].decoded_pictures
