"""Test media made with PyAV, and the probes that check what was recorded.

Clips are generated once per test session (see `conftest.py`) from FFmpeg's lavfi test sources:
`testsrc2` pictures and a `sine` tone, encoded as a real camera stream would be (H.264 with B-frames
and a keyframe every second, AAC; or VP8 and Opus).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

WIDTH, HEIGHT, FPS = 320, 240, 30
SAMPLE_RATE = 48000


@dataclass(frozen=True)
class ClipSpec:
    """What to generate."""

    video: str | None = "libx264"
    audio: str | None = "aac"
    seconds: float = 4.0
    width: int = WIDTH
    height: int = HEIGHT
    fps: int = FPS
    bit_rate: int | None = None
    sample_rate: int = SAMPLE_RATE
    video_graph: str | None = None  # a lavfi graph instead of the test card
    audio_graph: str | None = None  # a lavfi graph instead of the 440 Hz tone


_VIDEO_OPTIONS = {
    "libx264": {"preset": "veryfast", "g": str(FPS), "bf": "2", "sc_threshold": "0"},
    "libvpx": {"g": str(FPS), "deadline": "realtime", "cpu-used": "8", "b": "1M"},
}


def make_clip(path: Path, spec: ClipSpec) -> Path:
    """Encode a clip with the asked codecs into `path` (the container follows the extension)."""
    with av.open(str(path), "w") as out:
        encoders: list[tuple[av.stream.Stream, Iterator[av.frame.Frame]]] = []
        if spec.video:
            video = out.add_stream(
                spec.video, rate=spec.fps, options=dict(_VIDEO_OPTIONS[spec.video])
            )
            video.width, video.height, video.pix_fmt = spec.width, spec.height, "yuv420p"
            if spec.bit_rate:
                video.bit_rate = spec.bit_rate
            size = f"{spec.width}x{spec.height}"
            graph = spec.video_graph or (
                f"testsrc2=size={size}:rate={spec.fps}:duration={spec.seconds}"
            )
            encoders.append((video, _frames(graph, "video")))
        if spec.audio:
            audio = out.add_stream(spec.audio, rate=spec.sample_rate, layout="stereo")
            graph = spec.audio_graph or (
                f"sine=frequency=440:sample_rate={spec.sample_rate}:duration={spec.seconds}"
            )
            encoders.append((audio, _frames(graph, "audio")))
        # Encode the streams in step, so the file is interleaved as a live recording would be.
        pending = {stream: next(frames, None) for stream, frames in encoders}
        while any(frame is not None for frame in pending.values()):
            stream, frame = min(
                ((s, f) for s, f in pending.items() if f is not None),
                key=lambda item: item[1].time,
            )
            out.mux(stream.encode(frame))
            pending[stream] = next(dict(encoders)[stream], None)
        for stream, _ in encoders:
            out.mux(stream.encode(None))
    return path


def _frames(graph: str, kind: str) -> Iterator[av.frame.Frame]:
    with av.open(graph, format="lavfi") as src:
        for decoded in src.decode(**{kind: 0}):
            frame = decoded
            if isinstance(frame, av.VideoFrame):
                frame = frame.reformat(format="yuv420p")
                # Raw frames come marked as I-frames, which x264 would obey: let it choose.
                frame.pict_type = av.video.frame.PictureType.NONE
            yield frame


@dataclass(frozen=True)
class PacketInfo:
    """One packet as a test compares it."""

    type: str
    pts: float | None
    dts: float | None
    duration: float
    keyframe: bool
    digest: str


@dataclass(frozen=True)
class Probe:
    """A recorded file as a user would check it: streams, duration, packets."""

    format: str
    duration: float
    streams: list[dict[str, object]]
    packets: list[PacketInfo]

    def of(self, kind: str) -> list[PacketInfo]:
        """Packets of one stream type, in decode order."""
        return [p for p in self.packets if p.type == kind]

    def codecs(self) -> dict[str, str]:
        """Stream type → codec name."""
        return {str(s["type"]): str(s["codec"]) for s in self.streams}

    def start(self, kind: str) -> float:
        """The first presentation time of a stream type."""
        return min(p.pts for p in self.of(kind) if p.pts is not None)

    def end(self, kind: str) -> float:
        """Where a stream type's last packet ends."""
        return max(p.pts + p.duration for p in self.of(kind) if p.pts is not None)

    def media_duration(self) -> float:
        """From the first packet's start to the last packet's end, over all streams."""
        kinds = {p.type for p in self.packets}
        return max(self.end(k) for k in kinds) - min(self.start(k) for k in kinds)


def probe(path: Path) -> Probe:
    """Open a recorded file with PyAV and read every packet."""
    with av.open(str(path)) as container:
        streams = [
            {
                "type": s.type,
                "codec": s.codec_context.name,
                "width": s.codec_context.width if s.type == "video" else None,
                "height": s.codec_context.height if s.type == "video" else None,
                "sample_rate": s.codec_context.sample_rate if s.type == "audio" else None,
                "channels": s.codec_context.channels if s.type == "audio" else None,
            }
            for s in container.streams
        ]
        packets = []
        for packet in container.demux():
            if not packet.size:
                continue
            base = Fraction(packet.time_base)
            packets.append(
                PacketInfo(
                    packet.stream.type,
                    float(packet.pts * base) if packet.pts is not None else None,
                    float(packet.dts * base) if packet.dts is not None else None,
                    float((packet.duration or 0) * base),
                    packet.is_keyframe,
                    hashlib.sha1(bytes(packet)).hexdigest(),
                )
            )
        duration = (container.duration or 0) / 1_000_000
        return Probe(container.format.name, duration, streams, packets)


def decodes(path: Path) -> dict[str, int]:
    """Decode the whole file; return the number of frames of each stream type."""
    counts: dict[str, int] = {}
    with av.open(str(path)) as container:
        for frame in container.decode(*container.streams):
            kind = "video" if isinstance(frame, av.VideoFrame) else "audio"
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def av_offset(path: Path) -> float:
    """When the first sound plays relative to the first picture (seconds), as a player shows it."""
    starts = {}
    for kind in ("video", "audio"):
        with av.open(str(path)) as container:
            frame = next(container.decode(**{kind: 0}))
            starts[kind] = float(frame.time or 0.0)
    return starts["audio"] - starts["video"]


def top_level_boxes(path: Path) -> list[str]:
    """The top-level box types of an MP4 file, in order."""
    data, boxes, i = path.read_bytes(), [], 0
    while i + 8 <= len(data):
        size, kind = int.from_bytes(data[i : i + 4], "big"), data[i + 4 : i + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[i + 8 : i + 16], "big")
        elif size == 0:
            size = len(data) - i
        boxes.append(kind)
        i += size
    return boxes


def events(stdout: str, kind: str | None = "file") -> list[dict[str, Any]]:
    """The JSON lines `recdesk-record` printed: those of one kind, or all when `kind` is None."""
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return [e for e in lines if kind is None or e["event"] == kind]


def flashing_clip(path: Path, color: str, flashes: tuple[float, ...], spec: ClipSpec) -> Path:
    """A clip of one colour that turns white for a frame, and beeps for 50 ms, at `flashes`.

    Picture and sound of a flash are at the same time, so the offset between the two in a
    recording says how far apart it put them.
    """
    size = f"{spec.width}x{spec.height}"
    on = "+".join(f"between(t,{t:g},{t + 0.999 / spec.fps:g})" for t in flashes) or "0"
    beep = "+".join(f"between(t,{t:g},{t + 0.05:g})" for t in flashes) or "0"
    common = f"size={size}:rate={spec.fps}:duration={spec.seconds}"
    video = (
        f"color=c={color}:{common}[bg];color=c=white:{common}[flash];"
        f"[bg][flash]overlay=enable='{on}',format=yuv420p[out0]"
    )
    tone = f"if({beep},0.5*sin(2*PI*1000*t),0)"
    audio = f"aevalsrc='{tone}|{tone}':s={spec.sample_rate}:d={spec.seconds}"
    return make_clip(path, replace(spec, video_graph=video, audio_graph=audio))
