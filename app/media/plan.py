"""From a stream type and an output name to the files a recording writes.

The stream types are those of the cloud-recording seed (StreamType 1-4):

- `audio`     one file with the audio stream(s);
- `video`     one file with the video stream;
- `av`        one file with both;
- `separate`  `STEM.video.EXT` with the video and `STEM.audio.m4a|ogg` with the audio.

A source with several audio streams (a call's microphone and system sound, kept apart) has every
one of them in each file that takes audio, in the source's order; the first video stream is the
video.

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
    audio = tuple(s for s in streams if s.type == "audio")

    def audio_file(
        tracks: tuple[av.stream.Stream, ...], path_stem: Path, asked: ContainerFormat
    ) -> OutputPlan:
        container = audio_file_format(tracks[0].codec_context.name, asked)
        return OutputPlan(with_extension(path_stem, container.extension), container, tracks)

    match stream_type:
        case "audio":
            if not audio:
                raise NoStreamError(
                    f"{label} has no audio stream; record it with --stream-type video"
                )
            if fmt.audio_only:
                return [audio_file(audio, stem, fmt)]
            return [OutputPlan(with_extension(stem, fmt.extension), fmt, audio)]
        case "video":
            if video is None:
                raise NoStreamError(
                    f"{label} has no video stream; record it with --stream-type audio"
                )
            return [OutputPlan(with_extension(stem, fmt.extension), fmt, (video,))]
        case "av":
            chosen = (video, *audio) if video is not None else audio
            if not chosen:
                raise NoStreamError(f"{label} has no audio or video stream")
            return [OutputPlan(with_extension(stem, fmt.extension), fmt, chosen)]
        case "separate":
            if video is None and not audio:
                raise NoStreamError(f"{label} has no audio or video stream")
            plans = []
            if video is not None:
                plans.append(
                    OutputPlan(with_extension(stem, ".video" + fmt.extension), fmt, (video,))
                )
            if audio:
                asked = FORMATS["ogg"] if fmt.name in ("webm", "ogg") else FORMATS["m4a"]
                plans.append(audio_file(audio, with_extension(stem, ".audio"), asked))
            return plans
    raise FormatError(f"unknown stream type {stream_type!r}; use one of {'|'.join(STREAM_TYPES)}")
