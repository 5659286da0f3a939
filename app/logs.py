"""A log that cannot flood: one message is written at most `burst` times per `interval` seconds.

A fault that repeats (no file descriptors left, a full disk, a peer that is away) can log the
same line thousands of times a second and fill the disk it is being reported on. `RepeatLimiter`
wraps a handler: of the records of one message, that is one logger and one template (`record.msg`,
before its arguments are filled in), the first `burst` in a window of `interval` seconds are
written and the rest are counted and dropped; once the window is over, one line says how many:

    socket.accept() out of system resource ... repeated 4821 more times in the last 60 s

Only warnings and errors are limited: floods are faults, and the lines below them (an access log
line per request, with `--log-level info`) are each a different fact someone asked for.

The count is written with the next record after the window (whatever its message), after the
window by a timer, or when logging shuts down, whichever comes first. A message that stopped
repeating is forgotten when its window ends, and so is its cost.

`limit_repeats()` wraps the handlers of the root logger, after `logging.basicConfig`: the service
and the worker both do so. This module imports nothing of ours.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

BURST = 10
INTERVAL = 60.0
# Past this many different messages in one window, the rest of a logger's count as one: a flood
# of lines that differ in their text (a formatted string as the template) is bounded too.
MAX_MESSAGES = 1000
_SUMMARY_TEXT = 160  # characters of the message quoted in the count's line
_OTHERS = "\0others"


@dataclass
class _Window:
    """One message's current window."""

    started: float
    name: str
    level: int
    text: str
    passed: int = 0
    dropped: int = 0


class RepeatLimiter(logging.Handler):
    """A handler that passes records to `target`, at most `burst` of one message per `interval` s.

    `clock` (seconds, monotonic) is injectable so tests can move time; the timer that writes the
    count of a flood that stopped waits the same number of seconds in real time.
    """

    def __init__(
        self,
        target: logging.Handler,
        *,
        burst: int = BURST,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        max_messages: int = MAX_MESSAGES,
        level: int = logging.WARNING,
    ) -> None:
        super().__init__()
        self.target = target
        self.limited_from = level  # records below this level are never held back
        self.burst = burst
        self.interval = interval
        self._clock = clock
        self._max_messages = max_messages
        # Insertion order is the order windows started in, so the ended ones are at the front.
        self._windows: dict[tuple[str, str], _Window] = {}
        self._timer: threading.Timer | None = None

    def emit(self, record: logging.LogRecord) -> None:
        """Write `record` unless its message has been written `burst` times in this window."""
        if record.levelno < self.limited_from:
            self.target.handle(record)
            return
        now = self._clock()
        self._report(now)
        window = self._window(record, now)
        if window.passed < self.burst:
            window.passed += 1
            self.target.handle(record)
            return
        window.dropped += 1
        if self._timer is None:
            self._start_timer(window.started + self.interval - now)

    def report(self) -> None:
        """Write the counts of the windows that have ended (the timer calls it)."""
        self.acquire()
        try:
            self._timer = None
            now = self._clock()
            self._report(now)
            pending = [w for w in self._windows.values() if w.dropped]
            if pending:
                self._start_timer(pending[0].started + self.interval - now)
        finally:
            self.release()

    def flush(self) -> None:
        """Flush the target."""
        self.target.flush()

    def close(self) -> None:
        """Write every count so far, then close the target."""
        self.acquire()
        try:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._report(self._clock(), everything=True)
        finally:
            self.release()
        self.target.close()
        super().close()

    def _window(self, record: logging.LogRecord, now: float) -> _Window:
        template = str(record.msg)
        key = (record.name, template)
        window = self._windows.get(key)
        if window is None and len(self._windows) >= self._max_messages:
            key = (record.name, _OTHERS)
            window = self._windows.get(key)
            template = f"messages beyond the first {self._max_messages} different ones"
        if window is None:
            text = template.splitlines()[0] if template else ""
            if len(text) > _SUMMARY_TEXT:
                text = text[:_SUMMARY_TEXT] + "…"
            window = self._windows[key] = _Window(now, record.name, record.levelno, text)
        return window

    def _report(self, now: float, *, everything: bool = False) -> None:
        while self._windows:
            key, window = next(iter(self._windows.items()))
            end = window.started + self.interval
            if end > now and not everything:
                return
            del self._windows[key]
            if window.dropped:
                self._write_count(window, min(now, end) - window.started)

    def _write_count(self, window: _Window, seconds: float) -> None:
        record = logging.LogRecord(
            window.name,
            window.level,
            __file__,
            0,
            "%s ... repeated %d more times in the last %d s",
            (window.text, window.dropped, round(seconds)),
            None,
        )
        self.target.handle(record)

    def _start_timer(self, delay: float) -> None:
        self._timer = threading.Timer(max(0.0, delay) + 0.01, self.report)
        self._timer.daemon = True
        self._timer.start()


def limit_repeats(
    logger: logging.Logger | None = None, *, burst: int = BURST, interval: float = INTERVAL
) -> list[RepeatLimiter]:
    """Wrap each handler of `logger` (the root logger) in a `RepeatLimiter`; return them."""
    logger = logger or logging.getLogger()
    limiters = []
    for handler in list(logger.handlers):
        if isinstance(handler, RepeatLimiter):
            continue
        limiter = RepeatLimiter(handler, burst=burst, interval=interval)
        logger.removeHandler(handler)
        logger.addHandler(limiter)
        limiters.append(limiter)
    return limiters
