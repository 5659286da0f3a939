"""The forwarded source: RTP that an SFU forwards to this host, recorded without re-encoding.

```
ForwardedSource ── owns ──▶ Relay (sockets on HOST, one thread, the whole life of the source)
       │
       └── ReconnectingSource ── opens ──▶ Connection (FFmpeg on an SDP, fresh loopback ports)
```

A publisher who goes away (nothing arrives for the read timeout) or comes back through a new
forwarder (the relay sees a new stream and ends the connection) is a drop, not the end: the
connection is reopened, with a keyframe request, until nothing has come for `max_idle` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

import av
import av.stream

from app.media.errors import SourceError
from app.media.events import Event
from app.media.sources.base import MediaSource, SourceSpec
from app.media.sources.container import OPEN_TIMEOUT, READ_TIMEOUT
from app.media.sources.forwarded.connection import Connection, IncompleteOpen, open_connection
from app.media.sources.forwarded.relay import (
    LOSS_WAIT,
    PLI_INTERVAL,
    REPORT_INTERVAL,
    Relay,
    RelayStats,
)
from app.media.sources.forwarded.spec import ForwardedSpec
from app.media.sources.reconnect import DEFAULT_MAX_IDLE, ReconnectingSource


class ForwardedSource:
    """A `MediaSource` of forwarded RTP; see the module docstring."""

    def __init__(
        self,
        spec: SourceSpec,
        *,
        max_idle: float = DEFAULT_MAX_IDLE,
        open_timeout: float = OPEN_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        pli_interval: float = PLI_INTERVAL,
        loss_wait: float = LOSS_WAIT,
        report_interval: float = REPORT_INTERVAL,
    ) -> None:
        self._spec = spec
        self._forwarded = ForwardedSpec.parse(spec.target)
        self._stopped = False
        self._latest: Connection | None = None
        self._relay = Relay(
            self._forwarded,
            pli_interval=pli_interval,
            loss_wait=loss_wait,
            report_interval=report_interval,
        )
        try:
            self._connections = ReconnectingSource(
                self._connect,
                scheme="forwarded",
                max_idle=max_idle,
                open_timeout=open_timeout,
                read_timeout=read_timeout,
            )
        except BaseException:
            self._relay.close()
            raise

    def _connect(self, timeout: float, read_timeout: float) -> MediaSource:
        # An SFU may hold a keyframe request back (Janus sends at most one a second to each
        # publisher, however many forwarders ask), so an open that saw no keyframe in its
        # analysis is tried again, with a new request, while `timeout` lasts; so is one whose
        # ports something else took.
        deadline = time.monotonic() + timeout
        while True:
            if self._stopped:
                raise SourceError(f"{self._spec} was stopped")
            left = deadline - time.monotonic()
            try:
                self._latest = open_connection(
                    self._spec, self._forwarded, self._relay, max(0.5, left), read_timeout
                )
                return self._latest
            except IncompleteOpen:
                if deadline - time.monotonic() < 0.5:
                    raise

    @property
    def forwarded(self) -> ForwardedSpec:
        """Where the RTP arrives."""
        return self._forwarded

    @property
    def stats(self) -> RelayStats:
        """The relay's counters: packets received and lost, keyframe requests, restarts."""
        return self._relay.stats

    @property
    def wall_clock_origin(self) -> float | None:
        """The wall-clock time of timestamp 0 of the latest connection's packets (see
        `MediaSource`): as the relay's Sender Reports put them, when they arrived here."""
        latest = self._latest
        return latest.wall_clock_origin if latest is not None else None

    @property
    def streams(self) -> Sequence[av.stream.Stream]:
        """The first connection's streams: video first, then audio."""
        return self._connections.streams

    @property
    def live(self) -> bool:
        """Always live."""
        return True

    @property
    def label(self) -> str:
        """The source argument."""
        return str(self._spec)

    def packets(self) -> Iterator[av.Packet]:
        """Packets of every connection in turn, until the source stays away for `max_idle`."""
        return self._connections.packets()

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        """The frame rate FFmpeg guessed, if any (RTP does not say)."""
        return self._connections.frame_rate(stream)

    def watch(self, listener: Callable[[Event], None]) -> None:
        """Report `SourceLost` and `SourceBack` to `listener`."""
        self._connections.watch(listener)

    def want_keyframe(self) -> None:
        """Ask the SFU for a keyframe (a PLI, rate-limited)."""
        self._relay.want_keyframe()

    def interrupt(self) -> None:
        """End the reads now: no reconnect waits, and FFmpeg's read gets an RTCP BYE."""
        self._stopped = True
        self._connections.interrupt()
        self._relay.end_connection()

    def close(self) -> None:
        """Close FFmpeg's connections and the relay, releasing every socket; safe to call twice."""
        self._stopped = True
        try:
            self._connections.close()
        finally:
            self._relay.close()
