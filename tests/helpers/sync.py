"""A/V offsets read from what a recording decodes: a test source's flashes against its beeps.

A test source (a Janus publisher, `tests.helpers.janus.publisher`; a window on this computer,
`tests.helpers.flasher`) flashes its picture white and starts a tone at the start of each
wall-clock second. In a recording, a flash is a frame much
brighter than most, and a beep's onset is where the sound rises out of silence; each flash is
paired with the onset nearest to it, and `offsets` are onset minus flash, in seconds (positive: the
sound comes late). No container timestamp is trusted beyond what a player uses to play the file.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

_WINDOW = 0.002  # seconds of sound per loudness reading


@dataclass(frozen=True)
class Sync:
    """What was found: flash times, beep onsets (seconds, file timeline), their offsets."""

    flashes: list[float]
    onsets: list[float]
    offsets: list[float]

    @property
    def median(self) -> float:
        """The median offset (seconds)."""
        return statistics.median(self.offsets)

    def after(self, seconds: float) -> list[float]:
        """The offsets of the flashes at or after `seconds` into the file."""
        paired = _pairs(self.flashes, self.onsets)
        return [offset for flash, offset in paired if flash >= seconds]

    @property
    def worst(self) -> float:
        """The offset farthest from zero (seconds)."""
        return max(self.offsets, key=abs)


def measure(path: Path, audio: int = 0) -> Sync:
    """The A/V offsets of a recording with a picture and sound (its `audio`-th track)."""
    with av.open(str(path)) as container:
        times, light = [], []
        for frame in container.decode(video=0):
            if frame.time is None:
                continue
            luma = frame.to_ndarray(format="gray")
            times.append(float(frame.time))
            light.append(float(luma.mean()))
    with av.open(str(path)) as container:
        sound: list[np.ndarray] = []
        start: float | None = None
        rate = 48000
        for aframe in container.decode(audio=audio):
            if start is None:
                start = float(aframe.time or 0.0)
            rate = aframe.sample_rate
            samples = aframe.to_ndarray().astype(np.float64)
            sound.append(
                samples.reshape(-1, samples.shape[-1]).mean(axis=0) if samples.ndim > 1 else samples
            )
    flashes = _flashes(np.array(times), np.array(light))
    onsets = _onsets(np.concatenate(sound) if sound else np.zeros(0), rate, start or 0.0)
    return Sync(flashes, onsets, [offset for _, offset in _pairs(flashes, onsets)])


def _pairs(flashes: list[float], onsets: list[float]) -> list[tuple[float, float]]:
    """Each flash with an onset near it, and the offset between them."""
    pairs = []
    for flash in flashes:
        near = min(onsets, key=lambda onset: abs(onset - flash), default=None)
        if near is not None and abs(near - flash) < 0.4:
            pairs.append((flash, near - flash))
    return pairs


def _flashes(times: np.ndarray, light: np.ndarray) -> list[float]:
    if len(light) == 0:
        return []
    usual, top = float(np.median(light)), float(light.max())
    if top - usual < 20:
        return []
    bright = light > usual + (top - usual) / 2
    # The first frame of each run of bright frames.
    return [float(t) for i, t in enumerate(times) if bright[i] and (i == 0 or not bright[i - 1])]


def _onsets(samples: np.ndarray, rate: int, start: float) -> list[float]:
    size = max(1, round(rate * _WINDOW))
    count = len(samples) // size
    if count == 0:
        return []
    loud = np.sqrt((samples[: count * size].reshape(count, size) ** 2).mean(axis=1))
    peak = float(loud.max())
    if peak <= 0:
        return []
    on = loud > peak / 4
    onsets = []
    quiet = 0
    for i in range(count):
        if on[i] and quiet >= 20:  # after at least 40 ms of silence
            onsets.append(start + i * _WINDOW)
        quiet = 0 if on[i] else quiet + 1
    return onsets
