"""The parsed form of a forwarded source argument, and the text it is made back into.

```
forwarded:HOST?video=PORT/CODEC/PT&audio=PORT/CODEC/PT&rtcp=PORT
```

`HOST` is the local address the UDP sockets bind to; `video` and `audio` (at least one) say where a
medium's RTP arrives, in which codec and with which payload type; `rtcp` (only with video) is the
port the SFU latches to, where keyframe requests leave from.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

from app.media.errors import SourceError

Medium = Literal["video", "audio"]

PREFIX = "forwarded:"
VIDEO_CODECS = ("vp8", "vp9", "h264")
AUDIO_CODECS = ("opus",)
CODECS: dict[Medium, tuple[str, ...]] = {"video": VIDEO_CODECS, "audio": AUDIO_CODECS}
# RTP clock rates (RFC 7741, RFC 7798's VP9 draft, RFC 6184, RFC 7587).
CLOCK_RATES = {"vp8": 90000, "vp9": 90000, "h264": 90000, "opus": 48000}
DYNAMIC_PAYLOAD_TYPES = range(96, 128)


@dataclass(frozen=True)
class ForwardedTrack:
    """One medium's RTP: the local UDP port it arrives on, its codec and its payload type."""

    port: int
    codec: str
    payload_type: int

    @property
    def clock_rate(self) -> int:
        """The RTP timestamp clock of the codec, in Hz."""
        return CLOCK_RATES[self.codec]

    def to_text(self) -> str:
        """`PORT/CODEC/PT`, as the argument writes it."""
        return f"{self.port}/{self.codec}/{self.payload_type}"


@dataclass(frozen=True)
class ForwardedSpec:
    """A forwarded source: where each medium's RTP arrives, and the SFU's feedback port."""

    host: str
    video: ForwardedTrack | None = None
    audio: ForwardedTrack | None = None
    rtcp: int | None = None

    def __post_init__(self) -> None:
        where = f"{PREFIX}{self.host}"
        _check_host(self.host)
        if self.video is None and self.audio is None:
            raise SourceError(f"{where}: give video=PORT/CODEC/PT, audio=PORT/CODEC/PT, or both")
        if self.rtcp is not None and self.video is None:
            raise SourceError(f"{where}: rtcp= asks for keyframes, so it needs video=")
        for medium, track in self.tracks.items():
            _check_track(where, medium, track)
        ports = [t.port for t in self.tracks.values()]
        if self.rtcp is not None:
            ports.append(self.rtcp)
        for port in ports:
            if not 1 <= port <= 65535:
                raise SourceError(f"{where}: port {port} is not a UDP port (1-65535)")
        if len(set(ports)) != len(ports):
            raise SourceError(f"{where}: each port may be named once ({ports})")

    @property
    def tracks(self) -> dict[Medium, ForwardedTrack]:
        """The media this source receives, video first (the order of the opened streams)."""
        tracks: dict[Medium, ForwardedTrack] = {}
        if self.video is not None:
            tracks["video"] = self.video
        if self.audio is not None:
            tracks["audio"] = self.audio
        return tracks

    @classmethod
    def parse(cls, text: str) -> ForwardedSpec:
        """Parse the text after `forwarded:`; `SourceError` says what is wrong and what fits."""
        host, _, query = text.partition("?")
        fields: dict[str, str] = {}
        for item in filter(None, query.split("&")):
            key, sep, value = item.partition("=")
            if not sep or key not in ("video", "audio", "rtcp"):
                raise SourceError(
                    f"{PREFIX}{text}: unknown part {item!r}; "
                    "use video=PORT/CODEC/PT, audio=PORT/CODEC/PT and rtcp=PORT"
                )
            if key in fields:
                raise SourceError(f"{PREFIX}{text}: {key}= is given twice")
            fields[key] = value
        return cls(
            host,
            video=_track(text, "video", fields["video"]) if "video" in fields else None,
            audio=_track(text, "audio", fields["audio"]) if "audio" in fields else None,
            rtcp=_number(text, "rtcp", fields["rtcp"]) if "rtcp" in fields else None,
        )

    def to_argument(self) -> str:
        """The source argument that parses back into this spec."""
        parts = [f"{medium}={track.to_text()}" for medium, track in self.tracks.items()]
        if self.rtcp is not None:
            parts.append(f"rtcp={self.rtcp}")
        return f"{PREFIX}{self.host}?{'&'.join(parts)}"


def _track(text: str, medium: Medium, value: str) -> ForwardedTrack:
    parts = value.split("/")
    if len(parts) != 3:
        raise SourceError(f"{PREFIX}{text}: {medium}={value} is not PORT/CODEC/PT")
    port, codec, payload_type = parts
    return ForwardedTrack(
        _number(text, medium, port), codec.lower(), _number(text, medium, payload_type)
    )


def _number(text: str, key: str, value: str) -> int:
    if not value.isdigit():
        raise SourceError(f"{PREFIX}{text}: {key}: {value!r} is not a number")
    return int(value)


def _check_host(host: str) -> None:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise SourceError(
            f"{PREFIX}{host}: the host must be a local IP address (10.16.77.1, 0.0.0.0, ::)"
        ) from None


def _check_track(where: str, medium: Medium, track: ForwardedTrack) -> None:
    if track.codec not in CODECS[medium]:
        raise SourceError(
            f"{where}: {medium} codec {track.codec!r} is not supported; "
            f"use {', '.join(CODECS[medium])}"
        )
    if track.payload_type not in DYNAMIC_PAYLOAD_TYPES:
        raise SourceError(
            f"{where}: {medium} payload type {track.payload_type} is not a dynamic one (96-127)"
        )
