"""The sound half of a mix: each track's chunks summed, without normalising, so nobody gets
louder or quieter when someone joins or leaves (amix with `normalize=0`, one graph per track,
rebuilt when the number of inputs heard changes)."""

from __future__ import annotations

from fractions import Fraction

import av
import av.filter

from app.media.mix.inputs import LAYOUT, SAMPLE_FORMAT, SAMPLE_RATE


class SoundSum:
    """Sums chunks of `samples` samples, track by track."""

    def __init__(self, samples: int) -> None:
        self._samples = samples
        self._mixers: dict[int, tuple[int, av.filter.Graph]] = {}  # track → (inputs, graph)

    def summed(self, track: int, present: list[av.AudioFrame]) -> av.AudioFrame:
        """The chunks of one track's inputs summed (silence when there is none)."""
        if not present:
            return silence(self._samples)
        if len(present) == 1:
            return present[0]
        inputs, mixer = self._mixers.get(track, (0, None))
        if mixer is None or inputs != len(present):
            mixer = _mixer(len(present))
            self._mixers[track] = (len(present), mixer)
        for at, chunk in enumerate(present):
            chunk.pts, chunk.time_base = 0, Fraction(1, SAMPLE_RATE)
            mixer.push(chunk, at=at)
        out = mixer.pull()
        assert isinstance(out, av.AudioFrame)
        return out


def _mixer(inputs: int) -> av.filter.Graph:
    """`inputs` sounds summed (amix without normalising, so no level jumps as people come, go)."""
    graph = av.filter.Graph()
    mix = graph.add("amix", f"inputs={inputs}:normalize=0:duration=longest")
    for at in range(inputs):
        source = graph.add_abuffer(
            format=SAMPLE_FORMAT,
            sample_rate=SAMPLE_RATE,
            layout=LAYOUT,
            time_base=Fraction(1, SAMPLE_RATE),
        )
        source.link_to(mix, 0, at)
    mix.link_to(graph.add("abuffersink"))
    graph.configure()
    return graph


def silence(samples: int) -> av.AudioFrame:
    """`samples` samples of silence in the mix's sound format."""
    frame = av.AudioFrame(format=SAMPLE_FORMAT, layout=LAYOUT, samples=samples)
    frame.sample_rate = SAMPLE_RATE
    for plane in frame.planes:
        plane.update(bytes(plane.buffer_size))
    return frame
