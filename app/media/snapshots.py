"""JPEG snapshots of a video stream while it is remuxed: every N seconds, and on demand.

Owns `Snapshot` (a written picture and its `{"event": "snapshot", ...}` line) and `Snapshotter`,
which the remuxer feeds with the video packets it writes. Files are named `STEM-snap-NNNNN.jpg`
(00001, 00002, ...), one counter for periodic and on-demand snapshots.

The remuxer never decodes, and snapshots must not change that: the packets of the current group of
pictures (from the last keyframe on) are held as references, and only when a snapshot falls due
does a fresh decoder decode that group. The frame presented last is encoded with FFmpeg's mjpeg
encoder and written atomically (a temporary file, then `os.replace`), so that a watcher never sees
half a JPEG. Per packet the cost is a list append; per snapshot, one group of pictures decoded and
one JPEG encoded. A snapshot that fails is logged and skipped: it never ends a recording.
"""

from __future__ import annotations

import glob
import logging
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.stream

log = logging.getLogger(__name__)

# A group of pictures longer than this is dropped, and snapshots wait for the next keyframe: it
# bounds both the memory held and the time one snapshot blocks the remuxer's thread.
MAX_GOP_PACKETS = 600
MAX_GOP_BYTES = 64 * 1024 * 1024
# mjpeg's fixed quantiser (the CLI's -q:v): 2 is the finest, 31 the coarsest; 3 keeps small text
# legible at about 12 KB for a 320x240 test card, 60 KB at 1280x720.
JPEG_QSCALE = 3
# Decoding a whole group is faster on a few frame threads; more would only take cores from the
# other recordings of the same process.
_DECODE_THREADS = 4
# Output times are sums of float seconds: a packet presented at 0.99999999 s is due at 1 s.
_DUE_SLACK = 1e-6
_FF_QP2LAMBDA = 118  # FFmpeg's lambda units per quantiser step


@dataclass(frozen=True)
class Snapshot:
    """A JPEG written while recording, and when its picture is on the output timeline."""

    path: Path
    at: float  # seconds on the recording's output timeline

    def as_event(self) -> dict[str, Any]:
        """The `{"event": "snapshot", "path", "at"}` JSON object."""
        return {"event": "snapshot", "path": str(self.path), "at": round(self.at, 3)}


def snapshot_path(stem: Path, number: int) -> Path:
    """The file of the `number`th snapshot (from 1) of the output whose path less extension is
    `stem`."""
    return stem.with_name(f"{stem.name}-snap-{number:05d}.jpg")


def existing_snapshots(stem: Path) -> list[Path]:
    """Snapshot files already next to an output, so that a front end can refuse to replace them."""
    pattern = f"{glob.escape(stem.name)}-snap-[0-9][0-9][0-9][0-9][0-9].jpg"
    return sorted(stem.parent.glob(pattern))


@dataclass(frozen=True)
class _Held:
    """A packet of the current group, with the output time the remuxer gave it."""

    packet: av.Packet
    at: float


class Snapshotter:
    """Takes JPEG snapshots of one video stream from the packets the remuxer writes."""

    def __init__(
        self,
        stream: av.stream.Stream,
        stem: Path,
        *,
        every: float | None,
        on_snapshot: Callable[[Snapshot], None],
    ) -> None:
        if every is not None and not (math.isfinite(every) and every > 0):
            raise ValueError(f"snapshot interval must be a positive number of seconds: {every}")
        self._stream = stream
        self._stem = stem
        self._every = every
        self._on_snapshot = on_snapshot
        self._next_due = 0.0 if every is not None else math.inf
        self._requested = False
        self._count = 0
        self._gop: list[_Held] = []
        self._gop_bytes = 0
        self._overflow_logged = False
        self._closed = False
        self._decoder_codec = _decoder_for(stream)
        # Nothing to decode with: every feed returns at once.
        self._closed = self._decoder_codec is None
        # Every frame stands alone (raw frames, MJPEG): the group is just the latest packet.
        # Raw frames from lavfi and devices are not even marked as keyframes.
        self._intra = self._decoder_codec is not None and bool(
            self._decoder_codec.intra_only or self._decoder_codec.name == "wrapped_avframe"
        )

    @property
    def count(self) -> int:
        """How many snapshots have been written so far."""
        return self._count

    def request(self) -> None:
        """Ask for a snapshot now; it is taken at the next `feed()`. Thread-safe."""
        # A plain flag, read once per packet: requests made while one is being taken merge into
        # the next snapshot, which shows the same moment anyway.
        self._requested = True

    def feed(self, packet: av.Packet, at: float) -> None:
        """A packet of the video stream, as written, and its presentation time on the output
        timeline in seconds.

        Periodic snapshots fall due at output times 0, every, 2*every, ...: when a packet at or past
        the next due time arrives, one is taken, and the next due time is the first one after `at`
        (one snapshot, not a burst, after a gap). A requested snapshot is taken here too; one that
        falls on the same packet as a periodic one is that snapshot. Before the first keyframe, or
        after a group too long to hold, snapshots due or asked for wait for the next keyframe.
        """
        if self._closed or not packet.size:
            return
        if self._intra or packet.is_keyframe:
            self._gop = [_Held(packet, at)]
            self._gop_bytes = packet.size
        elif self._gop:
            self._gop.append(_Held(packet, at))
            self._gop_bytes += packet.size
            if len(self._gop) > MAX_GOP_PACKETS or self._gop_bytes > MAX_GOP_BYTES:
                self._drop_gop()
        due = at + _DUE_SLACK >= self._next_due
        if not (due or self._requested) or not self._gop:
            return
        self._requested = False  # cleared first: a request made during this snapshot gets its own
        if due and self._every is not None:
            self._next_due = (math.floor((at + _DUE_SLACK) / self._every) + 1) * self._every
        self._take(at)

    def close(self) -> None:
        """Let go of the held packets; later feeds are ignored."""
        self._closed = True
        self._gop = []
        self._gop_bytes = 0

    def _drop_gop(self) -> None:
        if not self._overflow_logged:
            self._overflow_logged = True
            log.warning(
                "group of pictures longer than %d packets or %d MiB: snapshots wait for the next "
                "keyframe",
                MAX_GOP_PACKETS,
                MAX_GOP_BYTES // (1024 * 1024),
            )
        self._gop = []
        self._gop_bytes = 0

    def _take(self, at: float) -> None:
        path = snapshot_path(self._stem, self._count + 1)
        # Whatever goes wrong in a snapshot (corrupt data, an odd stream, a full disk), the
        # recording goes on: that is worth more than the picture.
        try:
            decoded = self._decode_latest()
            if decoded is None:
                log.warning("snapshot skipped: the group of pictures decoded to no frame")
                return
            frame, frame_at = decoded
            _write_atomically(path, encode_jpeg(frame))
        except Exception as exc:
            log.warning("snapshot %s failed: %s: %s", path.name, type(exc).__name__, exc)
            return
        self._count += 1
        self._on_snapshot(Snapshot(path, frame_at if frame_at is not None else at))

    def _decode_latest(self) -> tuple[av.VideoFrame, float | None] | None:
        """Decode the held group; return the frame presented last and its output time if known."""
        decoder = self._open_decoder()
        # Map each frame back to the packet it came from by the pts the decoder was given (read
        # now: a muxer may have rebased a packet after it was fed), and from there to the output
        # time the remuxer gave it.
        times: dict[int, float] = {}
        ref: tuple[int, Fraction, float] | None = None
        for held in self._gop:
            pts = held.packet.pts
            if pts is not None:
                times[pts] = held.at
                ref = (pts, held.packet.time_base, held.at)
        latest: av.VideoFrame | None = None
        latest_at: float | None = None
        last: av.VideoFrame | None = None

        def consider(frames: list[av.VideoFrame]) -> None:
            nonlocal latest, latest_at, last
            for frame in frames:
                last = frame
                t = _frame_time(frame.pts, times, ref)
                if t is not None and (latest_at is None or t >= latest_at):
                    latest, latest_at = frame, t

        # Flushed at the end (None): with B-frames and frame threads the last frames come out only
        # then. A broken packet spoils the frames that depend on it, not the whole group; with
        # frame threads its error may surface on a later call, the flush included.
        for packet in [*(held.packet for held in self._gop), None]:
            try:
                consider(decoder.decode(packet))
            except av.FFmpegError as exc:
                log.debug("snapshot: the decoder refused a packet: %s", exc)
        if latest is not None:
            return latest, latest_at
        # No frame time could be mapped (packets without pts): decoders output in presentation
        # order, so the last frame out is the latest one.
        return (last, None) if last is not None else None

    def _open_decoder(self) -> Any:
        # The decoder parameters are read at each snapshot: a live source may learn its extradata
        # (SPS/PPS) only after the stream was opened.
        ctx = self._stream.codec_context
        decoder = av.CodecContext.create(self._decoder_codec, "r")
        if ctx.extradata:
            decoder.extradata = ctx.extradata
        decoder.width, decoder.height = ctx.width, ctx.height
        if ctx.pix_fmt:
            decoder.pix_fmt = ctx.pix_fmt  # raw video needs it; coded video overrides it
        if not self._intra:
            decoder.thread_type = "FRAME"
            decoder.thread_count = min(_DECODE_THREADS, os.cpu_count() or 1)
        return decoder


def _decoder_for(stream: av.stream.Stream) -> Any:
    """The decoder for a stream's codec; None (logged) when there is none."""
    ctx = stream.codec_context
    if stream.type != "video" or ctx is None:
        log.warning("snapshots need a video stream with codec parameters; none will be taken")
        return None
    codec = ctx.codec
    if codec.is_decoder:
        return codec
    try:  # an output stream's context holds its encoder (libx264): find the decoder for it
        return av.Codec(codec.canonical_name, "r")
    except (ValueError, RuntimeError):  # PyAV's UnknownCodecError is a ValueError
        log.warning("no decoder for %s: snapshots will not be taken", codec.canonical_name)
        return None


def _frame_time(
    pts: int | None, times: dict[int, float], ref: tuple[int, Fraction, float] | None
) -> float | None:
    """A decoded frame's output time: its packet's, else offset from a packet with a pts."""
    if pts is None:
        return None
    at = times.get(pts)
    if at is not None:
        return at
    if ref is None or not ref[1]:
        return None
    ref_pts, time_base, ref_at = ref
    return ref_at - float((ref_pts - pts) * time_base)


def encode_jpeg(frame: av.VideoFrame) -> bytes:
    """One frame as a baseline JPEG of the same size, at a fixed quality."""
    encoder: Any = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height = frame.width, frame.height
    encoder.pix_fmt = "yuvj420p"  # full-range 4:2:0, what every JPEG viewer expects
    encoder.time_base = Fraction(1, 1)
    # A fixed quantiser rather than a bit rate. mjpeg takes it from each frame's quality, which
    # PyAV does not expose; with qmin = qmax the encoder can only use this one.
    encoder.qscale = True
    encoder.global_quality = JPEG_QSCALE * _FF_QP2LAMBDA
    encoder.options = {"qmin": str(JPEG_QSCALE), "qmax": str(JPEG_QSCALE)}
    picture = frame.reformat(format="yuvj420p")
    picture.pts = None
    packets = [*encoder.encode(picture), *encoder.encode(None)]
    data = b"".join(bytes(p) for p in packets)
    if not data:
        raise ValueError("the JPEG encoder returned no data")
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a file so that it appears whole or not at all."""
    # A dot file with another extension, in the same folder: invisible to `*.jpg` watchers, and
    # `os.replace` within one file system is atomic.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
