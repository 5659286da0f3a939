"""Benchmark media: H.264 + AAC clips made once with the ffmpeg CLI and cached in `.bench/`.

The benchmarks need a stream shaped like a real room's camera feed: 720p30 H.264 at about 2 Mbit/s
with a keyframe every 2 s (and B-frames, as cameras and browsers send them), plus 48 kHz stereo AAC.
Encoding ten minutes of that takes a minute or two on a 2-core machine, so each clip is made once
and kept under `.bench/` at the repository root (gitignored); its name holds every parameter, so a
changed spec makes a new file instead of reusing a stale one. Stream-copied derivatives are cached
beside their clip the same way: its first seconds (`cut`), a stretch from a later keyframe
(`cut_at`, so that a mix gets different pictures from one clip), and the file a killed recorder
would have left of it (`killed`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".bench"
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
SAMPLE_RATE = 48_000
# What a SIGKILL in the middle of a write leaves: the last fragment (about 250 KB at 2 Mbit/s) cut
# short by a few KB.
KILL_CUT_BYTES = 4096

_AV_TIME_BASE = 1_000_000


@dataclass(frozen=True)
class ClipSpec:
    """One benchmark clip: H.264 (testsrc2 pictures) with AAC (a sine tone), in MP4."""

    seconds: int
    width: int = 1280
    height: int = 720
    fps: int = 30
    video_kbps: int = 2000
    keyframe_seconds: int = 2

    @property
    def name(self) -> str:
        """The cache file name: every parameter, so a new spec never reuses an old file."""
        return (
            f"h264_aac_{self.height}p{self.fps}_{self.video_kbps}k"
            f"_g{self.keyframe_seconds}s_{self.seconds}s.mp4"
        )


def clip(spec: ClipSpec, *, ffmpeg: str = FFMPEG) -> Path:
    """The cached clip for `spec`, encoded first if it is not there yet."""
    path = CACHE / spec.name
    if not path.exists():
        print(f"  generating {path.relative_to(REPO)} ({spec.seconds} s, once)...", flush=True)
        _write_atomically(path, _encode_args(spec, ffmpeg))
    return path


def cut(path: Path, seconds: int, *, ffmpeg: str = FFMPEG) -> Path:
    """The first `seconds` of `path`, stream-copied (so the same packets), cached beside it."""
    short = path.with_name(f"{path.stem}.first{seconds}s.mp4")
    if not short.exists():
        args = [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-c", "copy"]
        _write_atomically(short, [*args, "-t", str(seconds), "-f", "mp4"])
    return short


def cut_at(path: Path, start: int, seconds: int, *, ffmpeg: str = FFMPEG) -> Path:
    """`seconds` of `path` from `start` on, stream-copied, cached beside it. `start` must be one of
    the clip's keyframes (a multiple of its `keyframe_seconds`): a copy can only begin on one."""
    if start == 0:
        return cut(path, seconds, ffmpeg=ffmpeg)
    part = path.with_name(f"{path.stem}.from{start}s.{seconds}s.mp4")
    if not part.exists():
        args = [ffmpeg, "-nostdin", "-v", "error", "-ss", str(start), "-i", str(path)]
        _write_atomically(part, [*args, "-c", "copy", "-t", str(seconds), "-f", "mp4"])
    return part


def killed(path: Path, *, ffmpeg: str = FFMPEG) -> Path:
    """`path` as a recorder killed at its end leaves it, cached beside it: stream-copied into an
    MP4 of fragments of at most a second, with the last `KILL_CUT_BYTES` cut off."""
    target = path.with_name(f"{path.stem}.frag1s.cut{KILL_CUT_BYTES}.mp4")
    if not target.exists():
        args = [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), "-c", "copy", "-f", "mp4"]
        # Fragments from the start (empty_moov) at each keyframe or second, each addressed from
        # its own moof: the layout of the engine's files while they are being written.
        flags = ["-movflags", "+frag_keyframe+empty_moov+default_base_moof"]
        _write_atomically(
            target,
            [*args, *flags, "-frag_duration", "1000000"],
            finish=lambda part: os.truncate(part, part.stat().st_size - KILL_CUT_BYTES),
        )
    return target


def media_seconds(path: Path) -> float:
    """The file's duration as the demuxer reports it."""
    with av.open(str(path)) as container:
        return (container.duration or 0) / _AV_TIME_BASE


def stream_count(path: Path) -> int:
    """How many audio and video streams the file has (what the remuxer copies)."""
    with av.open(str(path)) as container:
        return sum(1 for s in container.streams if s.type in ("audio", "video"))


def _encode_args(spec: ClipSpec, ffmpeg: str) -> list[str]:
    gop = str(spec.fps * spec.keyframe_seconds)
    kbps = spec.video_kbps
    return [
        ffmpeg,
        "-nostdin",
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={spec.width}x{spec.height}:rate={spec.fps}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:sample_rate={SAMPLE_RATE}",
        "-t",
        str(spec.seconds),
        "-map",
        "0:v",
        "-map",
        "1:a",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        # ultrafast turns B-frames off; cameras and browsers use them, and they change what the
        # muxer writes (composition offsets), so they are put back.
        "-bf",
        "2",
        "-b:v",
        f"{kbps}k",
        "-maxrate",
        f"{kbps}k",
        "-bufsize",
        f"{2 * kbps}k",
        # A fixed GOP: a keyframe exactly every `keyframe_seconds`, never on a scene cut.
        "-g",
        gop,
        "-keyint_min",
        gop,
        "-sc_threshold",
        "0",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-ac",
        "2",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
    ]


def _write_atomically(
    path: Path, args: list[str], *, finish: Callable[[Path], None] | None = None
) -> None:
    """Run an ffmpeg command whose last argument is the output, then `finish` on that output if
    given; only a finished file is kept."""
    # An interrupted encode must not leave a half file that a later run would take as cached.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        subprocess.run([*args, "-y", str(partial)], check=True, stdin=subprocess.DEVNULL)
        if finish is not None:
            finish(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
