"""What the compositor costs: a 2x2 grid against the ffmpeg CLI (the room sizes: `mix_rooms`).

Owns the fourth group of `make bench` (`--only mix`). The inputs are cuts of the cached 720p30
2 Mbit/s H.264 + AAC clip (`media.clip`), each starting at a different keyframe, so that every
participant sends different pictures, as in a real room.

**Grid of four**: CPU (user + sys, from `os.wait4`) per output second of
   `recdesk-record IN1 IN2 IN3 IN4 -o out.mp4 --layout grid --size 1280x720 --fps 30` over that of
   the ffmpeg CLI running the same filter graph with the same encoder settings on the same inputs
   (target <= 0.85x). The reference graph is built from the layout the engine draws: per input
   `scale` (fit, even sides), `pad` to the tile, `setsar`, each overlaid on a `color` background at
   its tile, then `format=yuv420p`; the sound summed by `amix=normalize=0` at 48 kHz; H.264 by
   libx264 with the compositor's preset, tune, bitrate and keyframe interval, AAC at its bitrate,
   into an MP4 with the engine's muxer options (`remux_cpu.ffmpeg_muxer_args`). Both tools leave
   their thread counts at FFmpeg's automatic choice. Start-up is removed as in `remux_cpu`: each
   tool mixes the long inputs and their short cuts, and the slope between the two is the cost of
   an output second once running. Runs are interleaved and the medians taken. After the untimed
   pass, the x264 settings each output carries (x264 writes them into the stream) are compared,
   so a drift between the two encoders' settings shows in the report instead of in the ratio.
   The CLI is the machine's ffmpeg build, whose FFmpeg and x264 are not the ones inside PyAV: its
   path and both versions are printed.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import av

from app.layout.model import Layout
from app.media.mix.inputs import SAMPLE_RATE
from app.media.mix.source import KEYFRAME_SECONDS
from app.media.pipeline.layouts import make_layout
from app.media.pipeline.opening import stream_ids
from tests.bench.media import FFMPEG, ClipSpec, clip, cut, cut_at, media_seconds
from tests.bench.remux_cpu import ToolCost, child_cpu, ffmpeg_muxer_args, runs

TARGET_RATIO = 0.85


GRID_INPUTS = 4


SIZE = (1280, 720)


FPS = 30


OURS = "recdesk-record"


REFERENCE = "ffmpeg CLI"
# What `app.media.mix.source` asks of libx264; the settings x264 writes into both outputs are
# compared after the untimed pass, so a change on either side is reported, not silently measured.
X264_OPTIONS = {"preset": "veryfast", "tune": "zerolatency"}

# The venv's console script, beside the interpreter running the benchmark.


RECORD = str(Path(sys.executable).parent / "recdesk-record")
_X264_MARK = b"x264 - core "


@dataclass(frozen=True)
class Output:
    """What one tool wrote for the short inputs in the untimed pass."""

    frames: int
    seconds: float
    x264: str  # "core N" and the options string x264 wrote into the stream


@dataclass
class GridResult:
    """Both tools' CPU on the 2x2 grid."""

    costs: dict[str, ToolCost]
    long_seconds: float
    short_seconds: float
    offsets: tuple[int, ...]
    outputs: dict[str, Output]
    ffmpeg: str  # the CLI compared with
    ffmpeg_note: str
    reference: str = ""  # the reference's command line on the long inputs, as run

    def per_output_second(self, name: str) -> float:
        """Steady-state CPU seconds per output second of one tool."""
        return self.costs[name].per_media_second(self.long_seconds, self.short_seconds)

    def startup(self, name: str) -> float:
        """CPU seconds one tool spends before its first output second."""
        return self.costs[name].startup(self.long_seconds, self.short_seconds)

    @property
    def ratio(self) -> float:
        """Ours over ffmpeg, steady state: the figure with the target."""
        return self.per_output_second(OURS) / self.per_output_second(REFERENCE)

    @property
    def passed(self) -> bool:
        """Whether the compositor is within the target of ffmpeg."""
        costs = [self.per_output_second(name) for name in self.costs]
        # A slope lost in the noise comes out at zero or below and must not pass.
        return all(c > 0 for c in costs) and self.ratio <= TARGET_RATIO

    def x264_differences(self) -> list[str]:
        """The x264 options that differ between the two outputs, as `name=ours/theirs`."""
        ours, theirs = (_options(self.outputs[n].x264) for n in (OURS, REFERENCE))
        return [
            f"{key}={ours.get(key, '-')}/{theirs.get(key, '-')}"
            for key in sorted(ours.keys() | theirs.keys())
            if ours.get(key) != theirs.get(key)
        ]


def participants(spec: ClipSpec, count: int, seconds: int, *, ffmpeg: str = FFMPEG) -> list[Path]:
    """`count` inputs of `seconds` each, cut from the clip at `offsets(...)`."""
    source = clip(spec, ffmpeg=ffmpeg)
    return [cut_at(source, at, seconds, ffmpeg=ffmpeg) for at in offsets(spec, count, seconds)]


def offsets(spec: ClipSpec, count: int, seconds: int) -> list[int]:
    """Where in the clip each of `count` inputs of `seconds` starts: keyframes spread evenly over
    what the clip allows (all at 0 when it is too short for more)."""
    latest = max(0, spec.seconds - seconds)
    step = latest // max(1, count - 1) // spec.keyframe_seconds * spec.keyframe_seconds
    return [k * step for k in range(count)]


def grid_layout(count: int) -> Layout:
    """The layout `recdesk-record --layout grid` draws for `count` inputs."""
    layout, _ = make_layout("grid", _ids(count), size=SIZE, fps=FPS)
    return layout


def _ids(count: int) -> list[str]:
    # Stand-ins for the inputs' stream ids, in input order: the layout depends on their number only.
    return stream_ids([f"in{k}.mp4" for k in range(count)])


def measure(
    spec: ClipSpec, long_seconds: int, short_seconds: int, repeats: int, ffmpeg: str = FFMPEG
) -> GridResult:
    """Mix the long inputs and their short cuts with both tools, `repeats` times interleaved."""
    long_inputs = participants(spec, GRID_INPUTS, long_seconds, ffmpeg=ffmpeg)
    short_inputs = [cut(path, short_seconds, ffmpeg=ffmpeg) for path in long_inputs]
    muxer_args, note = ffmpeg_muxer_args(ffmpeg)
    costs = {name: ToolCost(name) for name in (OURS, REFERENCE)}
    outputs: dict[str, Output] = {}
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
        out = Path(tmp) / "mix.mp4"
        commands = {
            OURS: lambda inputs: ours_command(inputs, out),
            REFERENCE: lambda inputs: ffmpeg_command(inputs, out, ffmpeg, muxer_args),
        }
        # The untimed pass: Python's and ffmpeg's files warm, the outputs read for the report.
        for name, command in commands.items():
            child_cpu(command(short_inputs))
            outputs[name] = _read_output(out)
        for path in long_inputs:  # into the page cache
            path.read_bytes()
        for run in range(repeats):
            for name, command in commands.items():
                costs[name].long_runs.append(child_cpu(command(long_inputs)))
            for name, command in commands.items():
                costs[name].short_runs.append(child_cpu(command(short_inputs)))
            print(f"  run {run + 1}/{repeats} done", flush=True)
    return GridResult(
        costs=costs,
        long_seconds=max(media_seconds(p) for p in long_inputs),
        short_seconds=max(media_seconds(p) for p in short_inputs),
        offsets=tuple(offsets(spec, GRID_INPUTS, long_seconds)),
        outputs=outputs,
        ffmpeg=ffmpeg,
        ffmpeg_note=note,
        reference=shlex.join(ffmpeg_command(long_inputs, Path("mix.mp4"), ffmpeg, muxer_args)),
    )


def ours_command(inputs: Sequence[Path], out: Path) -> list[str]:
    """`recdesk-record` mixing `inputs` on a grid."""
    size = f"{SIZE[0]}x{SIZE[1]}"
    return [
        RECORD,
        *map(str, inputs),
        "-o",
        str(out),
        "--layout",
        "grid",
        "--size",
        size,
        "--fps",
        str(FPS),
        "-y",
    ]


def ffmpeg_command(
    inputs: Sequence[Path], out: Path, ffmpeg: str, muxer_args: Sequence[str]
) -> list[str]:
    """The ffmpeg CLI drawing the same grid with the same encoders into the same kind of MP4."""
    layout = grid_layout(len(inputs))
    canvas = layout.canvas
    argv = [ffmpeg, "-nostdin", "-v", "error"]
    for path in inputs:
        argv += ["-i", str(path)]
    graph = reference_graph(layout, _ids(len(inputs)))
    argv += ["-filter_complex", graph, "-map", "[v]", "-map", "[a]"]
    argv += ["-c:v", "libx264"]
    for option, value in X264_OPTIONS.items():
        argv += [f"-{option}", value]
    argv += ["-b:v", str(canvas.video_bitrate), "-g", str(canvas.fps * KEYFRAME_SECONDS)]
    argv += ["-pix_fmt", "yuv420p", "-r", str(canvas.fps)]
    argv += ["-c:a", "aac", "-b:a", str(canvas.audio_bitrate), "-ar", str(SAMPLE_RATE), "-ac", "2"]
    return [*argv, "-f", "mp4", *muxer_args, "-y", str(out)]


def reference_graph(layout: Layout, ids: Sequence[str]) -> str:
    """The `-filter_complex` that draws `layout` as `app.media.mix.graph` does; `ids` are the
    stream ids of the command's inputs, in order."""
    canvas = layout.canvas
    regions = layout.regions_by_z()
    background = canvas.background
    chains = [f"color=c={background}:s={canvas.width}x{canvas.height}:r={canvas.fps}[bg]"]
    for k, region in enumerate(regions):
        if region.fit != "fit" or region.border is not None:
            raise ValueError("the reference draws the grid template's regions: fit, no border")
        w, h, source = region.width, region.height, ids.index(region.stream_id or "")
        chains.append(
            f"[{source}:v]scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color={background},setsar=1[v{k}]"
        )
    below = "bg"
    for k, region in enumerate(regions):
        # The engine ends when every input has; the inputs here are equally long, so ending with
        # the first (the background is endless) gives the same number of frames.
        end = ":shortest=1" if k == 0 else ""
        last = k == len(regions) - 1
        label = "[v]" if last else f"[o{k}]"
        tail = ",format=yuv420p" if last else ""
        chains.append(
            f"[{below}][v{k}]overlay=x={region.x}:y={region.y}:eof_action=repeat{end}{tail}{label}"
        )
        below = f"o{k}"
    sounds = "".join(f"[{k}:a]" for k in range(len(ids)))
    chains.append(
        f"{sounds}amix=inputs={len(ids)}:normalize=0:duration=longest,aresample={SAMPLE_RATE}[a]"
    )
    return ";".join(chains)


def _read_output(path: Path) -> Output:
    # Frames are counted by reading them, edit lists ignored: a fragmented MP4 (the reference's,
    # from an ffmpeg that lacks hybrid_fragmented) lists few of them in its header, and FFmpeg
    # 5.1's edit list in such a file hides the rest of its first fragment from a reader.
    with av.open(str(path), options={"ignore_editlist": "1"}) as container:
        stream = container.streams.video[0]
        seconds = (container.duration or 0) / 1_000_000
        packets = [p for p in container.demux(stream) if p.size]
    data = bytes(packets[0]) if packets else b""
    frames = len(packets)
    at = data.find(_X264_MARK)
    x264 = (
        "" if at < 0 else data[at + len(_X264_MARK) : data.find(b"\0", at)].decode(errors="replace")
    )
    return Output(frames, seconds, x264)


def _options(x264: str) -> dict[str, str]:
    text = x264.partition("options: ")[2]
    return dict(item.partition("=")[::2] for item in text.split())


def _x264_core(x264: str) -> str:
    return x264.split(" ", 1)[0] or "?"


def report(result: GridResult) -> list[str]:
    """The lines that describe the grid comparison."""
    starts = ", ".join(f"{o} s" for o in result.offsets)
    lines = [
        f"  inputs: {GRID_INPUTS} cuts of {result.long_seconds:.1f} s (from {starts} into the "
        f"clip) and their first {result.short_seconds:.1f} s; output {SIZE[0]}x{SIZE[1]} "
        f"at {FPS} fps",
        f"  FFmpeg: {result.ffmpeg_note}; the CLI is {result.ffmpeg}",
        f"  reference command (kept as it is, so figures compare over time): {result.reference}",
    ]
    for name, output in result.outputs.items():
        lines.append(
            f"  {name} output of the short inputs: {output.frames} frames, {output.seconds:.2f} s, "
            f"x264 core {_x264_core(output.x264)}"
        )
    differences = result.x264_differences()
    lines.append(
        "  x264 settings in the two outputs: "
        + ("identical" if not differences else "differ: " + " ".join(differences))
    )
    for name, cost in result.costs.items():
        slope = result.per_output_second(name)
        lines += [
            f"  {name}:",
            f"    CPU s, long runs:  {runs(cost.long_runs)}",
            f"    CPU s, short runs: {runs(cost.short_runs)}",
            f"    steady state: {slope:.3f} s CPU per output second "
            f"({slope / FPS * 1e3:.2f} ms per frame); start-up {result.startup(name):.3f} s",
        ]
    verdict = "PASS" if result.passed else "MISS"
    lines.append(
        f"  ratio ours / ffmpeg: {result.ratio:.3f}x (target <= {TARGET_RATIO}x) {verdict}"
    )
    return lines
