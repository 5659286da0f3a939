"""The container a recording writes when its request names none, and the codecs it refuses.

- **No format named**: a mixed recording (encoded by RecDesk) or one of sound only is `mp4`. A
  single-stream one copies its streams as they are, so their codecs decide: any VP8 or VP9 picture
  (a WebRTC room's) makes it `webm` (`mkv` when H.264 is there too, which WebM cannot hold), else
  `mp4`.
- **A format named that cannot hold a stream's codec**: for an SFU's streams (copied, never
  re-encoded unless asked), the request is refused with 42210 saying which stream and what would
  hold it, unless it sets `reencode: true`; then what cannot be held is re-encoded (the file's
  `reencoded` says which). Other rooms' streams keep the engine's rule: re-encoded.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.api.errors import ApiError, ErrorCode
from app.api.models import OutputFormat, RecordingCreate
from app.media.formats import FORMATS, MediaType
from app.service.rooms.base import LiveStream

_WEBM_VIDEO = frozenset({"vp8", "vp9", "av1"})


def with_format(request: RecordingCreate, streams: Iterable[LiveStream]) -> RecordingCreate:
    """The request with its format chosen (if it named none) and checked against `streams`."""
    streams = list(streams)
    if request.format is None:
        return request.model_copy(update={"format": _chosen(request, streams)})
    if request.mode == "single" and not request.reencode:
        _check(request.format, request, streams)
    return request


def _media(request: RecordingCreate) -> tuple[bool, bool]:
    """Whether the recording keeps pictures, and sound."""
    return request.stream_type != "audio", request.stream_type != "video"


def _chosen(request: RecordingCreate, streams: list[LiveStream]) -> OutputFormat:
    pictures, _ = _media(request)
    if request.mode == "mixed" or not pictures:
        return "mp4"  # encoded here (a mix), or sound only, which MP4 holds in every codec here
    codecs = {s.media.codec for s in streams if s.media.codec}
    if codecs & {"vp8", "vp9"}:
        return "webm" if codecs <= _WEBM_VIDEO else "mkv"
    return "mp4"


def _check(name: OutputFormat, request: RecordingCreate, streams: list[LiveStream]) -> None:
    fmt = FORMATS[name]
    pictures, sound = _media(request)
    for stream in streams:
        if stream.forwarding is None:
            continue
        media: list[tuple[MediaType, str | None]] = []
        if pictures:
            media.append(("video", stream.media.codec))
        if sound:
            media.append(("audio", stream.media.audio_codec))
        for kind, codec in media:
            if codec is None or fmt.holds(kind, codec):
                continue
            fits = [
                other.name
                for other in FORMATS.values()
                if not other.audio_only and other.holds(kind, codec) and other.name != "hls"
            ]
            raise ApiError(
                ErrorCode.codec_not_in_format,
                f"{name} cannot hold {stream.stream_id}'s {codec} {kind} as it is: leave format "
                f"out, name one that holds it ({', '.join(fits)}), or set reencode: true",
            )
