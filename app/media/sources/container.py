"""A source FFmpeg opens directly: a file, a URL, a lavfi test source or a capture device.

Network sources get open and read timeouts, so a dead server ends the read with an error instead of
blocking a recording thread for ever.

Reading is the larger part of a copy's cost, so it does no more per packet than it must: an MP4,
whose every packet carries its presentation time, is read without FFmpeg's `genpts`, which PyAV
turns on for every input and which queues each packet through a list to fill in times that are
there already (`app.media.demuxers`); and only a screen grabber's packets are checked for staleness.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence

import av
import av.container
import av.stream

from app.media.demuxers import skip_pts_generation
from app.media.errors import SourceError, SourceIdleError, reason
from app.media.events import Event
from app.media.fileinfo import frame_rate
from app.media.sources.base import SourceSpec
from app.media.sources.devices import prepare_alsa

OPEN_TIMEOUT = 10.0
READ_TIMEOUT = 10.0
STALE = 0.02
_MOST_STALE = 60
# Grabbers whose timestamps are the wall clock's (FFmpeg's `av_gettime`).
_WALL_CLOCK_GRABBERS = frozenset({"x11grab", "gdigrab"})

# Options per URL scheme: RTSP over TCP survives NAT and loss. An RTMP server sends the codecs'
# headers first, so half a second of probing finds both streams; FFmpeg's default reads well over
# a second of live media (two seconds of wall time) before the recording can start. The rest use
# FFmpeg's defaults.
_SCHEME_OPTIONS = {
    "rtsp": {"rtsp_transport": "tcp"},
    "rtmp": {"analyzeduration": "500000"},
}


class ContainerSource:
    """Packets demuxed from anything `av.open` opens."""

    def __init__(
        self,
        container: av.container.InputContainer,
        spec: SourceSpec,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self._container = container
        self._spec = spec
        self._read_timeout = read_timeout
        self._closed = False

    @classmethod
    def open(
        cls,
        spec: SourceSpec,
        *,
        timeout: float = OPEN_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        target: str | None = None,
        options: Mapping[str, str] | None = None,
    ) -> ContainerSource:
        """Open the source, or raise `SourceError` with the reason FFmpeg gave.

        A URL gets `timeout` seconds to open and `read_timeout` seconds per read. `target` and
        `options` are what FFmpeg opens, where they are not the spec's own (a window is opened
        as its display, with the window's id as an option).
        """
        av_options = {**_SCHEME_OPTIONS.get(spec.scheme or "", {}), **(options or {})}
        if spec.input_format == "alsa":
            prepare_alsa()
        try:
            container = av.open(
                target or spec.target,
                format=spec.input_format,
                options=av_options,
                timeout=(timeout, read_timeout) if spec.kind == "url" else None,
            )
        except av.FFmpegError as exc:
            raise SourceError(f"cannot open {spec}: {reason(exc)}") from exc
        except (OSError, ValueError) as exc:
            raise SourceError(f"cannot open {spec}: {exc}") from exc
        if not any(s.type in ("audio", "video") for s in container.streams):
            container.close()
            raise SourceError(f"{spec} has no audio or video stream")
        skip_pts_generation(container)
        return cls(container, spec, read_timeout)

    @property
    def streams(self) -> Sequence[av.stream.Stream]:
        """The source's streams."""
        streams: Sequence[av.stream.Stream] = self._container.streams
        return streams

    @property
    def live(self) -> bool:
        """Everything but a plain file keeps its own clock."""
        return self._spec.kind != "file"

    @property
    def wall_clock_origin(self) -> float | None:
        """A screen grabber's timestamps are seconds of the wall clock (`time.time()`): their
        origin is 0 (see `MediaSource`); other sources keep clocks of their own."""
        return 0.0 if self._spec.input_format in _WALL_CLOCK_GRABBERS else None

    @property
    def label(self) -> str:
        """The source as the user named it."""
        return str(self._spec)

    def packets(self) -> Iterator[av.Packet]:
        """Demuxed packets, without FFmpeg's empty end-of-stream markers.

        A screen grabbed with x11grab starts with what it grabbed as it opened (FFmpeg reads a
        few pictures to learn their format) and keeps until it is read, maybe seconds later: those
        are stale, and a consumer that times a live source by its first packet (a live mix's input)
        would show the whole screen that late. Its timestamps are the wall clock's, so pictures
        grabbed more than `STALE` before they are read are skipped, until the first fresh one (a
        picture is grabbed when it is read, once the ones kept are gone).
        """
        demuxed = self._container.demux()
        try:
            if self._spec.input_format in _WALL_CLOCK_GRABBERS:
                yield from _fresh(demuxed)
            else:
                for packet in demuxed:
                    if packet.size:  # empty ones are end-of-stream markers
                        yield packet
        except av.error.EOFError:
            return
        except av.error.ExitError as exc:  # the read timeout's interrupt
            raise SourceIdleError(
                f"no data from {self._spec} for {self._read_timeout:g} s"
            ) from exc
        except av.FFmpegError as exc:
            raise SourceError(f"reading {self._spec} failed: {reason(exc)}") from exc

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        """The stream's frame rate as FFmpeg guessed it."""
        return frame_rate(stream)

    def watch(self, listener: Callable[[Event], None]) -> None:
        """Never reconnects: nothing to report."""

    def want_keyframe(self) -> None:
        """Keyframes come when the sender makes them."""

    def interrupt(self) -> None:
        """Reads end on their own (a read timeout, or the next packet's time)."""

    def close(self) -> None:
        """Close the container."""
        if not self._closed:
            self._closed = True
            self._container.close()


def _fresh(demuxed: Iterator[av.Packet]) -> Iterator[av.Packet]:
    """A grabber's packets without the stale ones it kept from its opening (see `packets`)."""
    # How many pictures may be skipped: a machine too busy to read any picture fresh must still
    # record.
    skip = _MOST_STALE
    for packet in demuxed:
        if not packet.size:
            continue
        if skip and packet.pts is not None and packet.time_base is not None:
            stale = time.time() - float(packet.pts * packet.time_base) > STALE
            skip = skip - 1 if stale else 0
            if stale:
                continue
        yield packet
