"""`FileMover`: moves a recording's files to where the operator saves them, off the GUI thread.

On the same volume a file is renamed (`os.replace`: instant, atomic). Across volumes it is
copied, with progress in bytes, into a hidden temporary file beside its target; only when every
copy is complete, flushed to disk and as long as its original does a temporary file take its
target's name, and only then are the originals deleted. A cancel (or a failure) before that
point removes the temporary files and leaves the originals as they were: nothing is lost.

```
start(moves) ─▶ [worker thread] plan: same volume? ─▶ copy (progress, cancel) ─▶ commit ─▶ delete
                     copying ◀─┘            progress ◀─┘                        result: targets
```

`same_volume` is an attribute so a test can force the copy path on one disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, SignalInstance


@dataclass(frozen=True)
class Move:
    """One file and where it goes."""

    source: Path
    target: Path


class MoveCancelled(Exception):
    """The operator cancelled a copy; the originals are untouched."""


def on_same_volume(source: Path, folder: Path) -> bool:
    """Whether `source` can be renamed into `folder` (both on one file system)."""
    return os.stat(source).st_dev == os.stat(folder).st_dev


class FileMover(QObject):
    """Moves files one batch at a time; see the module docstring."""

    copying = Signal(object)  # a copy across volumes begins: its total bytes
    progress = Signal(object, object)  # bytes copied, total

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.same_volume: Callable[[Path, Path], bool] = on_same_volume
        self.chunk_size = 1 << 20
        self.report_every = 0.05  # seconds between progress reports (more would only load the GUI)
        self._cancel = threading.Event()
        self._task: asyncio.Future[list[Path]] | None = None

    @property
    def busy(self) -> bool:
        """Whether a batch is being moved."""
        return self._task is not None and not self._task.done()

    def start(self, moves: Sequence[Move]) -> asyncio.Future[list[Path]]:
        """Move the files in a worker thread; the future gives the targets, or raises
        `MoveCancelled` or the `OSError` that stopped it (the originals then stay)."""
        if self.busy:
            raise RuntimeError("files are already being moved")
        loop = asyncio.get_event_loop()
        self._cancel.clear()

        def report(signal: SignalInstance, *args: int) -> None:
            loop.call_soon_threadsafe(lambda: signal.emit(*args))

        job = _Job(
            list(moves),
            self.same_volume,
            self.chunk_size,
            self.report_every,
            self._cancel,
            copying=lambda total: report(self.copying, total),
            progressed=lambda done, total: report(self.progress, done, total),
        )
        self._task = loop.run_in_executor(None, job.run)
        return self._task

    def cancel(self) -> None:
        """Stop a copy under way (a rename cannot be stopped, nor needs to be)."""
        self._cancel.set()


class _Job:
    """The blocking part, on the worker thread."""

    def __init__(
        self,
        moves: list[Move],
        same_volume: Callable[[Path, Path], bool],
        chunk_size: int,
        report_every: float,
        cancel: threading.Event,
        *,
        copying: Callable[[int], None],
        progressed: Callable[[int, int], None],
    ) -> None:
        self.moves = moves
        self.same_volume = same_volume
        self.chunk_size = chunk_size
        self.report_every = report_every
        self.cancel = cancel
        self.copying = copying
        self.progressed = progressed

    def run(self) -> list[Path]:
        for move in self.moves:
            move.target.parent.mkdir(parents=True, exist_ok=True)
        copies = [m for m in self.moves if not self.same_volume(m.source, m.target.parent)]
        temps = self._copy_all(copies) if copies else {}
        if self.cancel.is_set():
            _remove(temps.values())
            raise MoveCancelled
        done: list[Move] = []
        try:
            for move in self.moves:
                if move in temps:
                    os.replace(temps.pop(move), move.target)
                else:
                    _rename(move)
                done.append(move)
        except BaseException:
            _undo(done, copies)  # all or nothing: the recording stays whole in one place
            raise
        finally:
            _remove(temps.values())
        for move in copies:  # only now: every copy is whole and has its name
            with contextlib.suppress(FileNotFoundError):
                move.source.unlink()
        return [move.target for move in done]

    def _copy_all(self, copies: list[Move]) -> dict[Move, Path]:
        total = sum(m.source.stat().st_size for m in copies)
        self.copying(total)
        self.progressed(0, total)
        temps: dict[Move, Path] = {}
        copied = 0
        last_report = time.monotonic()
        try:
            for move in copies:
                temp = move.target.with_name(f".{move.target.name}.recdesk-copy")
                temps[move] = temp
                with open(move.source, "rb") as src, open(temp, "wb") as dst:
                    while chunk := src.read(self.chunk_size):
                        if self.cancel.is_set():
                            raise MoveCancelled
                        dst.write(chunk)
                        copied += len(chunk)
                        if time.monotonic() - last_report >= self.report_every:
                            last_report = time.monotonic()
                            self.progressed(copied, total)
                    dst.flush()
                    os.fsync(dst.fileno())
                expected, written = move.source.stat().st_size, temp.stat().st_size
                if written != expected:
                    raise OSError(
                        f"the copy of {move.source.name} has {written} bytes, not {expected}"
                    )
        except BaseException:
            _remove(temps.values())
            raise
        self.progressed(copied, total)
        return temps


def _rename(move: Move) -> None:
    """Rename within a volume; a rename the system refuses across devices becomes a copy."""
    try:
        os.replace(move.source, move.target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:  # the check said one volume, the system says otherwise
            raise
        temp = move.target.with_name(f".{move.target.name}.recdesk-copy")
        try:
            with open(move.source, "rb") as src, open(temp, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
                os.fsync(dst.fileno())
            os.replace(temp, move.target)
        finally:
            _remove([temp])
        move.source.unlink()


def _undo(done: list[Move], copies: list[Move]) -> None:
    """Put back what a failed commit had moved: renamed files return, copies go (their
    originals are still there)."""
    for move in reversed(done):
        with contextlib.suppress(OSError):
            if move in copies:
                move.target.unlink()
            else:
                os.replace(move.target, move.source)


def _remove(paths: Iterable[Path]) -> None:
    for path in list(paths):
        with contextlib.suppress(OSError):
            path.unlink()
