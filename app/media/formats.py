"""Output containers: what each can hold, how it is written, and how outputs are named.

A `ContainerFormat` is plain data: the FFmpeg muxer, the file extension, the codecs it holds without
re-encoding, the codec a stream is re-encoded to when it cannot be held, and the muxer options that
make it survive a crash: what a killed recorder leaves plays up to at most a second before the kill
(HLS: up to the last finished segment), and `app.media.recover` makes it a finished file.

`m4a` and `ogg` are audio files whose container follows the content: AAC (or MP3, ALAC) goes into
`.m4a`, Opus (or Vorbis, FLAC) into `.ogg`; only audio that neither holds is re-encoded, to the
asked format's codec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from app.media.errors import FormatError

MediaType = Literal["audio", "video"]

# Crash safety: what a killed recorder leaves must play up to at most a second before the kill.
#
# FFmpeg buffers what it writes to a file and passes it on only at a flush point with 256 KiB
# waiting, which at a few hundred kbit/s is many seconds of media a kill would lose; so every format
# flushes after each packet. MP4, Matroska and Ogg build a whole fragment, cluster or page in memory
# and hand it over at once, so for them that is one write per fragment; FLV and MPEG-TS write each
# packet as it comes, and pay one system call per packet (a few microseconds).
_FLUSH = {"flush_packets": "1"}

# Fragments of at most a second. `hybrid_fragmented` writes fragments while recording and rewrites a
# normal, seekable MP4 index when the file closes. Fragments start every track at zero, so while
# recording the B-frame delay is written as negative composition offsets; the final index gets edit
# lists, which keep each track's start (AAC priming, audio that starts before the picture) exactly
# where the source had it. A killed file keeps its first fragment in the initial index, and with an
# edit list FFmpeg misreads that fragment (`app.media.recover` reads around it); live recordings,
# the ones that get killed, have no edit list. (`empty_moov` or `delay_moov` would put the first
# fragment in a `moof` like the others, but with either the muxer refuses ADTS AAC from MPEG-TS and
# HLS sources, which it otherwise converts by itself.)
_MP4_OPTIONS = {
    "movflags": "+hybrid_fragmented+negative_cts_offsets",
    "frag_duration": "1000000",
    "use_editlist": "1",
} | _FLUSH
# A live recording starts its tracks together at zero (the start gate), so it needs no edit list;
# without one, a killed file's first fragment reads right in every FFmpeg-based player.
_MP4_LIVE_OPTIONS = {"use_editlist": "0"}

# A cluster reaches the file only once it is complete, and on a seekable file the muxer closes one
# every 5 s (or at a video keyframe): clusters of at most a second bound the loss whatever the
# keyframe interval.
_MATROSKA_OPTIONS = {"cluster_time_limit": "1000"} | _FLUSH

# The Ogg muxer writes a page only once the next one is complete: half-second pages (the default is
# one second) lose at most a second.
_OGG_OPTIONS = {"page_duration": "500000"} | _FLUSH


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
    live_options: dict[str, str] = field(default_factory=dict)  # over `options`, when live

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
            live_options=_MP4_LIVE_OPTIONS,
        ),
        ContainerFormat(
            "mkv",
            "matroska",
            ".mkv",
            video_encoder="libx264",
            audio_encoder="aac",
            options=_MATROSKA_OPTIONS,
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
            _MATROSKA_OPTIONS,
        ),
        ContainerFormat(
            "flv",
            "flv",
            ".flv",
            frozenset({"h264"}),
            frozenset({"aac", "mp3"}),
            "libx264",
            "aac",
            _FLUSH,
        ),
        ContainerFormat("ts", "mpegts", ".ts", _TS_VIDEO, _TS_AUDIO, "libx264", "aac", _FLUSH),
        # The hls muxer keeps the segment being recorded in memory and writes it whole when it ends
        # (the playlist lists it just after), so a kill loses up to one segment: no option of ours
        # changes that, short of segments of a second.
        ContainerFormat("hls", "hls", ".m3u8", _TS_VIDEO, _TS_AUDIO, "libx264", "aac"),
        ContainerFormat(
            "m4a",
            "ipod",
            ".m4a",
            audio_codecs=_M4A_AUDIO,
            audio_encoder="aac",
            options=_MP4_OPTIONS,
            live_options=_MP4_LIVE_OPTIONS,
        ),
        ContainerFormat(
            "ogg",
            "ogg",
            ".ogg",
            audio_codecs=_OGG_AUDIO,
            audio_encoder="libopus",
            options=_OGG_OPTIONS,
        ),
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


def format_of(path: Path) -> ContainerFormat | None:
    """The format a file of this name was written in, from its extension; None if none is."""
    name = _BY_EXTENSION.get(path.suffix.lower())
    return FORMATS[name] if name else None


def audio_file_format(codec: str, asked: ContainerFormat) -> ContainerFormat:
    """The container of an audio-only file: the one that holds `codec` as it is, else `asked`."""
    for candidate in (asked, FORMATS["m4a"], FORMATS["ogg"]):
        if candidate.holds("audio", codec):
            return candidate
    return asked if asked.audio_only else FORMATS["m4a"]


def with_extension(stem: Path, suffix: str) -> Path:
    """`stem` + `suffix`, keeping any dots that are part of the stem's name."""
    return stem.with_name(stem.name + suffix)
