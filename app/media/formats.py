"""Output containers: what each can hold, how it is written, and how outputs are named.

A `ContainerFormat` is plain data: the FFmpeg muxer, the file extension, the codecs it holds without
re-encoding, the codec a stream is re-encoded to when it cannot be held, and the muxer options that
make it survive a crash (fragmented or hybrid MP4 with fragments of at most one second).

`m4a` and `ogg` are audio files whose container follows the content: AAC (or MP3, ALAC) goes into
`.m4a`, Opus (or Vorbis, FLAC) into `.ogg`; only audio that neither holds is re-encoded, to the
asked format's codec.

May import the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from app.media.errors import FormatError

MediaType = Literal["audio", "video"]

# Fragments of at most a second: a killed recorder loses at most that much. `hybrid_fragmented`
# writes fragments while recording and rewrites a normal, seekable MP4 index when the file closes.
# Fragments start every track at zero, so while recording the B-frame delay is written as negative
# composition offsets; the final index gets edit lists, which keep each track's start (AAC priming,
# audio that starts before the picture) exactly where the source had it.
_MP4_OPTIONS = {
    "movflags": "+hybrid_fragmented+negative_cts_offsets",
    "frag_duration": "1000000",
    "use_editlist": "1",
}


@dataclass(frozen=True)
class ContainerFormat:
    """One output container and the rules for writing into it."""

    name: str
    muxer: str
    extension: str
    video_codecs: frozenset[str] = frozenset()
    audio_codecs: frozenset[str] = frozenset()
    video_encoder: str | None = None
    audio_encoder: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    holds_any_codec: bool = False

    @property
    def audio_only(self) -> bool:
        """Whether the container holds audio only."""
        return self.video_encoder is None

    def holds(self, media: MediaType, codec: str) -> bool:
        """Whether a stream of this codec goes in as it is."""
        if self.holds_any_codec:
            return True
        return codec in (self.video_codecs if media == "video" else self.audio_codecs)

    def encoder_for(self, media: MediaType) -> str:
        """The encoder a stream of this type is re-encoded with when it cannot be held."""
        encoder = self.video_encoder if media == "video" else self.audio_encoder
        if encoder is None:
            raise FormatError(f"{self.name} files hold audio only; record with --stream-type audio")
        return encoder


_MP4_VIDEO = frozenset({"h264", "hevc", "av1", "vp9", "mpeg4"})
_MP4_AUDIO = frozenset({"aac", "mp3", "opus", "alac", "flac", "ac3", "eac3"})
_TS_VIDEO = frozenset({"h264", "hevc", "mpeg2video", "mpeg1video"})
_TS_AUDIO = frozenset({"aac", "mp3", "mp2", "opus", "ac3", "eac3"})
_M4A_AUDIO = frozenset({"aac", "mp3", "alac"})
_OGG_AUDIO = frozenset({"opus", "vorbis", "flac"})

FORMATS: dict[str, ContainerFormat] = {
    f.name: f
    for f in (
        ContainerFormat(
            "mp4",
            "mp4",
            ".mp4",
            _MP4_VIDEO,
            _MP4_AUDIO,
            "libx264",
            "aac",
            _MP4_OPTIONS,
        ),
        ContainerFormat(
            "mkv",
            "matroska",
            ".mkv",
            video_encoder="libx264",
            audio_encoder="aac",
            holds_any_codec=True,
        ),
        ContainerFormat(
            "webm",
            "webm",
            ".webm",
            frozenset({"vp8", "vp9", "av1"}),
            frozenset({"opus", "vorbis"}),
            "libvpx",
            "libopus",
        ),
        ContainerFormat(
            "flv", "flv", ".flv", frozenset({"h264"}), frozenset({"aac", "mp3"}), "libx264", "aac"
        ),
        ContainerFormat("ts", "mpegts", ".ts", _TS_VIDEO, _TS_AUDIO, "libx264", "aac"),
        ContainerFormat("hls", "hls", ".m3u8", _TS_VIDEO, _TS_AUDIO, "libx264", "aac"),
        ContainerFormat(
            "m4a",
            "ipod",
            ".m4a",
            audio_codecs=_M4A_AUDIO,
            audio_encoder="aac",
            options=_MP4_OPTIONS,
        ),
        ContainerFormat("ogg", "ogg", ".ogg", audio_codecs=_OGG_AUDIO, audio_encoder="libopus"),
    )
}

_BY_EXTENSION = {f.extension: f.name for f in FORMATS.values()} | {".opus": "ogg"}
DEFAULT_FORMAT = "mp4"


def format_named(name: str) -> ContainerFormat:
    """The format of this name, or a `FormatError` that lists the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        known = "|".join(FORMATS)
        raise FormatError(f"unknown format {name!r}; use one of {known}") from None


def split_output(output: Path, format_name: str | None) -> tuple[Path, ContainerFormat]:
    """Split an output path into its stem and the format to write.

    The format is the one asked for, else the one the extension names, else mp4. A known extension
    is dropped from the stem (`talk.mp4` → `talk`); any other suffix stays part of it.
    """
    from_extension = _BY_EXTENSION.get(output.suffix.lower())
    stem = output.with_suffix("") if from_extension else output
    return stem, format_named(format_name or from_extension or DEFAULT_FORMAT)


def audio_file_format(codec: str, asked: ContainerFormat) -> ContainerFormat:
    """The container of an audio-only file: the one that holds `codec` as it is, else `asked`."""
    for candidate in (asked, FORMATS["m4a"], FORMATS["ogg"]):
        if candidate.holds("audio", codec):
            return candidate
    return asked if asked.audio_only else FORMATS["m4a"]


def with_extension(stem: Path, suffix: str) -> Path:
    """`stem` + `suffix`, keeping any dots that are part of the stem's name."""
    return stem.with_name(stem.name + suffix)
