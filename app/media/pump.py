"""The pump: many paced recordings copied by a few threads, each packet when it comes due.

```
add(remuxer, paced packets) ─▶ the lane with the fewest recordings: a heap of (next due, recording)
lane thread: sleep until the earliest is due ─▶ take every recording that is due ─▶
             hand each its due packets (`Remuxer.advance`) ─▶ back on the heap at its next due time
a recording that ended ─▶ finisher thread: `Remuxer.finish()` ─▶ on_done(result)
```

A paced source (`PacedSource`: a demo room's looping file, `LiveFileSource`) owes each packet at a
known time. Recorded by a thread each, a process holding a big room spends more on the threads
than on the copying: every packet is a sleep, a wake-up and a fight for the GIL, most of it futex
traffic in the kernel. The pump serves them from one thread per core instead (a lane, up to
`_MAX_LANES`), each in due-time order: one thread alone would get only one thread's share of a
busy machine, and a few lanes overlap FFmpeg's reads and writes, which run without the GIL.

- **Late, never early.** A packet is handed over at its due time or after it, never before; the
  lane wakes at most once per `tick` (a few milliseconds: nothing a file shows), so a wake-up
  serves every recording with a packet due by then, and a recording every packet it has due.
- **The same copy.** The remuxer's own loop does the work (`Remuxer.advance`), so sinks, parts,
  pause and resume, snapshots, stops, durations and end reasons are those of a remuxer in a
  thread of its own. Controls set from other threads are seen at a recording's next packet, as
  they are there.
- **Ending off the thread.** A recording that ended (a stop, its duration, an error, a source that
  ran out) has its files finished by a finisher thread, since closing a file may rewrite it, and
  then its `on_done(result)` is called there; the pump goes on with the others meanwhile.
- **One recording's bug is its own.** An unexpected exception while copying ends that recording
  with an error (`RecordingError`), logged with its traceback; the others go on.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import av

from app.media.errors import RecordingError
from app.media.remux import Remuxer, RemuxResult

log = logging.getLogger(__name__)

# How far apart the pump's wake-ups are at least: the most a packet waits past its due time when
# the pump keeps up. Each wake-up costs a few microseconds of system time; 100 a second are cheap.
DEFAULT_TICK = 0.01
# Threads that finish the files of recordings that ended (several end at once on a stop).
_FINISHERS = 2
# Lanes beyond a few only hand the GIL back and forth: the copying is mostly Python's.
_MAX_LANES = 4


@runtime_checkable
class PacedSource(Protocol):
    """A source whose packets are due at known times (`LiveFileSource`), which a pump serves."""

    def paced_packets(self) -> Iterator[tuple[float, av.Packet]]:
        """Each packet with the time it is due on the pump's clock (`time.monotonic`), in order;
        nothing waits."""
        ...


@dataclass(eq=False)
class _Pumped:
    """One recording the pump serves: its remuxer, its packets and the next one, not yet due."""

    remuxer: Remuxer
    packets: Iterator[tuple[float, av.Packet]]
    on_done: Callable[[RemuxResult], None]
    label: str
    pending: tuple[float, av.Packet] | None = None
    ran_out: bool = False
    failure: RecordingError | None = None


class Pump:
    """Copies many paced recordings from a few threads (lanes); see the module docstring.

    A lane's thread starts with its first recording and ends after `close()`, once the
    recordings it serves have ended. `clock` must be the one the sources' due times are on.
    """

    def __init__(
        self,
        *,
        lanes: int | None = None,
        tick: float = DEFAULT_TICK,
        clock: Callable[[], float] = time.monotonic,
        name: str = "pump",
    ) -> None:
        count = lanes if lanes is not None else default_lanes()
        self._lanes = [
            _Lane(f"{name}-{i}" if count > 1 else name, tick, clock, self._finish_later)
            for i in range(max(1, count))
        ]
        self._lock = threading.Lock()
        self._closed = False
        self._running = 0  # lanes whose thread has not ended
        self._finishers = ThreadPoolExecutor(_FINISHERS, thread_name_prefix=f"{name}-finish")

    @property
    def recordings(self) -> int:
        """How many recordings the pump is copying now."""
        return sum(lane.serving for lane in self._lanes)

    def add(
        self,
        remuxer: Remuxer,
        packets: Iterator[tuple[float, av.Packet]],
        on_done: Callable[[RemuxResult], None],
        *,
        label: str = "a stream",
    ) -> None:
        """Copy `packets` (a paced source's `paced_packets()`) through `remuxer` as they come due,
        on the lane with the fewest recordings; `on_done(result)` is called, on a finisher
        thread, once its files are finished."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the pump is closed")
            lane = min(self._lanes, key=lambda lane: lane.serving)
            if lane.add(_Pumped(remuxer, packets, on_done, label)):
                self._running += 1

    def close(self) -> None:
        """Take no more recordings; the threads end once those they serve have ended. Any
        thread, a finisher's included; never waits."""
        with self._lock:
            self._closed = True
            idle = not self._running
        for lane in self._lanes:
            lane.close(self._lane_ended)
        if idle:
            self._finishers.shutdown(wait=False)

    def _lane_ended(self) -> None:
        with self._lock:
            self._running -= 1
            last = not self._running
        if last:
            self._finishers.shutdown(wait=False)

    def _finish_later(self, pumped: _Pumped) -> None:
        self._finishers.submit(_finish, pumped)


def default_lanes() -> int:
    """One lane per core this process may run on, up to `_MAX_LANES`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_LANES))


class _Lane:
    """One pump thread and the heap of the recordings it serves, by next due time."""

    def __init__(
        self,
        name: str,
        tick: float,
        clock: Callable[[], float],
        finish_later: Callable[[_Pumped], None],
    ) -> None:
        self._name = name
        self._tick = tick
        self._clock = clock
        self._finish_later = finish_later
        self._heap: list[tuple[float, int, _Pumped]] = []
        self._order = itertools.count()  # ties on the heap go first come, first served
        self._wake = threading.Condition()
        self.serving = 0  # recordings added and not yet handed to a finisher
        self._closed = False
        self._on_end: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None

    def add(self, pumped: _Pumped) -> bool:
        """Serve a recording from now on; True if that started the lane's thread."""
        with self._wake:
            self.serving += 1
            heapq.heappush(self._heap, (-math.inf, next(self._order), pumped))
            self._wake.notify()
            if self._thread is not None:
                return False
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()
        return True

    def close(self, on_end: Callable[[], None]) -> None:
        """End the thread once nothing is left to serve, then call `on_end` (if it ran)."""
        with self._wake:
            self._closed, self._on_end = True, on_end
            self._wake.notify()

    def _run(self) -> None:
        woke = -math.inf
        while (taken := self._take_due(woke)) is not None:
            woke, due = taken
            going_on = [pumped for pumped in due if self._serve(pumped, woke)]
            with self._wake:
                for pumped in going_on:
                    assert pumped.pending is not None
                    heapq.heappush(self._heap, (pumped.pending[0], next(self._order), pumped))
        with self._wake:
            on_end = self._on_end
        if on_end is not None:
            on_end()

    def _take_due(self, woke: float) -> tuple[float, list[_Pumped]] | None:
        """Wait until a recording is due, a tick after the last wake-up at the earliest, and take
        every one that is then: (now, them). None once closed with nothing left to serve."""
        heap, clock = self._heap, self._clock
        with self._wake:
            while not (self._closed and not self.serving):
                now = clock()
                wait = max(heap[0][0] if heap else math.inf, woke + self._tick) - now
                if wait <= 0:
                    due = []
                    while heap and heap[0][0] <= now:
                        due.append(heapq.heappop(heap)[2])
                    return now, due
                self._wake.wait(None if wait == math.inf else wait)
        return None

    def _serve(self, pumped: _Pumped, now: float) -> bool:
        """Hand a recording its due packets; True if it goes on, else it is being finished."""
        try:
            ended = pumped.remuxer.advance(self._due(pumped, now))
        except Exception as exc:  # a bug in one recording must not end the others
            log.exception("recording %s failed", pumped.label)
            pumped.failure = RecordingError(f"recording {pumped.label} failed: {exc!r}")
            ended = True
        if ended or pumped.ran_out:
            with self._wake:
                self.serving -= 1
            self._finish_later(pumped)
            return False
        return True

    def _due(self, pumped: _Pumped, now: float) -> Iterator[av.Packet]:
        """The recording's packets due by `now`; the first one not yet due is kept for later."""
        pending = pumped.pending
        if pending is None:  # the first call: the source starts its clock when first read
            pending = next(pumped.packets, None)
            now = max(now, self._clock())
        while pending is not None and pending[0] <= now:
            yield pending[1]
            pending = next(pumped.packets, None)
        pumped.pending = pending
        pumped.ran_out = pending is None


def _finish(pumped: _Pumped) -> None:
    """Finish a recording's files and hand over its result, on a finisher thread."""
    try:
        result = pumped.remuxer.finish()
    except Exception as exc:
        log.exception("finishing %s failed", pumped.label)
        failure = RecordingError(f"finishing {pumped.label} failed: {exc!r}")
        result = RemuxResult("error", error=failure)
    if pumped.failure is not None:
        result.reason, result.error = "error", pumped.failure
    try:
        pumped.on_done(result)
    except Exception:  # the caller's bug: the pump and the other recordings go on
        log.exception("the end of %s was not taken", pumped.label)
