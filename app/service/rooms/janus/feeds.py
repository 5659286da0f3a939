"""From a VideoRoom's publishers to RecDesk streams (`Feed`s), by the rules below.

A Janus publisher is one person's PeerConnection: it may carry audio and one or more videos.
RecDesk's streams are per person and kind, so a publisher becomes:

| the publisher sends                      | stream id      | kind   | holds                 |
| ---------------------------------------- | -------------- | ------ | --------------------- |
| a video (not a screen) and maybe audio   | `USER`         | camera | that video, its audio |
| a video whose description says "screen"  | `USER-screen`  | screen | that video            |
| audio only                               | `USER-audio`   | audio  | the audio             |

`USER` is the publisher's display name made safe for file names (letters and digits of any script,
`.`, `_`, `-`; anything else becomes `-`), or `p<id>` without one; a second publisher with the same
name in a room is `NAME-<id>`. Stream ids depend on the name only, so a publisher who leaves and
joins again (Janus gives it a new id) keeps its stream ids, and a recording that kept the room goes
on with it. Disabled streams and codecs no recorder can copy are left out of a feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from app.api.models import StreamKind

VIDEO_CODECS = ("vp8", "vp9", "h264")
AUDIO_CODECS = ("opus",)
# Letters and digits of any script stay (`张三` is a user id as it is), so file names keep them.
_UNSAFE = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class Track:
    """One medium of a publisher: its `mid` in the PeerConnection, codec, whether simulcast."""

    mid: str
    codec: str
    simulcast: bool = False


@dataclass(frozen=True)
class Feed:
    """One RecDesk stream of a Janus publisher: what a forwarder of it needs."""

    room: int
    publisher: int
    stream_id: str
    user_id: str
    kind: StreamKind
    display: str | None
    video: Track | None = None
    audio: Track | None = None


def user_name(display: str | None, publisher: int, taken: set[str]) -> str:
    """The user id of a publisher (see the module); adds it to `taken`."""
    name = _UNSAFE.sub("-", display or "").strip("-.")[:64] or f"p{publisher}"
    if name in taken:
        name = f"{name}-{publisher}"
    taken.add(name)
    return name


def feeds_of(room: int, publishers: dict[int, dict[str, Any]]) -> list[Feed]:
    """The feeds of a room's publishers (Janus's `publishers` entries by id), in a stable order."""
    taken: set[str] = set()
    feeds: list[Feed] = []
    for publisher, entry in sorted(publishers.items()):
        display = entry.get("display") if isinstance(entry.get("display"), str) else None
        user = user_name(display, publisher, taken)
        feeds += _feeds(Feed(room, publisher, user, user, "camera", display), entry)
    return feeds


def _feeds(who: Feed, entry: dict[str, Any]) -> list[Feed]:
    """The feeds of one publisher; `who` says whose, with no media."""
    audio: Track | None = None
    cameras: list[Track] = []
    screens: list[Track] = []
    for stream in entry.get("streams") or []:
        if not isinstance(stream, dict) or stream.get("disabled"):
            continue
        codec = str(stream.get("codec", "")).lower()
        mid = stream.get("mid")
        if not isinstance(mid, str):
            continue
        if stream.get("type") == "audio" and codec in AUDIO_CODECS and audio is None:
            audio = Track(mid, codec)
        elif stream.get("type") == "video" and codec in VIDEO_CODECS:
            track = Track(mid, codec, bool(stream.get("simulcast")))
            description = str(stream.get("description", "")).lower()
            (screens if "screen" in description else cameras).append(track)
    user = who.user_id
    feeds: list[Feed] = []
    if cameras:
        feeds.append(replace(who, video=cameras[0], audio=audio))
    elif audio is not None and not screens:
        feeds.append(replace(who, stream_id=f"{user}-audio", kind="audio", audio=audio))
    if screens:
        # A screen share without a camera keeps the sound with it.
        sound = None if cameras else audio
        feeds.append(
            replace(who, stream_id=f"{user}-screen", kind="screen", video=screens[0], audio=sound)
        )
    return feeds
