"""What a room provider is: the seam between where rooms come from and the service.

A provider (built-in demo rooms, an RTMP server, later an SFU) keeps a set of `RoomState`s and
reports every change through one callback. The service never asks how a stream is made: a
`LiveStream` says how the media engine opens it (`uri`, and for a file played as live, the
wall-clock `epoch` at which its live timeline was at zero, so any reader joins it at the same live
position). Each provider also says how it is doing (`ProviderHealth`), which `GET /v1/health` shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol

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


@dataclass(frozen=True)
class LiveStream:
    """One live stream of a room, and how to open it."""

    stream_id: str
    user_id: str
    kind: StreamKind
    uri: str  # a path or URL the media engine opens
    since: datetime
    live_file: bool = False  # a file played in a loop at real-time pace (demo rooms)
    epoch: float = 0.0  # live_file: the time.time() at which its live position was 0
    media: StreamMedia = field(default_factory=StreamMedia)

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

    def to_job(self) -> StreamJob:
        """The stream as a recorder worker receives it (`app.worker.protocol`); no file stem."""
        return StreamJob(
            stream_id=self.stream_id,
            user_id=self.user_id,
            kind=self.kind,
            uri=self.uri,
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

    def to_api(self, recording: list[str] | None = None) -> Room:
        """The wire form, with the ids of its active recordings."""
        return Room(
            room_id=self.room_id,
            name=self.name,
            live=self.live,
            streams=[s.to_api() for s in self.streams.values()],
            recording=recording or [],
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
