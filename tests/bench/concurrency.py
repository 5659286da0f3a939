"""How many 2 Mbit/s live streams one process records without falling behind.

The recording service runs one `Remuxer` thread per live stream in a single Python process, so the
GIL, not the core count, may be the limit. Each stream here is a `LiveFileSource` (a looping file
released at real-time pace, at its own random live position, as rooms joined at different times
are) recorded by its own `Remuxer` into its own MP4 through `ContainerSink`, wired exactly as
`recdesk-record` wires them, each in its own thread, for a fixed duration of media.

A stream falls behind when it gets a packet more than `MAX_LAG` seconds after the source should
have released it, or finishes its file more than `MAX_LAG` seconds after real time allows. The
source is wrapped to time each packet against its due time: a live source at position `p` that
started at wall time `s` owes the packet of live time `t` at `s + max(0, t - p)`. The packets
before `p` (the rest of the group of pictures a joining viewer gets at once) are the *join burst*;
the others are the *steady* packets, and both count.

The streams join one by one over a join window rather than all in the same millisecond: a service
starts recordings as requests come, and N simultaneous join bursts (up to 2 s of media each, owed
at once) measure a thundering herd rather than how many streams a process carries. Pass a window
of 0 to measure that herd. The CPU figure is taken while all N streams are in their steady state.

Run as `python -m tests.bench.concurrency --streams N ...`, it records one level in this process
and prints one JSON line; `ramp` runs each level in a fresh process, so no level inherits the
memory, threads or file handles of the one before.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import av

from app.media.formats import FORMATS
from app.media.plan import plan_outputs
from app.media.remux import Remuxer, RemuxResult
from app.media.sinks.base import MediaSink
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources.livefile import LiveFileSource
from tests.bench.media import REPO

MAX_LAG = 1.0
TARGET_STREAMS = 100
# Rooms have been live for anything up to this long when the recording joins them.
MAX_POSITION = 600.0
# A join burst is at most one group of pictures (2 s in the clip), owed at once; once it is
# delivered a stream is in its steady state. Margin for a burst delivered late is added on top.
SETTLE_SECONDS = 3.0


class TimedLiveSource(LiveFileSource):
    """A `LiveFileSource` that records how late each packet reaches the remuxer."""

    def __init__(self, path: str, *, position: float) -> None:
        super().__init__(path, position=position)
        self.live_position = position
        self.max_join_late = 0.0
        self.max_steady_late = 0.0
        self.last_due: float | None = None

    def packets(self) -> Iterator[av.Packet]:
        """The source's packets, each timed against its due time as it is handed over."""
        bases = {s.index: float(s.time_base) for s in self.streams}
        position = self.live_position
        inner = super().packets()
        # The source takes its start time when its generator first runs, right after this, so
        # due times here are a little early and lateness errs on the high side.
        started = time.monotonic()
        for packet in inner:
            ts = packet.dts if packet.dts is not None else packet.pts
            live = (ts or 0) * bases[packet.stream_index]
            late = time.monotonic() - started - max(0.0, live - position)
            if live < position:
                self.max_join_late = max(self.max_join_late, late)
            else:
                self.max_steady_late = max(self.max_steady_late, late)
            self.last_due = started + max(0.0, live - position)
            yield packet


@dataclass
class StreamOutcome:
    """One stream's recording, timed."""

    join_late: float
    steady_late: float
    end_lag: float
    reason: str
    error: str | None
    media_seconds: float

    @property
    def failed(self) -> bool:
        """Ended by an error or early, instead of by its duration."""
        return self.error is not None or self.reason != "duration"

    @property
    def late(self) -> bool:
        """More than `MAX_LAG` behind real time at some packet or at the end."""
        return max(self.join_late, self.steady_late, self.end_lag) > MAX_LAG


@dataclass
class LevelResult:
    """N streams recorded at once in one process."""

    streams: int
    duration: float
    join_window: float
    wall: float
    steady_wall: float
    steady_cpu: float
    steady_sys: float
    max_rss_mib: float
    behind: int
    failed: int
    max_join_late: float
    max_steady_late: float
    max_end_lag: float
    min_media_seconds: float
    engine_warnings: int

    @property
    def cores(self) -> float:
        """CPU seconds per wall second with all N streams steady: the cores the process used."""
        return self.steady_cpu / self.steady_wall if self.steady_wall > 0 else float("nan")

    @property
    def kept_up(self) -> bool:
        """Every stream recorded in full and on time."""
        return self.behind == 0 and self.failed == 0


class _WarningCounter(logging.Handler):
    """Counts the engine's warnings (dropped packets, say): a sign of trouble even on time."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class _Recording:
    """One stream: its timed source, its sinks and the thread that runs its remuxer."""

    def __init__(
        self, clip: Path, position: float, stem: Path, duration: float, done: threading.Event
    ) -> None:
        self.source = TimedLiveSource(str(clip), position=position)
        self.remuxer = Remuxer(self.source, _sinks(self.source, stem), duration=duration)
        self.result: RemuxResult | None = None
        self.returned = 0.0
        self._done = done
        self.thread = threading.Thread(target=self._run, name=stem.name, daemon=True)

    def _run(self) -> None:
        try:
            self.result = self.remuxer.run()
        finally:
            self.returned = time.monotonic()
            self.source.close()
            self._done.set()

    def outcome(self) -> StreamOutcome:
        result = self.result
        if result is None:
            return StreamOutcome(0.0, 0.0, 0.0, "crashed", "the remuxer thread raised", 0.0)
        due = self.source.last_due
        return StreamOutcome(
            join_late=self.source.max_join_late,
            steady_late=self.source.max_steady_late,
            end_lag=self.returned - due if due is not None else 0.0,
            reason=result.reason,
            error=str(result.error) if result.error is not None else None,
            media_seconds=min((f.duration for f in result.files), default=0.0),
        )


def _sinks(source: TimedLiveSource, stem: Path) -> list[MediaSink]:
    """The same wiring as `recdesk-record -o STEM.mp4`: plan_outputs, then a ContainerSink each."""
    plans = plan_outputs(source.streams, None, stem, FORMATS["mp4"], label=source.label)
    return [
        ContainerSink(
            plan.path, plan.format, [StreamInput(s, source.frame_rate(s)) for s in plan.streams]
        )
        for plan in plans
    ]


def record_level(
    clip: Path, streams: int, duration: float, *, join_window: float, out_dir: Path, seed: int
) -> LevelResult:
    """Record `streams` live streams at once in this process for `duration` s of media each."""
    rng = random.Random(seed)
    first_done = threading.Event()
    # Everything is opened before the clock starts: the measure is recording, not opening.
    recordings = [
        _Recording(clip, rng.uniform(0, MAX_POSITION), out_dir / f"r{i:04d}", duration, first_done)
        for i in range(streams)
    ]
    warnings = _WarningCounter()
    logging.getLogger("app").addHandler(warnings)
    started = time.monotonic()
    for i, recording in enumerate(recordings):
        _sleep_until(started + join_window * i / streams)
        recording.thread.start()
    steady_cpu, steady_sys, steady_wall = _steady_usage(
        started + join_window + SETTLE_SECONDS, first_done
    )
    for recording in recordings:
        recording.thread.join(timeout=duration + 120.0)
    wall = time.monotonic() - started
    outcomes = [r.outcome() for r in recordings]
    return LevelResult(
        streams=streams,
        duration=duration,
        join_window=join_window,
        wall=wall,
        steady_wall=steady_wall,
        steady_cpu=steady_cpu,
        steady_sys=steady_sys,
        max_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        behind=sum(1 for o in outcomes if o.late and not o.failed),
        failed=sum(1 for o in outcomes if o.failed),
        max_join_late=max(o.join_late for o in outcomes),
        max_steady_late=max(o.steady_late for o in outcomes),
        max_end_lag=max(o.end_lag for o in outcomes),
        min_media_seconds=min(o.media_seconds for o in outcomes),
        engine_warnings=warnings.count,
    )


def _steady_usage(steady_from: float, first_done: threading.Event) -> tuple[float, float, float]:
    """Process CPU (all, system) and wall seconds from `steady_from` until a recording ends."""
    _sleep_until(steady_from)
    if first_done.is_set():
        # Too short a run for a steady window: no figure rather than a wrong one.
        return 0.0, 0.0, 0.0
    # System time is reported apart: a large share of it means threads fighting over the GIL.
    before, wall = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    first_done.wait()
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.monotonic() - wall
    system = after.ru_stime - before.ru_stime
    return after.ru_utime - before.ru_utime + system, system, wall


def _sleep_until(deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


def run_level_in_child(
    clip: Path, streams: int, duration: float, join_window: float, seed: int
) -> LevelResult:
    """`record_level` in a fresh Python process, its files in a temp dir removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-live-") as tmp:
        argv = [sys.executable, "-m", "tests.bench.concurrency", "--clip", str(clip)]
        argv += ["--streams", str(streams), "--duration", str(duration)]
        argv += ["--join-window", str(join_window), "--seed", str(seed), "--out-dir", tmp]
        timeout = join_window + duration + 300
        done = subprocess.run(
            argv, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"level N={streams} exited {done.returncode}: {done.stderr.strip()}")
    return LevelResult(**json.loads(done.stdout.strip().splitlines()[-1]))


def ramp(
    clip: Path, levels: Sequence[int], duration: float, join_window: float, seed: int = 1
) -> list[LevelResult]:
    """Record each level in turn, stopping after the first that falls behind."""
    results = []
    for streams in levels:
        result = run_level_in_child(clip, streams, duration, join_window, seed)
        print(f"  {describe(result)}", flush=True)
        results.append(result)
        if not result.kept_up:
            break
    return results


def describe(result: LevelResult) -> str:
    """The lines for one level."""
    if result.kept_up:
        state = "kept up"
    else:
        state = f"FELL BEHIND ({result.behind} late, {result.failed} failed)"
    return (
        f"N={result.streams:4d}: {state}; max lateness: join burst {result.max_join_late:.3f} s, "
        f"steady {result.max_steady_late:.3f} s, end {result.max_end_lag:.3f} s\n"
        f"          CPU {result.cores:.2f} cores ({result.steady_cpu:.1f} s, "
        f"{result.steady_sys:.1f} s of it system, over {result.steady_wall:.1f} s steady), "
        f"wall {result.wall:.1f} s, "
        f"peak RSS {result.max_rss_mib:.0f} MiB, shortest file {result.min_media_seconds:.2f} s, "
        f"engine warnings {result.engine_warnings}"
    )


def best(results: Sequence[LevelResult]) -> LevelResult | None:
    """The largest level that kept up."""
    kept = [r for r in results if r.kept_up]
    return max(kept, key=lambda r: r.streams) if kept else None


def main(argv: Sequence[str] | None = None) -> int:
    """Record one level in this process and print its `LevelResult` as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.concurrency")
    parser.add_argument("--clip", type=Path, required=True)
    parser.add_argument("--streams", type=int, required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--join-window", type=float, default=0.0)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    result = record_level(
        args.clip,
        args.streams,
        args.duration,
        join_window=args.join_window,
        out_dir=args.out_dir,
        seed=args.seed,
    )
    print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
