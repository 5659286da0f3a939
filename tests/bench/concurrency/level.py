"""One level of the live-streams benchmark: N paced live streams recorded at once in this process,
each packet timed against its due time (see `tests.bench.concurrency`)."""

from __future__ import annotations

import contextlib
import logging
import os
import random
import resource
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import av

from app.media.formats import FORMATS
from app.media.plan import plan_outputs
from app.media.pump import Pump
from app.media.remux import Remuxer, RemuxResult
from app.media.sinks.base import MediaSink
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources.livefile import LiveFileSource

MAX_LAG = 1.0
# Rooms have been live for anything up to this long when the recording joins them.
MAX_POSITION = 600.0
# A join burst is at most one group of pictures (2 s in the clip), owed at once; once it is
# delivered a stream is in its steady state. Margin for a burst delivered late is added on top.
SETTLE_SECONDS = 3.0

Driver = Literal["pump", "threads"]
DRIVERS: tuple[Driver, ...] = ("pump", "threads")


class TimedLiveSource(LiveFileSource):
    """A `LiveFileSource` that records how late each packet reaches the remuxer."""

    def __init__(self, path: str, *, position: float) -> None:
        super().__init__(path, position=position)
        self.live_position = position
        self.max_join_late = 0.0
        self.max_steady_late = 0.0
        self.last_due: float | None = None

    def paced_packets(self) -> Iterator[tuple[float, av.Packet]]:
        """The source's packets and due times; each packet is timed when the next is asked for."""
        bases = {s.index: float(s.time_base) for s in self.streams}
        position = self.live_position
        handed: tuple[float, bool] | None = None  # the last packet's due time, and if it joined
        for due, packet in super().paced_packets():
            if handed is not None:
                late = time.monotonic() - handed[0]
                if handed[1]:
                    self.max_join_late = max(self.max_join_late, late)
                else:
                    self.max_steady_late = max(self.max_steady_late, late)
            ts = packet.dts if packet.dts is not None else packet.pts
            handed = due, (ts or 0) * bases[packet.stream_index] < position
            self.last_due = due
            yield due, packet


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
    driver: str = "threads"
    # The 1-minute load average at the end of the steady window: what else the machine ran.
    load: float = float("nan")
    # Threads the process ran in its steady state.
    threads: int = 0
    # Seconds its threads spent runnable but waiting for a CPU over the steady window (Linux): a
    # thread that falls behind while it waits there is starved by the machine, not slow.
    steady_runqueue: float = float("nan")

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
    """One stream: its timed source, its sinks, and the pump or the thread that runs its remuxer."""

    def __init__(
        self,
        clip: Path,
        position: float,
        stem: Path,
        duration: float,
        first_done: threading.Event,
        pump: Pump | None,
    ) -> None:
        self.source = TimedLiveSource(str(clip), position=position)
        self.remuxer = Remuxer(self.source, _sinks(self.source, stem), duration=duration)
        self.result: RemuxResult | None = None
        self.returned = 0.0
        self.done = threading.Event()
        self._first_done = first_done
        self._pump = pump
        self._name = stem.name

    def start(self) -> None:
        """Start recording, in a thread of its own or through the pump."""
        if self._pump is not None:
            packets = self.source.paced_packets()
            self._pump.add(self.remuxer, packets, self._ended, label=self._name)
            return
        threading.Thread(target=self._run, name=self._name, daemon=True).start()

    def _run(self) -> None:
        result = None
        try:
            result = self.remuxer.run()
        finally:
            self._ended(result)

    def _ended(self, result: RemuxResult | None) -> None:
        self.result = result
        self.returned = time.monotonic()
        self.source.close()
        self._first_done.set()
        self.done.set()

    def outcome(self) -> StreamOutcome:
        result = self.result
        if result is None:
            return StreamOutcome(0.0, 0.0, 0.0, "crashed", "the remuxer raised", 0.0)
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
    clip: Path,
    streams: int,
    duration: float,
    *,
    join_window: float,
    out_dir: Path,
    seed: int,
    driver: Driver = "pump",
    lanes: int | None = None,
) -> LevelResult:
    """Record `streams` live streams at once in this process for `duration` s of media each (by
    a pump of `lanes` threads: by default the worker's, one per core)."""
    rng = random.Random(seed)
    first_done = threading.Event()
    pump = Pump(name="pump", lanes=lanes) if driver == "pump" else None
    # Everything is opened before the clock starts: the measure is recording, not opening.
    recordings = [
        _Recording(
            clip, rng.uniform(0, MAX_POSITION), out_dir / f"r{i:04d}", duration, first_done, pump
        )
        for i in range(streams)
    ]
    warnings = _WarningCounter()
    logging.getLogger("app").addHandler(warnings)
    started = time.monotonic()
    for i, recording in enumerate(recordings):
        _sleep_until(started + join_window * i / streams)
        recording.start()
    steady = _steady_usage(started + join_window + SETTLE_SECONDS, first_done)
    for recording in recordings:
        recording.done.wait(timeout=duration + 120.0)
    wall = time.monotonic() - started
    if pump is not None:
        pump.close()
    outcomes = [r.outcome() for r in recordings]
    return LevelResult(
        streams=streams,
        duration=duration,
        join_window=join_window,
        wall=wall,
        steady_wall=steady.wall,
        steady_cpu=steady.cpu,
        steady_sys=steady.system,
        max_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        behind=sum(1 for o in outcomes if o.late and not o.failed),
        failed=sum(1 for o in outcomes if o.failed),
        max_join_late=max(o.join_late for o in outcomes),
        max_steady_late=max(o.steady_late for o in outcomes),
        max_end_lag=max(o.end_lag for o in outcomes),
        min_media_seconds=min(o.media_seconds for o in outcomes),
        engine_warnings=warnings.count,
        driver=driver,
        load=steady.load,
        threads=steady.threads,
        steady_runqueue=steady.runqueue,
    )


@dataclass
class _Usage:
    """The process's CPU (all, system) and wall seconds over the steady window, and beside it."""

    cpu: float = 0.0
    system: float = 0.0
    wall: float = 0.0
    load: float = float("nan")
    threads: int = 0
    runqueue: float = float("nan")


def _runqueue_wait() -> float:
    """Seconds this process's threads have waited on a run queue, summed (Linux; else NaN)."""
    total = 0
    try:
        for task in Path("/proc/self/task").iterdir():
            with contextlib.suppress(FileNotFoundError):  # a thread that ended meanwhile
                total += int((task / "schedstat").read_text().split()[1])
    except OSError:
        return float("nan")
    return total / 1e9


def _steady_usage(steady_from: float, first_done: threading.Event) -> _Usage:
    """Process CPU and wall seconds from `steady_from` until a recording ends."""
    _sleep_until(steady_from)
    if first_done.is_set():
        # Too short a run for a steady window: no figure rather than a wrong one.
        return _Usage(load=os.getloadavg()[0])
    # System time is reported apart: a large share of it means threads fighting over the GIL.
    threads = threading.active_count()
    waited = _runqueue_wait()
    before, wall = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    first_done.wait()
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.monotonic() - wall
    waited = _runqueue_wait() - waited
    system = after.ru_stime - before.ru_stime
    cpu = after.ru_utime - before.ru_utime + system
    return _Usage(cpu, system, wall, os.getloadavg()[0], threads, waited)


def _sleep_until(deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
