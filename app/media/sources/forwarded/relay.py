"""The relay: one thread between the SFU's RTP and FFmpeg's SDP demuxer, for a source's whole life.

```
SFU ──RTP──▶ HOST:video/audio ──┬─ unchanged ─────────▶ 127.0.0.1:P   (FFmpeg's RTP port)
                                └─ Sender Reports ────▶ 127.0.0.1:P+1 (its RTCP port)
SFU ◀──PLI── HOST:rtcp ◀── latch (the SFU's address: the source of the latest datagram)
```

- **Connections.** Each FFmpeg connection (`attach`) has ports of its own; the relay forwards to the
  latest one. Until FFmpeg's sockets are open (an empty RR sent to its RTCP port stops bouncing
  with "port unreachable") and between connections, packets are held, up to `HOLD_SECONDS`, and then
  delivered in order: the first keyframe after a (re)open is not lost to the race with FFmpeg.
- **A new stream** (a new SSRC, or a jump in sequence numbers: the publisher came back through a new
  forwarder) ends the connection with an RTCP BYE on every stream, so the owner reopens FFmpeg,
  whose reorder queue cannot follow a restart of the sequence numbers.
- **Keyframe requests (PLI)** go to the SFU when a connection opens, on `want_keyframe()`, when a
  new video stream starts, and when video packets are lost (a gap no reordered packet fills within
  `loss_wait`, 0.1 s by default). They are rate-limited to one per `pli_interval` (0.3 s by
  default: about the round trip of a request through a browser encoder, so a second one would only
  ask for the same keyframe again); a request within the interval is sent when it ends, never
  dropped. A PLI names the latest video SSRC, so none leaves before the first video packet (which
  asks for one itself); none without an `rtcp` port, nor before the SFU has latched.
- **A/V sync.** The SFU sends no Sender Reports, so FFmpeg would align the media by their first
  packets. The relay makes its own from each stream's arrival-time mapping (`streams`): one before
  each stream's first packet in a connection, then every `report_interval`. FFmpeg maps every
  stream's timestamps through them onto the time of the first report it read (`rtpdec.c`
  `finalize_packet`; `rtsp.c` shares `first_rtcp_ntp_time` among streams), so the streams line up
  as they arrived. A datagram's arrival is when the kernel received it (`SO_TIMESTAMPNS`, Linux),
  not when this thread read it: the thread shares the interpreter with decoding and mixing, and a
  first packet read late would shift that stream for the whole recording.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import math
import select
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from app.media.errors import SourceError
from app.media.sources.forwarded import rtp
from app.media.sources.forwarded.spec import ForwardedSpec, Medium
from app.media.sources.forwarded.streams import InboundStream

log = logging.getLogger(__name__)

PLI_INTERVAL = 0.3
LOSS_WAIT = 0.1
REPORT_INTERVAL = 1.0
HOLD_SECONDS = 3.0
HOLD_PACKETS = 4096
_PROBE_INTERVAL = 0.005
_IDLE_WAIT = 0.25
_RECEIVE_BUFFER = 4 << 20
_LOOPBACK = "127.0.0.1"
# <asm-generic/socket.h>: SO_TIMESTAMPNS (also its control message's type), which Python does not
# name; a platform that refuses it gets read times instead.
_SO_TIMESTAMPNS = 35
_TIMESPEC = struct.Struct("@ll")
_CONTROL_SIZE = socket.CMSG_SPACE(_TIMESPEC.size) if hasattr(socket, "CMSG_SPACE") else 0


@dataclass
class RelayStats:
    """What the relay has seen and done; plain counters, read from any thread."""

    received: int = 0  # RTP packets of the expected payload types, video and audio
    lost: int = 0  # video packets never received
    plis: int = 0  # keyframe requests sent to the SFU
    restarts: int = 0  # new streams after the first (the publisher came back)
    reports: int = 0  # Sender Reports sent to FFmpeg


@dataclass
class _Attachment:
    """One FFmpeg connection: its RTP ports (RTCP is the next one) and what it was sent."""

    generation: int
    ports: dict[Medium, int]
    probes: dict[Medium, socket.socket]
    probed: set[Medium] = field(default_factory=set)
    reported: set[tuple[Medium, int]] = field(default_factory=set)
    delivered: set[Medium] = field(default_factory=set)
    next_report: float = 0.0

    @property
    def open(self) -> bool:
        """Whether FFmpeg's sockets are all open."""
        return not self.probes


class Relay:
    """Forwards a forwarded source's RTP to its FFmpeg connections; see the module docstring."""

    def __init__(
        self,
        spec: ForwardedSpec,
        *,
        pli_interval: float = PLI_INTERVAL,
        loss_wait: float = LOSS_WAIT,
        report_interval: float = REPORT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stats = RelayStats()
        self._spec = spec
        self._pli_interval = pli_interval
        self._report_interval = report_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._streams = {
            medium: InboundStream(
                track.clock_rate, loss_wait=loss_wait, track_loss=medium == "video"
            )
            for medium, track in spec.tracks.items()
        }
        self._attachment: _Attachment | None = None
        self._generation = 0
        self._held: deque[tuple[float, Medium, int, bytes]] = deque()
        self._sfu: tuple[str, int] | None = None
        self._pli_wanted = False
        self._pli_last = -math.inf
        self._closed = False
        self._sockets: list[socket.socket] = []
        try:
            self._media = {self._bind(track.port): m for m, track in spec.tracks.items()}
            self._stamped = {sock for sock in self._media if _stamp_arrivals(sock)}
            self._feedback = self._bind(spec.rtcp) if spec.rtcp is not None else None
            self._out = self._socket(socket.AF_INET, (_LOOPBACK, 0))
            self._wake_in, self._wake_out = socket.socketpair()
            self._sockets += [self._wake_in, self._wake_out]
            self._wake_in.setblocking(False)
            self._wake_out.setblocking(False)
        except BaseException:
            self._close_sockets()
            raise
        self._thread = threading.Thread(target=self._run, name="forwarded-relay", daemon=True)
        self._thread.start()

    def _bind(self, port: int) -> socket.socket:
        family = socket.AF_INET6 if ":" in self._spec.host else socket.AF_INET
        try:
            return self._socket(family, (self._spec.host, port))
        except OSError as exc:
            raise SourceError(
                f"cannot listen for forwarded RTP on {self._spec.host} port {port}: "
                f"{exc.strerror or exc}"
            ) from exc

    def _socket(self, family: int, address: tuple[str, int]) -> socket.socket:
        sock = socket.socket(family, socket.SOCK_DGRAM)
        self._sockets.append(sock)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RECEIVE_BUFFER)
        sock.bind(address)
        sock.setblocking(False)
        return sock

    # Any thread.

    def attach(self, ports: dict[Medium, int]) -> int:
        """Forward to a new FFmpeg connection listening on `ports`; returns its generation."""
        probes = {}
        for medium, port in ports.items():
            probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            probe.setblocking(False)
            probe.connect((_LOOPBACK, port + 1))
            probes[medium] = probe
        with self._lock:
            self._drop_attachment()
            self._generation += 1
            self._attachment = _Attachment(self._generation, dict(ports), probes)
            self._want_pli()
        self._wake()
        return self._generation

    def detach(self, generation: int) -> None:
        """Stop forwarding to connection `generation` (if it is still the current one)."""
        with self._lock:
            if self._attachment is not None and self._attachment.generation == generation:
                self._drop_attachment()

    def end_connection(self) -> None:
        """End the current connection's reads (an RTCP BYE on every stream) and stop forwarding."""
        with self._lock:
            self._end_connection()

    def want_keyframe(self) -> None:
        """Ask the SFU for a keyframe (rate-limited; see the module docstring)."""
        with self._lock:
            self._want_pli()
        self._wake()

    def close(self) -> None:
        """Stop the thread and release every socket; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._drop_attachment()
        self._wake()
        self._thread.join(5)
        self._close_sockets()

    # The relay thread; everything below runs with the lock held.

    def _run(self) -> None:
        readable = [*self._media, self._wake_in]
        if self._feedback is not None:
            readable.append(self._feedback)
        try:
            while True:
                with self._lock:
                    if self._closed:
                        return
                    timeout = self._timers(self._clock())
                ready, _, _ = select.select(readable, [], [], timeout)
                with self._lock:
                    if self._closed:
                        return
                    for sock in ready:
                        self._drain(sock)
        except Exception:  # the reads then time out, and the owner reports the source lost
            log.exception("the forwarded RTP relay of %s failed", self._spec.to_argument())

    def _drain(self, sock: socket.socket) -> None:
        stamped = sock in self._stamped
        while True:
            try:
                if stamped:
                    data, control, _, address = sock.recvmsg(65536, _CONTROL_SIZE)
                else:
                    data, address = sock.recvfrom(65536)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # an ICMP error queued on the socket; nothing to read
                return
            if sock is self._wake_in:
                continue
            if sock is self._feedback:
                self._sfu = (address[0], address[1])  # the latest datagram's sender wins
                continue
            wall = _arrival(control) if stamped else None
            self._receive(self._media[sock], data, time.time() if wall is None else wall)

    def _receive(self, medium: Medium, data: bytes, wall: float) -> None:
        header = rtp.read_header(data)
        if header is None or header.payload_type != self._spec.tracks[medium].payload_type:
            return
        now = self._clock()
        stream = self._streams[medium]
        verdict = stream.receive(header, wall, now)
        if verdict == "stale":
            return
        self.stats.received += 1
        if verdict != "same":
            self._new_stream(medium, verdict == "new")
        attachment = self._attachment
        if attachment is not None and attachment.open:
            self._deliver(attachment, medium, header.ssrc, data)
        else:
            self._held.append((now, medium, header.ssrc, data))
            self._trim_held(now)

    def _new_stream(self, medium: Medium, restart: bool) -> None:
        if medium == "video":
            self._want_pli()
        if not restart:
            return
        self.stats.restarts += 1
        self._held = deque(h for h in self._held if h[1] != medium)  # the old stream's
        if self._attachment is not None and medium in self._attachment.delivered:
            log.info("%s: a new %s stream; restarting FFmpeg", self._spec.to_argument(), medium)
            self._end_connection()

    def _deliver(self, attachment: _Attachment, medium: Medium, ssrc: int, data: bytes) -> None:
        port = attachment.ports[medium]
        if (medium, ssrc) not in attachment.reported:
            attachment.reported.add((medium, ssrc))
            self._report(medium, port + 1)
        attachment.delivered.add(medium)
        self._send(data, port)

    def _report(self, medium: Medium, port: int) -> None:
        stream = self._streams[medium]
        if stream.ssrc is None:
            return
        timestamp, wall = stream.report()
        self._send(rtp.sender_report(stream.ssrc, wall, timestamp), port)
        self.stats.reports += 1

    def _send(self, data: bytes, port: int) -> None:
        with contextlib.suppress(OSError):  # FFmpeg's socket is gone (a connection replaced)
            self._out.sendto(data, (_LOOPBACK, port))

    def _timers(self, now: float) -> float:
        """Do what is due; return how long the thread may wait for a datagram."""
        waits = [_IDLE_WAIT]
        attachment = self._attachment
        if attachment is not None and not attachment.open:
            self._probe(attachment, now)
            waits.append(_PROBE_INTERVAL)
        if attachment is not None and attachment.open:
            if now >= attachment.next_report:
                for medium in attachment.delivered:
                    self._report(medium, attachment.ports[medium] + 1)
                attachment.next_report = now + self._report_interval
            waits.append(attachment.next_report - now)
        video = self._streams.get("video")
        if video is not None:
            lost = video.expire(now)
            if lost:
                self.stats.lost += lost
                self._want_pli()
            deadline = video.next_deadline()
            if deadline is not None:
                waits.append(deadline - now)
        if self._pli_wanted and self._sfu is not None and video and video.ssrc is not None:
            due = self._pli_last + self._pli_interval
            if now >= due:
                self._send_pli(now, video.ssrc)
            else:
                waits.append(due - now)
        self._trim_held(now)
        return max(0.0, min(waits))

    def _probe(self, attachment: _Attachment, now: float) -> None:
        """See which of FFmpeg's RTCP ports are open; deliver what was held once all are."""
        for medium, probe in list(attachment.probes.items()):
            refused = probe.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == errno.ECONNREFUSED
            if medium in attachment.probed and not refused:
                probe.close()
                del attachment.probes[medium]
                continue
            with contextlib.suppress(OSError):  # refused: the answer the next probe reads
                probe.send(rtp.receiver_report())
            attachment.probed.add(medium)
        if attachment.open:
            attachment.next_report = now + self._report_interval
            held, self._held = self._held, deque()
            for _, medium, ssrc, data in held:
                if self._streams[medium].ssrc == ssrc:
                    self._deliver(attachment, medium, ssrc, data)

    def _want_pli(self) -> None:
        if self._feedback is not None:
            self._pli_wanted = True

    def _send_pli(self, now: float, ssrc: int) -> None:
        assert self._feedback is not None
        assert self._sfu is not None
        try:
            self._feedback.sendto(rtp.pli(ssrc), self._sfu)
        except OSError as exc:
            log.info("keyframe request to %s failed: %s", self._sfu, exc)
        self.stats.plis += 1
        self._pli_wanted = False
        self._pli_last = now

    def _trim_held(self, now: float) -> None:
        while self._held and (
            len(self._held) > HOLD_PACKETS or self._held[0][0] < now - HOLD_SECONDS
        ):
            self._held.popleft()

    def _end_connection(self) -> None:
        attachment = self._attachment
        if attachment is None:
            return
        for medium, port in attachment.ports.items():
            self._send(rtp.bye(self._streams[medium].ssrc or rtp.RELAY_SSRC), port + 1)
        self._drop_attachment()

    def _drop_attachment(self) -> None:
        if self._attachment is not None:
            for probe in self._attachment.probes.values():
                probe.close()
            self._attachment = None

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # closed, or enough wake-ups are pending
            self._wake_out.send(b"\0")

    def _close_sockets(self) -> None:
        for sock in self._sockets:
            sock.close()
        self._sockets.clear()


def _stamp_arrivals(sock: socket.socket) -> bool:
    """Ask the kernel to stamp each datagram with its receive time; whether it will."""
    if sys.platform != "linux" or not _CONTROL_SIZE:
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
    except OSError:
        return False
    return True


def _arrival(control: list[tuple[int, int, bytes]]) -> float | None:
    """The kernel's receive time (Unix time) among a datagram's control messages."""
    for level, kind, data in control:
        if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS and len(data) >= _TIMESPEC.size:
            seconds, nanoseconds = _TIMESPEC.unpack_from(data)
            return float(seconds + nanoseconds / 1e9)
    return None
