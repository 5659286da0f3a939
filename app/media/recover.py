"""Recovery: the file of a killed recorder made a finished file of the same format, in place.

A killed recorder leaves a file that plays up to its last complete fragment (MP4), cluster
(Matroska), page (Ogg) or packet (FLV, MPEG-TS), but lacks what closing writes: MP4's final index,
Matroska's cues and duration, HLS's `#EXT-X-ENDLIST`. `recover(path)` writes what is missing:

- **Files are copied packet for packet** (never re-encoded) into a temporary file beside the
  original, by the muxer and with the options that the format table gives the file's extension, so
  the result is what a recorder that closed normally would have written: a fragmented MP4 becomes a
  normal one. The temporary file replaces the original (`os.replace`, atomic within a folder) only
  once it is closed and opens again; on any failure it is removed and the original stays as it was.
- **Reading stops at the first error**: a kill in the middle of a write cuts the last fragment or
  cluster short, and everything before it is kept. A packet the demuxer flags as corrupt (a sample
  cut short) is dropped, and so is one whose decode time does not move forward, as when recording.
- **A killed MP4** is read without its edit lists: they say only that every track starts at zero,
  and FFmpeg misreads the one over the first fragment (every frame of that second at one time).
  The tracks then start together at zero, as a live recording's do; a file source's AAC priming
  (a frame of sound before the picture) plays instead of being trimmed.
- **HLS**: the hls muxer writes each segment whole when it ends and then lists it, so the EVENT
  playlist is complete up to the last finished segment. It becomes a VOD playlist ending with
  `#EXT-X-ENDLIST`; entries whose segment is missing, empty or unreadable are dropped, and the next
  segment, if the kill came while it was being written, is listed when it reads.
- **A finished file** recovers to an equivalent one (the same packets and duration).
- **A file with no media** (an MP4 whose recorder was killed before its first fragment holds only
  its `ftyp` and `free` boxes; any file in which no packet reads) raises `NothingRecorded`: there
  is nothing to finish, and the file is left as it is for the caller to remove.

The `FileInfo` returned describes the recovered file; its end is the time the recorder last wrote
(the file's modification time, which recovery keeps) and its start that minus the duration.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.container
import av.stream

from app.media.demuxers import skip_pts_generation
from app.media.errors import NothingRecorded, RecordingError, SourceError, reason
from app.media.fileinfo import FileInfo, StreamInfo
from app.media.formats import FORMATS, ContainerFormat, format_of

log = logging.getLogger(__name__)

_MP4_MUXERS = ("mp4", "ipod")
# The boxes an MP4 recorder writes before any media (the hybrid fragmented muxer's header).
_HEADER_BOXES = {b"ftyp", b"free", b"skip", b"wide"}
_HEADER_LIMIT = 64 * 1024
# A segment name ends in its number: `talk-00012.ts`.
_NUMBERED = re.compile(r"^(?P<head>.*?)(?P<number>\d+)(?P<tail>\.[^./\\]+)$")


def recover(path: Path) -> FileInfo:
    """Make the recording at `path` a finished file of the same format, in place; describe it.

    Raises `SourceError` when `path` does not exist or is not a recording, `NothingRecorded` when
    it holds no media, and `RecordingError` when the recovered file cannot be written (the
    original is then untouched).
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path} {'is not a file' if path.exists() else 'does not exist'}")
    fmt = format_of(path)
    if fmt is None:
        known = ", ".join(sorted({f.extension for f in FORMATS.values()}))
        raise SourceError(f"{path} is not a recording: its extension is none of {known}")
    if fmt.name == "hls":
        return _recover_playlist(path)
    return _recover_file(path, fmt)


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


def _recover_file(path: Path, fmt: ContainerFormat) -> FileInfo:
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
        temp = _temporary(path)
        try:
            duration, infos = _copy(source, streams, path, temp, fmt)
            _put_in_place(temp, path, stat)
        finally:
            _remove(temp)
    finally:
        source.close()
    end = _mtime(stat.st_mtime)
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


def _temporary(path: Path) -> Path:
    """A new, empty, hidden file beside `path` (in its folder, so that `os.replace` is atomic)."""
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".recovering", dir=path.parent
        )
    except OSError as exc:
        raise RecordingError(f"cannot write beside {path}: {exc.strerror or exc}") from exc
    os.close(handle)
    return Path(name)


def _put_in_place(temp: Path, path: Path, stat: os.stat_result) -> None:
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
        written = _copy_packets(_readable(source, streams, path), tracks, out)
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


def _readable(
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


@dataclass(frozen=True)
class _Entry:
    """One segment of a playlist: its tags (`#EXTINF` and any before it), name and length."""

    tags: tuple[str, ...]
    uri: str
    duration: float


def _recover_playlist(path: Path) -> FileInfo:
    stat = path.stat()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path} is not an HLS playlist that can be read: {exc}") from exc
    if not lines or lines[0].strip() != "#EXTM3U":
        raise SourceError(f"{path} is not an HLS playlist (it does not start with #EXTM3U)")
    header, entries = _parse_playlist(lines[1:])
    kept = [e for e in entries[:-1] if _segment_size(path, e.uri)]
    # Only the last segment can have been cut short: the muxer lists a segment once it is written.
    kept += [e for e in entries[-1:] if _read_segment(path.parent / e.uri) is not None]
    if len(kept) < len(entries):
        log.warning("%s: dropped %d missing or unreadable segments", path, len(entries) - len(kept))
    if entries and (follower := _following(path, entries[-1].uri)) is not None:
        kept.append(follower)
    first = _read_segment(path.parent / kept[0].uri) if kept else None
    if first is None:
        raise SourceError(f"{path} lists no segment that can be read")
    temp = _temporary(path)
    try:
        try:
            temp.write_text(_vod_playlist(header, kept), encoding="utf-8")
        except OSError as exc:
            raise RecordingError(f"recovering {path} failed: {exc.strerror or exc}") from exc
        _put_in_place(temp, path, stat)
    finally:
        _remove(temp)
    duration = sum(e.duration for e in kept)
    end = _mtime(stat.st_mtime)
    return FileInfo(
        path=path,
        size=path.stat().st_size + sum(_segment_size(path, e.uri) for e in kept),
        duration=duration,
        start=end - dt.timedelta(seconds=duration),
        end=end,
        streams=first[1],
        extra_paths=tuple(path.parent / e.uri for e in kept),
    )


def _parse_playlist(lines: Sequence[str]) -> tuple[list[str], list[_Entry]]:
    """The header tags and the segment entries of a media playlist (without `#EXT-X-ENDLIST`)."""
    header: list[str] = []
    entries: list[_Entry] = []
    pending: list[str] = []
    duration = 0.0
    for raw in lines:
        line = raw.strip()
        if not line or line == "#EXT-X-ENDLIST":
            continue
        if line.startswith("#"):
            if not entries and not pending and not line.startswith("#EXTINF"):
                header.append(line)
            else:
                pending.append(line)
            continue
        extinf = [t.removeprefix("#EXTINF:").split(",")[0] for t in pending if t[:8] == "#EXTINF:"]
        with contextlib.suppress(ValueError, IndexError):
            duration = float(extinf[0])
        entries.append(_Entry(tuple(pending), line, duration))
        pending, duration = [], 0.0
    return header, entries


def _following(path: Path, last: str) -> _Entry | None:
    """The segment after `last` when it is on disk but not listed yet (the kill came as it was
    being written), as an entry with its measured length; None when there is none that reads."""
    match = _NUMBERED.match(last)
    if match is None:
        return None
    number = match["number"]
    name = f"{match['head']}{int(number) + 1:0{len(number)}d}{match['tail']}"
    read = _read_segment(path.parent / name)
    if read is None:
        return None
    return _Entry((f"#EXTINF:{read[0]:.6f},",), name, read[0])


def _segment_size(playlist: Path, uri: str) -> int:
    try:
        return (playlist.parent / uri).stat().st_size
    except OSError:
        return 0


def _read_segment(segment: Path) -> tuple[float, tuple[StreamInfo, ...]] | None:
    """How long a segment plays (from its packets) and its streams; None when it is missing or
    holds no packet that reads."""
    if not segment.is_file() or segment.stat().st_size == 0:
        return None
    times: list[tuple[Fraction, Fraction]] = []
    try:
        with av.open(str(segment)) as container:
            streams = [s for s in container.streams if s.type in ("audio", "video")]
            for packet in _readable(container, streams, segment):
                if packet.pts is not None and packet.time_base is not None:
                    base = Fraction(packet.time_base)
                    times.append((packet.pts * base, (packet.pts + packet.duration) * base))
            infos = tuple(StreamInfo.of(s) for s in streams)
    except (av.FFmpegError, OSError):
        return None
    if not times:
        return None
    return float(max(e for _, e in times) - min(f for f, _ in times)), infos


def _vod_playlist(header: Sequence[str], entries: Sequence[_Entry]) -> str:
    """A complete VOD playlist: the header (type VOD, a target duration that holds the longest
    segment, rounded as HLS compares them), the entries and `#EXT-X-ENDLIST`."""
    longest = math.floor(max(e.duration for e in entries) + 0.5)
    lines = ["#EXTM3U"]
    for tag in header:
        name, _, value = tag.partition(":")
        if name == "#EXT-X-PLAYLIST-TYPE":
            continue
        target = name == "#EXT-X-TARGETDURATION" and value.isdigit()
        lines.append(f"{name}:{max(int(value), longest)}" if target else tag)
    lines.append("#EXT-X-PLAYLIST-TYPE:VOD")
    for entry in entries:
        lines += [*entry.tags, entry.uri]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def _mtime(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds).astimezone()


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
