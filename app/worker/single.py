"""Single mode: each stream of the room recorded into files of its own, by a remuxer of its own.

```
stream ─open─▶ Remuxer ─▶ its files (parts)      streams join (`add`) and leave (`remove`)
stream ─open─▶ Remuxer ─▶ its files (parts)      while the task runs
```

- **Threads.** Each stream is opened in a thread of its own. A paced stream (a demo room's live
  file: `PacedSource`) is then copied by the recording's pump (`app.media.pump`), a thread per
  core for all of them, which keeps a big room's streams from fighting over the GIL; any other (a
  live URL, an SFU's forwarded stream) is read by its remuxer in that thread, as its reads block.

- **Streams come and go.** A stream that cannot be opened, or lacks what the stream type needs
  (an audio stream in a video recording), is skipped with a warning; one whose remuxer ends
  (`stream-ended`) leaves the others recording. The recording ends only when it is stopped, when
  its max duration is reached, or when no stream of the job could be recorded at all; a room whose
  streams all left stays recorded, waiting for `add` or `stop` (the service decides idle stops).
- **A publisher that drops and comes back** goes on in the same files, as `recdesk-record` does.
  A live URL or an SFU's forwarded stream that `left` (`remove` with `left`) is kept, its source
  waiting for the publisher, for up to `max_idle_seconds`; when it joins again from the same URL
  its source rejoins (the engine's rule: the timeline goes on at the next keyframe, without the
  gap). New files (the next part)
  start instead when it comes back later than that, from another URL, or with other streams (a
  new size or codec: `SourceChangedError`); a stream still wanted then goes on in them at once.
- **One pause for all.** Pause and resume apply to every stream and are reported once, at the
  seconds recorded so far (each file keeps its own continuous timeline).
- **Max duration** is wall time recorded, less pauses: each remuxer gets what remains of it when
  it starts, so a stream that joins late ends with the others. A stream that sends nothing cannot
  reach its limit, so the recording also ends a little after the time is up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.errors import RecDeskError
from app.layout.model import Layout
from app.media.errors import NoStreamError, SourceChangedError
from app.media.events import Event, Paused, Resumed, Started
from app.media.fileinfo import FileInfo
from app.media.pipeline.ending import Ending
from app.media.pump import PacedSource, Pump
from app.media.remux import Remuxer, RemuxResult
from app.media.sources import ForwardedSource, MediaSource, ReconnectingSource
from app.worker.clock import RecordedClock
from app.worker.events import Emit, file_event, stream_ended, tagged, warning
from app.worker.fields import JobError
from app.worker.outputs import Outputs, build_outputs
from app.worker.protocol import Job, StreamJob

log = logging.getLogger(__name__)

# How long past the max duration a recording whose streams send nothing is stopped all the same.
DURATION_GRACE = 3.0


@dataclass(eq=False)
class _Run:
    """One stream's recording: opening, then recording until its remuxer ends."""

    stream: StreamJob
    source: MediaSource | None = None
    remuxer: Remuxer | None = None
    outputs: Outputs | None = None
    removed: bool = False
    away_since: float | None = None  # when it left, while it is kept for its return


class SingleRecording:
    """Records each stream of a job into its own files; see the module docstring."""

    def __init__(self, job: Job, emit: Emit, on_done: Callable[[], None]) -> None:
        self._job = job
        self._emit = emit
        self._on_done = on_done
        self._lock = threading.Lock()
        self._runs: dict[str, _Run] = {}  # by stream id: the streams wanted now
        self._active: list[_Run] = []  # every stream thread not yet finished (removed ones too)
        self._reasons: list[str] = []  # how the remuxers that ran ended
        self._failures: list[str] = []  # why streams could not be recorded
        self._recorded = False  # whether any stream got as far as a remuxer
        self._started = False
        self._stopping = False
        self._timed_out = False
        self._paused = job.paused
        self._clock = RecordedClock()
        self._next_part: dict[str, int] = {}  # by stem: a stream that joins again goes on
        self._paced: Pump | None = None  # copies the paced streams, from the first of them
        self.ending: Ending | None = None

    def start(self) -> None:
        """Open and record every stream of the job, each in a thread of its own."""
        if self._paused:
            self._clock.pause()
            self._emit(tagged(Paused(0.0), None))
        with self._lock:
            for stream in self._job.streams:
                self._launch(stream)

    # -- commands (any thread) -----------------------------------------------------------------

    def pause(self) -> None:
        """Pause every stream."""
        self._set_paused(True)

    def resume(self) -> None:
        """Resume every stream, each at its next keyframe."""
        self._set_paused(False)

    def snapshot(self) -> None:
        """Take a snapshot of every stream with a picture."""
        with self._lock:
            taken = 0
            for run in self._runs.values():
                if run.remuxer is not None and run.outputs is not None and run.outputs.snapshots:
                    run.remuxer.snapshot()
                    taken += 1
        if not taken:
            self._emit(warning("snapshot: no stream with a picture is being recorded"))

    def set_layout(self, layout: Layout) -> None:
        """Layouts belong to mixed recordings."""
        self._emit(warning("layout: this task records each stream on its own; it has no layout"))

    def add(self, stream: StreamJob) -> None:
        """Record a stream that joined; one kept since it left goes on in its files."""
        with self._lock:
            run = self._runs.get(stream.stream_id)
            if self._stopping or self.ending is not None:
                self._emit(warning(f"add {stream.stream_id}: the recording is ending"))
            elif run is None:
                self._launch(stream)
            elif run.away_since is None:
                self._emit(warning(f"add {stream.stream_id}: it is being recorded already"))
            elif (run.stream.uri, run.stream.stem) == (stream.uri, stream.stem):
                run.away_since = None  # back in time: its source rejoins by itself
            else:
                self._drop(run)  # back from elsewhere: files of its own
                self._launch(stream)

    def remove(self, stream_id: str, *, left: bool = False) -> None:
        """Stop recording a stream, its files finished: at once, or, for a live URL that `left`,
        once it has stayed away for `max_idle_seconds`."""
        with self._lock:
            run = self._runs.get(stream_id)
            if run is None:
                self._emit(warning(f"remove {stream_id}: no such stream is being recorded"))
            elif left and isinstance(run.source, ReconnectingSource | ForwardedSource):
                if run.away_since is None:
                    run.away_since = time.monotonic()
            else:
                self._drop(run)

    def stop(self) -> None:
        """Stop every stream; the recording is done when their files are finished."""
        with self._lock:
            self._stop_all()

    def tick(self) -> None:
        """Let go of the streams that stayed away too long; stop a recording past its max duration
        whose streams could not end it themselves."""
        limit = self._job.max_duration_seconds
        with self._lock:
            now = time.monotonic()
            for run in list(self._runs.values()):
                if (
                    run.away_since is not None
                    and now - run.away_since >= self._job.max_idle_seconds
                ):
                    self._drop(run)
            if limit is None or self._stopping or self._clock.recorded() < limit + DURATION_GRACE:
                return
            self._timed_out = True
            self._stop_all()

    # -- the streams' threads ------------------------------------------------------------------

    def _launch(self, stream: StreamJob) -> None:
        run = _Run(stream)
        self._runs[stream.stream_id] = run
        self._active.append(run)
        threading.Thread(
            target=self._record, args=(run,), name=f"record-{stream.stream_id}", daemon=True
        ).start()

    def _record(self, run: _Run) -> None:
        stream_id = run.stream.stream_id
        try:
            source = run.stream.open(self._job.max_idle_seconds)
        except RecDeskError as exc:
            self._finish(run, failure=f"cannot open {stream_id}: {exc}")
            return
        with self._lock:
            run.source = source
        reason: str | None = None
        failure: str | None = None
        pumped = False
        try:
            remuxer, failure = self._remuxer_of(run, source)
            if remuxer is not None and isinstance(source, PacedSource):
                # Its packets are due at known times: the pump copies them, this thread is done.
                self._pump().add(
                    remuxer,
                    source.paced_packets(),
                    lambda result: self._pumped(run, source, result),
                    label=stream_id,
                )
                pumped = True
                return
            if remuxer is not None:
                reason = self._ended(run, remuxer.run())
        except Exception as exc:  # a bug must still end in a line the service sees
            log.exception("recording %s failed", stream_id)
            reason, failure = "error", f"recording {stream_id} failed: {exc!r}"
            if run.remuxer is not None:
                self._emit(stream_ended(stream_id, reason, failure))
        finally:
            if not pumped:
                source.close()
        self._finish(run, reason=reason, failure=failure)

    def _pumped(self, run: _Run, source: MediaSource, result: RemuxResult) -> None:
        """The end of a stream the pump copied, on its finisher thread: as `_record`'s."""
        stream_id = run.stream.stream_id
        try:
            reason = self._ended(run, result)
        except Exception as exc:  # a bug must still end in a line the service sees
            log.exception("recording %s failed", stream_id)
            reason = "error"
            self._emit(stream_ended(stream_id, reason, f"recording {stream_id} failed: {exc!r}"))
        finally:
            source.close()
        self._finish(run, reason=reason)

    def _pump(self) -> Pump:
        """The pump of this recording's paced streams, started with the first of them."""
        with self._lock:
            if self._paced is None:
                self._paced = Pump(name=f"pump-{self._job.task_id}")
            return self._paced

    def _remuxer_of(self, run: _Run, source: MediaSource) -> tuple[Remuxer | None, str | None]:
        """The remuxer of an opened stream, or why it could not start (neither when it was stopped
        or removed while it opened)."""
        stream_id = run.stream.stream_id
        try:
            return self._prepare(run, source), None
        except NoStreamError as exc:
            return None, f"{stream_id} is not recorded: {exc}"
        except RecDeskError as exc:
            return None, f"cannot record {stream_id}: {exc}"

    def _ended(self, run: _Run, result: RemuxResult) -> str:
        """Report how a stream's remuxer ended (or that it goes on in new files); the reason."""
        stream_id = run.stream.stream_id
        message = None if result.error is None else str(result.error)
        if self._goes_on(run, result):
            self._emit(warning(f"{message}: {stream_id} goes on in new files"))
        else:
            self._emit(stream_ended(stream_id, result.reason, message))
        return result.reason

    def _goes_on(self, run: _Run, result: RemuxResult) -> bool:
        """Whether a stream whose remuxer ended goes on in new files: one still wanted whose source
        came back with other streams. Decided under the lock, so that an `add` or `remove` is
        applied either to this run or to the next."""
        stream = run.stream
        with self._lock:
            wanted = self._runs.get(stream.stream_id) is run and run.away_since is None
            if not (wanted and isinstance(result.error, SourceChangedError)):
                if self._runs.get(stream.stream_id) is run:
                    del self._runs[stream.stream_id]  # a later `add` starts afresh
                return False
            if self._stopping or self.ending is not None:
                return False
            assert run.outputs is not None
            assert stream.stem is not None
            self._next_part[stream.stem] = max(
                self._next_part.get(stream.stem, 1), run.outputs.next_part
            )
            self._launch(stream)
            return True

    def _prepare(self, run: _Run, source: MediaSource) -> Remuxer | None:
        """The remuxer of an opened stream, paused if the recording is; None if it is not wanted
        any more. Under the lock, so that no pause or stop is missed in between."""
        job, stream = self._job, run.stream
        assert stream.stem is not None
        with self._lock:
            if self._stopping or run.removed:
                return None
            duration = None
            if job.max_duration_seconds is not None:
                duration = job.max_duration_seconds - self._clock.recorded()
                if duration <= 0:
                    raise JobError("the task's max duration has passed")
            first = max(job.first_part, self._next_part.get(stream.stem, job.first_part))
            outputs = build_outputs(
                source,
                job,
                stream.stem,
                first=first,
                label=stream.stream_id,
                on_snapshot=lambda snapshot: self._emit(tagged(snapshot, stream.stream_id)),
            )
            self._next_part[stream.stem] = outputs.next_part
            remuxer = Remuxer(
                source,
                outputs.sinks,
                duration=duration,
                snapshots=outputs.snapshots,
                on_event=lambda event: self._engine_event(run, outputs, event),
            )
            if self._paused:
                remuxer.pause()
            run.remuxer, run.outputs = remuxer, outputs
            self._recorded = True
            return remuxer

    def _engine_event(self, run: _Run, outputs: Outputs, event: Event) -> None:
        stream = run.stream
        if isinstance(event, FileInfo):
            part = outputs.part_of(event)
            self._emit(file_event(event, part, stream.stream_id, stream.user_id))
        elif isinstance(event, Started):
            with self._lock:
                first, self._started = not self._started, True
                if first:
                    self._clock.start()
            if first:
                self._emit(tagged(event, None))
        elif not isinstance(event, Paused | Resumed):  # reported once per command instead
            self._emit(tagged(event, stream.stream_id))

    def _finish(self, run: _Run, *, reason: str | None = None, failure: str | None = None) -> None:
        if failure is not None:
            self._emit(warning(failure))
        with self._lock:
            self._active.remove(run)
            if self._runs.get(run.stream.stream_id) is run:
                del self._runs[run.stream.stream_id]
            if reason is not None:
                self._reasons.append(reason)
            if failure is not None:
                self._failures.append(failure)
            if run.outputs is not None and run.stream.stem is not None:
                stem = run.stream.stem
                self._next_part[stem] = max(self._next_part.get(stem, 1), run.outputs.next_part)
            self._check_done()

    # -- under the lock ------------------------------------------------------------------------

    def _drop(self, run: _Run) -> None:
        """Stop recording a stream now; it may join again at once, into files of its own."""
        del self._runs[run.stream.stream_id]
        run.removed = True
        if run.remuxer is not None:
            run.remuxer.stop()

    def _set_paused(self, paused: bool) -> None:
        with self._lock:
            if self._paused == paused:
                return  # nothing changes, nothing to report
            self._paused = paused
            if paused:
                self._clock.pause()
            else:
                self._clock.resume()
            for run in self._active:
                if run.remuxer is not None:
                    if paused:
                        run.remuxer.pause()
                    else:
                        run.remuxer.resume()
            at = round(self._clock.recorded(), 3)
        self._emit(tagged(Paused(at) if paused else Resumed(at), None))

    def _stop_all(self) -> None:
        self._stopping = True
        for run in self._active:
            if run.remuxer is not None:
                run.remuxer.stop()
        self._check_done()

    def _check_done(self) -> None:
        if self.ending is not None:
            return
        if self._stopping:
            # A stream still opening (a URL, up to its timeout) has written nothing: not waited for.
            if any(run.remuxer is not None for run in self._active):
                return
            self._end(Ending("duration" if self._timed_out else "stopped"))
        elif self._active:
            return
        elif not self._recorded and self._failures:
            self._end(Ending("error", f"nothing could be recorded: {self._failures[0]}"))
        elif "duration" in self._reasons:
            self._end(Ending("duration"))

    def _end(self, ending: Ending) -> None:
        self.ending = ending
        if self._paced is not None:
            self._paced.close()
        self._on_done()
