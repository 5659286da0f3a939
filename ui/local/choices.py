"""What the local recorder can record, as plain data: the choices and the `LocalSpec` they make.

- `room_choices(room, base_url)`: each participant's stream (copied as it comes, through the
  service's live re-serve URL), the room's sound mixed (the streams that carry sound), and the
  whole room mixed (every stream with its kind: cameras and screens seen, all heard).
- `device_choices(devices)`: each capture device of this computer by name, then screen +
  microphone, screen + microphone + camera and camera + microphone where those exist, and a
  **call** where the system sound can be recorded: a picture (the screen, or one per window),
  the microphone and the speakers, mixed.
- `build_spec(choice, format, quality, split, layout, separate_tracks, muted)`: the `LocalSpec`
  that records a choice.
- `room_change(room, event, base_url)`: what a `stream.joined` or `stream.left` event of the
  service changes in a recording of the room's sound or of the whole room (`Joined`, `Left`), so
  that it follows who is in the room; a participant's own recording follows nothing.

No Qt: `ui.local.sources` shows these in a list.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError
from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.api.models import Event, Room, Stream
from app.layout.model import Layout
from app.layout.templates import StreamKind
from app.media.local import DEFAULT_QUALITY, LocalInput, LocalSpec
from app.media.local.spec import FormatName, QualityName
from app.media.sources.base import Device
from ui.common.formats import format_name, kind_name, room_name, stream_name

log = logging.getLogger(__name__)

# The formats and the engine's quality presets (app.media.local.spec) by name, as the source
# picker lists them (translated there, in its context): the glossary's names (`format_name`),
# M4A with what it holds.
FORMAT_NAMES = {
    "mp4": format_name("mp4"),
    "mkv": format_name("mkv"),
    "webm": format_name("webm"),
    "m4a": QT_TRANSLATE_NOOP("LocalSourcePicker", "M4A (sound only)"),
}
QUALITY_NAMES = {
    "draft": QT_TRANSLATE_NOOP("LocalSourcePicker", "Draft · 480p15"),
    "standard": QT_TRANSLATE_NOOP("LocalSourcePicker", "Standard · 720p30"),
    "high": QT_TRANSLATE_NOOP("LocalSourcePicker", "High · 1080p30"),
    "source": QT_TRANSLATE_NOOP("LocalSourcePicker", "Source size · 30 fps"),
}

RoomSource = Literal["participant", "room-audio", "room-mix"]
# The room choices mixed from whoever is in the room: they follow people who join and leave.
FOLLOWS_ROOM: tuple[RoomSource, ...] = ("room-mix", "room-audio")


@dataclass(frozen=True)
class RoomOf:
    """The room a choice records, and how: the desktop's own context, which the engine's spec
    does not carry (the save name's `{room}`, and whether the recording follows the room)."""

    source: RoomSource
    room_id: str
    room_name: str


@dataclass(frozen=True)
class SourceChoice:
    """One thing the operator can record, and the inputs that record it."""

    key: str  # stable across refills: the selection survives a room's update
    label: str  # what the recording is called (its suggested file name starts with it)
    inputs: tuple[LocalInput, ...]
    mixed: bool = True
    whole_room: bool = False  # mixed with the room's current layout, when the editor has one
    room: RoomOf | None = None  # None: this computer's devices
    # What a device choice is (a `Role`, "combo" or "call") and of what (a device's name, a
    # call's window title, "" for a call of the screen): the picker names it from these.
    role: str = ""
    subject: str = ""

    @property
    def audio_only(self) -> bool:
        """Whether only sound is recorded (M4A suits it)."""
        return all(i.audio_only for i in self.inputs)

    @property
    def voices(self) -> tuple[LocalInput, ...]:
        """The inputs recorded for their sound only: each gets a meter and a mute button."""
        return tuple(i for i in self.inputs if i.audio_only)

    @property
    def separable(self) -> bool:
        """Whether its voices can be kept apart, each on a track of its own: a mix of this
        computer's sound sources (a room's mix follows who joins, one track for all)."""
        return self.mixed and self.room is None and len(self.voices) >= 2


def live_url(base_url: str, room_id: str, stream_id: str) -> str:
    """The service's live re-serve of one stream: MPEG-TS, or Matroska for codecs MPEG-TS cannot
    carry (an SFU's VP8 and Opus); the service chooses."""
    return f"{base_url.rstrip('/')}/v1/rooms/{room_id}/streams/{stream_id}/live"


def room_choices(room: Room, base_url: str) -> list[SourceChoice]:
    """Each participant's stream, the room's audio mix and the whole room mixed."""
    if not room.streams:
        return []

    called = room_name(room)

    def of(source: RoomSource) -> RoomOf:
        return RoomOf(source, room.room_id, called)

    urls = {s.stream_id: live_url(base_url, room.room_id, s.stream_id) for s in room.streams}
    choices = [
        SourceChoice(
            f"participant:{s.stream_id}",
            f"{called} — {stream_name(s.user_id, s.kind)}",
            (LocalInput(s.stream_id, urls[s.stream_id], s.kind),),
            mixed=False,
            room=of("participant"),
        )
        for s in room.streams
    ]
    heard = _inputs("room-audio", room, base_url)
    if heard:
        choices.append(
            SourceChoice(
                "room-audio",
                f"{called} — {kind_name('audio')}",
                heard,
                room=of("room-audio"),
            )
        )
    choices.append(
        SourceChoice(
            "room-mix",
            called,
            _inputs("room-mix", room, base_url),
            whole_room=True,
            room=of("room-mix"),
        )
    )
    return choices


def room_input(
    source: RoomSource, room_id: str, stream: Stream, base_url: str
) -> LocalInput | None:
    """What the room choice `source` records of `stream`: all of it in the whole room, its sound
    in the room's sound (None for a stream without sound there, and for any other choice)."""
    url = live_url(base_url, room_id, stream.stream_id)
    if source == "room-mix":
        return LocalInput(stream.stream_id, url, stream.kind)
    if source == "room-audio" and (stream.kind == "audio" or stream.audio_codec is not None):
        return LocalInput(stream.stream_id, url, "audio")
    return None


def _inputs(source: RoomSource, room: Room, base_url: str) -> tuple[LocalInput, ...]:
    found = (room_input(source, room.room_id, s, base_url) for s in room.streams)
    return tuple(i for i in found if i is not None)


@dataclass(frozen=True)
class Joined:
    """`user_id` joined the room recorded: `item` is mixed in."""

    item: LocalInput
    user_id: str


@dataclass(frozen=True)
class Left:
    """`user_id` left the room recorded: `stream_id` is taken out of the mix."""

    stream_id: str
    user_id: str


def room_change(room: RoomOf | None, event: Event, base_url: str) -> Joined | Left | None:
    """What `event` changes in a recording of the room choice `room` (None: not of a room).

    Only the room's sound and the whole room follow their room; the data is the service's
    `{"room_id": ..., "stream": Stream}` of `stream.joined` and `stream.left`.
    """
    if room is None or event.type not in ("stream.joined", "stream.left"):
        return None
    if room.source not in FOLLOWS_ROOM or event.data.get("room_id") != room.room_id:
        return None
    try:
        stream = Stream.model_validate(event.data.get("stream"))
    except ValidationError as exc:
        log.warning("event %s names no stream the recording can follow: %s", event.id, exc)
        return None
    if event.type == "stream.left":
        return Left(stream.stream_id, stream.user_id)
    item = room_input(room.source, room.room_id, stream, base_url)
    return None if item is None else Joined(item, stream.user_id)


def device_choices(devices: Sequence[Device]) -> list[SourceChoice]:
    """Each device by name, then screen + microphone (+ camera), camera + microphone, and a
    call (one per window and one for the screen) where the system sound can be recorded."""
    inputs: list[tuple[LocalInput, Device]] = []
    taken: set[str] = set()
    for device in devices:
        role = _role(device)
        stream_id: str = role
        n = 1
        while stream_id in taken:
            n += 1
            stream_id = f"{role}-{n}"
        taken.add(stream_id)
        # A choice holds one input of each role at most: the role names it (a window, its title).
        label = device.description if role == "window" else _INPUT_LABELS[role]
        inputs.append((LocalInput(stream_id, device.source, _KIND[role], label=label), device))
    choices = [
        SourceChoice(
            f"device:{i.source}",
            _choice_label(_role(d), d.description),
            (i,),
            role=_role(d),
            subject=d.description,
        )
        for i, d in inputs
    ]
    screen = next((i for i, d in inputs if _role(d) == "screen"), None)
    camera = next((i for i, d in inputs if _role(d) == "camera"), None)
    mic = _microphone(inputs)
    combos = (
        ("Screen + microphone", (screen, mic)),
        ("Screen + microphone + camera", (screen, mic, camera)),
        ("Camera + microphone", (camera, mic)),
    )
    for label, parts in combos:
        present = tuple(p for p in parts if p is not None)
        if len(present) == len(parts):
            key = "combo:" + "+".join(p.stream_id for p in present)
            choices.append(SourceChoice(key, label, present, role="combo"))
    speakers = next((i for i, d in inputs if _role(d) == "speakers"), None)
    if mic is not None and speakers is not None:
        pictures = [(i, "") for i in (screen,) if i is not None]
        pictures += [(i, d.description) for i, d in inputs if _role(d) == "window"]
        choices.extend(_call(picture, title, mic, speakers) for picture, title in pictures)
    return choices


Role = Literal["screen", "window", "camera", "mic", "speakers"]
# How each role is recorded, named in a choice's label, and named as an input (its meter).
_KIND: dict[Role, StreamKind] = {
    "screen": "screen",
    "window": "screen",
    "camera": "camera",
    "mic": "audio",
    "speakers": "audio",
}
_ROLE_NAMES: dict[Role, str] = {
    "screen": "Screen",
    "window": "Window",
    "camera": "Camera",
    "mic": "Microphone",
    "speakers": "System sound",
}
_INPUT_LABELS: dict[Role, str] = {
    "screen": "Screen",
    "window": "Window",
    "camera": "Camera",
    "mic": "Microphone",
    "speakers": "Speakers",
}


def _role(device: Device) -> Role:
    if device.kind == "window":
        return "window"
    if device.kind == "loopback":
        return "speakers"
    if device.kind in ("x11grab", "gdigrab") or "screen" in device.description.lower():
        return "screen"
    return "mic" if device.media == "audio" else "camera"


def _choice_label(role: Role, description: str) -> str:
    """`Camera: USB Camera`; a screen the system already calls one keeps its own name."""
    if role == "screen" and description.lower().startswith("screen"):
        return description
    return f"{_ROLE_NAMES[role]}: {description}"


def _microphone(inputs: Sequence[tuple[LocalInput, Device]]) -> LocalInput | None:
    """The first microphone, one through the sound server before a raw ALSA one: with the
    sound server running, ALSA's own devices are often busy or unreadable."""
    mics = [(i, d) for i, d in inputs if _role(d) == "mic"]
    served = next((i for i, d in mics if d.kind == "mic"), None)
    return served or next((i for i, _ in mics), None)


def _call(picture: LocalInput, title: str, mic: LocalInput, speakers: LocalInput) -> SourceChoice:
    """A call: the picture (a window, or the screen when `title` is empty), both voices."""
    what = title or "screen"
    return SourceChoice(
        f"call:{picture.source}",
        f"Call — {what} + microphone + speakers",
        (picture, mic, speakers),
        role="call",
        subject=title,
    )


def build_spec(
    choice: SourceChoice,
    format: FormatName,
    quality: QualityName = DEFAULT_QUALITY,
    split: float | None = None,
    layout: Layout | None = None,
    *,
    separate_tracks: bool = False,
    muted: Sequence[str] = (),
) -> LocalSpec:
    """The spec that records `choice`; `layout` is used for the whole room only,
    `separate_tracks` for a choice whose voices can be kept apart; `muted` names the voices
    that start muted."""
    voices = {i.stream_id for i in choice.voices}
    return LocalSpec(
        label=choice.label,
        inputs=choice.inputs,
        mixed=choice.mixed,
        format=format,
        quality=quality,
        layout=layout if choice.whole_room else None,
        split=split,
        separate_tracks=separate_tracks and choice.separable,
        muted=tuple(m for m in muted if m in voices),
    )
