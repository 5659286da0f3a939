"""What the local recorder can record, as plain data: the choices and the `LocalSpec` they make.

- `room_choices(room, base_url)`: each participant's stream (copied as it comes, through the
  service's live re-serve URL), the room's sound mixed (the streams that carry sound), and the
  whole room mixed (every stream with its kind: cameras and screens seen, all heard).
- `device_choices(devices)`: each capture device of this computer by name, then screen +
  microphone, screen + microphone + camera and camera + microphone where those exist.
- `build_spec(choice, format, quality, split, layout)`: the `LocalSpec` that records a choice.

No Qt: `ui.local_sources` shows these in a list.

May import `app.api`, `app.layout`, `app.media.local`, `app.media.sources` and the standard library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.api.models import Room
from app.layout.model import Layout
from app.layout.templates import StreamKind
from app.media.local import DEFAULT_QUALITY, LocalInput, LocalSpec
from app.media.local.spec import FormatName, QualityName
from app.media.sources.devices import Device


@dataclass(frozen=True)
class SourceChoice:
    """One thing the operator can record, and the inputs that record it."""

    key: str  # stable across refills: the selection survives a room's update
    label: str  # what the recording is called (its suggested file name starts with it)
    inputs: tuple[LocalInput, ...]
    mixed: bool = True
    whole_room: bool = False  # mixed with the room's current layout, when the editor has one
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def audio_only(self) -> bool:
        """Whether only sound is recorded (M4A suits it)."""
        return all(i.audio_only for i in self.inputs)


def live_url(base_url: str, room_id: str, stream_id: str) -> str:
    """The service's live re-serve of one stream, as MPEG-TS."""
    return f"{base_url.rstrip('/')}/v1/rooms/{room_id}/streams/{stream_id}/live?format=ts"


def room_choices(room: Room, base_url: str) -> list[SourceChoice]:
    """Each participant's stream, the room's audio mix and the whole room mixed."""
    if not room.streams:
        return []
    extra = {"room_id": room.room_id, "room_name": room.name}
    urls = {s.stream_id: live_url(base_url, room.room_id, s.stream_id) for s in room.streams}
    choices = [
        SourceChoice(
            f"participant:{s.stream_id}",
            f"{room.name} — {s.user_id} ({s.kind})",
            (LocalInput(s.stream_id, urls[s.stream_id], s.kind),),
            mixed=False,
            extra={**extra, "source": "participant", "stream_id": s.stream_id},
        )
        for s in room.streams
    ]
    heard = [s for s in room.streams if s.kind == "audio" or s.audio_codec is not None]
    if heard:
        choices.append(
            SourceChoice(
                "room-audio",
                f"{room.name} — audio",
                tuple(LocalInput(s.stream_id, urls[s.stream_id], "audio") for s in heard),
                extra={**extra, "source": "room-audio"},
            )
        )
    choices.append(
        SourceChoice(
            "room-mix",
            room.name,
            tuple(LocalInput(s.stream_id, urls[s.stream_id], s.kind) for s in room.streams),
            whole_room=True,
            extra={**extra, "source": "room-mix"},
        )
    )
    return choices


def device_choices(devices: Sequence[Device]) -> list[SourceChoice]:
    """Each device by name, then screen + microphone (+ camera) and camera + microphone."""
    inputs: list[tuple[LocalInput, str]] = []
    taken: set[str] = set()
    for device in devices:
        kind = _kind(device)
        stem = {"screen": "screen", "camera": "camera", "audio": "mic"}[kind]
        stream_id, n = stem, 1
        while stream_id in taken:
            n += 1
            stream_id = f"{stem}-{n}"
        taken.add(stream_id)
        inputs.append((LocalInput(stream_id, device.source, kind), device.description))
    choices = [
        SourceChoice(
            f"device:{i.source}", _device_label(i.kind, name), (i,), extra=device_extra((i,))
        )
        for i, name in inputs
    ]
    first = {kind: next((i for i, _ in inputs if i.kind == kind), None) for kind in _KINDS}
    screen, camera, mic = first["screen"], first["camera"], first["audio"]
    combos = (
        ("Screen + microphone", (screen, mic)),
        ("Screen + microphone + camera", (screen, mic, camera)),
        ("Camera + microphone", (camera, mic)),
    )
    for label, parts in combos:
        present = tuple(p for p in parts if p is not None)
        if len(present) == len(parts):
            key = "combo:" + "+".join(p.stream_id for p in present)
            choices.append(SourceChoice(key, label, present, extra=device_extra(present)))
    return choices


_KINDS: tuple[StreamKind, ...] = ("screen", "camera", "audio")


def _kind(device: Device) -> StreamKind:
    if device.kind in ("x11grab", "gdigrab") or "screen" in device.description.lower():
        return "screen"
    return "audio" if device.media == "audio" else "camera"


def _device_label(kind: str, description: str) -> str:
    what = {"screen": "Screen", "camera": "Camera", "audio": "Microphone"}[kind]
    return f"{what}: {description}"


def device_extra(inputs: Sequence[LocalInput]) -> dict[str, str]:
    """What a devices recording keeps in `spec.extra`."""
    return {"source": "devices", "devices": " ".join(i.source for i in inputs)}


def build_spec(
    choice: SourceChoice,
    format: FormatName,
    quality: QualityName = DEFAULT_QUALITY,
    split: float | None = None,
    layout: Layout | None = None,
) -> LocalSpec:
    """The spec that records `choice`; `layout` is used for the whole room only."""
    return LocalSpec(
        label=choice.label,
        inputs=choice.inputs,
        mixed=choice.mixed,
        format=format,
        quality=quality,
        layout=layout if choice.whole_room else None,
        split=split,
        extra={**choice.extra, "format": format, "quality": quality},
    )
