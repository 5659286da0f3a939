"""Janus rooms for one test each, and publishers that are gone when the test ends."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest

from tests.helpers.janus.lab import JanusLab, Publisher

_ROOMS = itertools.count(1001)

Publish = Callable[..., Publisher]


@pytest.fixture
def janus_room(janus_lab: JanusLab) -> int:
    """A new VideoRoom room (its number is its RecDesk room id)."""
    number = next(_ROOMS)
    janus_lab.create_room(number, description=f"Class {number}")
    return number


@pytest.fixture
def publish(janus_lab: JanusLab) -> Iterator[Publish]:
    """`publish(room, display, *options)`: an aiortc publisher, killed after the test."""
    started: list[Publisher] = []

    def start(room: int, display: str, *options: str) -> Publisher:
        publisher = janus_lab.publish(room, display, *options)
        started.append(publisher)
        return publisher

    yield start
    for publisher in started:
        publisher.kill()
