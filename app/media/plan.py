"""From a stream type and an output name to the files a recording writes.

The stream types are those of the cloud-recording seed (StreamType 1-4):

- `audio`     one file with the audio stream;
- `video`     one file with the video stream;
- `av`        one file with both;
- `separate`  `STEM.video.EXT` with the video and `STEM.audio.m4a|ogg` with the audio.

Validated before anything is opened for writing, so a bad combination costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import av.stream

from app.media.errors import FormatError, NoStreamError
from app.media.formats import FORMATS, ContainerFormat, audio_file_format, with_extension

StreamType = Literal["audio", "video", "av", "separate"]
STREAM_TYPES: tuple[str, ...] = get_args(StreamType)


@dataclass(frozen=True)
class OutputPlan:
    """One file to write: where, in which container, from which source streams."""

    path: Path
    format: ContainerFormat
    streams: tuple[av.stream.Stream, ...]


def plan_outputs(
    streams: Sequence[av.stream.Stream],
    stream_type: StreamType | None,
    stem: Path,
    fmt: ContainerFormat,
    *,
    label: str = "the source",
) -> list[OutputPlan]:
    """The files to write; `stream_type` None means `av`, or `audio` for an audio-only format."""
    if stream_type is None:
        stream_type = "audio" if fmt.audio_only else "av"
    if fmt.audio_only and stream_type != "audio":
        raise FormatError(f"{fmt.name} files hold audio only; record with --stream-type audio")
    video = next((s for s in streams if s.type == "video"), None)
    audio = next((s for s in streams if s.type == "audio"), None)

    def need(stream: av.stream.Stream | None, kind: str, instead: str) -> av.stream.Stream:
        if stream is None:
            raise NoStreamError(
                f"{label} has no {kind} stream; record it with --stream-type {instead}"
            )
        return stream

    def audio_file(stream: av.stream.Stream, path_stem: Path, asked: ContainerFormat) -> OutputPlan:
        container = audio_file_format(stream.codec_context.name, asked)
        return OutputPlan(with_extension(path_stem, container.extension), container, (stream,))

    match stream_type:
        case "audio":
            stream = need(audio, "audio", "video")
            if fmt.audio_only:
                return [audio_file(stream, stem, fmt)]
            return [OutputPlan(with_extension(stem, fmt.extension), fmt, (stream,))]
        case "video":
            stream = need(video, "video", "audio")
            return [OutputPlan(with_extension(stem, fmt.extension), fmt, (stream,))]
        case "av":
            chosen = tuple(s for s in (video, audio) if s is not None)
            if not chosen:
                raise NoStreamError(f"{label} has no audio or video stream")
            return [OutputPlan(with_extension(stem, fmt.extension), fmt, chosen)]
        case "separate":
            if video is None and audio is None:
                raise NoStreamError(f"{label} has no audio or video stream")
            plans = []
            if video is not None:
                plans.append(
                    OutputPlan(with_extension(stem, ".video" + fmt.extension), fmt, (video,))
                )
            if audio is not None:
                asked = FORMATS["ogg"] if fmt.name in ("webm", "ogg") else FORMATS["m4a"]
                plans.append(audio_file(audio, with_extension(stem, ".audio"), asked))
            return plans
    raise FormatError(f"unknown stream type {stream_type!r}; use one of {'|'.join(STREAM_TYPES)}")
