"""Fixtures of the service tests that publish to the session's nginx-rtmp."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.rtmp import Publisher
from tests.helpers.webhooks import Receiver


@pytest.fixture
def room() -> str:
    """A room name no other test publishes to."""
    return "r" + secrets.token_hex(4)


@pytest.fixture
def publish(h264_aac: Path) -> Iterator[Callable[[str], Publisher]]:
    """Start publishing the test clip to a URL; every publisher is stopped at the end."""
    started: list[Publisher] = []

    def start(url: str) -> Publisher:
        publisher = Publisher(h264_aac, url)
        publisher.start()
        started.append(publisher)
        assert publisher.published.wait(10), publisher.error
        return publisher

    yield start
    for publisher in started:
        publisher.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback, not yet listening (see `tests.helpers.webhooks`)."""
    running = Receiver()
    yield running
    running.stop()
