"""`python -m tests.bench.concurrency`: one level in this process (`--streams`), or both drivers
ramped and compared (see the package's docstring)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from tests.bench.concurrency import FULL_COMPARE, QUICK_COMPARE, best, compare
from tests.bench.concurrency.level import DRIVERS, Driver, record_level
from tests.bench.media import ClipSpec, clip


def main(argv: Sequence[str] | None = None) -> int:
    """With `--streams`: record one level in this process and print its `LevelResult` as one JSON
    line. Without: compare the drivers on the benchmark clip and print both ramps."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.concurrency")
    parser.add_argument("--clip", type=Path, help="default: the benchmark clip (30 s, 720p30)")
    parser.add_argument("--streams", type=int, help="record this one level and print JSON")
    parser.add_argument("--duration", type=float)
    parser.add_argument("--join-window", type=float)
    parser.add_argument("--out-dir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--driver", choices=DRIVERS, help="one driver (default: both, or pump)")
    parser.add_argument("--levels", help="comma-separated N to ramp through")
    parser.add_argument("--lanes", type=int, help="the pump's threads (default: one per core)")
    parser.add_argument("--quick", action="store_true", help=f"levels {QUICK_COMPARE[0]}")
    args = parser.parse_args(argv)
    if args.streams is not None:
        if args.clip is None or args.duration is None or args.out_dir is None:
            parser.error("--streams needs --clip, --duration and --out-dir")
        result = record_level(
            args.clip,
            args.streams,
            args.duration,
            join_window=args.join_window or 0.0,
            out_dir=args.out_dir,
            seed=args.seed,
            driver=args.driver or "pump",
            lanes=args.lanes,
        )
        print(json.dumps(asdict(result)))
        return 0
    levels, duration, window = QUICK_COMPARE if args.quick else FULL_COMPARE
    if args.levels:
        levels = tuple(int(n) for n in args.levels.split(","))
    duration = args.duration or duration
    window = args.join_window if args.join_window is not None else window
    live_clip = args.clip or clip(ClipSpec(30))
    drivers: tuple[Driver, ...] = (args.driver,) if args.driver else ("threads", "pump")
    print(
        f"live streams in one process by {' and '.join(drivers)}: {duration:g} s each, joining "
        f"over {window:g} s, N = {' '.join(map(str, levels))}",
        flush=True,
    )
    results = compare(live_clip, levels, duration, window, args.seed, drivers)
    for driver, done in results.items():
        top = best(done)
        figure = "none kept up" if top is None else f"N = {top.streams} at {top.cores:.2f} cores"
        print(f"{driver}: largest N that kept up: {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
