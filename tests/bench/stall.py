"""How long the Qt event loop goes without running: a 5 ms timer and the gaps between its ticks.

`StallMeter().start()` ... `.stop()`; then `longest` (seconds) and `ticks`. A tick that comes late
means the GUI thread was busy, or waited for the GIL, for that long. `measure_while` measures over
a window of a running qasync loop and counts a signal's emissions meanwhile (the record panel's
live view reading the mix's picture), so the figure is known to cover the work it names.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from PySide6.QtCore import QElapsedTimer, QTimer, SignalInstance

INTERVAL_MS = 5


class StallMeter:
    """The longest gap between ticks of a 5 ms Qt timer while it runs."""

    def __init__(self) -> None:
        self._clock = QElapsedTimer()
        self._gaps: list[int] = []
        self._last = 0
        self._timer = QTimer()
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Start measuring."""
        self._clock.start()
        self._last = self._clock.elapsed()
        self._timer.start()

    def stop(self) -> None:
        """Stop measuring."""
        self._timer.stop()

    @property
    def longest(self) -> float:
        """The longest gap between two ticks, in seconds."""
        return max(self._gaps, default=0) / 1000.0

    @property
    def ticks(self) -> int:
        """How many ticks there were."""
        return len(self._gaps)

    def _tick(self) -> None:
        now = self._clock.elapsed()
        self._gaps.append(now - self._last)
        self._last = now


@dataclass
class Stall:
    """The longest event-loop stall over a window of time, and what happened meanwhile."""

    longest: float  # seconds
    ticks: int
    events: int  # how often the watched signal fired: the work measured did happen


async def measure_while(signal: SignalInstance, seconds: float) -> Stall:
    """The longest stall over `seconds` of a running qasync loop, counting `signal`'s emissions
    meanwhile (a live view's pictures, say: a stall figure over a view that read nothing would
    flatter it)."""
    fired: list[int] = []

    def count(*_: object) -> None:
        fired.append(1)

    signal.connect(count)
    meter = StallMeter()
    meter.start()
    try:
        await asyncio.sleep(seconds)
    finally:
        meter.stop()
        signal.disconnect(count)
    return Stall(meter.longest, meter.ticks, len(fired))
