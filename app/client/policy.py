"""How patient the client is: timeouts, which answers are worth another try, and the waits between.

- `DEFAULT_TIMEOUT`, `STOP_TIMEOUT`  per-request time limits;
- `RetryPolicy`                      attempts and backoff for requests that may be sent again;
- `Reconnect`                        the backoff of the event stream after a drop.

Both policies take the `sleep` to wait with, so tests run them without waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

Sleep = Callable[[float], Awaitable[None]]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""Connect within 5 s; then each read or write may wait 30 s."""
STOP_TIMEOUT = 60.0
"""A stop answers once the recording's files are final, which takes longer than other calls."""
RETRY_STATUSES = frozenset({502, 503, 504})
"""Answers that mean the service (or a proxy before it) could not take the request just now."""


@dataclass(frozen=True)
class RetryPolicy:
    """How many times a retriable request is tried, and how long to wait after each failure.

    The wait after the n-th failure is `backoff[n - 1]`, the last one repeating.
    """

    attempts: int = 3
    backoff: tuple[float, ...] = (0.2, 0.5, 1.0)
    sleep: Sleep = field(default=asyncio.sleep)

    async def wait(self, failures: int) -> None:
        """Wait as long as the policy asks after `failures` failed attempts in a row."""
        await self.sleep(self.backoff[min(max(failures, 1), len(self.backoff)) - 1])


@dataclass(frozen=True)
class Reconnect:
    """The event stream's patience: waits that double from `first` to `most` between reconnects.

    `idle` is the read timeout of the stream: one silent that long (the service sends keep-alive
    comments while nothing happens) is taken for a dead connection and opened again.
    """

    first: float = 0.5
    most: float = 5.0
    idle: float | None = 60.0
    sleep: Sleep = field(default=asyncio.sleep)

    def next(self, delay: float) -> float:
        """The wait after one of `delay`."""
        return min(delay * 2, self.most)
