"""One FFmpeg connection of a forwarded source: an SDP on fresh loopback ports, opened with PyAV.

FFmpeg's SDP demuxer listens on the ports the SDP names (RTP on P, RTCP on P+1, for each medium);
the relay forwards to them. The video's size is known only from its first keyframe, so the relay
asks the SFU for one as the connection opens, and probing stops as soon as every stream has its
parameters (`fpsprobesize` 0: no waiting to count frames) or after `ANALYZE_SECONDS` of media.

FFmpeg times the streams by the relay's Sender Reports, which map each stream's timestamps onto
the wall clock as its packets arrived; it keeps where its timestamps' zero falls on that clock,
and the connection says so (`wall_clock_origin`), so a live mix places each participant when its
media arrived here, not when FFmpeg let go of its first packet after opening.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Callable, Iterator, Sequence

import av
import av.container
import av.stream

from app.media.errors import SourceError, reason
from app.media.events import Event
from app.media.sources.base import SourceSpec
from app.media.sources.container import ContainerSource
from app.media.sources.forwarded.relay import LOSS_WAIT, Relay
from app.media.sources.forwarded.spec import ForwardedSpec, Medium

ANALYZE_SECONDS = 1.0
MAX_FRAME_RATE = 240.0  # a guess above this is the RTP clock, not a frame rate
_MAX_HELD = 50  # packets held while the first frames' times are worked out
REORDER_PACKETS = 500

_ENCODINGS = {"vp8": "VP8/90000", "vp9": "VP9/90000", "h264": "H264/90000", "opus": "opus/48000/2"}
_OPTIONS = {
    "protocol_whitelist": "file,udp,rtp,crypto,data",
    "reorder_queue_size": str(REORDER_PACKETS),
    # How long FFmpeg waits for a reordered packet: as long as the relay waits before it calls the
    # packet lost and asks for a keyframe.
    "max_delay": str(round(LOSS_WAIT * 1_000_000)),
    "analyzeduration": str(round(ANALYZE_SECONDS * 1_000_000)),
    "fpsprobesize": "0",
}


def session_description(spec: ForwardedSpec, ports: dict[Medium, int]) -> str:
    """The SDP that makes FFmpeg listen for each medium on `ports` (RTP; RTCP on the next port)."""
    lines = ["v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=RecDesk", "c=IN IP4 127.0.0.1", "t=0 0"]
    for medium, track in spec.tracks.items():
        pt = track.payload_type
        lines += [
            f"m={medium} {ports[medium]} RTP/AVP {pt}",
            f"a=rtpmap:{pt} {_ENCODINGS[track.codec]}",
        ]
        if track.codec == "h264":
            lines.append(f"a=fmtp:{pt} packetization-mode=1")
    return "\r\n".join(lines) + "\r\n"


def free_port_pair() -> int:
    """An even local UDP port P with P and P+1 free, as FFmpeg wants for RTP and RTCP."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as first:
            first.bind(("0.0.0.0", 0))
            port = int(first.getsockname()[1]) & ~1
        try:
            with (
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rtp,
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rtcp,
            ):
                rtp.bind(("0.0.0.0", port))
                rtcp.bind(("0.0.0.0", port + 1))
        except OSError:
            continue
        return port
    raise SourceError("no free pair of local UDP ports for FFmpeg")


class IncompleteOpen(SourceError):
    """An open to try again: FFmpeg's ports were taken meanwhile, or a stream's parameters did not
    come in its analysis (no keyframe yet)."""


def open_connection(
    spec: SourceSpec, forwarded: ForwardedSpec, relay: Relay, timeout: float, read_timeout: float
) -> Connection:
    """Open FFmpeg on fresh ports and point the relay at them; `SourceError` if it cannot start.

    `timeout` bounds the open (it waits for the first keyframe), `read_timeout` each read.
    """
    ports = {medium: free_port_pair() for medium in forwarded.tracks}
    generation = relay.attach(ports)
    try:
        container = av.open(
            io.BytesIO(session_description(forwarded, ports).encode()),
            format="sdp",
            options=dict(_OPTIONS),
            timeout=(timeout, read_timeout),
        )
    except av.error.InvalidDataError as exc:
        # The SDP is ours and well-formed: FFmpeg says this when it could not bind a port, which
        # something else took between `free_port_pair` and now. New ports are tried.
        relay.detach(generation)
        raise IncompleteOpen(
            f"cannot open {spec}: FFmpeg could not listen ({reason(exc)})"
        ) from exc
    except av.FFmpegError as exc:
        relay.detach(generation)
        raise SourceError(f"cannot open {spec}: {reason(exc)}") from exc
    except (OSError, ValueError) as exc:
        relay.detach(generation)
        raise SourceError(f"cannot open {spec}: {exc}") from exc
    missing = _missing(container)
    if missing:
        container.close()
        relay.detach(generation)
        raise IncompleteOpen(f"cannot open {spec}: {missing}")
    return Connection(ContainerSource(container, spec, read_timeout), relay, generation, container)


def _missing(container: av.container.InputContainer) -> str:
    """What the opened streams still lack, in words; empty when they can be recorded."""
    for stream in container.streams:
        if stream.type == "video" and not stream.codec_context.width:
            return "no video keyframe came while it opened"
        if stream.type == "audio" and not stream.codec_context.sample_rate:
            return "no audio came while it opened"
    return ""


class Connection:
    """An FFmpeg connection the relay forwards to, until its packets end."""

    def __init__(
        self,
        demuxed: ContainerSource,
        relay: Relay,
        generation: int,
        container: av.container.InputContainer,
    ) -> None:
        self._demuxed = demuxed
        self._relay = relay
        self._generation = generation
        self._container = container

    @property
    def wall_clock_origin(self) -> float | None:
        """The wall-clock time of timestamp 0 of this connection's packets, by the relay's Sender
        Reports (FFmpeg's `start_time_realtime`); None before it has read one."""
        realtime = self._container.start_time_realtime
        return None if realtime is None else float(realtime) / 1_000_000

    @property
    def streams(self) -> Sequence[av.stream.Stream]:
        """The demuxed streams, video first."""
        return self._demuxed.streams

    @property
    def live(self) -> bool:
        """Always live."""
        return True

    @property
    def label(self) -> str:
        """The source argument."""
        return self._demuxed.label

    def packets(self) -> Iterator[av.Packet]:
        """FFmpeg's packets; when they end, the relay holds what comes until the next connection."""
        try:
            packets = _timed(self._demuxed.packets())
            if any(s.codec_context.name == "vp9" for s in self.streams):
                packets = _vp9_keyframes_marked(packets)
            yield from packets
        finally:
            self._relay.detach(self._generation)

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        """FFmpeg's guess where plausible (with no frames counted, it guesses the RTP clock)."""
        rate = self._demuxed.frame_rate(stream)
        return rate if rate is not None and rate <= MAX_FRAME_RATE else None

    def watch(self, listener: Callable[[Event], None]) -> None:
        """A single connection reports nothing."""

    def want_keyframe(self) -> None:
        """Ask the SFU for a keyframe."""
        self._relay.want_keyframe()

    def interrupt(self) -> None:
        """End the reads."""
        self._relay.end_connection()

    def close(self) -> None:
        """Close FFmpeg's side; the relay stays with the owner."""
        self._relay.detach(self._generation)
        self._demuxed.close()


def _timed(packets: Iterator[av.Packet]) -> Iterator[av.Packet]:
    """The packets, with times for the untimed video packets that may lead them.

    FFmpeg's H.264 depacketizer and parser give the first access unit (the keyframe a recording
    starts on) no timestamps. It gets the time the next two frames' spacing puts before them;
    everything after it passes untouched.
    """
    held: list[av.Packet] = []
    timed: list[int] = []
    for packet in packets:
        video = packet.stream.type == "video"
        if not held:
            if not video:
                yield packet
                continue
            if packet.pts is not None or packet.dts is not None:
                yield packet
                break
        held.append(packet)
        if video and packet.pts is not None:
            timed.append(packet.pts)
        if len(timed) == 2 or len(held) > _MAX_HELD:
            break
    _fill_times(held, timed)
    yield from held
    yield from packets


def _fill_times(held: list[av.Packet], timed: list[int]) -> None:
    untimed = [p for p in held if p.stream.type == "video" and p.pts is None and p.dts is None]
    if len(timed) < 2:
        return
    step = max(1, timed[1] - timed[0])
    for back, packet in enumerate(reversed(untimed), start=1):
        packet.pts = packet.dts = timed[0] - back * step


def _vp9_keyframes_marked(packets: Iterator[av.Packet]) -> Iterator[av.Packet]:
    """The packets, VP9 keyframes flagged as such (FFmpeg's VP9 depacketizer flags none)."""
    for packet in packets:
        if packet.stream.type == "video" and not packet.is_keyframe:
            packet.is_keyframe = _vp9_keyframe(bytes(packet)[:1])
        yield packet


def _vp9_keyframe(head: bytes) -> bool:
    """Whether a VP9 frame is a keyframe, from its uncompressed header's first byte."""
    if not head or head[0] >> 6 != 0b10:  # frame_marker
        return False
    profile = (head[0] >> 5 & 1) | (head[0] >> 4 & 1) << 1
    bit = 2 if profile == 3 else 3  # profile 3 has a reserved bit first
    show_existing_frame = head[0] >> bit & 1
    frame_type = head[0] >> (bit - 1) & 1
    return not show_existing_frame and frame_type == 0
