"""The log that cannot flood: repeats of one message are dropped, counted and reported once."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from app.logs import RepeatLimiter, limit_repeats


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def written() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def logger(written: io.StringIO, clock: Clock) -> Iterator[logging.Logger]:
    """A real logger writing `LEVEL name: message` lines through a limiter (3 per 10 s)."""
    logger = logging.getLogger("tests.flood")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    target = logging.StreamHandler(written)
    target.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    limiter = RepeatLimiter(target, burst=3, interval=10.0, clock=clock)
    logger.addHandler(limiter)
    yield logger
    logger.removeHandler(limiter)
    limiter.close()


def lines(written: io.StringIO) -> list[str]:
    return written.getvalue().splitlines()


def test_repeats_beyond_the_burst_are_dropped_and_counted_once_the_window_ends(
    logger: logging.Logger, written: io.StringIO, clock: Clock
) -> None:
    for n in range(1000):
        logger.error("accept failed on fd %d", n)
        clock.now += 0.001
    assert lines(written) == [f"ERROR tests.flood: accept failed on fd {n}" for n in range(3)]

    logger.warning("something else")  # another template: its own count
    assert lines(written)[-1] == "WARNING tests.flood: something else"

    clock.now += 10.0
    logger.error("accept failed on fd %d", 1000)
    assert lines(written)[3:] == [
        "WARNING tests.flood: something else",
        "ERROR tests.flood: accept failed on fd %d ... repeated 997 more times in the last 10 s",
        "ERROR tests.flood: accept failed on fd 1000",
    ]


def test_lines_below_warnings_are_never_held_back(
    logger: logging.Logger, written: io.StringIO
) -> None:
    """An access log line per request is a fact someone asked for, not a fault repeating."""
    for n in range(20):
        logger.info('127.0.0.1 - "GET /v1/rooms?n=%d HTTP/1.1" 200', n)
    assert len(lines(written)) == 20


def test_a_flood_that_stops_is_counted_when_logging_shuts_down(
    written: io.StringIO, clock: Clock
) -> None:
    logger = logging.getLogger("tests.flood.stops")
    logger.propagate = False
    limiter = RepeatLimiter(logging.StreamHandler(written), burst=2, interval=60.0, clock=clock)
    logger.addHandler(limiter)
    for _ in range(50):
        logger.warning("disk full")
    clock.now += 5.0
    logger.removeHandler(limiter)
    limiter.close()
    assert lines(written) == [
        "disk full",
        "disk full",
        "disk full ... repeated 48 more times in the last 5 s",
    ]


def test_messages_that_differ_in_their_text_are_bounded_too(
    written: io.StringIO, clock: Clock
) -> None:
    logger = logging.getLogger("tests.flood.texts")
    logger.propagate = False
    target = logging.StreamHandler(written)
    limiter = RepeatLimiter(target, burst=2, interval=60.0, clock=clock, max_messages=5)
    logger.addHandler(limiter)
    for n in range(500):
        logger.warning(f"connection {n} failed")  # each text its own template
    limiter.close()
    logger.removeHandler(limiter)
    # 5 templates once each, then 2 of the rest, then the count of the rest.
    assert len(lines(written)) == 5 + 2 + 1
    assert lines(written)[-1].endswith("... repeated 493 more times in the last 0 s")


def test_limit_repeats_wraps_the_handlers_of_a_logger(written: io.StringIO) -> None:
    logger = logging.getLogger("tests.flood.wrapped")
    logger.propagate = False
    logger.addHandler(logging.StreamHandler(written))
    (limiter,) = limit_repeats(logger, burst=1)
    assert limit_repeats(logger) == []  # wrapped once only
    for _ in range(20):
        logger.warning("same")
    logger.removeHandler(limiter)
    limiter.close()
    assert lines(written) == ["same", "same ... repeated 19 more times in the last 0 s"]
