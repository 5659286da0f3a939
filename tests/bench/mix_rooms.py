"""How the compositor's cost grows with the room: 1, 4, 9, 16 and 25 inputs on a grid.

Part of the `mix` group of `make bench` (`--only mix`), on the inputs of `mix_cpu`.

**Room size**: for 1, 4, 9, 16 and 25 inputs on the same grid, a few runs each of
   `recdesk-record` on short inputs, the sizes taking turns, the median run reported: the
   real-time factor (output seconds over wall seconds, files being mixed as fast as the machine
   goes) and CPU seconds per output second. Both are taken from the recording's `started` event
   to the end of the process, CPU read from `/proc` at that event, so that opening N inputs is
   reported apart, as start-up, instead of diluting the rate. Finishing the file is in it, so on
   short inputs it reads a little above the grid's steady-state slope: the rows are for comparing
   with each other. Each row gives the cores kept busy and the load average at the end of its
   run, and the PSNR of the tile-sized path (`tile_psnr`): the first second of the grid composed
   both ways in this process, the whole picture and its worst tile, against full decoding and
   bicubic scaling.

**Paced** (`paced=True`): the same rooms recorded live, the inputs played in real time
   (`recdesk-record --live --duration`), as a room's streams arrive: real time is then 1.0 by
   construction, and what tells whether the mix keeps up is the share of its frames it wrote
   (`frames`: 1.0 when no picture was skipped for falling behind) and the CPU it took.
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

import av
import numpy as np

from tests.bench import mix_cpu
from tests.bench.media import FFMPEG, REPO, ClipSpec
from tests.bench.mix_cpu import FPS, grid_layout, ours_command, participants
from tests.bench.settings import Settings
from tests.bench.summary import Row
from tests.helpers.mix import composed, psnr

ROOM_SIZES = (1, 4, 9, 16, 25)
# The largest room, from files: CPU seconds per output second (and real time >= 1.0).
TARGET_CPU = 1.6


@dataclass(frozen=True)
class RoomRun:
    """One run of `recdesk-record` on a grid."""

    output_seconds: float
    startup_wall: float  # process start to the `started` event
    startup_cpu: float
    wall: float  # `started` to the end of the process
    cpu: float
    load: float  # the load average over the last minute, at the end
    frames: float = 1.0  # pictures written / output seconds x fps

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
    psnr: tuple[float, float] | None = None  # the tile-sized path's: whole picture, worst tile
    paced: bool = False

    @property
    def typical(self) -> RoomRun:
        """The run with the median real-time factor, or paced (where real time is 1.0 by
        construction) the median share of pictures written; the lower middle one of an even
        count."""
        ranked = sorted(self.runs, key=lambda r: r.frames if self.paced else r.realtime)
        return ranked[(len(ranked) - 1) // 2]


def room(
    spec: ClipSpec,
    sizes: Sequence[int],
    seconds: int,
    repeats: int,
    ffmpeg: str = FFMPEG,
    *,
    paced: bool = False,
) -> list[RoomSize]:
    """`repeats` runs of `recdesk-record` per room size, on inputs of `seconds` each; the sizes
    take turns, so that a slow patch of the machine does not fall on one size's runs only.
    `paced`: live, the inputs played in real time (see the module docstring)."""
    rooms: list[RoomSize] = []
    for count in sizes:
        region = grid_layout(count).regions[0]
        inputs = participants(spec, count, seconds, ffmpeg=ffmpeg)
        rooms.append(RoomSize(count, f"{region.width}x{region.height}", inputs, paced=paced))
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
        out = Path(tmp) / "mix.mp4"
        for run in range(repeats):
            for size in rooms:
                for path in size.inputs:  # into the page cache
                    path.read_bytes()
                argv = ours_command(size.inputs, out)
                if paced:
                    argv += ["--live", "--duration", str(seconds)]
                size.runs.append(_timed(argv, out if paced else None))
            print(f"  rooms, run {run + 1}/{repeats} done", flush=True)
    return rooms


def _timed(argv: list[str], out: Path | None = None) -> RoomRun:
    """Run `argv`, taking wall time and CPU at its `started` event and at its end (and the share
    of the pictures due that `out` holds, if given)."""
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
    frames = 1.0
    if out is not None and seconds > 0:
        with av.open(str(out)) as written:
            pictures = sum(1 for p in written.demux(video=0) if p.size)
        frames = pictures / (seconds * FPS)
    return RoomRun(
        output_seconds=seconds,
        startup_wall=at - began,
        startup_cpu=cpu_at,
        wall=ended - at,
        cpu=cpu - cpu_at,
        load=os.getloadavg()[0],
        frames=frames,
    )


def tile_psnr(size: RoomSize, frames: int = FPS) -> tuple[float, float]:
    """The tile-sized path against the full one on this room's first `frames` pictures, composed
    in this process: PSNR of the whole picture and of its worst tile (dB)."""
    layout = grid_layout(size.count)
    pictures = [
        composed(size.inputs, layout, tile_sized=tile_sized, frames=frames)
        for tile_sized in (False, True)
    ]
    full, cheap = (np.stack(p) for p in pictures)
    tiles = [
        psnr(
            full[:, r.y : r.y + r.height, r.x : r.x + r.width],
            cheap[:, r.y : r.y + r.height, r.x : r.x + r.width],
        )
        for r in layout.regions
    ]
    return psnr(full, cheap), min(tiles)


def as_json(rooms: Sequence[RoomSize]) -> dict[str, dict[str, float | None]]:
    """Each size's median run, keyed by its number of inputs."""
    return {
        str(size.count): {
            "realtime": round(size.typical.realtime, 3),
            "cpu_per_s": round(size.typical.cpu_per_second, 3),
            "cores": round(size.typical.cores, 2),
            "load": round(size.typical.load, 2),
            "frames": round(size.typical.frames, 3),
            "psnr": None if size.psnr is None else round(size.psnr[0], 1),
            "psnr_worst_tile": None if size.psnr is None else round(size.psnr[1], 1),
        }
        for size in rooms
    }


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
            "frames",
            "load",
            "PSNR dB (worst tile)",
        )
    ]
    for size in rooms:
        r = size.typical
        factors = [run.realtime for run in size.runs]
        shares = [run.frames for run in size.runs]
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
                f"{r.frames:.3f}"
                + (f" ({min(shares):.2f}-{max(shares):.2f})" if size.paced else ""),
                f"{r.load:.2f}",
                "-" if size.psnr is None else f"{size.psnr[0]:.1f} ({size.psnr[1]:.1f})",
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for i, row in enumerate(table):
        lines.append("    " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        if i == 0:
            lines.append("    " + "  ".join("-" * w for w in widths))
    return lines


def rows(settings: Settings, ffmpeg: str, json_file: Path | None = None) -> list[Row]:
    """The `mix` group of `make bench`: the grid of four against the ffmpeg CLI, then the rooms
    from files and paced, printed; its summary rows; the figures as JSON into `json_file`."""
    print(
        f"\n[4] compositor: a {mix_cpu.GRID_INPUTS}-input grid against the ffmpeg CLI "
        f"({settings.mix_repeats} repeats), then rooms of "
        f"{', '.join(str(n) for n in ROOM_SIZES)} inputs, from files and paced"
    )
    spec = ClipSpec(settings.mix_clip_seconds)
    result = mix_cpu.measure(
        spec, settings.mix_long_seconds, settings.mix_short_seconds, settings.mix_repeats, ffmpeg
    )
    for line in mix_cpu.report(result):
        print(line)
    tables = {}
    for paced in (False, True):
        rooms = room(
            spec,
            ROOM_SIZES,
            settings.room_seconds,
            settings.room_repeats,
            ffmpeg,
            paced=paced,
        )
        if not paced:
            for size in rooms:
                size.psnr = tile_psnr(size)
        print(
            f"  rooms{', paced (live)' if paced else ''}: inputs of {settings.room_seconds} s, "
            f"median of {settings.room_repeats} run(s) each, measured from `started` to the end"
        )
        for line in room_report(rooms):
            print(line)
        tables[paced] = rooms
    if json_file is not None:
        figures = {
            "grid4_ratio": round(result.ratio, 3),
            "rooms": as_json(tables[False]),
            "rooms_paced": as_json(tables[True]),
        }
        json_file.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"  figures written to {json_file}")
    ours = result.per_output_second(mix_cpu.OURS)
    theirs = result.per_output_second(mix_cpu.REFERENCE)
    largest = tables[False][-1].typical
    return [
        Row(
            f"mix CPU, {mix_cpu.GRID_INPUTS}-input grid, ours / ffmpeg",
            f"{result.ratio:.3f}x ({ours:.3f} vs {theirs:.3f} s CPU/output-s)",
            f"<= {mix_cpu.TARGET_RATIO}x",
            result.passed,
        ),
        Row(
            "mix real time by inputs",
            ", ".join(f"{r.count}: {r.typical.realtime:.2f}x" for r in tables[False]),
            "table",
            None,
        ),
        Row(
            f"mix of {tables[False][-1].count}: real time, CPU s/output s",
            f"{largest.realtime:.2f}x, {largest.cpu_per_second:.2f} ({largest.cores:.2f} cores)",
            f">= 1.0x, <= {TARGET_CPU}",
            largest.realtime >= 1.0 and largest.cpu_per_second <= TARGET_CPU,
        ),
    ]
