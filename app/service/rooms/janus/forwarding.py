"""RTP forwarders: the only way media leaves a Janus room for a recorder, kept as they should be.

A reader of a Janus stream (a recording, a preview) asks `Forwards.open(owner, feed)` for it and
gets the source argument its media engine opens (`forwarded:HOST?video=…&audio=…&rtcp=…`, see
`app.media.sources.forwarded`): UDP ports on this host, chosen once per reader and stream and kept
until `release`. Nothing is asked of Janus there: `reconcile`, which the provider runs after every
change and every `poll_seconds`, makes Janus's forwarders match what is wanted, statelessly:

- it lists a room's forwarders (`listforwarders`) while something of it is wanted, once more
  after, and once per Janus session for every room; those that send to `forward_host` are ours
  (so one RecDesk service per `forward_host`);
- a wanted stream whose publisher is there gets a forwarder (`rtp_forward`) to its ports, with an
  RTCP port for keyframe requests on video, once its reader listens on them
  (`listening_udp_ports`; until then the provider looks again every 50 ms, for up to 10 s); a
  publisher who left and came back (a new id) gets one again, to the same ports, so its
  recording goes on in the same files;
- a reader that opens a stream it had (a recorder started again after a crash) gets its
  forwarders made again: the RTCP port keyframe requests go to is learnt from the packets a new
  forwarder "latches" with, which an existing one sent only to the reader before;
- every forwarder of ours that nothing wants is stopped (`stop_rtp_forward`): after a recording
  ends, and after a recorder or the whole service was killed (the next reconcile after a restart
  finds them), so none is left behind in Janus.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from app.media.sources.forwarded import ForwardedSpec, ForwardedTrack
from app.service.rooms.janus.api import JanusError, JanusSession
from app.service.rooms.janus.feeds import Feed, Track
from app.service.rooms.janus.settings import JanusSettings

log = logging.getLogger(__name__)

VIDEO_PT = 96
PENDING_SECONDS = 10.0
AUDIO_PT = 111


@dataclass(frozen=True)
class _Want:
    """One reader's forward of one stream: its ports and the argument it opens."""

    owner: str
    room: int
    stream_id: str
    video: int | None
    audio: int | None
    rtcp: int | None
    argument: str
    codecs: str  # `want_key` of the feed it was made for
    since: float = field(default_factory=time.monotonic)

    @property
    def listener(self) -> int:
        """The port whose socket says the reader listens: where the forwarder latches to."""
        port = self.rtcp or self.audio
        assert port is not None
        return port


class Forwards:
    """What is wanted of Janus's forwarders, and `reconcile` to make it so (see the module)."""

    def __init__(self, settings: JanusSettings, kick: Callable[[], None]) -> None:
        self._settings = settings
        self._kick = kick  # asks for a reconcile soon (any thread)
        self._lock = threading.Lock()  # previews open streams from worker threads
        self._wants: dict[tuple[str, int, str], _Want] = {}
        self._relatch: set[tuple[str, int, str]] = set()  # wants whose forwarders are made again
        self._warned: set[str] = set()
        self.pending = False  # a reader is about to listen: reconcile again soon
        self._session: int | None = None  # the Janus session `_swept` belongs to
        self._swept: set[int] = set()  # rooms whose forwarders were looked at in this session
        self._again: set[int] = set()  # rooms with wants at the last reconcile

    def open(self, owner: str, feed: Feed) -> str:
        """The source argument `owner` opens for `feed`; the same until released."""
        key = (owner, feed.room, feed.stream_id)
        with self._lock:
            want = self._wants.get(key)
            if want is None or want.codecs != want_key(feed):
                want = self._want(owner, feed)
                self._wants[key] = want
            else:
                # A new reader of the same ports (a worker started again): it learns where
                # keyframe requests go from the packets a new forwarder latches with.
                self._relatch.add(key)
                want = self._wants[key] = replace(want, since=time.monotonic())
        self._kick()
        return want.argument

    def release(self, owner: str, stream_id: str | None = None) -> None:
        """`owner` reads `stream_id` (None: every stream) no more; its forwarders stop soon."""
        with self._lock:
            gone = [k for k in self._wants if k[0] == owner and stream_id in (None, k[2])]
            for key in gone:
                del self._wants[key]
                self._relatch.discard(key)
        if gone:
            self._kick()

    def release_all(self) -> None:
        """Nothing is wanted any more."""
        with self._lock:
            self._wants.clear()
            self._relatch.clear()

    async def reconcile(
        self, session: JanusSession, handle: int, rooms: Iterable[int], feeds: dict[str, Feed]
    ) -> None:
        """Make the forwarders of `rooms` what is wanted; `feeds` by `room/stream id`.

        A room is looked at while something of it is wanted, once more after that (to stop what
        is no longer), and once per session for any other (what a killed service left).
        """
        bound = listening_udp_ports()
        with self._lock:
            wants = list(self._wants.values())
            ready = {w.argument for w in wants if bound is None or w.listener in bound}
            # A reader made again gets new forwarders once it listens; until then, the old ones.
            relatch = {self._wants[k].argument for k in self._relatch} & ready
            self._relatch = {k for k in self._relatch if self._wants[k].argument not in ready}
            # Readers about to listen are looked at again soon; one that never does, not forever.
            now = time.monotonic()
            self.pending = any(
                w.argument not in ready and now - w.since < PENDING_SECONDS for w in wants
            )
        if session.id != self._session:
            self._session, self._swept = session.id, set()
        busy = {w.room for w in wants}
        visit = busy | self._again | (set(rooms) - self._swept)
        self._again = busy
        for room in sorted(visit):
            self._swept.add(room)
            mine = [w for w in wants if w.room == room]
            try:
                existing = await self._ours(session, handle, room)
            except JanusError as exc:
                if mine:
                    raise
                self._warn(f"room {room}: {exc}")
                continue
            desired: dict[tuple[int, int], tuple[_Want, Feed]] = {}
            for want in mine:
                feed = feeds.get(f"{room}/{want.stream_id}")
                if feed is None:
                    continue  # away: its forwarder comes back with the publisher
                for port in (want.video, want.audio):
                    if port is not None:
                        desired[(feed.publisher, port)] = (want, feed)
            have: set[tuple[int, int]] = set()
            for publisher, forwarder, port in existing:
                wanted = desired.get((publisher, port))
                if wanted is None or wanted[0].argument in relatch:
                    await self._stop(session, handle, room, publisher, forwarder)
                else:
                    have.add((publisher, port))
            todo = {
                id(w): (w, f)
                for key, (w, f) in desired.items()
                if key not in have and w.argument in ready
            }
            for want, feed in todo.values():
                await self._forward(session, handle, want, feed, have)

    # --- requests ---------------------------------------------------------------------------------

    def _auth(self, room: int) -> dict[str, Any]:
        body: dict[str, Any] = {"room": room}
        if (secret := self._settings.secret_of(room)) is not None:
            body["secret"] = secret
        if self._settings.admin_key is not None:
            body["admin_key"] = self._settings.admin_key
        return body

    async def _ours(
        self, session: JanusSession, handle: int, room: int
    ) -> list[tuple[int, int, int]]:
        """(publisher, forwarder id, port) of each forwarder of `room` to our host."""
        answer = await session.request(handle, {"request": "listforwarders", **self._auth(room)})
        found: list[tuple[int, int, int]] = []
        for entry in answer.get("publishers") or []:
            for forwarder in entry.get("forwarders") or []:
                if forwarder.get("host") == self._settings.forward_host:
                    found.append(
                        (int(entry["publisher_id"]), int(forwarder["stream_id"]), forwarder["port"])
                    )
        return found

    async def _stop(
        self, session: JanusSession, handle: int, room: int, publisher: int, forwarder: int
    ) -> None:
        body = {"request": "stop_rtp_forward", "publisher_id": publisher, "stream_id": forwarder}
        try:
            await session.request(handle, {**body, **self._auth(room)})
        except JanusError as exc:  # gone with its publisher meanwhile: nothing left to stop
            log.info("%s: room %s: %s", self._settings.name, room, exc)

    async def _forward(
        self,
        session: JanusSession,
        handle: int,
        want: _Want,
        feed: Feed,
        have: set[tuple[int, int]],
    ) -> None:
        streams: list[dict[str, Any]] = []
        video, audio = feed.video, feed.audio
        if video and want.video and (feed.publisher, want.video) not in have:
            streams.append(_stream(video, want.video, VIDEO_PT, rtcp=want.rtcp))
        if audio and want.audio and (feed.publisher, want.audio) not in have:
            streams.append(_stream(audio, want.audio, AUDIO_PT))
        body = {
            "request": "rtp_forward",
            "publisher_id": feed.publisher,
            "host": self._settings.forward_host,
            "host_family": "ipv4",
            "streams": streams,
            **self._auth(want.room),
        }
        try:
            await session.request(handle, body)
        except JanusError as exc:
            # The publisher may have left between the two requests; the next reconcile sees.
            self._warn(f"room {want.room}: cannot forward {want.stream_id}: {exc}")
            return
        for port in (want.video, want.audio):
            if port is not None:
                have.add((feed.publisher, port))

    def _warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            log.warning("%s: %s", self._settings.name, message)

    # --- ports ------------------------------------------------------------------------------------

    def _want(self, owner: str, feed: Feed) -> _Want:
        taken = {p for w in self._wants.values() for p in (w.video, w.audio, w.rtcp) if p}
        video = audio = rtcp = None
        if feed.video is not None:
            video, rtcp = self._port(taken), self._port(taken)
        if feed.audio is not None:
            audio = self._port(taken)
        spec = ForwardedSpec(
            host=self._settings.listen_host,
            video=None if video is None else ForwardedTrack(video, _codec(feed.video), VIDEO_PT),
            audio=None if audio is None else ForwardedTrack(audio, _codec(feed.audio), AUDIO_PT),
            rtcp=rtcp,
        )
        argument = spec.to_argument()
        return _Want(owner, feed.room, feed.stream_id, video, audio, rtcp, argument, want_key(feed))

    def _port(self, taken: set[int]) -> int:
        """A UDP port free on the listening address now (its reader binds it next)."""
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.bind((self._settings.listen_host, 0))
                port = int(sock.getsockname()[1])
            if port not in taken:
                taken.add(port)
                return port


def listening_udp_ports() -> set[int] | None:
    """The local UDP ports a socket is bound to now (Linux: /proc/net/udp); None: cannot tell.

    A forwarder is made only once its reader listens: Janus sends the packets that tell the
    reader where keyframe requests go just once, as the forwarder starts. Read, not probed by
    binding, which would take the port from a reader binding it at that moment.
    """
    ports: set[int] = set()
    try:
        for table in ("/proc/net/udp", "/proc/net/udp6"):
            with open(table) as lines:
                next(lines, None)
                for line in lines:
                    local = line.split()[1]
                    ports.add(int(local.rsplit(":", 1)[1], 16))
    except (OSError, ValueError, IndexError):
        return None
    return ports


def _stream(track: Track, port: int, pt: int, *, rtcp: int | None = None) -> dict[str, Any]:
    stream: dict[str, Any] = {"mid": track.mid, "port": port, "pt": pt}
    if rtcp is not None:
        stream["rtcp_port"] = rtcp
    if track.simulcast:
        stream["simulcast"] = True  # one layer, the best the publisher sends, as a viewer gets
    return stream


def _codec(track: Track | None) -> str:
    assert track is not None
    return track.codec


def want_key(feed: Feed) -> str:
    """What must stay the same for a reader to go on with its ports: the media and codecs."""
    return "|".join("" if t is None else t.codec for t in (feed.video, feed.audio))
