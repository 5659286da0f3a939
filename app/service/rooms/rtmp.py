"""Rooms from an nginx-rtmp server (nginx with libnginx-mod-rtmp), as a `RoomProvider`.

`RtmpRooms` reads the server's statistics page (`rtmp_stat all`, see `rtmp_stat`) every
`poll_seconds` and maps every live stream to a room and a stream of that room by its name:

| published as               | room id (prefix + room) | user      | kind   | stream id      |
| -------------------------- | ----------------------- | --------- | ------ | -------------- |
| `live/meet__alice`         | `meet`                  | `alice`   | camera | `alice`        |
| `live/meet__alice__screen` | `meet`                  | `alice`   | screen | `alice-screen` |
| `studio/meet__bob__audio`  | `meet`                  | `bob`     | audio  | `bob-audio`    |
| `live/lecture` (no match)  | `lecture`               | `lecture` | camera | `lecture`      |

The convention is `RtmpSettings.pattern`, a regular expression with the named groups `room`,
`user` and optionally `kind` (`camera`, `screen` or `audio`; camera when it is missing). A name it
does not match, or whose `kind` is none of those, is a lone publisher: a room of one named after
the stream, whose user has the same name. Streams of one room in several applications are one
room; if two applications carry the same stream id of a room, the first application (in
`applications`' order, else the page's) wins and the other is logged and left out. A stream id
depends on the name only, so a publisher that drops and comes back keeps its id, and a recording
that kept its room within `max_idle_seconds` takes it back. A stream is recorded by pulling
`{rtmp_url}/{application}/{name}`. A name is percent-decoded before it is mapped: RTMP URLs carry
non-ASCII names encoded, and nginx's stat page shows only ASCII (`%E6%95%B0%E5%AD%A6__alice` is
user alice in room `数学`).

Each poll is compared with the last one and reported as `DemoRooms` reports churn: a new room is
`room.updated` then `stream.joined` for each stream; in a known room, `stream.left` for each stream
gone, `stream.joined` for each new one, then `room.updated` (also alone when only a stream's
media changed). A room whose last stream left is no longer listed (its `room.updated` says so).

A failed poll (server unreachable, an HTTP error, a malformed page) changes no room: a recording
must not stop because one poll failed. The failure is logged once per distinct reason and shown
by `health()` (`ok` false, `error` "stat page URL: reason") until a poll succeeds again;
`checked_at` is when the last poll, good or failed, finished. Until the first poll has finished,
`health()` says ok with no `checked_at`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import get_args
from urllib.parse import unquote, urlsplit

import httpx

from app.api.models import StreamKind
from app.errors import RecDeskError
from app.service.rooms.base import (
    LiveStream,
    OnChange,
    ProviderHealth,
    RoomState,
    StreamMedia,
    describe_http_error,
    update_rooms,
)
from app.service.rooms.rtmp_stat import MAX_BYTES, StatPage, StatPageError, StatStream, parse_stat

log = logging.getLogger(__name__)

DEFAULT_PATTERN = r"^(?P<room>.+?)__(?P<user>.+?)(?:__(?P<kind>camera|screen|audio))?$"
_KINDS: dict[str, StreamKind] = {kind: kind for kind in get_args(StreamKind)}
_KIND_ORDER = {kind: i for i, kind in enumerate(_KINDS)}


class RtmpSettingsError(RecDeskError, ValueError):
    """RTMP provider settings that cannot work (a bad pattern, URL or interval)."""

    caller_fault = True


@dataclass(frozen=True)
class RtmpSettings:
    """Where the nginx-rtmp server is and how its stream names map to rooms (see the module)."""

    name: str = "rtmp"  # the provider's name in health
    stat_url: str = "http://127.0.0.1:8080/stat"
    rtmp_url: str = "rtmp://127.0.0.1:1935"  # a stream is pulled from {rtmp_url}/{app}/{name}
    applications: tuple[str, ...] = ()  # the applications whose streams are rooms; () = all
    pattern: str = DEFAULT_PATTERN  # named groups room, user, and optionally kind
    room_prefix: str = ""  # prepended to every room id (keeps ids unique across providers)
    poll_seconds: float = 1.0
    timeout: float = 2.0  # for one whole read of the stat page

    def __post_init__(self) -> None:
        if not self.name:
            raise RtmpSettingsError("rtmp: name must not be empty")
        if urlsplit(self.stat_url).scheme not in ("http", "https"):
            raise RtmpSettingsError(f"rtmp: stat_url must be http(s)://, got {self.stat_url!r}")
        if urlsplit(self.rtmp_url).scheme not in ("rtmp", "rtmps"):
            raise RtmpSettingsError(f"rtmp: rtmp_url must be rtmp(s)://, got {self.rtmp_url!r}")
        for app in self.applications:
            if not app or "/" in app:
                raise RtmpSettingsError(f"rtmp: {app!r} is not an application name")
        try:
            groups = re.compile(self.pattern).groupindex
        except re.error as exc:
            raise RtmpSettingsError(f"rtmp: pattern {self.pattern!r}: {exc}") from None
        if not {"room", "user"} <= groups.keys():
            raise RtmpSettingsError(
                f"rtmp: pattern {self.pattern!r} needs the named groups room and user"
            )
        if not (self.poll_seconds > 0 and self.timeout > 0):
            raise RtmpSettingsError("rtmp: poll_seconds and timeout must be positive")


@dataclass(frozen=True)
class StreamName:
    """Who a stream name says is publishing what, and in which room."""

    room: str
    user: str
    kind: StreamKind

    @property
    def stream_id(self) -> str:
        """Stable across reconnects: the user for a camera, `USER-KIND` otherwise."""
        return self.user if self.kind == "camera" else f"{self.user}-{self.kind}"


def map_name(name: str, pattern: re.Pattern[str]) -> StreamName:
    """The room, user and kind a stream name stands for; a lone publisher when it does not match."""
    found = pattern.fullmatch(name)
    if found is not None:
        room, user = found["room"], found["user"]
        kind = _KINDS.get(found.groupdict().get("kind") or "camera")
        if room and user and kind is not None:
            return StreamName(room, user, kind)
    return StreamName(name, name, "camera")


class RtmpRooms:
    """Rooms from an nginx-rtmp server's statistics page, polled in the background."""

    def __init__(self, settings: RtmpSettings, *, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self._pattern = re.compile(settings.pattern)
        self._client = client
        self._own_client = client is None
        self._rooms: dict[str, RoomState] = {}
        self._on_change: OnChange = lambda change: None
        self._poller: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._error: str | None = None
        self._checked_at: datetime | None = None
        self._ignored: set[str] = set()  # duplicate streams already logged

    def rooms(self) -> list[RoomState]:
        """The live rooms, by id."""
        return [self._rooms[room_id] for room_id in sorted(self._rooms)]

    def room(self, room_id: str) -> RoomState | None:
        """One live room, or None."""
        return self._rooms.get(room_id)

    def health(self) -> list[ProviderHealth]:
        """One entry: whether the last poll of the stat page worked, and if not, why."""
        return [
            ProviderHealth(
                name=self.settings.name,
                kind="rtmp",
                ok=self._error is None,
                rooms=len(self._rooms),
                error=self._error,
                checked_at=self._checked_at,
            )
        ]

    async def start(self, on_change: OnChange) -> None:
        """Start polling in the background; returns at once."""
        if self._poller is not None:
            raise RuntimeError(f"the {self.settings.name} rooms have already started")
        self._on_change = on_change
        if self._client is None:
            # The stat page is the operator's own server: proxies meant for the internet would
            # only stand in its way.
            self._client = httpx.AsyncClient(trust_env=False)
        self._poller = asyncio.create_task(self._poll_forever(), name=f"rtmp-{self.settings.name}")

    async def stop(self) -> None:
        """Stop polling, and close the HTTP client if it is ours."""
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._own_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    async def poll(self) -> None:
        """Read the stat page once and report what changed (the background loop calls this)."""
        async with self._lock:
            # The page's times count up to when it was asked for, not to when its answer came.
            asked = datetime.now(UTC)
            try:
                page = await self._read()
            except StatPageError as exc:
                self._failed(str(exc))
                return
            self._checked_at = datetime.now(UTC)
            if self._error is not None:
                log.info("%s: the stat page %s answers again", self.settings.name, self._url)
                self._error = None
            self._update(self._map(page, asked))

    @property
    def _url(self) -> str:
        return self.settings.stat_url

    async def _poll_forever(self) -> None:
        while True:
            try:
                await self.poll()
            except Exception:
                # A provider that stops polling would freeze its rooms without a word: go on.
                log.exception("%s: a poll of %s failed", self.settings.name, self._url)
            await asyncio.sleep(self.settings.poll_seconds)

    # --- reading the page -------------------------------------------------------------------------

    async def _read(self) -> StatPage:
        """The parsed page; `StatPageError` (with the URL) for every way it can fail."""
        assert self._client is not None, "start() first"
        try:
            async with asyncio.timeout(self.settings.timeout):
                body = await self._fetch(self._client)
            return await asyncio.to_thread(parse_stat, body)
        except TimeoutError:
            reason = f"no answer within {self.settings.timeout:g} s"
        except httpx.HTTPStatusError as exc:
            reason = f"HTTP {exc.response.status_code} {exc.response.reason_phrase}".rstrip()
        except httpx.HTTPError as exc:
            reason = describe_http_error(exc)
        except StatPageError as exc:
            reason = str(exc)
        raise StatPageError(f"stat page {self._url}: {reason}")

    async def _fetch(self, client: httpx.AsyncClient) -> bytes:
        async with client.stream("GET", self._url, timeout=self.settings.timeout) as response:
            response.raise_for_status()
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise StatPageError(f"the page is larger than {MAX_BYTES} bytes")
            return bytes(body)

    def _failed(self, error: str) -> None:
        self._checked_at = datetime.now(UTC)
        if error != self._error:
            log.warning("%s: %s (its rooms stay as they were)", self.settings.name, error)
        self._error = error

    # --- from the page to rooms -------------------------------------------------------------------

    def _map(self, page: StatPage, now: datetime) -> dict[str, dict[str, LiveStream]]:
        """room id → stream id → stream, for every live stream of the wanted applications."""
        wanted = self.settings.applications
        live = [(app, s) for app, s in page.live() if not wanted or app in wanted]
        if wanted:
            live.sort(key=lambda item: wanted.index(item[0]))  # stable: page order within an app
        rooms: dict[str, dict[str, LiveStream]] = {}
        for app, stat in live:
            # Non-ASCII names travel percent-encoded (nginx's stat page shows only ASCII), so a
            # room `数学课-一班` is published as `%E6%95%B0...`; the URL keeps the name nginx knows.
            name = map_name(unquote(stat.name), self._pattern)
            room_id = self.settings.room_prefix + name.room
            streams = rooms.setdefault(room_id, {})
            uri = f"{self.settings.rtmp_url.rstrip('/')}/{app}/{stat.name}"
            if name.stream_id in streams:
                if uri not in self._ignored:
                    self._ignored.add(uri)
                    log.warning(
                        "%s: %s is left out: room %s already has a stream %s (%s)",
                        self.settings.name,
                        uri,
                        room_id,
                        name.stream_id,
                        streams[name.stream_id].uri,
                    )
                continue
            streams[name.stream_id] = LiveStream(
                stream_id=name.stream_id,
                user_id=name.user,
                kind=name.kind,
                uri=uri,
                since=now - timedelta(milliseconds=stat.time_ms),
                media=_media(stat),
            )
        return {
            room_id: dict(sorted(streams.items(), key=lambda item: _stream_order(item[1])))
            for room_id, streams in rooms.items()
        }

    def _update(self, found: dict[str, dict[str, LiveStream]]) -> None:
        """Make the rooms what the page says, then report each change."""
        # Two reads of the page may disagree on a stream's start by up to a read's time.
        slack = timedelta(seconds=1 + self.settings.timeout)
        changes = update_rooms(
            self._rooms,
            found,
            name=lambda room_id: room_id.removeprefix(self.settings.room_prefix),
            keep=lambda old, new: _kept(old, new, slack),
        )
        for change in changes:
            self._on_change(change)


def _kept(old: LiveStream, new: LiveStream, slack: timedelta) -> LiveStream:
    """The stream as known before when only the clock moved, so that an idle poll changes nothing.

    Its `since` is taken from the new poll only when the publisher started again between two polls
    (the page's time went back), as computing it again each poll would make it jitter.
    """
    if new.since > old.since + slack:
        return new
    if (new.uri, new.media) == (old.uri, old.media):
        return old
    return replace(new, since=old.since)


def _media(stat: StatStream) -> StreamMedia:
    video, audio = stat.video, stat.audio
    return StreamMedia(
        codec=video.codec if video else None,
        width=video.width if video else None,
        height=video.height if video else None,
        fps=video.frame_rate if video else None,
        audio_codec=audio.codec if audio else None,
        sample_rate=audio.sample_rate if audio else None,
        channels=audio.channels if audio else None,
    )


def _stream_order(stream: LiveStream) -> tuple[str, int]:
    return stream.user_id, _KIND_ORDER[stream.kind]
