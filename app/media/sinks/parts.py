"""An output split into parts of N seconds: `STEM-001.EXT`, `STEM-002.EXT`, ...

A `name(k)` function may name the parts otherwise, and numbering may start at `first`, so that a
recording carried on by a new process goes on with its numbering.

Part `k` begins at the first video keyframe presented at or after `(k-1)·N` seconds of the
recording (for sound alone: the first packet), so the parts line up with a fixed grid and never
drift by a group of pictures per part. Each part is a file of its own, with its own timeline from
zero, and each packet goes to exactly one part, so nothing is lost or repeated at a boundary:

- video: the keyframe and everything decoded after it go to the new part;
- sound: packets presented before the keyframe still go to the old part (a demuxer interleaves by
  decode time, so some arrive after the keyframe); the old part is finished, and reported through
  `on_file`, once every sound stream has passed the boundary, or at most `_DRAIN` seconds later.

The parts themselves are made by a factory (a `ContainerSink` per part, in practice), so a part may
be any format, HLS included.
"""

from __future__ import annotations

import glob
import logging
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import av
import av.stream

from app.errors import RecDeskError
from app.media.fileinfo import FileInfo
from app.media.sinks.base import MediaSink

log = logging.getLogger(__name__)

# Seconds of video after a boundary within which the old part's sound must arrive.
_DRAIN = 2.0


def part_path(path: Path, number: int) -> Path:
    """`talk.mp4`, 3 → `talk-003.mp4`."""
    return path.with_name(f"{path.stem}-{number:03d}{path.suffix}")


def existing_parts(path: Path) -> list[Path]:
    """Parts of `path` already on disk (`talk-001.mp4`, ...), for a front end to refuse."""
    pattern = f"{glob.escape(path.stem)}-[0-9][0-9][0-9]{glob.escape(path.suffix)}"
    return sorted(path.parent.glob(pattern))


class _Part:
    """One part being written: its sink and the shift that puts its start at zero."""

    def __init__(self, sink: MediaSink, origin: float, bases: dict[int, float]) -> None:
        self.sink = sink
        self.shifts = {i: round(origin / b) for i, b in bases.items()}
        self.cuts = dict(self.shifts)  # a packet presented before this belongs to the previous part
        self.origin = origin
        self.streams: set[int] = set()  # streams written so far

    def write(self, packet: av.Packet) -> None:
        """Write a packet of the previous part's tail (the hot path is `PartedSink.write`)."""
        index = packet.stream_index
        if shift := self.shifts[index]:
            if packet.pts is not None:
                packet.pts -= shift
            if packet.dts is not None:
                packet.dts -= shift
        self.streams.add(index)
        self.sink.write(packet)


class PartedSink:
    """A `MediaSink` that writes parts of `split` seconds through `make(path)`.

    Part `k` (from `first`) is written to `name(k)`, by default `part_path(path, k)`.
    """

    def __init__(
        self,
        path: Path,
        streams: Sequence[av.stream.Stream],
        make: Callable[[Path], MediaSink],
        *,
        split: float,
        name: Callable[[int], Path] | None = None,
        first: int = 1,
    ) -> None:
        self._path = path
        self._make = make
        self._split = split
        self._name = name or (lambda number: part_path(path, number))
        self._bases = {s.index: float(s.time_base) for s in streams}
        self._video = next((s.index for s in streams if s.type == "video"), None)
        self._number = first
        self._current = _Part(make(self._name(first)), 0.0, self._bases)
        self._boundary = split
        self._old: _Part | None = None
        self._draining: set[int] = set()
        self._drain_until = 0.0
        self._due: dict[int, int] = {}
        self._set_due()
        self.on_file: Callable[[FileInfo], None] | None = None

    @property
    def path(self) -> Path:
        """The output as named; the parts are `name(n)`, by default `part_path(path, n)`."""
        return self._path

    @property
    def stream_indexes(self) -> frozenset[int]:
        """The source streams every part takes."""
        return frozenset(self._bases)

    def write(self, packet: av.Packet) -> None:
        """Write a packet (on the recording's timeline) into the part it belongs to."""
        index = packet.stream_index
        pts = packet.pts
        if self._old is not None and index in self._draining:
            if pts is not None and pts < self._current.cuts[index]:
                self._old.write(packet)
                return
            self._draining.discard(index)
            if not self._draining:
                self._finish_old()
        if pts is not None and pts >= self._due[index]:
            seconds = pts * self._bases[index]
            if self._old is not None and index == self._video and seconds >= self._drain_until:
                self._finish_old()
            if seconds >= self._boundary and (
                self._video is None or (index == self._video and packet.is_keyframe)
            ):
                self._next_part(seconds)
        # The hot path, inlined: one shift (none in the first part) and the part's own write.
        part = self._current
        if shift := part.shifts[index]:
            if pts is not None:
                packet.pts = pts - shift
            dts = packet.dts  # read once: each read of a packet's field is a call into PyAV
            if dts is not None:
                packet.dts = dts - shift
        if index not in part.streams:
            part.streams.add(index)
        part.sink.write(packet)

    def _set_due(self) -> None:
        """In each stream's ticks, the time from which packets need a look (a boundary, a drain)."""
        due = self._boundary if self._old is None else min(self._boundary, self._drain_until)
        self._due = {i: math.floor(due / b) for i, b in self._bases.items()}

    def _next_part(self, origin: float) -> None:
        if self._old is not None:
            self._finish_old()
        self._number += 1
        part = _Part(self._make(self._name(self._number)), origin, self._bases)
        self._old, self._current = self._current, part
        self._draining = {i for i in self._old.streams if i != self._video}
        self._drain_until = origin + _DRAIN
        while self._boundary <= origin:
            self._boundary += self._split
        self._set_due()
        if not self._draining:
            self._finish_old()

    def _finish_old(self) -> None:
        old, self._old, self._draining = self._old, None, set()
        if old is None:
            return
        self._set_due()
        info = old.sink.close()
        if info is not None and self.on_file is not None:
            self.on_file(info)

    def close(self) -> FileInfo | None:
        """Finish the part being drained and the current one; return the current one."""
        error: RecDeskError | None = None
        try:
            self._finish_old()
        except RecDeskError as exc:  # the last part is finished all the same
            error = exc
        info = self._current.sink.close()
        if error is not None:
            if info is not None and self.on_file is not None:
                self.on_file(info)
            raise error
        return info
