"""nginx-rtmp's statistics page (`rtmp_stat all`, XML), read into plain data.

The page lists, per `<server>`, its `<application>`s, and per application the `<stream>`s of its
`<live>` section. A stream is there as soon as anyone uses its name, a player waiting for it
included; it is published while it carries `<publishing/>` and has media once it carries
`<active/>` (`StatStream.live`). Its `<meta>` gives the codecs and formats the publisher announced:

```xml
<rtmp><server><application><name>live</name><live>
  <stream><name>meet__alice</name><time>3884</time>
    <client><id>4</id><time>4061</time>...<publishing/><active/></client>
    <meta><video><width>320</width><height>240</height><frame_rate>30</frame_rate>
      <codec>H264</codec>...</video><audio><codec>AAC</codec><channels>2</channels>
      <sample_rate>48000</sample_rate></audio></meta>
    <publishing/><active/></stream>
</live></application></server></rtmp>
```

Codec names are turned into FFmpeg's (`H264` → `h264`, `AAC` → `aac`), as the rest of RecDesk
names them. The page comes from the network, so it is read defensively: at most `MAX_BYTES`, no
DOCTYPE or entity declarations (no entity expansion, no external fetches). Anything unexpected
raises `StatPageError`, whose message says what is wrong and where.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from app.errors import RecDeskError

_N = TypeVar("_N", int, float)

MAX_BYTES = 8 * 1024 * 1024

# nginx-rtmp's codec names (ngx_rtmp_codec_module) → FFmpeg's.
_VIDEO_CODECS = {
    "H264": "h264",
    "HEVC": "hevc",
    "Sorenson-H263": "flv1",
    "ScreenVideo": "flashsv",
    "ScreenVideo2": "flashsv2",
    "On2-VP6": "vp6f",
    "On2-VP6-Alpha": "vp6a",
}
_AUDIO_CODECS = {
    "AAC": "aac",
    "MP3": "mp3",
    "MP3-8K": "mp3",
    "Speex": "speex",
    "Nellymoser": "nellymoser",
    "Nellymoser8": "nellymoser",
    "Nellymoser16": "nellymoser",
    "ADPCM": "adpcm_swf",
    "G711A": "pcm_alaw",
    "G711U": "pcm_mulaw",
    "LinearLE": "pcm_s16le",
    "Uncompressed": "pcm_s16le",
}
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class StatPageError(RecDeskError):
    """The statistics page is not what nginx-rtmp serves: not XML, too large, or unexpected."""


@dataclass(frozen=True)
class VideoMeta:
    """A stream's picture, as its publisher announced it; None where it said nothing."""

    codec: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None


@dataclass(frozen=True)
class AudioMeta:
    """A stream's sound, as its publisher announced it; None where it said nothing."""

    codec: str | None = None
    sample_rate: int | None = None
    channels: int | None = None


@dataclass(frozen=True)
class StatStream:
    """One stream of an application's live section.

    `time_ms` is how long it has been published: the publishing client's `<time>` where there is
    one (the stream's own counts from its first user, who may be a player that waited).
    """

    name: str
    time_ms: int
    publishing: bool
    active: bool
    video: VideoMeta | None = None
    audio: AudioMeta | None = None

    @property
    def live(self) -> bool:
        """Published, and its media is flowing: something a recording can pull."""
        return self.publishing and self.active


@dataclass(frozen=True)
class StatApplication:
    """An RTMP application and its streams, in the page's order."""

    name: str
    streams: tuple[StatStream, ...] = ()


@dataclass(frozen=True)
class StatPage:
    """The whole page: every server's applications, in the page's order."""

    applications: tuple[StatApplication, ...] = ()

    def live(self) -> Iterator[tuple[str, StatStream]]:
        """(application, stream) for every live stream."""
        for app in self.applications:
            for stream in app.streams:
                if stream.live:
                    yield app.name, stream


def parse_stat(data: bytes | str) -> StatPage:
    """Read a `rtmp_stat all` page; `StatPageError` says what is wrong with a malformed one."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise StatPageError(f"the page is larger than {MAX_BYTES} bytes")
    if _DECLARATION.search(raw):
        raise StatPageError("the page declares a DOCTYPE or entities, which rtmp_stat never does")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise StatPageError(f"not well-formed XML ({exc})") from exc
    if root.tag != "rtmp":
        raise StatPageError(
            f"the root element is <{root.tag}>, not <rtmp>: is this an `rtmp_stat all` page?"
        )
    apps: list[StatApplication] = []
    for s, server in enumerate(root.findall("server"), 1):
        for a, app in enumerate(server.findall("application"), 1):
            name = _text(app, "name", f"server {s}, application {a}")
            streams = tuple(
                _stream(stream, f"application {name!r}", i)
                for i, stream in enumerate(app.findall("live/stream"), 1)
            )
            apps.append(StatApplication(name, streams))
    return StatPage(tuple(apps))


def _stream(element: ET.Element, app: str, index: int) -> StatStream:
    name = _text(element, "name", f"{app}, stream {index}")
    where = f"{app}, stream {name!r}"
    publishing = element.find("publishing") is not None
    time_ms = _int(element, "time", where)
    for client in element.findall("client"):
        if client.find("publishing") is not None:
            time_ms = _int(client, "time", f"{where}, its publisher")
            break
    meta = element.find("meta")
    video = audio = None
    if meta is not None:
        video = _video(meta.find("video"), f"{where}, video")
        audio = _audio(meta.find("audio"), f"{where}, audio")
    return StatStream(
        name=name,
        time_ms=time_ms if time_ms is not None else 0,
        publishing=publishing,
        active=element.find("active") is not None,
        video=video,
        audio=audio,
    )


def _video(element: ET.Element | None, where: str) -> VideoMeta | None:
    if element is None or len(element) == 0:
        return None
    codec = _optional_text(element, "codec")
    return VideoMeta(
        codec=_VIDEO_CODECS.get(codec, codec.lower()) if codec else None,
        width=_positive(_int(element, "width", where)),
        height=_positive(_int(element, "height", where)),
        frame_rate=_positive(_float(element, "frame_rate", where)),
    )


def _audio(element: ET.Element | None, where: str) -> AudioMeta | None:
    if element is None or len(element) == 0:
        return None
    codec = _optional_text(element, "codec")
    return AudioMeta(
        codec=_AUDIO_CODECS.get(codec, codec.lower()) if codec else None,
        sample_rate=_positive(_int(element, "sample_rate", where)),
        channels=_positive(_int(element, "channels", where)),
    )


def _optional_text(element: ET.Element, tag: str) -> str | None:
    text = element.findtext(tag)
    return text.strip() or None if text is not None else None


def _text(element: ET.Element, tag: str, where: str) -> str:
    text = _optional_text(element, tag)
    if text is None:
        raise StatPageError(f"{where} has no <{tag}>")
    return text


def _int(element: ET.Element, tag: str, where: str) -> int | None:
    text = _optional_text(element, tag)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise StatPageError(f"{where}: <{tag}> is {text!r}, not a whole number") from None


def _float(element: ET.Element, tag: str, where: str) -> float | None:
    text = _optional_text(element, tag)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise StatPageError(f"{where}: <{tag}> is {text!r}, not a number") from None


def _positive(value: _N | None) -> _N | None:
    """nginx-rtmp writes 0 for what the publisher did not announce."""
    return value if value is not None and value > 0 else None
