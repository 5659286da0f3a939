"""The costs a cluster admits recordings by, measured on this machine and written for the service.

Two measurements, each in processes of their own:

- copies: one worker process's steady CPU while it records N live streams
  (`tests.bench.concurrency`, the pump that single-stream workers use), at two levels: the line
  through them gives a worker's base cost and each stream's;
- mixes: `recdesk-record` composing rooms of 1, 9 and 25 inputs from files onto a 1280x720 canvas
  at 30 fps (`tests.bench.mix_rooms`): CPU seconds per output second, the cores such a mix keeps
  busy live; the least-squares line gives the canvas's base cost and each input's.

The fitted table goes to `app/service/cluster/costs.json` (`app.service.cluster.cost`), stamped with
the date and the machine. Run on its own as `python -m tests.bench.costs [--quick]`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

from app.service.cluster.cost import COSTS_FILE, CostTable
from tests.bench import concurrency, mix_rooms
from tests.bench.media import FFMPEG, ClipSpec, clip
from tests.bench.settings import FULL, QUICK, Settings
from tests.bench.summary import Row

MIX_SIZES = (1, 9, 25)
COPY_LEVELS = (20, 100)


def machine() -> str:
    """The CPU model and the cores it has, as the table names them."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores"


def line(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The least-squares line through (x, y) points: (intercept, slope), neither below 0."""
    count = len(points)
    mean_x = sum(x for x, _ in points) / count
    mean_y = sum(y for _, y in points) / count
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    slope = max(0.0, slope)
    return max(0.0, mean_y - slope * mean_x), slope


def measure(settings: Settings, ffmpeg: str = FFMPEG) -> tuple[CostTable, list[str]]:
    """Measure both and fit the table; also the lines that report what was measured."""
    report = []
    live_clip = clip(ClipSpec(settings.live_clip_seconds), ffmpeg=ffmpeg)
    copies = []
    for streams in COPY_LEVELS:
        result = concurrency.run_level_in_child(
            live_clip, streams, settings.live_seconds, settings.join_window, seed=1
        )
        report.append(f"  copies: {concurrency.describe(result)}")
        copies.append((float(streams), result.cores))
    rooms = mix_rooms.room(
        ClipSpec(settings.mix_clip_seconds),
        MIX_SIZES,
        settings.room_seconds,
        settings.room_repeats,
        ffmpeg,
    )
    mixes = []
    for size in rooms:
        run = size.typical
        report.append(
            f"  mix of {size.count:2}: {run.cpu_per_second:.3f} CPU s per output s "
            f"(load {run.load:.2f})"
        )
        mixes.append((float(size.count), run.cpu_per_second))
    single_base, per_stream = line(copies)
    mix_base, per_input = line(mixes)
    table = CostTable(
        measured=datetime.date.today().isoformat(),
        machine=machine(),
        single_base=round(single_base, 4),
        per_stream=round(per_stream, 5),
        mix_base=round(mix_base, 3),
        per_input=round(per_input, 4),
    )
    return table, report


def write(table: CostTable, path: Path = COSTS_FILE) -> None:
    """Write the table where the service reads it."""
    path.write_text(json.dumps(table.to_json(), indent=2) + "\n")


def rows(settings: Settings, ffmpeg: str = FFMPEG, path: Path = COSTS_FILE) -> list[Row]:
    """The `costs` group of `make bench`: measure, write the table, one summary row."""
    print(
        f"\n[23] recording costs for cluster admission: copies of "
        f"{' and '.join(str(n) for n in COPY_LEVELS)} live streams, mixes of "
        f"{', '.join(str(n) for n in MIX_SIZES)} inputs; written to {path.name}"
    )
    table, report = measure(settings, ffmpeg)
    for text in report:
        print(text)
    write(table, path)
    figure = (
        f"single {table.single_base:.3f} + {table.per_stream:.4f}/stream; "
        f"mix {table.mix_base:.3f} + {table.per_input:.3f}/input (CPUs)"
    )
    print(f"  {figure}")
    return [Row("recording costs (written)", figure, "measured", None)]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m tests.bench.costs [--quick]`."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.costs", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs: a smoke test")
    parser.add_argument("--out", type=Path, default=COSTS_FILE, help="where to write the table")
    args = parser.parse_args(argv)
    rows(QUICK if args.quick else FULL, path=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
