"""Sources: where packets come from.

- `base`      the `MediaSource` protocol and `SourceSpec`, the parsed form of a source argument.
- `container` anything FFmpeg opens: files, URLs of every protocol the build has, lavfi test
              sources and capture devices.
- `livefile`  a file played in a loop at real-time pace, as if it were live (the demo rooms).
- `reconnect` a live URL that survives drops: reopened with backoff until it stays away too long.
- `forwarded` RTP an SFU forwards to this host, with keyframe requests and synthesised Sender
              Reports; it reconnects like a URL.
- `sound`     what an output plays (loopback) and microphones, through the sound server.
- `window`    one X11 window by its title.
- `devices`   capture device kinds of this platform and the devices they can list.

`open_source(spec)` picks the kind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from app.media.sources.base import MediaSource, SourceSpec, parse_source
from app.media.sources.container import ContainerSource
from app.media.sources.forwarded import ForwardedSource
from app.media.sources.livefile import LiveFileSource
from app.media.sources.reconnect import DEFAULT_MAX_IDLE, ReconnectingSource
from app.media.sources.sound import open_sound
from app.media.sources.window import open_window


def open_source(
    spec: SourceSpec,
    *,
    live: bool = False,
    position: float = 0.0,
    max_idle: float = DEFAULT_MAX_IDLE,
    authorize: Callable[[str], str] | None = None,
) -> MediaSource:
    """Open a source.

    `live` plays a file in real time, in a loop, from `position` seconds. A URL reconnects when it
    drops, until it sends nothing for `max_idle` seconds; `authorize` gives the URL to open at
    each (re)connection, so a signature that may be used once is made anew each time.
    """
    if live and spec.kind == "file":
        return LiveFileSource(spec.target, position=position)
    if spec.kind == "forwarded":
        return ForwardedSource(spec, max_idle=max_idle)
    if spec.kind == "sound":
        return open_sound(spec)
    if spec.kind == "window":
        return open_window(spec)
    if spec.kind == "url":

        def target() -> SourceSpec:
            if authorize is None:
                return spec
            return dataclasses.replace(spec, target=authorize(spec.target))

        return ReconnectingSource(
            lambda timeout, read_timeout: ContainerSource.open(
                target(), timeout=timeout, read_timeout=read_timeout
            ),
            scheme=spec.scheme,
            max_idle=max_idle,
        )
    return ContainerSource.open(spec)


__all__ = [
    "ContainerSource",
    "ForwardedSource",
    "LiveFileSource",
    "MediaSource",
    "ReconnectingSource",
    "SourceSpec",
    "open_source",
    "parse_source",
]
