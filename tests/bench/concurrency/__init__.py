"""How many 2 Mbit/s live streams one process records without falling behind.

A worker records a big room's streams in one Python process, so the GIL, not the core count, may
be the limit. Each stream here is a `LiveFileSource` (a looping file released at real-time pace,
at its own random live position, as rooms joined at different times are) recorded by its own
`Remuxer` into its own MP4 through `ContainerSink`, wired exactly as `recdesk-record` wires them,
for a fixed duration of media, by one of two drivers:

- `pump` (what a worker does in single mode): one `Pump` thread copies every stream's packets as
  they come due (`app.media.pump`);
- `threads` (what it did before): each stream's remuxer in a thread of its own, sleeping until
  each packet is due, so the before and after can be measured in one run.

A stream falls behind when it gets a packet more than `MAX_LAG` seconds after the source should
have released it, or finishes its file more than `MAX_LAG` seconds after real time allows. The
source is wrapped to time each packet against its due time: a live source at position `p` that
started at wall time `s` owes the packet of live time `t` at `s + max(0, t - p)`. A packet counts
as handed over when the next one is asked for, that is once the remuxer has written it (both drivers
ask for the next packet right after writing one). The packets before `p` (the rest of the group of
pictures a joining viewer gets at once) are the *join burst*; the others are the *steady* packets,
and both count.

The streams join one by one over a join window rather than all in the same millisecond: a service
starts recordings as requests come, and N simultaneous join bursts (up to 2 s of media each, owed
at once) measure a thundering herd rather than how many streams a process carries. Pass a window
of 0 to measure that herd. The CPU figure is taken while all N streams are in their steady state.

Run as `python -m tests.bench.concurrency --streams N ...`, it records one level in this process
and prints one JSON line; `ramp` runs each level in a fresh process, so no level inherits the
memory, threads or file handles of the one before, and `compare` ramps both drivers, interleaved
level by level. `python -m tests.bench.concurrency [--quick]` (no `--streams`) runs `compare` on
the benchmark clip and prints both ramps, with the load average beside each level.

`level` records one level in this process; this module ramps levels in child processes; `__main__`
is the command.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tests.bench.concurrency.level import (
    DRIVERS,
    MAX_LAG,
    Driver,
    LevelResult,
    StreamOutcome,
    record_level,
)
from tests.bench.media import REPO

TARGET_STREAMS = 200
# The cores the process may use at TARGET_STREAMS, in its steady state.
TARGET_CORES = 0.5
# `python -m tests.bench.concurrency` on its own: levels, seconds of media, join window.
FULL_COMPARE = ((100, 200, 300, 400), 20.0, 5.0)
QUICK_COMPARE = ((100, 200), 10.0, 2.0)

__all__ = [
    "DRIVERS",
    "MAX_LAG",
    "TARGET_CORES",
    "TARGET_STREAMS",
    "Driver",
    "LevelResult",
    "StreamOutcome",
    "best",
    "compare",
    "describe",
    "ramp",
    "record_level",
    "run_level_in_child",
]


def run_level_in_child(
    clip: Path,
    streams: int,
    duration: float,
    join_window: float,
    seed: int,
    driver: Driver = "pump",
) -> LevelResult:
    """`record_level` in a fresh Python process, its files in a temp dir removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-live-") as tmp:
        argv = [sys.executable, "-m", "tests.bench.concurrency", "--clip", str(clip)]
        argv += ["--streams", str(streams), "--duration", str(duration), "--driver", driver]
        argv += ["--join-window", str(join_window), "--seed", str(seed), "--out-dir", tmp]
        timeout = join_window + duration + 300
        done = subprocess.run(
            argv, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"level N={streams} exited {done.returncode}: {done.stderr.strip()}")
    return LevelResult(**json.loads(done.stdout.strip().splitlines()[-1]))


def ramp(
    clip: Path,
    levels: Sequence[int],
    duration: float,
    join_window: float,
    seed: int = 1,
    driver: Driver = "pump",
) -> list[LevelResult]:
    """Record each level in turn by `driver`, stopping after the first that falls behind."""
    results = []
    for streams in levels:
        result = run_level_in_child(clip, streams, duration, join_window, seed, driver)
        print(f"  {describe(result)}", flush=True)
        results.append(result)
        if not result.kept_up:
            break
    return results


def compare(
    clip: Path,
    levels: Sequence[int],
    duration: float,
    join_window: float,
    seed: int = 1,
    drivers: Sequence[Driver] = ("threads", "pump"),
) -> dict[str, list[LevelResult]]:
    """`ramp` by each driver, interleaved level by level (so both see the same machine); each
    stops after its first level that falls behind."""
    results: dict[str, list[LevelResult]] = {driver: [] for driver in drivers}
    for streams in levels:
        for driver in drivers:
            done = results[driver]
            if done and not done[-1].kept_up:
                continue
            result = run_level_in_child(clip, streams, duration, join_window, seed, driver)
            print(f"  {describe(result)}", flush=True)
            done.append(result)
    return results


def describe(result: LevelResult) -> str:
    """The lines for one level."""
    if result.kept_up:
        state = "kept up"
    else:
        state = f"FELL BEHIND ({result.behind} late, {result.failed} failed)"
    return (
        f"{result.driver:>7} N={result.streams:4d}: {state}; max lateness: join burst "
        f"{result.max_join_late:.3f} s, steady {result.max_steady_late:.3f} s, "
        f"end {result.max_end_lag:.3f} s\n"
        f"          CPU {result.cores:.2f} cores ({result.steady_cpu:.1f} s, "
        f"{result.steady_sys:.1f} s of it system, over {result.steady_wall:.1f} s steady; "
        f"{result.steady_runqueue:.1f} s waiting for a CPU), "
        f"load average {result.load:.2f}, {result.threads} threads, wall {result.wall:.1f} s, "
        f"peak RSS {result.max_rss_mib:.0f} MiB, shortest file {result.min_media_seconds:.2f} s, "
        f"engine warnings {result.engine_warnings}"
    )


def best(results: Sequence[LevelResult]) -> LevelResult | None:
    """The largest level that kept up."""
    kept = [r for r in results if r.kept_up]
    return max(kept, key=lambda r: r.streams) if kept else None
