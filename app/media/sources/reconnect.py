"""A live source that survives drops: reopened with backoff until it stays away for `max_idle` s.

```
connected ──read fails, times out, or the stream ends──▶ lost ──reopen (0.5 s, 1 s, 2 s … 5 s)──▶
    ▲                                                                                         │
    └──────────────────── back: same streams, timestamps of its own ◀─────────────────────────┘
                               (idle for max_idle seconds ──▶ SourceIdleError: the recording ends)
```

- **Idle.** `max_idle` counts from the last packet received, across reconnect attempts; each read
  waits at most `min(10 s, max_idle)`, so a source that goes quiet is noticed in time.
- **What ends a connection.** A read error or timeout always; the end of the stream only for live
  protocols (RTMP, RTSP, SRT, UDP, ...), where it means the publisher left. Over HTTP, the end of
  the stream is the end of the recording (a finished HLS playlist, a file).
- **Restarts in-band.** A server may keep the connection and send a new publisher's stream with
  timestamps of its own (nginx-rtmp does). A decode time that jumps back by more than
  `JUMP_BACK` seconds, or on by more than `JUMP_ON`, is reported like a reconnect.
- **Same streams only.** The reopened source must have the streams of the first one (kinds, codecs,
  sizes, sample rates, codec headers), since the files already hold those; so must a publisher that
  comes back in-band, whose first packets carry its codec headers (`new_extradata`). Otherwise the
  packets end with `SourceChangedError`, which says what changed: what was written is kept, and a
  caller that goes on (the worker's single mode) starts new files.

Every change is reported through `watch` (`SourceLost`, `SourceBack`): the remuxer rejoins its
timeline at the next keyframe, so the files go on with one continuous timeline, without the gap.
The clock and the wait are injectable, so tests run the backoff without waiting for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence

import av
import av.stream

from app.media.errors import SourceChangedError, SourceError, SourceIdleError
from app.media.events import Event, SourceBack, SourceLost, ignore
from app.media.sources.base import MediaSource

log = logging.getLogger(__name__)

DEFAULT_MAX_IDLE = 60.0
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 5.0
JUMP_BACK = 1.0
JUMP_ON = 5.0
# Protocols where the end of the stream means the publisher went away, not the end of the media.
# `forwarded` is RTP forwarded by an SFU (`app.media.sources.forwarded`).
LIVE_PROTOCOLS = frozenset(
    {"rtmp", "rtmps", "rtmpt", "rtsp", "rtsps", "srt", "udp", "rtp", "tcp", "forwarded"}
)

Opener = Callable[[float, float], MediaSource]  # (open timeout, read timeout) -> source


class ReconnectingSource:
    """Wraps a live source's connections; see the module docstring."""

    def __init__(
        self,
        open_: Opener,
        *,
        scheme: str | None = None,
        max_idle: float = DEFAULT_MAX_IDLE,
        open_timeout: float = 10.0,
        read_timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[float], bool] | None = None,
    ) -> None:
        self._open = open_
        self._max_idle = max_idle
        self._open_timeout = open_timeout
        self._read_timeout = min(read_timeout, max_idle)
        self._clock = clock
        self._interrupted = threading.Event()
        self._wait = wait or self._interrupted.wait
        self._end_is_drop = scheme in LIVE_PROTOCOLS
        self._listener: Callable[[Event], None] = ignore
        # The first connection stays open until close(): its streams are the recording's templates.
        self._first = open_(open_timeout, self._read_timeout)
        self._current = self._first

    @property
    def streams(self) -> Sequence[av.stream.Stream]:
        """The streams of the first connection; later ones must match them."""
        return self._first.streams

    @property
    def live(self) -> bool:
        """Always live."""
        return True

    @property
    def label(self) -> str:
        """The source as the user named it."""
        return self._first.label

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        """The frame rate the first connection reported."""
        return self._first.frame_rate(stream)

    def watch(self, listener: Callable[[Event], None]) -> None:
        """Report `SourceLost` and `SourceBack` to `listener`."""
        self._listener = listener

    def want_keyframe(self) -> None:
        """Keyframes come when the sender makes them."""

    def interrupt(self) -> None:
        """Stop waiting for a reconnect: the packets end."""
        self._interrupted.set()

    def packets(self) -> Iterator[av.Packet]:
        """Packets of every connection in turn, until the source stays away for `max_idle`;
        `SourceChangedError` when it comes back with other streams."""
        back = {s.index: round(JUMP_BACK / float(s.time_base)) for s in self.streams}
        on = {s.index: round(JUMP_ON / float(s.time_base)) for s in self.streams}
        headers = {s.index: (s.type, bytes(s.codec_context.extradata or b"")) for s in self.streams}
        while True:
            lasts: dict[int, int] = {}
            try:
                for packet in self._current.packets():
                    dts = packet.dts
                    if dts is not None:
                        index = packet.stream_index
                        last = lasts.get(index)
                        if last is not None and (
                            dts < last - back.get(index, 0) or dts > last + on.get(index, 0)
                        ):
                            log.info("%s: timestamps jumped; the stream restarted", self.label)
                            self._listener(SourceLost("the stream restarted"))
                            self._listener(SourceBack(0.0, 0))
                            lasts = {}
                        lasts[index] = dts
                    # Headers that arrive in-band belong to a publisher that came back; cheap
                    # flags first, as this runs for every packet.
                    if packet.is_keyframe and packet.has_sidedata("new_extradata"):
                        self._check_headers(packet, headers)
                    yield packet
                if not self._end_is_drop:
                    return
                reason, silent = f"{self.label} ended", 0.0
            except SourceChangedError:
                raise
            except SourceIdleError as exc:
                reason, silent = str(exc), self._read_timeout
            except SourceError as exc:
                reason, silent = str(exc), 0.0
            if self._interrupted.is_set():
                return
            lost_at = self._clock()
            self._listener(SourceLost(reason))
            log.info("%s: lost (%s); reconnecting", self.label, reason)
            reopened = self._reconnect(lost_at - silent)
            if reopened is None:
                return
            if self._current is not self._first:
                self._current.close()
            self._current, attempts = reopened
            self._listener(SourceBack(self._clock() - lost_at, attempts))

    def _reconnect(self, last_data: float) -> tuple[MediaSource, int] | None:
        """Reopen with backoff; None when interrupted; SourceIdleError past `max_idle`."""
        delay = FIRST_BACKOFF
        attempts = 0
        while True:
            remaining = self._max_idle - (self._clock() - last_data)
            if remaining <= 0:
                raise SourceIdleError(f"no data from {self.label} for {self._max_idle:g} s")
            if self._wait(min(delay, remaining)):
                return None  # interrupted
            remaining = self._max_idle - (self._clock() - last_data)
            if remaining <= 0:
                continue
            attempts += 1
            delay = min(delay * 2, MAX_BACKOFF)
            try:
                source = self._open(min(self._open_timeout, remaining), self._read_timeout)
            except SourceError as exc:
                log.info("%s: reconnect attempt %d failed: %s", self.label, attempts, exc)
                continue
            if change := _difference(self.streams, source.streams):
                source.close()
                raise self._changed(change)
            return source, attempts

    def _check_headers(self, packet: av.Packet, headers: dict[int, tuple[str, bytes]]) -> None:
        """Raise `SourceChangedError` if a packet brings codec headers other than the first ones."""
        kind, first = headers.get(packet.stream_index, ("", None))
        if first is not None and bytes(packet.get_sidedata("new_extradata")) != first:
            raise self._changed(f"{kind} codec settings changed")

    def _changed(self, change: str) -> SourceChangedError:
        return SourceChangedError(
            f"{self.label} came back with different streams ({change}); "
            "the files written so far are kept"
        )

    def close(self) -> None:
        """Close the connections."""
        if self._current is not self._first:
            self._current.close()
        self._first.close()


def _difference(first: Sequence[av.stream.Stream], now: Sequence[av.stream.Stream]) -> str:
    """What differs between two connections' streams, in words; empty when they match."""
    if [s.type for s in first] != [s.type for s in now]:
        return f"{_kinds(first)} before, {_kinds(now)} now"
    for a, b in zip(first, now, strict=True):
        ca, cb = a.codec_context, b.codec_context
        if ca.name != cb.name:
            return f"{a.type} codec {ca.name} before, {cb.name} now"
        if a.type == "video" and (ca.width, ca.height) != (cb.width, cb.height):
            return f"video {ca.width}x{ca.height} before, {cb.width}x{cb.height} now"
        if a.type == "audio" and (ca.sample_rate, ca.channels) != (cb.sample_rate, cb.channels):
            return (
                f"audio {ca.sample_rate} Hz, {ca.channels} channels before, "
                f"{cb.sample_rate} Hz, {cb.channels} channels now"
            )
        if (ca.extradata or b"") != (cb.extradata or b""):
            return f"{a.type} codec settings changed"
    return ""


def _kinds(streams: Sequence[av.stream.Stream]) -> str:
    return "+".join(s.type for s in streams) or "nothing"
