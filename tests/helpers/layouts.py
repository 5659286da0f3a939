"""A small room and its grid layout, for the layout editor's tests."""

from __future__ import annotations

from datetime import UTC, datetime

from app.api.models import Stream
from app.layout.model import Canvas, Layout
from app.layout.templates import StreamRef, arrange

ROOM = [("alice", "camera"), ("bob", "camera"), ("carol", "screen"), ("dave", "audio")]


def streams() -> list[Stream]:
    """The room's streams: two cameras, a screen and a microphone."""
    since = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    return [
        Stream(stream_id=f"{user}-{kind}", user_id=user, kind=kind, since=since)
        for user, kind in ROOM
    ]


def refs() -> list[StreamRef]:
    return [StreamRef(s.stream_id, s.kind) for s in streams()]


def grid_layout() -> Layout:
    """A grid of the room's streams on a 1280x720 canvas."""
    canvas = Canvas()
    return Layout("grid", canvas, arrange("grid", canvas, refs()))
