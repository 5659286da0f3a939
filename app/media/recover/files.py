"""Recovery of a file (MP4, Matroska, WebM, FLV, MPEG-TS, Ogg, M4A): its packets copied into a
finished file of the same format, which replaces it once it opens again (`app.media.recover`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import av
import av.container
import av.stream

from app.media.demuxers import skip_pts_generation
from app.media.errors import NothingRecorded, RecordingError, SourceError, reason
from app.media.fileinfo import FileInfo, StreamInfo
from app.media.formats import ContainerFormat

log = logging.getLogger(__name__)

_MP4_MUXERS = ("mp4", "ipod")
# The boxes an MP4 recorder writes before any media (the hybrid fragmented muxer's header).
_HEADER_BOXES = {b"ftyp", b"free", b"skip", b"wide"}
_HEADER_LIMIT = 64 * 1024


class _Track:
    """A stream being copied: its output stream, its last decode time and the span written."""

    __slots__ = ("dropped", "end", "first", "last_dts", "renumber", "stream", "time_base")

    def __init__(self, stream: av.stream.Stream, source_index: int, time_base: Fraction) -> None:
        self.stream = stream
        # Whether a packet must be told its output stream (a non-A/V stream before it shifts it).
        self.renumber = stream.index != source_index
        self.time_base = time_base
        self.last_dts: int | None = None
        self.first: int | None = None
        self.end: int | None = None
        self.dropped = 0

    def span(self) -> tuple[Fraction, Fraction] | None:
        """From the first presentation time to the end of the last packet, in seconds."""
        if self.first is None or self.end is None:
            return None
        return self.first * self.time_base, self.end * self.time_base


def recover_file(path: Path, fmt: ContainerFormat) -> FileInfo:
    stat = path.stat()
    if fmt.muxer in _MP4_MUXERS and _only_header(path):
        raise NothingRecorded(f"{path} holds no media: its recorder stopped before writing any")
    # A finished MP4's edit lists hold each track's start; a killed one's are misread (see above).
    unfinished = fmt.muxer in _MP4_MUXERS and _fragmented(path)
    try:
        source: av.container.InputContainer = av.open(
            str(path), options={"ignore_editlist": "1"} if unfinished else None
        )
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path} is not a recording that can be read: {reason(exc)}") from exc
    try:
        skip_pts_generation(source)
        streams = [s for s in source.streams if s.type in ("audio", "video")]
        if not streams:
            raise SourceError(f"{path} is not a recording: it holds no audio or video stream")
        temp = temporary_beside(path)
        try:
            duration, infos = _copy(source, streams, path, temp, fmt)
            put_in_place(temp, path, stat)
        finally:
            remove_quietly(temp)
    finally:
        source.close()
    end = local_time(stat.st_mtime)
    return FileInfo(
        path=path,
        size=path.stat().st_size,
        duration=duration,
        start=end - dt.timedelta(seconds=duration),
        end=end,
        streams=infos,
    )


def _only_header(path: Path) -> bool:
    """Whether an MP4 holds nothing but the boxes written before any media (`_HEADER_BOXES`),
    the last of them perhaps cut short."""
    with path.open("rb") as file:
        data = file.read(_HEADER_LIMIT + 1)
    if len(data) > _HEADER_LIMIT:
        return False
    offset = 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        if data[offset + 4 : offset + 8] not in _HEADER_BOXES or size < 8:
            return False
        offset += size
    return True


def temporary_beside(path: Path) -> Path:
    """A new, empty, hidden file beside `path` (in its folder, so that `os.replace` is atomic)."""
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".recovering", dir=path.parent
        )
    except OSError as exc:
        raise RecordingError(f"cannot write beside {path}: {exc.strerror or exc}") from exc
    os.close(handle)
    return Path(name)


def put_in_place(temp: Path, path: Path, stat: os.stat_result) -> None:
    """Replace `path` by the finished `temp`, with the original's permissions and times (its
    modification time is when the recorder last wrote: when the recording ended)."""
    try:
        shutil.copymode(path, temp)
        os.utime(temp, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        os.replace(temp, path)
    except OSError as exc:
        raise RecordingError(f"recovering {path} failed: {exc.strerror or exc}") from exc


def _copy(
    source: av.container.InputContainer,
    streams: Sequence[av.stream.Stream],
    path: Path,
    temp: Path,
    fmt: ContainerFormat,
) -> tuple[float, tuple[StreamInfo, ...]]:
    """Copy every readable packet of `streams` into `temp`, finished once this returns; return
    its duration and streams."""
    try:
        out: av.container.OutputContainer = av.open(
            str(temp), "w", format=fmt.muxer, options=dict(fmt.options)
        )
    except (av.FFmpegError, OSError) as exc:
        raise RecordingError(f"cannot write beside {path}: {reason(exc)}") from exc
    tracks: dict[int, _Track] = {}
    written = 0
    error: RecordingError | None = None
    try:
        for stream in streams:
            tracks[stream.index] = _Track(
                out.add_stream_from_template(stream), stream.index, Fraction(stream.time_base)
            )
        written = _copy_packets(readable_packets(source, streams, path), tracks, out)
    except (av.FFmpegError, ValueError) as exc:
        error = RecordingError(f"recovering {path} failed: {reason(exc)}")
    try:
        out.close()
    except av.FFmpegError as exc:
        error = error or RecordingError(f"finishing the recovered {path} failed: {reason(exc)}")
    if error is not None:
        raise error
    if written == 0:
        raise NothingRecorded(f"{path} holds no media to recover")
    for track in tracks.values():
        if track.dropped:
            log.warning("%s: dropped %d out-of-order packets", path, track.dropped)
    spans = [span for track in tracks.values() if (span := track.span()) is not None]
    duration = float(max(e for _, e in spans) - min(f for f, _ in spans)) if spans else 0.0
    return duration, _describe(temp, path, len(streams))


def _copy_packets(
    packets: Iterator[av.Packet], tracks: dict[int, _Track], out: av.container.OutputContainer
) -> int:
    """Mux each packet whose decode time moves forward, noting each track's span; return how many.

    Inline and lean, as it runs per packet: each field of a packet (a call into PyAV) read once."""
    written = 0
    mux = out.mux_one
    for packet in packets:
        track = tracks[packet.stream_index]
        dts = packet.dts
        if dts is not None:
            last = track.last_dts
            if last is not None and dts <= last:
                track.dropped += 1
                continue
            track.last_dts = dts
        pts = packet.pts
        if pts is not None:
            end = pts + packet.duration
            first = track.first
            if first is None:
                track.first, track.end = pts, end
            else:
                if pts < first:
                    track.first = pts
                if end > track.end:  # noqa: PLR1730 (a comparison is cheaper than max())
                    track.end = end
        if track.renumber:
            packet.stream = track.stream
        mux(packet)
        written += 1
    return written


def _fragmented(path: Path) -> bool:
    """Whether an MP4 file holds fragments (`moof` boxes): a recording that did not finish."""
    with contextlib.suppress(OSError), path.open("rb") as file:
        while len(header := file.read(8)) == 8 and header[4:] != b"moof":
            size = int.from_bytes(header[:4], "big")
            if size == 1:  # a 64-bit size follows
                size = int.from_bytes(file.read(8), "big") - 8
            if size < 8:  # 0: the box runs to the end of the file
                return False
            file.seek(size - 8, os.SEEK_CUR)
        return header[4:] == b"moof"
    return False


def readable_packets(
    source: av.container.InputContainer, streams: Sequence[av.stream.Stream], path: Path
) -> Iterator[av.Packet]:
    """The packets up to the first read error, without the empty and the corrupt ones."""
    # Only reading is guarded here: an error of the muxer is raised where the packet is written.
    try:
        for packet in source.demux(list(streams)):
            if packet.size and not packet.is_corrupt:
                yield packet
    except (av.FFmpegError, OSError) as exc:
        log.info("%s: reading stopped at an error (%s); keeping what came before", path, exc)


def _describe(temp: Path, path: Path, count: int) -> tuple[StreamInfo, ...]:
    """The recovered file's streams, read back from it: proof that it opens before it is kept."""
    try:
        with av.open(str(temp)) as done:
            streams = [s for s in done.streams if s.type in ("audio", "video")]
            infos = tuple(StreamInfo.of(s) for s in streams)
    except (av.FFmpegError, OSError) as exc:
        raise RecordingError(f"the recovered {path} does not open: {reason(exc)}") from exc
    if len(infos) != count:
        raise RecordingError(f"the recovered {path} has {len(infos)} streams, not {count}")
    return infos


def local_time(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds).astimezone()


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
