"""How nginx-rtmp stream names map to rooms, users and kinds, and which settings are refused."""

from __future__ import annotations

import re

import pytest

from app.service.rooms.rtmp import (
    DEFAULT_PATTERN,
    RtmpSettings,
    RtmpSettingsError,
    StreamName,
    map_name,
)


def test_names_follow_the_default_convention() -> None:
    pattern = re.compile(DEFAULT_PATTERN)
    assert map_name("meet__alice", pattern) == StreamName("meet", "alice", "camera")
    assert map_name("meet__alice__screen", pattern) == StreamName("meet", "alice", "screen")
    assert map_name("meet__alice__audio", pattern).stream_id == "alice-audio"
    assert map_name("meet__alice__camera", pattern).stream_id == "alice"
    # A user name may hold the separator; the room is everything before the first one.
    assert map_name("meet__anne__marie", pattern) == StreamName("meet", "anne__marie", "camera")
    # A lone publisher is a room of one.
    assert map_name("lecture", pattern) == StreamName("lecture", "lecture", "camera")


def test_a_custom_pattern_and_kinds_it_does_not_know() -> None:
    pattern = re.compile(r"(?P<user>[^.]+)\.(?P<room>[^.]+)(?:\.(?P<kind>\w+))?")
    assert map_name("alice.meet.screen", pattern) == StreamName("meet", "alice", "screen")
    # `webcam` is not a kind RecDesk knows: the stream stands alone.
    assert map_name("alice.meet.webcam", pattern) == StreamName(
        "alice.meet.webcam", "alice.meet.webcam", "camera"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pattern": "(?P<room>.+"}, "pattern '(?P<room>.+': missing )"),
        ({"pattern": "(?P<room>.+)__(?P<who>.+)"}, "needs the named groups room and user"),
        ({"stat_url": "127.0.0.1:8080/stat"}, "stat_url must be http(s)://"),
        ({"rtmp_url": "http://127.0.0.1:1935"}, "rtmp_url must be rtmp(s)://"),
        ({"applications": ("live/x",)}, "'live/x' is not an application name"),
        ({"poll_seconds": 0}, "poll_seconds and timeout must be positive"),
        ({"name": ""}, "name must not be empty"),
    ],
)
def test_settings_that_cannot_work_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(RtmpSettingsError) as caught:
        RtmpSettings(**changes)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
