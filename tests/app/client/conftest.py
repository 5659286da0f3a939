"""Helpers of the client's tests: a sleep that records the waits, and a bounded `asyncio.run`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import pytest

T = TypeVar("T")


class Sleeps:
    """Stands in for `asyncio.sleep` in the retry and reconnect policies: records, never waits."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


@pytest.fixture
def sleeps() -> Sleeps:
    """The waits the policies asked for, in order."""
    return Sleeps()


def run(work: Awaitable[T]) -> T:
    """Run one scenario on a fresh loop, never for longer than 20 s."""

    async def bounded() -> T:
        return await asyncio.wait_for(work, 20)

    return asyncio.run(bounded())
