"""Who is speaking: the most recent loud speaker, for the `speaker` layout.

A participant becomes the speaker after sounding louder than `LOUD_DB` for `HOLD` seconds, and the
speaker changes at most every `MIN_TURN` seconds, so a cough or two people talking at once does
not make the picture jump back and forth. Silence keeps the last speaker.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping

import av

LOUD_DB = -30.0
HOLD = 0.3
MIN_TURN = 1.5


def level_db(frame: av.AudioFrame) -> float:
    """The loudness of a float-planar chunk: RMS of its first channel, in dBFS."""
    samples = array("f", bytes(frame.planes[0]))[: frame.samples]
    if not samples:
        return -math.inf
    power = sum(x * x for x in samples) / len(samples)
    return 10 * math.log10(power) if power > 0 else -math.inf


class SpeakerTracker:
    """Follows the most recent loud speaker across chunks of mixed sound."""

    def __init__(self) -> None:
        self.current: str | None = None
        self._loud_since: dict[str, float] = {}
        self._changed_at = -math.inf

    def hear(self, t: float, chunks: Mapping[str, av.AudioFrame]) -> bool:
        """Take each participant's chunk at mix time `t`; True when the speaker changed."""
        for stream_id in list(self._loud_since):
            if stream_id not in chunks:
                del self._loud_since[stream_id]
        candidate: tuple[float, str] | None = None
        for stream_id, chunk in chunks.items():
            if level_db(chunk) < LOUD_DB:
                self._loud_since.pop(stream_id, None)
                continue
            since = self._loud_since.setdefault(stream_id, t)
            if t - since >= HOLD and (candidate is None or since > candidate[0]):
                candidate = (since, stream_id)  # the one who started speaking last
        if candidate is None or candidate[1] == self.current or t - self._changed_at < MIN_TURN:
            return False
        self.current, self._changed_at = candidate[1], t
        return True
