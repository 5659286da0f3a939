"""The picture a live stream shows now, and that picture as a JPEG (previews, thumbnails).

For a file played as live (a demo room's stream) "now" is its live position: the file is opened
through the same `LiveFileSource` a recording uses, without its pacing, so the picture is the one
a recording starting now would begin with. For anything else (an RTMP or RTSP URL, a plain file)
it is the first picture the source sends.

Everything here blocks (opening, seeking, decoding): the service calls it in a worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import av
import av.stream

from app.media.snapshots import encode_jpeg as _encode_jpeg
from app.media.sources import (
    ContainerSource,
    LiveFileSource,
    MediaSource,
    open_source,
    parse_source,
)
from app.service.rooms.base import LiveStream

# A live file is decoded from the keyframe before its position to the position: at most a group of
# pictures, and a second more in case of a long one, before the search gives up.
_LOOKAHEAD = 1.0


def current_frame(
    stream: LiveStream, *, timeout: float = 5.0, now: float | None = None
) -> av.VideoFrame | None:
    """The picture `stream` shows now (or, for a live file, at wall-clock time `now`).

    None when it has no picture (sound only), or when a URL sent none within `timeout` seconds. A
    source that cannot be opened raises `SourceError`.
    """
    if stream.live_file:
        position = stream.position(now)
        live = LiveFileSource(stream.uri, position=position, sleep=_no_wait)
        try:
            return _frame_at(live, position)
        finally:
            live.close()
    with stream.reading("frame") as argument:
        spec = parse_source(argument)
        source = (
            open_source(spec, max_idle=timeout)  # an SFU's RTP, with its keyframe requests
            if spec.kind == "forwarded"
            else ContainerSource.open(spec, timeout=timeout, read_timeout=timeout)
        )
        try:
            return _first_frame(source, time.monotonic() + timeout)
        finally:
            source.close()


def encode_jpeg(frame: av.VideoFrame, *, max_width: int | None = None) -> bytes:
    """A frame as a JPEG, scaled down (keeping its shape) to at most `max_width` pixels wide."""
    if max_width is not None and frame.width > max_width:
        # 4:2:0 JPEG wants even sizes.
        width = max(2, max_width - max_width % 2)
        height = max(2, round(frame.height * width / frame.width / 2) * 2)
        frame = frame.reformat(width=width, height=height)
    return _encode_jpeg(frame)


def _no_wait(seconds: float) -> None:
    """A live file's pacing, skipped: the picture is wanted now, not in real time."""


def _video(source: MediaSource) -> av.stream.Stream | None:
    return next((s for s in source.streams if s.type == "video"), None)


def _frame_at(source: LiveFileSource, position: float) -> av.VideoFrame | None:
    """The frame on screen at `position` (live seconds): the last one that starts by then."""
    video = _video(source)
    if video is None:
        return None
    shown: av.VideoFrame | None = None
    for frames in _decoded(source, video, until=position + _LOOKAHEAD):
        for frame in frames:
            # Frames come out in presentation order: the first one after the position ends the
            # search, and the one before it is on screen.
            if shown is not None and frame.time is not None and frame.time > position:
                return shown
            shown = frame
    return shown


def _first_frame(source: MediaSource, deadline: float) -> av.VideoFrame | None:
    video = _video(source)
    if video is None:
        return None
    for frames in _decoded(source, video, deadline=deadline):
        if frames:
            return frames[0]
    return None


def _decoded(
    source: MediaSource,
    video: av.stream.Stream,
    *,
    until: float | None = None,
    deadline: float | None = None,
) -> Iterator[list[av.VideoFrame]]:
    """The frames each video packet decodes to, then the decoder's last ones; packets stop once
    one is timed past `until` (seconds) or the clock passes `deadline` (monotonic)."""
    for packet in source.packets():
        if packet.stream_index != video.index:
            continue
        yield _decode(video, packet)
        if deadline is not None and time.monotonic() > deadline:
            break
        ts = packet.dts if packet.dts is not None else packet.pts
        if until is not None and ts is not None and float(ts * packet.time_base) > until:
            break
    yield _decode(video, None)


def _decode(video: av.stream.Stream, packet: av.Packet | None) -> list[av.VideoFrame]:
    """A packet's frames; with no packet, the frames the decoder still holds."""
    try:
        frames = video.codec_context.decode(packet)
    except av.FFmpegError:
        # A damaged packet spoils its own frames, not the picture search: a later one may do.
        return []
    return [f for f in frames if isinstance(f, av.VideoFrame)]
