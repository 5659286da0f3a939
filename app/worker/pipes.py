"""One recording task in a process of its own, driven over pipes (`python -m app.worker.main`).

A crash in native code then ends one recording, not the service. The service talks to the worker
in JSON lines, each a message of `app.worker.protocol` (its class on the right):

```
worker                                   service
{"event": "ready"}                 ──▶                 Ready: the engine is imported
                                                       (`app.worker.main`); a warm worker
                                                       waits for its job
                                   ◀──  {"task_id": ..., "mode": ..., ...}    Job (one line)
{"event": "heartbeat"}             ──▶  Heartbeat: every second, from the job until the end
{"event": "started"} · "file" · "snapshot" · "paused" · "resumed" · "source-lost" ·
"source-back" · "stream-ended" · "warning"       as they happen: Started · FileWritten ·
                                   SnapshotTaken · Paused · Resumed · SourceLost · SourceBack ·
                                   StreamEnded · Warned
                                   ◀──  {"cmd": "pause" | "resume" | "stop" | "snapshot"}
                                        Pause · Resume · Stop · TakeSnapshot
                                   ◀──  {"cmd": "layout", "layout": {...}}    SetLayout
                                   ◀──  {"cmd": "add", "stream": {...}} · {"cmd": "remove", ...}
                                        AddStream · RemoveStream
{"event": "ended", "reason": ..., "message": ...}   Ended, last; exit status 1 if the reason is
                                                    `error`
```

`app.worker.protocol` alone writes these lines (`encode`) and reads them (`decode_job`,
`decode_command`; `decode_event` in the service), so both ends share one typed definition. A job
line that cannot be read ends the worker with an `error` naming the field; a bad command line is a
`warning`, and the recording goes on. The job is carried out by `app.worker.recorder.Recorder`.

- **No orphans.** The end of stdin means the service is gone (however it died, its end of the
  pipe closes): the files are finished and the worker ends with reason `service-gone`. SIGTERM and
  SIGINT stop the recording the same way, with reason `stopped`.
- **One writer.** Every line goes through one lock and is flushed at once; nothing else reaches
  the protocol's stdout (Python's `sys.stdout` and file descriptor 1 are pointed at stderr, where
  logs go).
- **Stdin is read raw**, by a thread of its own, so the process never ends with that thread
  holding the lock of Python's buffered stdin.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from types import FrameType
from typing import IO

from app.errors import RecDeskError
from app.logs import limit_repeats
from app.media.allocator import fix_mmap_threshold
from app.media.pipeline.ending import Ending
from app.media.pipeline.outputs import check_folder
from app.worker.events import ended
from app.worker.protocol import (
    Heartbeat,
    Ready,
    WorkerEvent,
)
from app.worker.recorder import Recorder
from app.worker.wire import (
    decode_job,
    encode,
)

HEARTBEAT_SECONDS = 1.0
# How often the main thread looks at signals and at what no packet would notice.
_POLL_SECONDS = 0.1


class Output:
    """The protocol's stdout: one line per event, whole and flushed, from any thread."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._closed = False

    def emit(self, event: WorkerEvent) -> None:
        """Write one event's line; once the reader is gone, lines are dropped."""
        line = encode(event) + "\n"
        with self._lock:
            if self._closed:
                return
            try:
                self._stream.write(line)
                self._stream.flush()
            except (OSError, ValueError):  # the service is gone: its stdin EOF says so too
                self._closed = True

    def close(self) -> None:
        """Write nothing more."""
        with self._lock:
            self._closed = True


class Lines:
    """Lines of a file descriptor, read raw (no buffered reader's lock is ever held)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = b""
        self._eof = False

    def next(self) -> str | None:
        """The next line without its newline; None at the end of the input."""
        while b"\n" not in self._buffer and not self._eof:
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:  # no stdin at all reads as its end
                chunk = b""
            self._eof = not chunk
            self._buffer += chunk
        line, newline, self._buffer = self._buffer.partition(b"\n")
        if not newline and not line:
            return None
        return line.decode("utf-8", "replace")


class _Heartbeat:
    """`{"event": "heartbeat"}` every second, from a thread, from `start` until stopped.

    A warm worker waiting for its job sends none: nobody reads its output yet, and a pipe left to
    fill would block it.
    """

    def __init__(self, output: Output) -> None:
        self._output = output
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _beat(self) -> None:
        while not self._stopped.wait(HEARTBEAT_SECONDS):
            self._output.emit(Heartbeat())

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()


class _Signalled(Exception):
    """SIGTERM or SIGINT came while no job was running."""


def serve() -> int:
    """Run one job from stdin; return the exit status (1 when it ended in an error)."""
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(levelname)s: %(message)s")
    limit_repeats()  # stderr is the recording's log file: a repeating fault must not fill it
    fix_mmap_threshold()  # an hour of MP4 index grows by remapping, not by copies and holes
    output = Output(_protocol_stdout())
    heartbeat = _Heartbeat(output)
    output.emit(Ready())
    try:
        ending = _run_job(output, Lines(0), heartbeat)
    except _Signalled:
        ending = Ending("stopped")
    for signum in (signal.SIGTERM, signal.SIGINT):  # ending anyway: nothing more to stop
        signal.signal(signum, signal.SIG_IGN)
    heartbeat.stop()
    output.emit(ended(ending))
    output.close()
    return 1 if ending.reason == "error" else 0


def _run_job(output: Output, lines: Lines, heartbeat: _Heartbeat) -> Ending:
    signalled = threading.Event()
    recorder: Recorder | None = None

    def on_signal(signum: int, frame: FrameType | None) -> None:
        # Only a flag: the main thread may be inside a lock the recording's calls would take.
        if recorder is None:
            raise _Signalled
        signalled.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    line = lines.next()
    if line is None:
        return Ending("service-gone")
    heartbeat.start()
    try:
        job = decode_job(line)
        check_folder(job.folder)
    except RecDeskError as exc:
        return Ending("error", str(exc))
    recorder = Recorder(job, output.emit)
    recorder.start()
    threading.Thread(
        target=_read_commands, args=(lines, recorder), name="commands", daemon=True
    ).start()
    while not recorder.wait(_POLL_SECONDS):
        if signalled.is_set():
            signalled.clear()
            recorder.stop("stopped")
    return recorder.ending


def _read_commands(lines: Lines, recorder: Recorder) -> None:
    while (line := lines.next()) is not None:
        if line.strip():
            recorder.command_line(line)
    recorder.stop("service-gone")


def _protocol_stdout() -> IO[str]:
    """The real stdout for the protocol alone; descriptor 1 and `sys.stdout` go to stderr."""
    sys.stdout.flush()
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return protocol
