"""A/V offsets read from what a recording decodes: a test source's flashes against its beeps.

A test source (a Janus publisher, `tests.helpers.janus.publisher`; a window on this computer,
`tests.helpers.flasher`) flashes its picture white and starts a tone at the start of each
wall-clock second. In a recording, a flash is a frame much
brighter than most, and a beep's onset is where the sound rises out of silence; each flash is
paired with the onset nearest to it, and `offsets` are onset minus flash, in seconds (positive: the
sound comes late). No container timestamp is trusted beyond what a player uses to play the file.

In a mix, each participant is measured on its own: `region` keeps the part of the picture where
its tile is, and `tone` keeps the sound near the pitch it beeps at (publishers of one room beep at
pitches of their own), so one tile's picture is paired with that tile's own sound.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

_WINDOW = 0.002  # seconds of sound per loudness reading
_BAND = 150.0  # Hz either side of a `tone` that are kept


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


Region = tuple[float, float, float, float]


def measure(
    path: Path, audio: int = 0, *, region: Region | None = None, tone: float | None = None
) -> Sync:
    """The A/V offsets of a recording with a picture and sound (its `audio`-th track).

    `region` (left, top, right, bottom, as fractions of the picture) limits the flashes to that
    part of the picture; `tone` (Hz) limits the beeps to the sound near that pitch.
    """
    with av.open(str(path)) as container:
        times, light = [], []
        for frame in container.decode(video=0):
            if frame.time is None:
                continue
            luma = frame.to_ndarray(format="gray")
            if region is not None:
                height, width = luma.shape
                left, top, right, bottom = region
                luma = luma[
                    round(top * height) : round(bottom * height),
                    round(left * width) : round(right * width),
                ]
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
    samples = np.concatenate(sound) if sound else np.zeros(0)
    if tone is not None:
        samples = _band(samples, rate, tone)
    onsets = _onsets(samples, rate, start or 0.0)
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


def _band(samples: np.ndarray, rate: int, tone: float) -> np.ndarray:
    """The sound within `_BAND` of `tone`: another pitch's beeps, overlapping, are left out."""
    spectrum = np.fft.rfft(samples)
    pitch = np.fft.rfftfreq(len(samples), 1 / rate)
    # A smooth edge: a sharp one would ring for longer than the onsets' resolution.
    spectrum *= np.exp(-(((pitch - tone) / _BAND) ** 2))
    return np.fft.irfft(spectrum, len(samples))


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
