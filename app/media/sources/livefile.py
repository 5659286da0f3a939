"""A file played as if it were live: real-time pace, in a loop, from a given live position.

The demo rooms are made of these. Live position `p` means "this room has been live for `p` seconds":
playback starts at the keyframe at or before `p` modulo the file's length (a viewer joining a live
stream gets the current group of pictures at once, then real time), and timestamps are live time, so
they keep increasing across loops: loop `k` adds `k` times the file's length to every timestamp.

`packets()` sleeps until each packet is due, in the reading thread; `paced_packets()` says when
each is due and never sleeps, for a pump that serves many such sources from one thread
(`app.media.pump`). The clock and the sleep are injectable, so tests check the pacing without
waiting for it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence

import av
import av.container
import av.stream

from app.media.errors import SourceError
from app.media.events import Event
from app.media.fileinfo import frame_rate

_AV_TIME_BASE = 1_000_000
# How much of a file's end is read to find where each stream ends (more than a group of pictures).
_TAIL = 15.0


class LiveFileSource:
    """A looping, real-time-paced file."""

    def __init__(
        self,
        path: str,
        *,
        position: float = 0.0,
        loop: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        try:
            self._container: av.container.InputContainer = av.open(path)
        except (av.FFmpegError, OSError) as exc:
            raise SourceError(f"cannot open {path}: {exc}") from exc
        self._path = path
        self._position = max(0.0, position)
        self._loop = loop
        self._clock = clock
        self._sleep = sleep
        self._streams = [s for s in self._container.streams if s.type in ("audio", "video")]
        if not self._streams:
            self._container.close()
            raise SourceError(f"{path} has no audio or video stream")
        self._closed = False
        self._length = self._loop_length()

    @property
    def streams(self) -> Sequence[av.stream.Stream]:
        """The file's audio and video streams."""
        return self._streams

    @property
    def live(self) -> bool:
        """Always live: timestamps are live time, not file time."""
        return True

    @property
    def label(self) -> str:
        """The file, marked as played live."""
        return f"{self._path} (live)"

    @property
    def length(self) -> float:
        """Seconds per loop: every timestamp of loop `k` is the file's plus `k` times this."""
        return self._length

    def _loop_length(self) -> float:
        """The longest span of any stream, from its first decode time to its last packet's end.

        The container's duration is not enough: a stream may start before zero (AAC priming, the
        B-frame delay) and so span more than the file's nominal length; a loop must be at least
        that long for every stream's timestamps to keep increasing across the seam.
        """
        nominal = (self._container.duration or 0) / _AV_TIME_BASE
        first: dict[int, float] = {}
        end: dict[int, float] = {}
        # Only the head and the tail matter; a long file is not read through (a joining stream
        # would hold the GIL and stall the other recordings of the process).
        for packet in self._timed(self._demux()):
            first.setdefault(packet[0], packet[1])
            if len(first) == len(self._streams):
                break
        self._seek(max(0.0, nominal - _TAIL))
        for index, start, stop in self._timed(self._demux()):
            end[index] = max(end.get(index, -math.inf), stop)
            first.setdefault(index, start)
        self._seek(0.0)
        spans = [end[i] - first[i] for i in end]
        return max([nominal, *spans])

    @staticmethod
    def _timed(packets: Iterator[av.Packet]) -> Iterator[tuple[int, float, float]]:
        """(stream index, decode time, end time) in seconds of each packet that has a time."""
        for packet in packets:
            ts = packet.dts if packet.dts is not None else packet.pts
            if ts is None or not packet.size:
                continue
            base = float(packet.time_base)
            yield packet.stream_index, ts * base, (ts + (packet.duration or 0)) * base

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        """The stream's frame rate as FFmpeg guessed it."""
        return frame_rate(stream)

    def packets(self) -> Iterator[av.Packet]:
        """Packets with live timestamps, each released when its time has come."""
        clock, sleep = self._clock, self._sleep
        for due, packet in self.paced_packets():
            wait = due - clock()
            if wait > 0:
                sleep(wait)
            yield packet

    def paced_packets(self) -> Iterator[tuple[float, av.Packet]]:
        """Packets with live timestamps, each with the time it is due on the source's clock; none
        is waited for. The current group of pictures is due at once (when the iteration began),
        then each packet at its live time."""
        wanted = {s.index for s in self._streams}
        bases = {s.index: float(s.time_base) for s in self._streams}
        length = self._length if self._length > 0 else math.inf
        loops = math.floor(self._position / length) if self._loop and length < math.inf else 0
        offset = loops * length if loops else 0.0
        self._seek(self._position - offset)
        started = self._clock()
        while True:
            shifts = {i: round(offset / base) for i, base in bases.items()}
            # Clock time of live time 0 on this loop: a packet at file time t is due at zero + t.
            zero = started + offset - self._position
            for packet in self._demux():
                index = packet.stream_index
                if index not in wanted or not packet.size:
                    continue
                ts = packet.dts if packet.dts is not None else packet.pts
                if ts is None:
                    continue
                shift = shifts[index]
                if packet.pts is not None:
                    packet.pts += shift
                packet.dts = ts + shift
                due = zero + ts * bases[index]
                yield (due if due > started else started), packet
            if not self._loop or length == math.inf:
                return
            offset += length
            self._seek(0.0)

    def _seek(self, seconds: float) -> None:
        try:
            self._container.seek(max(0, int(seconds * _AV_TIME_BASE)), backward=True)
        except av.FFmpegError as exc:
            raise SourceError(f"cannot seek in {self._path}: {exc}") from exc

    def _demux(self) -> Iterator[av.Packet]:
        try:
            yield from self._container.demux(self._streams)
        except av.error.EOFError:
            return
        except av.FFmpegError as exc:
            raise SourceError(f"reading {self._path} failed: {exc}") from exc

    def watch(self, listener: Callable[[Event], None]) -> None:
        """Never reconnects: nothing to report."""

    def want_keyframe(self) -> None:
        """Keyframes come when the sender makes them."""

    def interrupt(self) -> None:
        """Reads end on their own (a read timeout, or the next packet's time)."""

    def close(self) -> None:
        """Close the file."""
        if not self._closed:
            self._closed = True
            self._container.close()
