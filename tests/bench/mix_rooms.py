"""How the compositor's cost grows with the room: 1, 4, 9, 16 and 25 inputs on a grid.

Part of the `mix` group of `make bench` (`--only mix`), on the inputs of `mix_cpu`.

**Room size**: for 1, 4, 9, 16 and 25 inputs on the same grid, a few runs each of
   `recdesk-record` on short inputs, the sizes taking turns, the median run reported: the
   real-time factor (output seconds over wall seconds, files being mixed as fast as the machine
   goes) and CPU seconds per output second. Both are taken from the recording's `started` event
   to the end of the process, CPU read from `/proc` at that event, so that opening N inputs is
   reported apart, as start-up, instead of diluting the rate. Finishing the file is in it, so on
   short inputs it reads a little above the grid's steady-state slope: the rows are for comparing
   with each other.

May import the `tests.bench` siblings and the standard library.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.media import FFMPEG, REPO, ClipSpec
from tests.bench.mix_cpu import grid_layout, ours_command, participants

ROOM_SIZES = (1, 4, 9, 16, 25)


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
