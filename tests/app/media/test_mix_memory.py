"""A long mix keeps a bounded amount in memory: sound that nobody hears is not kept either."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.media.formats import FORMATS
from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources import open_source, parse_source
from tests.helpers.media import probe
from tests.helpers.mix import grid


def test_a_muted_participants_sound_does_not_pile_up(
    people: dict[str, Path], tmp_path: Path
) -> None:
    layout = grid(["red", "lime"])
    muted = tuple(
        dataclasses.replace(r, audio=False) if r.stream_id == "lime" else r for r in layout.regions
    )
    inputs = [MixInput(n, open_source(parse_source(str(people[n])))) for n in ("red", "lime")]
    source = MixSource(inputs, dataclasses.replace(layout, regions=muted), FORMATS["mp4"])
    out = tmp_path / "mix.mp4"
    sink = ContainerSink(out, FORMATS["mp4"], [StreamInput(s, 30.0) for s in source.streams])
    waiting = []
    for packet in source.packets():
        if packet.stream_index == 0:
            waiting.append({i.stream_id: i.buffered_sound for i in inputs})
        sink.write(packet)
    sink.close()
    source.close()

    # Two seconds in, each input holds no more than the next chunks of its sound: the muted one
    # held all it had decoded (two seconds of it, 384 kB a second, for as long as the mix went).
    assert len(waiting) == pytest.approx(90, abs=1)
    assert waiting[60]["red"] < 0.2
    assert waiting[60]["lime"] < 0.2
    got = probe(out)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert got.media_duration() == pytest.approx(3.0, abs=0.08)
