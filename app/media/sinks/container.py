"""One output file: packets copied into a container, HLS included.

Each source stream routed here becomes one output stream: a copy of its packets when the container
holds its codec, else a `StreamTranscoder`'s output. A packet whose decode timestamp does not move
forward (a glitch in a live source) is dropped and counted, because muxers refuse it and one bad
packet must not end a recording; one that is presented later than the last decode time has its
decode time moved up a tick instead.

HLS is written by FFmpeg's `hls` muxer as an EVENT playlist, which is complete after every segment
and so survives a crash; closing turns it into a VOD playlist.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.container
import av.stream

from app.media.errors import OutputError, RecordingError, reason
from app.media.fileinfo import FileInfo, Reencoded, StreamInfo, codec_name
from app.media.formats import ContainerFormat
from app.media.transcode import StreamTranscoder

log = logging.getLogger(__name__)

DEFAULT_SEGMENT_LENGTH = 6.0


@dataclass(frozen=True)
class StreamInput:
    """A source stream to write, with the frame rate the source reports for it."""

    stream: av.stream.Stream
    frame_rate: float | None = None


class _Route:
    """Where one source stream's packets go, and what has been written of them."""

    __slots__ = (
        "dropped",
        "end",
        "first",
        "frame_rate",
        "last_dts",
        "renumber",
        "stream",
        "time_base",
        "transcoder",
    )

    def __init__(
        self,
        stream: av.stream.Stream,
        transcoder: StreamTranscoder | None,
        frame_rate: float | None,
        template_index: int,
    ) -> None:
        self.stream = stream
        self.transcoder = transcoder
        # Whether a packet must be told its output stream before it is muxed: an encoder's always,
        # a copied one where the output numbers its streams otherwise than the source.
        self.renumber = transcoder is not None or stream.index != template_index
        self.frame_rate = frame_rate
        self.last_dts: int | None = None
        self.first: int | None = None
        self.end: int | None = None
        self.time_base: Fraction | None = None
        self.dropped = 0


class ContainerSink:
    """Writes some of a source's streams into one file (or one HLS playlist).

    `live` says the recording's tracks start together at zero (a live source), which lets a format
    use its live options (`ContainerFormat.live_options`).
    """

    def __init__(
        self,
        path: Path,
        fmt: ContainerFormat,
        inputs: Sequence[StreamInput],
        *,
        segment_length: float = DEFAULT_SEGMENT_LENGTH,
        live: bool = False,
    ) -> None:
        self._path = path
        self._format = fmt
        self.on_file: Callable[[FileInfo], None] | None = None  # only ever finishes at close()
        self._closed: FileInfo | None = None
        self._done = False
        self._started: dt.datetime | None = None
        options = fmt.options | (fmt.live_options if live else {})
        if fmt.name == "hls":
            options |= _hls_options(path, segment_length)
        try:
            self._container: av.container.OutputContainer = av.open(
                str(path), "w", format=fmt.muxer, options=options
            )
        except (av.FFmpegError, OSError) as exc:
            raise OutputError(f"cannot write {path}: {reason(exc)}") from exc
        self._routes: dict[int, _Route] = {}
        try:
            for item in inputs:
                self._routes[item.stream.index] = self._route(item)
        except Exception:
            self._container.close()
            _remove(path)
            raise

    def _route(self, item: StreamInput) -> _Route:
        template, media = item.stream, item.stream.type
        if media not in ("audio", "video"):
            raise OutputError(f"cannot record a {media} stream")
        if self._format.holds(media, codec_name(template)):  # `h264`, also from `libx264`
            stream = self._container.add_stream_from_template(template)
            route = _Route(stream, None, item.frame_rate, template.index)
        else:
            encoder = self._format.encoder_for(media)
            transcoder = StreamTranscoder(self._container, template, encoder, item.frame_rate)
            route = _Route(transcoder.stream, transcoder, item.frame_rate, template.index)
        if title := template.metadata.get("title"):
            # A track's name ("Microphone", "Speakers"): Matroska and Ogg keep `title`; MP4 keeps
            # only the handler's name, which players and ffprobe show instead.
            route.stream.metadata["title"] = title
            if self._format.muxer in ("mp4", "mov", "ipod"):
                route.stream.metadata["handler_name"] = title
        return route

    @property
    def path(self) -> Path:
        """The file (for HLS, the playlist)."""
        return self._path

    @property
    def stream_indexes(self) -> frozenset[int]:
        """The source streams this file takes."""
        return frozenset(self._routes)

    def write(self, packet: av.Packet) -> None:
        """Copy (or re-encode) one packet into the file."""
        route = self._routes[packet.stream_index]
        if self._started is None:
            self._started = _now()
        if route.transcoder is None:
            self._mux(route, packet)
        else:
            for out in route.transcoder.encode(packet):
                self._mux(route, out)

    def _mux(self, route: _Route, packet: av.Packet) -> None:
        # Runs for every packet: each of its attributes (a property of PyAV's, a call each) is read
        # once, and written only where it changes.
        dts = packet.dts
        if dts is not None:
            last = route.last_dts
            if last is not None and dts <= last:
                if packet.pts is None or packet.pts <= last:
                    route.dropped += 1
                    return
                # Decoded after `last` and presented later still: only its decode time collides
                # (a keyframe placed where a resumed or reconnected timeline goes on), so it moves
                # up by one tick rather than being lost with the frames that need it.
                dts = last + 1
                packet.dts = dts
            route.last_dts = dts
        pts = packet.pts
        if pts is not None:
            first = route.first
            if first is None:
                route.first, route.end, route.time_base = pts, pts, packet.time_base
            elif pts < first:
                route.first = pts
            end = pts + packet.duration
            if end > route.end:  # noqa: PLR1730 (a comparison is cheaper than max() per packet)
                route.end = end
        if route.renumber:
            packet.stream = route.stream
        try:
            self._container.mux_one(packet)
        except av.FFmpegError as exc:
            raise RecordingError(f"writing {self._path} failed: {reason(exc)}") from exc

    def close(self) -> FileInfo | None:
        """Finish the file and describe it; a file that got no packet is removed (None)."""
        if self._done:
            return self._closed
        self._done = True
        error: RecordingError | None = None
        try:
            for route in self._routes.values():
                if route.transcoder is not None:
                    for out in route.transcoder.flush():
                        self._mux(route, out)
        except RecordingError as exc:
            error = exc
        try:
            self._container.close()
        except av.FFmpegError as exc:
            error = error or RecordingError(f"finishing {self._path} failed: {reason(exc)}")
        for route in self._routes.values():
            if route.dropped:
                log.warning("%s: dropped %d out-of-order packets", self._path, route.dropped)
        if self._started is None:
            self._remove_all()
        else:
            self._closed = self._describe()
        if error is not None:
            raise error
        return self._closed

    def _describe(self) -> FileInfo:
        extra = _finish_playlist(self._path) if self._format.name == "hls" else ()
        size = sum(p.stat().st_size for p in (self._path, *extra) if p.exists())
        starts, ends = [], []
        for route in self._routes.values():
            if route.first is not None and route.time_base is not None:
                starts.append(route.first * route.time_base)
                ends.append(route.end * route.time_base)  # type: ignore[operator]
        duration = float(max(ends) - min(starts)) if starts else 0.0
        assert self._started is not None
        return FileInfo(
            path=self._path,
            size=size,
            duration=duration,
            start=self._started,
            end=_now(),
            streams=tuple(StreamInfo.of(r.stream, r.frame_rate) for r in self._routes.values()),
            reencoded=tuple(
                Reencoded(r.stream.type, r.transcoder.source_codec, r.transcoder.codec)
                for r in self._routes.values()
                if r.transcoder is not None
            ),
            extra_paths=extra,
        )

    def _remove_all(self) -> None:
        if self._format.name == "hls":
            for segment in _playlist_segments(self._path):
                _remove(segment)
        _remove(self._path)


def _hls_options(path: Path, segment_length: float) -> dict[str, str]:
    pattern = str(path.with_suffix("")).replace("%", "%%") + "-%05d.ts"
    return {
        "hls_time": f"{segment_length:g}",
        "hls_list_size": "0",
        "hls_playlist_type": "event",
        "hls_segment_filename": pattern,
        "start_number": "1",
    }


def _playlist_segments(playlist: Path) -> tuple[Path, ...]:
    try:
        lines = playlist.read_text().splitlines()
    except OSError:
        return ()
    return tuple(playlist.parent / line for line in lines if line and not line.startswith("#"))


def _finish_playlist(playlist: Path) -> tuple[Path, ...]:
    """Turn the EVENT playlist into a complete VOD one; return its segments."""
    text = playlist.read_text()
    text = text.replace("#EXT-X-PLAYLIST-TYPE:EVENT", "#EXT-X-PLAYLIST-TYPE:VOD")
    if "#EXT-X-ENDLIST" not in text:
        text = text.rstrip("\n") + "\n#EXT-X-ENDLIST\n"
    playlist.write_text(text)
    return _playlist_segments(playlist)


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
