"""The seconds a single-mode recording has recorded: what its max duration is measured against."""

from __future__ import annotations

import time


class RecordedClock:
    """Seconds recorded so far: wall time since the first packet was written, less pauses."""

    def __init__(self) -> None:
        self._start: float | None = None
        self._paused_since: float | None = None
        self._paused = 0.0

    def start(self) -> None:
        """The first packet was written: recording begins now (once)."""
        if self._start is None:
            self._start = time.monotonic()

    def pause(self) -> None:
        """A pause begins now."""
        if self._paused_since is None:
            self._paused_since = time.monotonic()

    def resume(self) -> None:
        """The pause ends now."""
        if self._paused_since is not None:
            self._paused += self._pause_so_far(time.monotonic())
            self._paused_since = None

    def recorded(self) -> float:
        """Seconds recorded so far."""
        if self._start is None:
            return 0.0
        now = time.monotonic()
        return max(0.0, now - self._start - self._paused - self._pause_so_far(now))

    def _pause_so_far(self, now: float) -> float:
        """The current pause, from when recording began at the earliest."""
        if self._paused_since is None or self._start is None:
            return 0.0
        return max(0.0, now - max(self._paused_since, self._start))
