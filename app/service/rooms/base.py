"""What a room provider is: the seam between where rooms come from and the service.

A provider (built-in demo rooms, an RTMP server, later an SFU) keeps a set of `RoomState`s and
reports every change through one callback. The service never asks how a stream is made: a
`LiveStream` says how the media engine opens it (`uri`, and for a file played as live, the
wall-clock `epoch` at which its live timeline was at zero, so any reader joins it at the same live
position). Each provider also says how it is doing (`ProviderHealth`), which `GET /v1/health` shows.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol

import httpx

from app.api.models import Room, Stream, StreamKind
from app.worker.protocol import StreamJob


@dataclass(frozen=True)
class StreamMedia:
    """What a stream carries: its picture's codec, size and rate, its sound's codec and format."""

    codec: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    audio_codec: str | None = None
    sample_rate: int | None = None
    channels: int | None = None


class Forwarding(Protocol):
    """How a stream that must be asked for is opened: an SFU forwards it to one reader at a time.

    `open` returns the source argument that reader (`owner`: a recording's id, a preview's) opens,
    the same one for as long as it holds the stream, and keeps the forward going, across the
    publisher's leaving and coming back, until `release`.
    """

    def open(self, owner: str, stream: LiveStream) -> str:
        """The source argument `owner` opens for `stream`."""
        ...

    def release(self, owner: str, stream_id: str | None = None) -> None:
        """`owner` no longer reads `stream_id` (None: any of its streams)."""
        ...


@dataclass(frozen=True)
class LiveStream:
    """One live stream of a room, and how to open it: `uri`, or through its `forwarding`."""

    stream_id: str
    user_id: str
    kind: StreamKind
    uri: str  # a path or URL the media engine opens
    since: datetime
    live_file: bool = False  # a file played in a loop at real-time pace (demo rooms)
    epoch: float = 0.0  # live_file: the time.time() at which its live position was 0
    media: StreamMedia = field(default_factory=StreamMedia)
    forwarding: Forwarding | None = field(default=None, compare=False, repr=False)

    def source(self, owner: str) -> str:
        """The source argument `owner` opens (release it with `forwarding.release` if any)."""
        return self.uri if self.forwarding is None else self.forwarding.open(owner, self)

    @contextlib.contextmanager
    def reading(self, reader: str) -> Iterator[str]:
        """The source argument a passing reader (`frame`, `live`) opens; an SFU forwards the
        stream to it alone, until the block ends."""
        owner = f"{reader}-{secrets.token_hex(4)}"
        try:
            yield self.source(owner)
        finally:
            if self.forwarding is not None:
                self.forwarding.release(owner)

    def position(self, now: float | None = None) -> float:
        """Where a reader joining now starts in the live timeline of a `live_file` stream."""
        return max(0.0, (time.time() if now is None else now) - self.epoch)

    def to_api(self) -> Stream:
        """The wire form."""
        return Stream(
            stream_id=self.stream_id,
            user_id=self.user_id,
            kind=self.kind,
            since=self.since,
            **asdict(self.media),
        )

    def to_job(self, owner: str) -> StreamJob:
        """The stream as `owner`'s recorder worker receives it (`app.worker.protocol`); no stem."""
        return StreamJob(
            stream_id=self.stream_id,
            user_id=self.user_id,
            kind=self.kind,
            uri=self.source(owner),
            live_file=self.live_file,
            epoch=self.epoch,
        )


@dataclass
class RoomState:
    """A room as its provider knows it; `streams` is keyed by stream id."""

    room_id: str
    name: str
    streams: dict[str, LiveStream] = field(default_factory=dict)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def live(self) -> bool:
        """A room is live while it has at least one stream."""
        return bool(self.streams)

    def to_api(self, recording: list[str] | None = None, paused: list[str] | None = None) -> Room:
        """The wire form, with the ids of its active recordings and of those paused."""
        return Room(
            room_id=self.room_id,
            name=self.name,
            live=self.live,
            streams=[s.to_api() for s in self.streams.values()],
            recording=recording or [],
            paused=paused or [],
        )


ChangeKind = Literal["room.updated", "stream.joined", "stream.left"]


@dataclass(frozen=True)
class RoomChange:
    """Something that happened to a room: it appeared or changed, or a stream joined or left."""

    kind: ChangeKind
    room_id: str
    stream: LiveStream | None = None

    def event_data(self, room: RoomState | None) -> dict[str, object]:
        """The published event's data; `room` is the room as it is now (None: gone)."""
        data: dict[str, object] = {"room_id": self.room_id}
        if self.kind == "room.updated":
            data |= {"live": bool(room and room.live), "streams": len(room.streams) if room else 0}
        elif self.stream is not None:
            data["stream"] = self.stream.to_api().model_dump(mode="json")
        return data


OnChange = Callable[[RoomChange], None]


def same_stream(old: LiveStream, new: LiveStream) -> LiveStream:
    """`keep` for `update_rooms` when a stream's fields say all: the old one while it is equal."""
    return old if old == new else new


def update_rooms(
    rooms: dict[str, RoomState],
    found: dict[str, dict[str, LiveStream]],
    *,
    name: Callable[[str], str],
    keep: Callable[[LiveStream, LiveStream], LiveStream] = same_stream,
) -> list[RoomChange]:
    """Make `rooms` what a provider `found` (room id → stream id → stream); the changes, in order.

    A new room is `room.updated` then `stream.joined` for each stream; in a known room,
    `stream.left` for each stream gone, `stream.joined` for each new one, then `room.updated`
    (also alone when only a stream's fields changed: `keep(old, new)` says which to keep). A room
    whose last stream left is dropped (its `room.updated` says so). `name(room_id)` names new rooms.
    """
    changes: list[RoomChange] = []
    for room_id in sorted(rooms.keys() - found.keys()):
        gone = rooms.pop(room_id)
        changes += [RoomChange("stream.left", room_id, s) for s in gone.streams.values()]
        changes.append(RoomChange("room.updated", room_id))
    for room_id, streams in sorted(found.items()):
        room = rooms.get(room_id)
        if room is None:
            rooms[room_id] = RoomState(room_id, name(room_id), streams)
            changes.append(RoomChange("room.updated", room_id))
            changes += [RoomChange("stream.joined", room_id, s) for s in streams.values()]
            continue
        old = room.streams
        kept = {sid: keep(old[sid], s) if sid in old else s for sid, s in streams.items()}
        if list(kept.items()) == list(old.items()):
            continue
        left = [s for sid, s in old.items() if sid not in streams]
        joined = [s for sid, s in kept.items() if sid not in old]
        room.streams = kept
        changes += [RoomChange("stream.left", room_id, s) for s in left]
        changes += [RoomChange("stream.joined", room_id, s) for s in joined]
        changes.append(RoomChange("room.updated", room_id))
    return changes


@dataclass(frozen=True)
class ProviderHealth:
    """How one provider is doing: `ok` false with an `error` that says why; its rooms; when."""

    name: str
    kind: str  # "demo" | "rtmp" | "none" ...
    ok: bool
    rooms: int
    error: str | None = None
    checked_at: datetime | None = None  # when it last heard from its source (None: it has none)


class RoomProvider(Protocol):
    """Where rooms come from. `start` returns at once; rooms may appear later, reported by
    `on_change` (always called on the event loop's thread)."""

    def rooms(self) -> list[RoomState]:
        """Every room known now, in a stable order."""
        ...

    def room(self, room_id: str) -> RoomState | None:
        """One room, or None."""
        ...

    async def start(self, on_change: OnChange) -> None:
        """Begin providing rooms (in the background where that takes time)."""
        ...

    async def stop(self) -> None:
        """Stop every background job; nothing is left running."""
        ...

    def health(self) -> list[ProviderHealth]:
        """How it is doing now: one entry per provider (several for a composite); never raises."""
        ...


def describe_http_error(exc: httpx.HTTPError) -> str:
    """One line for a failed request to a provider's server: what went wrong, no traceback."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({text})"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    return text
