"""Fixtures of the service's tests: the demo rooms' media, generated once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.service.rooms.demo import DEMO_ROOMS
from app.service.rooms.demo_media import generate, plan_room
from tests.helpers.service import ServiceProcess


@pytest.fixture(scope="session")
def demo_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A media folder with every demo room's files and their manifest."""
    folder = tmp_path_factory.mktemp("demo-media")
    files = [f for room in DEMO_ROOMS for f in plan_room(room.room_id, room.people)]
    for _ in generate(files, folder):
        pass
    return folder


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory, demo_media: Path) -> Iterator[ServiceProcess]:
    """One real `recdesk-server --demo` for the session (nobody joins or leaves by themselves)."""
    running = ServiceProcess(tmp_path_factory.mktemp("service") / "data", demo_media).start()
    running.wait_rooms("call", "meeting", "class", "webinar", "podcast")
    yield running
    running.stop()
