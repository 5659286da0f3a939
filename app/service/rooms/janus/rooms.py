"""Rooms of a Janus server's VideoRoom plugin, as a `RoomProvider`.

```
every poll_seconds: list ─▶ new room: a listening participant joins it ─▶ its publishers (events)
                         ─▶ gone room: its streams left                 ─▶ feeds ─▶ rooms, streams
after every change and every poll: the forwarders made what is wanted (`forwarding`)
```

`JanusRooms` keeps one Janus session. It reads the room list (`list`) every `poll_seconds`, and in
each room it records (`settings.rooms`, or all that are listed) a participant of its own joins
without publishing, as a recorder that watches the room would: Janus then tells it of every
publisher, its streams and their codecs at once (`joined`, `publishers`, `unpublished`,
`leaving`), by a long poll, so joins and leaves reach the service within a round trip. Each
publisher becomes streams by `feeds` (camera with its sound, screen, sound only), and the rooms
are updated as the RTMP rooms are (`update_rooms`): the same events, in the same order.

A room's id is `room_prefix` + Janus's number; its name is Janus's description. A stream's `uri`
(`janus:ROOM/STREAM`) only names it: readers open it through its `forwarding`, which asks Janus
for an RTP forwarder to a port of their own (`forwarding.Forwards`).

Janus unreachable, or a session it forgot (a restart): the rooms stay as they were, health says
why (`ok` false, the error), and the next poll starts a new session and joins the rooms again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import httpx

from app.service.rooms.base import (
    LiveStream,
    OnChange,
    ProviderHealth,
    RoomState,
    StreamMedia,
    update_rooms,
)
from app.service.rooms.janus.api import JanusError, JanusSession, SessionGone
from app.service.rooms.janus.feeds import Feed, feeds_of
from app.service.rooms.janus.forwarding import Forwards
from app.service.rooms.janus.settings import JanusSettings

log = logging.getLogger(__name__)

DISPLAY = "RecDesk"  # the listening participant's name in each room


class _Forwarding:
    """The `Forwarding` of one provider's streams: by the feed the stream stands for."""

    def __init__(self, rooms: JanusRooms) -> None:
        self._rooms = rooms

    def open(self, owner: str, stream: LiveStream) -> str:
        return self._rooms.forwards.open(owner, self._rooms.feed(stream.uri))

    def release(self, owner: str, stream_id: str | None = None) -> None:
        self._rooms.forwards.release(owner, stream_id)


class JanusRooms:
    """Rooms of a Janus VideoRoom (see the module)."""

    def __init__(self, settings: JanusSettings, *, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self._client = client
        self._own_client = client is None
        self._rooms: dict[str, RoomState] = {}
        self._names: dict[int, str] = {}  # room number → description
        self._publishers: dict[int, dict[int, dict[str, Any]]] = {}  # room → publisher → entry
        self._feeds: dict[str, Feed] = {}  # "ROOM/STREAM" → feed
        self._known: dict[str, Feed] = {}  # the same, the last of each stream ever seen
        self._handles: dict[int, int] = {}  # listening handle → room number
        self._control: int | None = None  # the handle for synchronous requests
        self._session: JanusSession | None = None
        self._on_change: OnChange = lambda change: None
        self._jobs: list[asyncio.Task[None]] = []
        self._kicked = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: str | None = None
        self._checked_at: datetime | None = None
        self._forwarding = _Forwarding(self)
        self.forwards = Forwards(settings, self._kick)

    # --- RoomProvider -----------------------------------------------------------------------------

    def rooms(self) -> list[RoomState]:
        """The live rooms, by id."""
        return [self._rooms[room_id] for room_id in sorted(self._rooms)]

    def room(self, room_id: str) -> RoomState | None:
        """One live room, or None."""
        return self._rooms.get(room_id)

    def health(self) -> list[ProviderHealth]:
        """One entry: whether Janus answers, and if not, why."""
        return [
            ProviderHealth(
                name=self.settings.name,
                kind="janus",
                ok=self._error is None,
                rooms=len(self._rooms),
                error=self._error,
                checked_at=self._checked_at,
            )
        ]

    async def start(self, on_change: OnChange) -> None:
        """Start following Janus in the background; returns at once."""
        if self._jobs:
            raise RuntimeError(f"the {self.settings.name} rooms have already started")
        self._on_change = on_change
        self._loop = asyncio.get_running_loop()
        if self._client is None:
            self._client = httpx.AsyncClient(trust_env=False)
        name = f"janus-{self.settings.name}"
        self._jobs = [
            asyncio.create_task(self._poll_forever(), name=name),
            asyncio.create_task(self._listen_forever(), name=f"{name}-events"),
        ]

    async def stop(self) -> None:
        """Stop following; our forwarders are stopped and the session closed first."""
        for job in self._jobs:
            job.cancel()
        await asyncio.gather(*self._jobs, return_exceptions=True)
        if self._session is not None:
            # Nothing reads them now: the next start forwards again what its recordings want.
            self.forwards.release_all()
            await self._reconcile_quietly()
            await self._session.destroy()
            self._session = None
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    def feed(self, uri: str) -> Feed:
        """The feed a stream's `uri` names: as it is now, or as it was when last published."""
        return self._known[uri.removeprefix("janus:")]

    # --- the loops --------------------------------------------------------------------------------

    async def poll(self) -> None:
        """Read the room list, join new rooms, and make the forwarders what is wanted."""
        try:
            session = await self._open()
            assert self._control is not None
            await self._follow_rooms(session, self._control)
            await self.forwards.reconcile(session, self._control, self._names, self._feeds)
        except SessionGone as exc:
            self._failed(str(exc))
            self._forget_session()
            return
        except JanusError as exc:
            self._failed(str(exc))
            return
        self._checked_at = datetime.now(UTC)
        if self._error is not None:
            log.info("%s: Janus answers again", self.settings.name)
            self._error = None

    async def _poll_forever(self) -> None:
        while True:
            self._kicked.clear()
            try:
                await self.poll()
            except Exception:
                log.exception("%s: a poll of Janus failed", self.settings.name)
            wait = 0.05 if self.forwards.pending else self.settings.poll_seconds
            try:
                async with asyncio.timeout(wait):
                    await self._kicked.wait()
            except TimeoutError:
                pass

    async def _listen_forever(self) -> None:
        while True:
            session = self._session
            if session is None or session.id is None:
                await asyncio.sleep(0.1)
                continue
            try:
                events = await session.events()
            except SessionGone as exc:
                self._failed(str(exc))
                if session is self._session:
                    self._forget_session()
                continue
            except JanusError as exc:
                self._failed(str(exc))
                await asyncio.sleep(min(1.0, self.settings.poll_seconds))
                continue
            for event in events:
                self._event(event)

    def _kick(self) -> None:
        """A reconcile soon (any thread)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._kicked.set)

    # --- the session and its rooms ----------------------------------------------------------------

    async def _open(self) -> JanusSession:
        if self._session is not None and self._control is not None:
            return self._session
        assert self._client is not None, "start() first"
        session = JanusSession(self._client, self.settings.api_url, timeout=self.settings.timeout)
        await session.create()
        try:
            self._control = await session.attach()
        except JanusError:
            await session.destroy()
            raise
        self._session = session
        self._handles.clear()
        return session

    def _forget_session(self) -> None:
        self._session = None
        self._control = None
        self._handles.clear()

    async def _follow_rooms(self, session: JanusSession, control: int) -> None:
        body: dict[str, Any] = {"request": "list"}
        if self.settings.admin_key is not None:
            body["admin_key"] = self.settings.admin_key
        answer = await session.request(control, body)
        listed = {
            int(entry["room"]): str(entry.get("description") or entry["room"])
            for entry in answer.get("list") or []
            if isinstance(entry.get("room"), int) and self.settings.wanted(int(entry["room"]))
        }
        for room in sorted(set(self._names) - set(listed)):
            self._room_gone(room)
        self._names.update(listed)
        joined = set(self._handles.values())
        for room in sorted(set(listed) - joined):
            handle = await session.attach()
            self._handles[handle] = room
            join = {"request": "join", "ptype": "publisher", "room": room, "display": DISPLAY}
            await session.send(handle, join)

    def _room_gone(self, room: int) -> None:
        self._names.pop(room, None)
        self._publishers.pop(room, None)
        for handle in [h for h, r in self._handles.items() if r == room]:
            del self._handles[handle]
        self._publish()

    def _event(self, event: dict[str, Any]) -> None:
        room = self._handles.get(event.get("sender", 0))
        data = event.get("plugindata", {}).get("data", {})
        if room is None or not isinstance(data, dict):
            return
        kind = data.get("videoroom")
        publishers = self._publishers.setdefault(room, {})
        if kind == "joined":
            publishers.clear()
        if kind == "destroyed":
            self._room_gone(room)
            return
        for entry in data.get("publishers") or []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), int):
                publishers[entry["id"]] = entry
        for key in ("unpublished", "leaving", "kicked"):
            if isinstance(data.get(key), int):
                publishers.pop(data[key], None)
        if "error" in data:
            log.warning("%s: room %s: %s", self.settings.name, room, data["error"])
        self._publish()
        self._kick()

    def _publish(self) -> None:
        """The rooms as the publishers now make them; each change reported."""
        feeds: dict[str, Feed] = {}
        found: dict[str, dict[str, LiveStream]] = {}
        for room, publishers in sorted(self._publishers.items()):
            if room not in self._names:
                continue
            streams: dict[str, LiveStream] = {}
            order = {"camera": 0, "screen": 1, "audio": 2}
            every = sorted(
                feeds_of(room, publishers), key=lambda f: (f.user_id.casefold(), order[f.kind])
            )
            for feed in every:
                feeds[f"{room}/{feed.stream_id}"] = feed
                streams[feed.stream_id] = self._stream(feed)
            if streams:
                found[self.settings.room_prefix + str(room)] = streams
        self._feeds = feeds
        self._known.update(feeds)
        changes = update_rooms(
            self._rooms,
            found,
            name=lambda room_id: self._names.get(
                int(room_id.removeprefix(self.settings.room_prefix)), room_id
            ),
            keep=_keep_since,
        )
        for change in changes:
            self._on_change(change)

    def _stream(self, feed: Feed) -> LiveStream:
        return LiveStream(
            stream_id=feed.stream_id,
            user_id=feed.user_id,
            kind=feed.kind,
            uri=f"janus:{feed.room}/{feed.stream_id}",
            since=datetime.now(UTC),
            media=StreamMedia(
                codec=None if feed.video is None else feed.video.codec,
                audio_codec=None if feed.audio is None else feed.audio.codec,
                sample_rate=None if feed.audio is None else 48000,
                channels=None if feed.audio is None else 2,
            ),
            forwarding=self._forwarding,
        )

    async def _reconcile_quietly(self) -> None:
        if self._session is None or self._control is None:
            return
        try:
            await self.forwards.reconcile(self._session, self._control, self._names, self._feeds)
        except JanusError as exc:
            log.warning("%s: forwarders left in Janus: %s", self.settings.name, exc)

    def _failed(self, error: str) -> None:
        self._checked_at = datetime.now(UTC)
        if error != self._error:
            log.warning("%s: %s (its rooms stay as they were)", self.settings.name, error)
        self._error = error


def _keep_since(old: LiveStream, new: LiveStream) -> LiveStream:
    """The stream as known before while it is the same, so that `since` stays when it joined."""
    same = (old.uri, old.kind, old.media, old.user_id) == (
        new.uri,
        new.kind,
        new.media,
        new.user_id,
    )
    return old if same else new
