"""What the relay knows of one medium's incoming RTP: its current stream, its clock and its losses.

- **A stream** is one SSRC with continuous sequence numbers. A new SSRC, or a sequence number far
  from the last one (past FFmpeg's own limits: more than 3000 ahead or 100 behind), starts a new
  stream: the publisher came back through a new forwarder. Late packets of a retired SSRC are
  dropped, so they cannot flip the stream back.
- **Clock.** A stream's RTP timestamps map to wall-clock time by a fixed offset taken at its first
  packet (arrival time minus timestamp / clock rate). Sender Reports made from this mapping make
  FFmpeg align the media as they arrived.
- **Loss** (tracked for video): a gap in sequence numbers that no reordered packet fills within
  `loss_wait` seconds.
"""

from __future__ import annotations

from collections import deque
from typing import Literal

from app.media.sources.forwarded.rtp import RtpHeader

Verdict = Literal["first", "new", "same", "stale"]

MAX_DROPOUT = 3000  # FFmpeg's rtp_valid_packet_in_sequence limits
MAX_MISORDER = 100
# A gap this long is counted lost at once instead of waiting for each missing packet.
_MAX_TRACKED_GAP = 512


def _delta16(a: int, b: int) -> int:
    """`a - b` for 16-bit sequence numbers, in -32768..32767."""
    return ((a - b + 0x8000) & 0xFFFF) - 0x8000


def _delta32(a: int, b: int) -> int:
    """`a - b` for 32-bit timestamps, in -2**31..2**31-1."""
    return ((a - b + 0x8000_0000) & 0xFFFF_FFFF) - 0x8000_0000


class InboundStream:
    """One medium's RTP as it arrives; see the module docstring."""

    def __init__(self, clock_rate: int, *, loss_wait: float, track_loss: bool) -> None:
        self.clock_rate = clock_rate
        self.ssrc: int | None = None
        self._loss_wait = loss_wait
        self._track_loss = track_loss
        self._retired: deque[int] = deque(maxlen=16)
        # Extended (unwrapped) sequence number and timestamp of the newest packet.
        self._top = 0
        self._last_ts = 0
        self._ts = 0
        self._ts_top = 0
        # The fixed mapping: the wall time of extended timestamp 0.
        self._base_wall = 0.0
        self._missing: dict[int, float] = {}
        self._lost_at_once = 0

    def receive(self, header: RtpHeader, wall: float, now: float) -> Verdict:
        """Take one packet's header, arrived at `wall` (Unix time) and `now` (monotonic).

        "first" or "new" when it starts a stream (the first one, or a later one), "same" when it
        continues the current one, "stale" when it belongs to a retired SSRC.
        """
        if header.ssrc in self._retired:
            return "stale"
        if self.ssrc is None or header.ssrc != self.ssrc:
            verdict: Verdict = "first" if self.ssrc is None else "new"
            if self.ssrc is not None:
                self._retired.append(self.ssrc)
            self._start(header, wall)
            return verdict
        delta = _delta16(header.sequence, self._top & 0xFFFF)
        if delta > MAX_DROPOUT or delta < -MAX_MISORDER:
            self._start(header, wall)
            return "new"
        self._ts += _delta32(header.timestamp, self._last_ts)
        self._last_ts = header.timestamp
        self._ts_top = max(self._ts_top, self._ts)
        sequence = self._top + delta
        if delta > 0:
            if self._track_loss:
                self._note_gap(self._top + 1, sequence, now + self._loss_wait)
            self._top = sequence
        elif delta < 0:
            self._missing.pop(sequence, None)  # a reordered packet came in time
        return "same"

    def _start(self, header: RtpHeader, wall: float) -> None:
        self.ssrc = header.ssrc
        self._top = header.sequence
        self._last_ts = header.timestamp
        self._ts = self._ts_top = header.timestamp
        self._base_wall = wall - header.timestamp / self.clock_rate
        self._missing.clear()

    def _note_gap(self, first: int, end: int, deadline: float) -> None:
        if end - first > _MAX_TRACKED_GAP:
            self._lost_at_once += end - first
            return
        for sequence in range(first, end):
            self._missing[sequence] = deadline

    def report(self) -> tuple[int, float]:
        """The newest packet's RTP timestamp and the wall time the mapping gives it."""
        return self._ts_top & 0xFFFF_FFFF, self._base_wall + self._ts_top / self.clock_rate

    def expire(self, now: float) -> int:
        """How many packets are now known lost (their wait ran out); each is counted once."""
        lost, self._lost_at_once = self._lost_at_once, 0
        if self._missing:
            gone = [s for s, deadline in self._missing.items() if deadline <= now]
            for sequence in gone:
                del self._missing[sequence]
            lost += len(gone)
        return lost

    def next_deadline(self) -> float | None:
        """When the earliest missing packet's wait runs out; None when nothing is missing."""
        if self._lost_at_once:
            return 0.0
        return min(self._missing.values(), default=None)
