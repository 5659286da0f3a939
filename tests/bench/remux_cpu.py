"""Steady-state CPU per recorded second: `recdesk-record` against `ffmpeg -c copy`.

A recording service runs one remuxer per stream for hours, so what matters is the CPU each second
of media costs once running, not the start-up (Python imports, opening files), which a long
recording pays once. Each tool copies the same long file into the same kind of MP4 in a fresh
process, and the CPU (user + sys) of that process is read from `os.wait4`. Start-up is removed by
also copying a short cut of the same file and taking the slope:

    steady = (cpu(long) - cpu(short)) / (seconds(long) - seconds(short))

Each measurement is repeated and the median taken, the runs of every tool interleaved so a slow
patch of the machine hits them all. `ffmpeg -c copy` is the floor a remuxer can reach: the same
muxer with no Python between packets (though the CLI's FFmpeg release may differ from the one
bundled with PyAV; both versions are printed). The ratio ours / ffmpeg says what Python costs.
A third tool, the bare PyAV loop of `pyav_floor`, splits that ratio into what any per-packet Python
loop over PyAV costs and what the engine adds.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import av

from app.media.formats import FORMATS
from tests.bench.media import FFMPEG, REPO, media_seconds, stream_count

TARGET_RATIO = 1.3
FFMPEG_COPY = "ffmpeg -c copy"
PYAV_FLOOR = "bare PyAV loop"
OURS = "recdesk-record"

# (input, output) -> the command that copies input into output.
Command = Callable[[Path, Path], list[str]]


@dataclass(frozen=True)
class Tool:
    """A program that remuxes a file, and how to call it."""

    name: str
    command: Command


@dataclass
class ToolCost:
    """One tool's CPU seconds per run, on the long input and on its short cut."""

    name: str
    long_runs: list[float] = field(default_factory=list)
    short_runs: list[float] = field(default_factory=list)

    def per_media_second(self, long_seconds: float, short_seconds: float) -> float:
        """Steady-state CPU seconds per second of media: the slope between the two inputs."""
        extra = statistics.median(self.long_runs) - statistics.median(self.short_runs)
        return extra / (long_seconds - short_seconds)

    def startup(self, long_seconds: float, short_seconds: float) -> float:
        """CPU seconds a run costs before its first packet (the slope's intercept)."""
        slope = self.per_media_second(long_seconds, short_seconds)
        return statistics.median(self.short_runs) - slope * short_seconds


@dataclass
class RemuxCpuResult:
    """Every tool's costs on the same inputs."""

    costs: dict[str, ToolCost]
    long_seconds: float
    short_seconds: float
    streams: int
    muxer_note: str

    def per_media_second(self, name: str) -> float:
        """CPU seconds per media second for one tool."""
        return self.costs[name].per_media_second(self.long_seconds, self.short_seconds)

    def ratio_of(self, name: str, base: str) -> float:
        """One tool's steady-state cost over another's."""
        return self.per_media_second(name) / self.per_media_second(base)

    @property
    def ratio(self) -> float:
        """Ours / ffmpeg, steady state: the figure with the target."""
        return self.ratio_of(OURS, FFMPEG_COPY)

    @property
    def passed(self) -> bool:
        """Whether the remuxer is within the target of ffmpeg."""
        return self.ratio <= TARGET_RATIO


def measure(
    long_input: Path, short_input: Path, repeats: int, ffmpeg: str = FFMPEG
) -> RemuxCpuResult:
    """Run each tool `repeats` times on each input (after one warm-up) and collect their CPU."""
    args, note = ffmpeg_muxer_args(ffmpeg)
    tools = [
        Tool(FFMPEG_COPY, _ffmpeg_command(ffmpeg, args)),
        Tool(PYAV_FLOOR, _python_command("tests.bench.pyav_floor")),
        Tool(OURS, _ours_command()),
    ]
    costs = {tool.name: ToolCost(tool.name) for tool in tools}
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
        out = Path(tmp) / "out.mp4"
        # One untimed pass first, so every timed run finds the inputs in the page cache.
        for tool in tools:
            for source in (long_input, short_input):
                child_cpu(tool.command(source, out))
        for run in range(repeats):
            for tool in tools:
                costs[tool.name].long_runs.append(child_cpu(tool.command(long_input, out)))
                costs[tool.name].short_runs.append(child_cpu(tool.command(short_input, out)))
            print(f"  run {run + 1}/{repeats} done", flush=True)
    return RemuxCpuResult(
        costs=costs,
        long_seconds=media_seconds(long_input),
        short_seconds=media_seconds(short_input),
        streams=stream_count(long_input),
        muxer_note=note,
    )


def child_cpu(argv: list[str]) -> float:
    """User + system CPU seconds of one run of `argv`; raise if it fails."""
    with tempfile.TemporaryFile() as stderr:
        # stderr goes to a file, not a pipe: a chatty child must not block on a full pipe while
        # nobody reads it. os.wait4 gives this child's own usage, whatever else was reaped.
        proc = subprocess.Popen(
            argv, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace").strip()
            raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {message}")
    return usage.ru_utime + usage.ru_stime


_GENERAL_OPTIONS = frozenset({"flush_packets"})


def ffmpeg_muxer_args(ffmpeg: str) -> tuple[list[str], str]:
    """The mp4 muxer options `recdesk-record` uses, as ffmpeg CLI arguments, and a note.

    They are read from `app.media.formats`, so the comparison follows the engine's options. An
    option or movflag that this ffmpeg's muxer does not know (Debian 12's 5.1 has no
    `hybrid_fragmented`, which came in 7.1) is left out and named in the note: what remains still
    writes the same one-second fragments, which is the steady-state work being compared.
    """
    help_text = subprocess.run(
        [ffmpeg, "-hide_banner", "-h", "muxer=mp4"], capture_output=True, text=True, check=True
    ).stdout
    args: list[str] = []
    missing: list[str] = []
    for option, value in FORMATS["mp4"].options.items():
        if option in _GENERAL_OPTIONS:  # options of every output, not listed under the muxer
            args += [f"-{option}", value]
            continue
        if not re.search(rf"^\s*-{re.escape(option)}\s", help_text, re.MULTILINE):
            missing.append(f"-{option}")
            continue
        if option == "movflags":
            flags = [f for f in value.split("+") if f]
            known = [f for f in flags if re.search(rf"^\s+{f}\s", help_text, re.MULTILINE)]
            missing += [f"+{f}" for f in flags if f not in known]
            if known:
                args += [f"-{option}", "".join(f"+{f}" for f in known)]
            continue
        args += [f"-{option}", value]
    version = subprocess.run(
        [ffmpeg, "-hide_banner", "-version"], capture_output=True, text=True, check=True
    ).stdout.split()[2]
    lacks = f"lacks {' '.join(missing)}" if missing else "same muxer options"
    return args, f"CLI {version} ({lacks}), PyAV's {av.ffmpeg_version_info}"


def _ffmpeg_command(ffmpeg: str, muxer_args: list[str]) -> Command:
    def command(source: Path, out: Path) -> list[str]:
        head = [ffmpeg, "-nostdin", "-v", "error", "-i", str(source), "-c", "copy", "-f", "mp4"]
        return [*head, *muxer_args, "-y", str(out)]

    return command


def _python_command(module: str) -> Command:
    def command(source: Path, out: Path) -> list[str]:
        return [sys.executable, "-m", module, str(source), str(out)]

    return command


def _ours_command() -> Command:
    # The venv's console script, beside the interpreter running the benchmark.
    script = Path(sys.executable).parent / "recdesk-record"

    def command(source: Path, out: Path) -> list[str]:
        return [str(script), str(source), "-o", str(out), "-y"]

    return command


def report(result: RemuxCpuResult) -> list[str]:
    """The lines that describe the result."""
    long_s, short_s, streams = result.long_seconds, result.short_seconds, result.streams
    lines = [
        f"  inputs: {long_s:.1f} s and {short_s:.1f} s of media, {streams} streams; "
        f"FFmpeg: {result.muxer_note}",
    ]
    for name, cost in result.costs.items():
        slope = result.per_media_second(name)
        lines += [
            f"  {name}:",
            f"    CPU s, long runs:  {runs(cost.long_runs)}",
            f"    CPU s, short runs: {runs(cost.short_runs)}",
            f"    steady state: {slope * 1e3:.3f} ms CPU per media second, "
            f"{slope / streams * 1e3:.3f} ms per stream-second; "
            f"start-up {cost.startup(long_s, short_s):.3f} s",
        ]
    floor, engine = result.ratio_of(PYAV_FLOOR, FFMPEG_COPY), result.ratio_of(OURS, PYAV_FLOOR)
    verdict = "PASS" if result.passed else "MISS"
    lines += [
        f"  where the gap is: bare PyAV loop / ffmpeg {floor:.2f}x, "
        f"recdesk-record / bare PyAV loop {engine:.2f}x",
        f"  ratio ours / ffmpeg: {result.ratio:.3f}x (target <= {TARGET_RATIO}x) {verdict}",
    ]
    return lines


def runs(cpu: list[float]) -> str:
    """CPU seconds of each run, and their median."""
    return " ".join(f"{c:.3f}" for c in cpu) + f"  (median {statistics.median(cpu):.3f})"
