"""Mixes for tests: participants of one colour each, and what a user checks in the mix they make.

Each participant is a clip of one colour that flashes white and beeps at known times, so a pixel
says who is where, and a flash's picture against its beep says how far apart sound and picture are.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path

import av
import numpy as np

from app.layout.model import Canvas, Layout, Region
from app.layout.templates import StreamRef, arrange
from app.media.formats import FORMATS
from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource
from app.media.remux import Remuxer
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources import open_source, parse_source

COLORS = {"red": (255, 0, 0), "lime": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}

CANVAS = Canvas(width=640, height=360, fps=30)

FLASHES = (0.5, 1.5, 2.5)


def grid(names: list[str], template: str = "grid") -> Layout:
    """A layout of `template` on `CANVAS` for these stream ids."""
    streams = [StreamRef(n) for n in names]
    return Layout(template=template, canvas=CANVAS, regions=arrange(template, CANVAS, streams))  # type: ignore[arg-type]


def mix(people: dict[str, Path], names: list[str], layout: Layout, **joins: float) -> MixSource:
    """A mix of these participants (files), each joining at `joins[name]` seconds (else 0)."""
    inputs = []
    for name in names:
        item = MixInput(name, open_source(parse_source(str(people[name]))))
        item.join = joins.get(name, 0.0)
        inputs.append(item)
    return MixSource(inputs, layout, FORMATS["mp4"])


def record_mix(source: MixSource, out: Path) -> Path:
    """Record a mix into `out` through the remuxer, as `recdesk-record` does."""
    sink = ContainerSink(out, FORMATS["mp4"], [StreamInput(s, 30.0) for s in source.streams])
    result = Remuxer(source, [sink]).run()
    source.close()
    assert result.error is None, result.error
    return out


def frames(path: Path) -> Iterator[av.VideoFrame]:
    """The decoded pictures of a file."""
    with av.open(str(path)) as container:
        yield from container.decode(video=0)


def rgb_at(frame: av.VideoFrame, x: int, y: int) -> tuple[int, int, int]:
    """The colour of one pixel."""
    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    offset = y * plane.line_size + 3 * x
    data = bytes(plane)[offset : offset + 3]
    return data[0], data[1], data[2]


def near(got: tuple[int, int, int], want: tuple[int, int, int], slack: int = 40) -> bool:
    """Whether two colours are within `slack` of each other in every channel."""
    return all(abs(a - b) <= slack for a, b in zip(got, want, strict=True))


def centre(region: Region) -> tuple[int, int]:
    """The middle of a region."""
    return region.x + region.width // 2, region.y + region.height // 2


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


def composed(
    inputs: Sequence[Path], layout: Layout, *, tile_sized: bool, frames: int | None = None
) -> list[np.ndarray]:
    """The pictures (luma) a mix of these files composes, one per region in order, before they
    are encoded: all of them, or the first `frames`."""
    items = [
        MixInput(r.stream_id or "", open_source(parse_source(str(path))))
        for r, path in zip(layout.regions, inputs, strict=True)
    ]
    source = MixSource(items, layout, FORMATS["mp4"], tile_sized=tile_sized)
    pictures: list[np.ndarray] = []

    def keep(frame: av.VideoFrame) -> None:
        pictures.append(frame.to_ndarray(format="gray"))
        if frames is not None and len(pictures) >= frames:
            source.interrupt()

    source.on_picture = keep
    for _ in source.packets():
        pass
    source.close()
    return pictures[:frames]


def psnr(a: av.VideoFrame | np.ndarray, b: av.VideoFrame | np.ndarray) -> float:
    """Peak signal-to-noise ratio of `b` against `a` (8-bit: pictures' luma, or arrays), in dB;
    100 when they are the same."""
    x, y = (p.to_ndarray(format="gray") if isinstance(p, av.VideoFrame) else p for p in (a, b))
    error = float(np.mean((x.astype(np.float64) - y.astype(np.float64)) ** 2))
    return 100.0 if error == 0 else min(100.0, 10 * math.log10(255**2 / error))
