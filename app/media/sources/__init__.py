"""Sources: where packets come from.

- `base`      the `MediaSource` protocol and `SourceSpec`, the parsed form of a source argument.
- `container` anything FFmpeg opens: files, URLs of every protocol the build has, lavfi test
              sources and capture devices.
- `livefile`  a file played in a loop at real-time pace, as if it were live (the demo rooms).
- `devices`   capture device kinds of this platform and the devices they can list.

`open_source(spec)` picks the kind.
"""

from __future__ import annotations

from app.media.sources.base import MediaSource, SourceSpec, parse_source
from app.media.sources.container import ContainerSource
from app.media.sources.livefile import LiveFileSource


def open_source(spec: SourceSpec, *, live: bool = False, position: float = 0.0) -> MediaSource:
    """Open a source; `live` plays a file in real time, in a loop, from `position` seconds."""
    if live and spec.kind == "file":
        return LiveFileSource(spec.target, position=position)
    return ContainerSource.open(spec)


__all__ = [
    "ContainerSource",
    "LiveFileSource",
    "MediaSource",
    "SourceSpec",
    "open_source",
    "parse_source",
]
