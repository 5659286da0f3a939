"""Recovery of an HLS recording: its EVENT playlist made a VOD playlist of the segments that read
(see `app.media.recover`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from app.media.errors import RecordingError, SourceError
from app.media.fileinfo import FileInfo, StreamInfo
from app.media.recover.files import (
    local_time,
    put_in_place,
    readable_packets,
    remove_quietly,
    temporary_beside,
)

log = logging.getLogger(__name__)

# A segment name ends in its number: `talk-00012.ts`.
_NUMBERED = re.compile(r"^(?P<head>.*?)(?P<number>\d+)(?P<tail>\.[^./\\]+)$")


@dataclass(frozen=True)
class _Entry:
    """One segment of a playlist: its tags (`#EXTINF` and any before it), name and length."""

    tags: tuple[str, ...]
    uri: str
    duration: float


def recover_playlist(path: Path) -> FileInfo:
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
    temp = temporary_beside(path)
    try:
        try:
            temp.write_text(_vod_playlist(header, kept), encoding="utf-8")
        except OSError as exc:
            raise RecordingError(f"recovering {path} failed: {exc.strerror or exc}") from exc
        put_in_place(temp, path, stat)
    finally:
        remove_quietly(temp)
    duration = sum(e.duration for e in kept)
    end = local_time(stat.st_mtime)
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
            for packet in readable_packets(container, streams, segment):
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
