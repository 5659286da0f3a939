"""What the compositor costs: a 2x2 grid against the ffmpeg CLI, and how cost grows with the room.

Owns the fourth group of `make bench` (`--only mix`). The inputs are cuts of the cached 720p30
2 Mbit/s H.264 + AAC clip (`media.clip`), each starting at a different keyframe, so that every
participant sends different pictures, as in a real room.

1. **Grid of four**: CPU (user + sys, from `os.wait4`) per output second of
   `recdesk-record IN1 IN2 IN3 IN4 -o out.mp4 --layout grid --size 1280x720 --fps 30` over that of
   the ffmpeg CLI running the same filter graph with the same encoder settings on the same inputs
   (target <= 1.0x). The reference graph is built from the layout the engine draws: per input
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
2. **Room size**: for 1, 4, 9, 16 and 25 inputs on the same grid, a few runs each of
   `recdesk-record` on short inputs, the sizes taking turns, the median run reported: the
   real-time factor (output seconds over wall seconds, files being mixed as fast as the machine
   goes) and CPU seconds per output second. Both are taken from the recording's `started` event
   to the end of the process, CPU read from `/proc` at that event, so that opening N inputs is
   reported apart, as start-up, instead of diluting the rate. Finishing the file is in it, so on
   short inputs it reads a little above the grid's steady-state slope: the rows are for comparing
   with each other.

May import the `tests.bench` siblings, PyAV, `app.layout`, the compositor's constants and the
standard library.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import av

from app.layout.model import Layout
from app.media.mix.inputs import SAMPLE_RATE
from app.media.mix.setup import make_layout, stream_ids
from app.media.mix.source import KEYFRAME_SECONDS
from tests.bench.media import FFMPEG, REPO, ClipSpec, clip, cut, cut_at, media_seconds
from tests.bench.remux_cpu import ToolCost, child_cpu, ffmpeg_muxer_args

TARGET_RATIO = 1.0
GRID_INPUTS = 4
ROOM_SIZES = (1, 4, 9, 16, 25)
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


@dataclass(frozen=True)
class RoomRun:
    """One run of `recdesk-record` on a grid."""

    output_seconds: float
    startup_wall: float  # process start to the `started` event
    startup_cpu: float
    wall: float  # `started` to the end of the process
    cpu: float

    @property
    def realtime(self) -> float:
        """Output seconds per wall second once recording."""
        return self.output_seconds / self.wall

    @property
    def cpu_per_second(self) -> float:
        """CPU seconds per output second once recording."""
        return self.cpu / self.output_seconds

    @property
    def cores(self) -> float:
        """How many cores the recording kept busy on average."""
        return self.cpu / self.wall


@dataclass
class RoomSize:
    """The runs on a grid of `count` inputs, each shown in a tile of `tile` pixels."""

    count: int
    tile: str
    inputs: list[Path]
    runs: list[RoomRun] = field(default_factory=list)

    @property
    def typical(self) -> RoomRun:
        """The run with the median real-time factor (the lower middle one of an even count)."""
        ranked = sorted(self.runs, key=lambda r: r.realtime)
        return ranked[(len(ranked) - 1) // 2]


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
    )


def room(
    spec: ClipSpec, sizes: Sequence[int], seconds: int, repeats: int, ffmpeg: str = FFMPEG
) -> list[RoomSize]:
    """`repeats` runs of `recdesk-record` per room size, on inputs of `seconds` each; the sizes
    take turns, so that a slow patch of the machine does not fall on one size's runs only."""
    rooms: list[RoomSize] = []
    for count in sizes:
        region = grid_layout(count).regions[0]
        inputs = participants(spec, count, seconds, ffmpeg=ffmpeg)
        rooms.append(RoomSize(count, f"{region.width}x{region.height}", inputs))
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
        out = Path(tmp) / "mix.mp4"
        for run in range(repeats):
            for size in rooms:
                for path in size.inputs:  # into the page cache
                    path.read_bytes()
                size.runs.append(_timed(ours_command(size.inputs, out)))
            print(f"  rooms, run {run + 1}/{repeats} done", flush=True)
    return rooms


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


def _timed(argv: list[str]) -> RoomRun:
    """Run `argv`, taking wall time and CPU at its `started` event and at its end."""
    began = time.monotonic()
    started: tuple[float, float] | None = None
    seconds = 0.0
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            argv,
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        assert proc.stdout is not None
        with proc.stdout:
            for line in proc.stdout:
                event = json.loads(line) if line.startswith("{") else {}
                if event.get("event") == "started" and started is None:
                    started = (time.monotonic(), _process_cpu(proc.pid))
                elif event.get("event") == "file":
                    seconds = float(event["duration"])
        _, status, usage = os.wait4(proc.pid, 0)
        ended = time.monotonic()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0 or started is None:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace").strip()
            raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {message}")
    cpu = usage.ru_utime + usage.ru_stime
    at, cpu_at = started
    return RoomRun(
        output_seconds=seconds,
        startup_wall=at - began,
        startup_cpu=cpu_at,
        wall=ended - at,
        cpu=cpu - cpu_at,
    )


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (all its threads), from /proc."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The fields after the command name, which is in parentheses and may hold spaces: utime and
    # stime are the 14th and 15th of the whole line.
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(result: GridResult) -> list[str]:
    """The lines that describe the grid comparison."""
    starts = ", ".join(f"{o} s" for o in result.offsets)
    lines = [
        f"  inputs: {GRID_INPUTS} cuts of {result.long_seconds:.1f} s (from {starts} into the "
        f"clip) and their first {result.short_seconds:.1f} s; output {SIZE[0]}x{SIZE[1]} "
        f"at {FPS} fps",
        f"  FFmpeg: {result.ffmpeg_note}; the CLI is {result.ffmpeg}",
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
            f"    CPU s, long runs:  {_runs(cost.long_runs)}",
            f"    CPU s, short runs: {_runs(cost.short_runs)}",
            f"    steady state: {slope:.3f} s CPU per output second "
            f"({slope / FPS * 1e3:.2f} ms per frame); start-up {result.startup(name):.3f} s",
        ]
    verdict = "PASS" if result.passed else "MISS"
    lines.append(
        f"  ratio ours / ffmpeg: {result.ratio:.3f}x (target <= {TARGET_RATIO}x) {verdict}"
    )
    return lines


def room_report(rooms: Sequence[RoomSize]) -> list[str]:
    """The room-size table: each size's median run, and the range of its real-time factors."""
    table = [
        (
            "inputs",
            "tile",
            "output s",
            "start-up s",
            "wall s",
            "real time",
            "(range)",
            "CPU s/out s",
            "cores",
        )
    ]
    for size in rooms:
        r = size.typical
        factors = [run.realtime for run in size.runs]
        table.append(
            (
                str(size.count),
                size.tile,
                f"{r.output_seconds:.2f}",
                f"{r.startup_wall:.2f}",
                f"{r.wall:.2f}",
                f"{r.realtime:.2f}x",
                f"{min(factors):.2f}-{max(factors):.2f}",
                f"{r.cpu_per_second:.3f}",
                f"{r.cores:.2f}",
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for i, row in enumerate(table):
        lines.append("    " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        if i == 0:
            lines.append("    " + "  ".join("-" * w for w in widths))
    return lines


def _runs(cpu: list[float]) -> str:
    return " ".join(f"{c:.3f}" for c in cpu) + f"  (median {statistics.median(cpu):.3f})"
