"""What a finished file is: the record each recording front end reports.

`FileInfo.as_event()` is the JSON line of `recdesk-record` (`{"event": "file", ...}`) and what the
service stores per file. `StreamInfo.of()` describes a PyAV stream the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import av.stream


@dataclass(frozen=True)
class StreamInfo:
    """One stream of a file: its type, codec and picture or sound parameters."""

    type: str
    codec: str
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    sample_rate: int | None = None
    channels: int | None = None

    @classmethod
    def of(cls, stream: av.stream.Stream, fps: float | None = None) -> StreamInfo:
        """Describe a PyAV stream; `fps` overrides the rate the stream reports."""
        ctx = stream.codec_context
        codec = codec_name(stream)
        if stream.type == "video":
            rate = fps if fps is not None else frame_rate(stream)
            return cls("video", codec, ctx.width, ctx.height, rate)
        if stream.type == "audio":
            return cls("audio", codec, sample_rate=ctx.sample_rate, channels=ctx.channels)
        return cls(stream.type, codec)


@dataclass(frozen=True)
class Reencoded:
    """A stream that the container could not hold as it was, and what it became."""

    type: str
    source_codec: str
    codec: str

    def as_dict(self) -> dict[str, str]:
        """The JSON form: `{"type", "from", "to"}`."""
        return {"type": self.type, "from": self.source_codec, "to": self.codec}


@dataclass(frozen=True)
class FileInfo:
    """A finished output file."""

    path: Path
    size: int
    duration: float
    start: dt.datetime
    end: dt.datetime
    streams: tuple[StreamInfo, ...]
    reencoded: tuple[Reencoded, ...] = ()
    extra_paths: tuple[Path, ...] = field(default=())

    def as_event(self) -> dict[str, Any]:
        """The `{"event": "file", ...}` JSON object."""
        return {
            "event": "file",
            "path": str(self.path),
            "size": self.size,
            "duration": round(self.duration, 6),
            "start": self.start.isoformat(timespec="milliseconds"),
            "end": self.end.isoformat(timespec="milliseconds"),
            "streams": [asdict(s) for s in self.streams],
            "reencoded": [r.as_dict() for r in self.reencoded],
        }


def codec_name(stream: av.stream.Stream) -> str:
    """The codec's canonical name (`h264`, not the `libx264` encoder that wrote it)."""
    ctx = stream.codec_context
    if ctx is None:
        return "unknown"
    return str(ctx.codec.canonical_name)


def frame_rate(stream: av.stream.Stream) -> float | None:
    """A video stream's frame rate as FFmpeg guessed it; None for other streams or when unknown."""
    if stream.type != "video":
        return None
    rate = stream.guessed_rate or stream.average_rate
    return round(float(rate), 3) if rate else None
