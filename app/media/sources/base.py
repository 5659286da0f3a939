"""The `MediaSource` protocol and the parsed form of a source argument.

A source argument is one of:

- a file path (`talk.mp4`);
- a URL of any protocol the FFmpeg build has (`rtmp://host/app/key`, `rtsp://...`, `http://.../x.m3u8`,
  `udp://@:5000`, ...);
- `lavfi:GRAPH`, an FFmpeg test source (`lavfi:testsrc2=size=1280x720:rate=30`);
- `DEVICE:TARGET`, a capture device (`x11grab::0.0`, `v4l2:/dev/video0`, `alsa:default`,
  `avfoundation:1:0`, `dshow:video=Camera`, `gdigrab:desktop`);
- `loopback:NAME`, what a sound output plays (`loopback:default`, the default output), and
  `mic:NAME`, a microphone (`mic:default`), both through the sound server
  (`app.media.sources.sound`);
- `window:TITLE`, one X11 window by its title (`app.media.sources.window`);
- `forwarded:HOST?video=PORT/CODEC/PT&audio=PORT/CODEC/PT&rtcp=PORT`, RTP that an SFU forwards to
  UDP ports on this host (`app.media.sources.forwarded`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import av
import av.stream

from app.media.errors import SourceError
from app.media.events import Event

SourceKind = Literal["file", "url", "lavfi", "device", "forwarded", "sound", "window"]

# Capture device prefixes and the FFmpeg input format each one names.
DEVICE_FORMATS = {
    "x11grab": "x11grab",
    "v4l2": "v4l2",
    "alsa": "alsa",
    "avfoundation": "avfoundation",
    "dshow": "dshow",
    "gdigrab": "gdigrab",
}

# Sources this project captures itself: the prefix and the "input format" it is kept under.
SOUND_KINDS = ("loopback", "mic")

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True)
class SourceSpec:
    """A source argument, parsed: what kind it is, what to open, and with which input format."""

    kind: SourceKind
    target: str
    input_format: str | None = None

    def __str__(self) -> str:
        if self.kind in ("lavfi", "device", "sound"):
            return f"{self.input_format}:{self.target}"
        if self.kind == "window":
            return f"window:{self.target}"
        if self.kind == "forwarded":
            return f"forwarded:{self.target}"
        return self.target

    @property
    def scheme(self) -> str | None:
        """The URL scheme (`rtmp`, `http`, ...) for a URL, else None."""
        return self.target.split("://", 1)[0].lower() if self.kind == "url" else None


def parse_source(text: str) -> SourceSpec:
    """Parse a source argument; a plain path must exist."""
    if _URL.match(text):
        return SourceSpec("url", text)
    prefix, sep, rest = text.partition(":")
    if sep and prefix == "lavfi":
        return SourceSpec("lavfi", rest, "lavfi")
    if sep and prefix in DEVICE_FORMATS:
        return SourceSpec("device", rest, DEVICE_FORMATS[prefix])
    if sep and prefix in SOUND_KINDS:
        return SourceSpec("sound", rest or "default", prefix)
    if sep and prefix == "window":
        return SourceSpec("window", rest, "x11grab")
    if sep and prefix == "forwarded":  # checked where it is opened (`ForwardedSpec.parse`)
        return SourceSpec("forwarded", rest, "sdp")
    path = Path(text)
    if not path.exists():
        raise SourceError(f"cannot open {text}: no such file")
    if path.is_dir():
        raise SourceError(f"cannot open {text}: it is a folder, not a media file")
    return SourceSpec("file", text)


@dataclass(frozen=True)
class Device:
    """One capture device and the source argument that records it (`v4l2:/dev/video0`)."""

    kind: str
    source: str
    media: str
    description: str


class MediaSource(Protocol):
    """An opened source of packets.

    `streams` are the source's PyAV streams: their codec parameters are the templates for outputs
    and their time bases are those of the packets. `live` says whether timestamps follow a clock
    the recording does not start (a network stream, a device, a paced file), so that the recording
    rebases them to start at zero.

    A source whose timestamps can be read on the wall clock (a screen grabber's are seconds of
    `time.time()`; sound from the sound server is stamped as it is heard) may also have a
    `wall_clock_origin` attribute: the wall-clock time of timestamp 0. A live mix then places its
    media when it was captured rather than when it arrived (`wall_clock_origin(source)`).
    """

    @property
    def streams(self) -> Sequence[av.stream.Stream]: ...

    @property
    def live(self) -> bool: ...

    @property
    def label(self) -> str: ...

    def packets(self) -> Iterator[av.Packet]:
        """Packets in decode order; ends when the source ends."""
        ...

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        """The frame rate of a video stream, as the source knows it."""
        ...

    def watch(self, listener: Callable[[Event], None]) -> None:
        """Report connection changes (`SourceLost`, `SourceBack`) to `listener`.

        Only a source that reconnects has any; the others ignore the listener.
        """
        ...

    def want_keyframe(self) -> None:
        """Ask for a keyframe soon (a resume waits for one); only a source that encodes can."""
        ...

    def interrupt(self) -> None:
        """Wake a read that waits (for a reconnect, say) so the recording can stop; any thread."""
        ...

    def close(self) -> None:
        """Release the source; safe to call twice."""
        ...


def wall_clock_origin(source: MediaSource) -> float | None:
    """The wall-clock time of the source's timestamp 0, for a source that knows it (see
    `MediaSource`), else None."""
    origin = getattr(source, "wall_clock_origin", None)
    return float(origin) if origin is not None else None
