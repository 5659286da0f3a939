"""RTP that an SFU forwards to this host (Janus VideoRoom's `rtp_forward`), as a `MediaSource`.

- `spec`        `ForwardedSpec`/`ForwardedTrack`: the parsed `forwarded:` argument and its text.
- `rtp`         the RTP and RTCP packets read and written.
- `streams`     one medium's incoming streams: restarts, arrival-time clock, losses.
- `relay`       the thread between the SFU and FFmpeg: forwarding, PLIs, Sender Reports.
- `connection`  one FFmpeg connection: an SDP on fresh loopback ports.
- `source`      `ForwardedSource`: the relay and a reconnecting connection, for a recording's life.
"""

from __future__ import annotations

from app.media.sources.forwarded.relay import RelayStats
from app.media.sources.forwarded.source import ForwardedSource
from app.media.sources.forwarded.spec import ForwardedSpec, ForwardedTrack

__all__ = ["ForwardedSource", "ForwardedSpec", "ForwardedTrack", "RelayStats"]
