"""How loud each participant of a mix is, and for how long nothing has been heard from them.

The mix hands every chunk of sound it takes from an input to `LevelMeter.hear`, muted or not (a
person must see that their muted microphone is live), and any thread reads `levels()`:

- **level**: the peak of the input's sound over the last `LEVEL_WINDOW` seconds of mix time, in
  dBFS; `SILENCE_DB` (-90) when there was none.
- **silent_for**: seconds of mix time since the input's sound last rose above `SILENT_DB`; an input
  that has sent no sound at all counts from when the mix first took sound from it.

One numpy peak per chunk of 1024 samples, and a lock held for a few assignments: cheap enough for
the mix's thread.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import av
import numpy as np

SILENCE_DB = -90.0
SILENT_DB = -70.0
LEVEL_WINDOW = 0.3
# A peak below this is -90 dBFS: silence, not a number a meter would show.
_FLOOR = 10 ** (SILENCE_DB / 20)
_LOUD = 10 ** (SILENT_DB / 20)


@dataclass(frozen=True)
class InputLevel:
    """One input's sound: its recent peak (dBFS), seconds since it was last heard, and mute."""

    level: float
    silent_for: float
    muted: bool


class _Meter:
    __slots__ = ("first", "last_loud", "peaks")

    def __init__(self, t: float) -> None:
        self.first = t
        self.last_loud: float | None = None
        self.peaks: deque[tuple[float, float]] = deque()


class LevelMeter:
    """The levels of a mix's inputs, kept by the mix's thread and read by any other."""

    def __init__(self) -> None:
        self._meters: dict[str, _Meter] = {}
        self._now = 0.0
        self._lock = threading.Lock()

    def hear(self, stream_id: str, t: float, end: float, chunk: av.AudioFrame | None) -> None:
        """The sound taken from `stream_id` for mix time `t` to `end` (None: it had none)."""
        peak = _peak(chunk) if chunk is not None else 0.0
        with self._lock:
            meter = self._meters.get(stream_id)
            if meter is None:
                meter = self._meters[stream_id] = _Meter(t)
            meter.peaks.append((t, peak))
            while meter.peaks and meter.peaks[0][0] < t - LEVEL_WINDOW:
                meter.peaks.popleft()
            if peak > _LOUD:
                meter.last_loud = end
            self._now = max(self._now, end)

    def forget(self, stream_id: str) -> None:
        """`stream_id` left the mix."""
        with self._lock:
            self._meters.pop(stream_id, None)

    def levels(self, muted: AbstractSet[str]) -> dict[str, InputLevel]:
        """Each input heard so far, in the order it was first heard."""
        with self._lock:
            now = self._now
            return {
                stream_id: InputLevel(
                    level=_db(max((p for _, p in meter.peaks), default=0.0)),
                    silent_for=max(0.0, now - (meter.last_loud or meter.first)),
                    muted=stream_id in muted,
                )
                for stream_id, meter in self._meters.items()
            }


def _peak(chunk: av.AudioFrame) -> float:
    samples = chunk.to_ndarray()
    return float(np.abs(samples).max()) if samples.size else 0.0


def _db(peak: float) -> float:
    return SILENCE_DB if peak < _FLOOR else max(SILENCE_DB, 20 * math.log10(peak))
