"""`SaveFlow`: what becomes of a local recording once it stops: saved, kept or discarded.

```
finish(files, folder, name, label)
  ├─ save_mode "folder" ────────────────────────────────▶ move into the folder (a free name)
  └─ save_mode "ask": save dialog ── Save ─▶ target exists? ── Replace ─▶ move ─▶ saved
                         │                     └─ Choose another name ─▶ save dialog
                         ├─ Keep for later (Cancel, Esc, closed) ─▶ move into the default
                         │                                          folder (a free name) ─▶ kept
                         └─ Discard… ─▶ sure? ── Discard ─▶ discarded
                                             └─ Cancel ─▶ save dialog
move: a rename on one volume; across volumes a copy with progress and Cancel (▶ save dialog, which
says the copy was cancelled); a failure says why (▶ save dialog). Saved or kept: the working
folder goes (`mark_saved`, and the working directory once empty), a history entry is added, and
`finished(SaveOutcome)` is emitted; its message (where the recording went) is the panel's status.
```

The save dialog is the one question a stopped recording asks: its note says where `Keep for later`
puts the recording, so cancelling it is an answer, not the start of more questions, and only
Discard (confirmed) deletes anything.

A recording is written, while it records, into a working folder of its own under `workdir()`
(`<default folder>/.recdesk-recording/`, on the default folder's volume), so keeping it or saving
it beside the default folder is a rename. Nothing is ever lost on the way: every path out of a
dialog ends in saved, kept or an explicit, confirmed discard, and a file is deleted from the
working folder only once its copy is whole. Recordings finished while one is being saved wait
their turn. Dialogs are kept as attributes (`dialog`, `question`, `progress_dialog`) and opened
with `open()`, so the GUI never waits and a test can answer them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import av
from PySide6.QtCore import QCoreApplication, QObject, QSettings, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from shiboken6 import isValid

from app.media.local import mark_saved
from app.media.local.journal import media_files, read_journal
from ui.common.formats import format_size
from ui.local.file_mover import FileMover, Move, MoveCancelled
from ui.local.history import HistoryStore
from ui.local.names import render_name, sanitize_file_name, targets_for, unique_targets, with_suffix
from ui.local.save_dialogs import (
    CopyProgressDialog,
    clicked_name,
    discard_question,
    error_box,
    replace_question,
    save_dialog,
)
from ui.local.settings import WORKDIR_NAME, SaveSettings, default_folder

log = logging.getLogger(__name__)

Action = Literal["saved", "kept", "discarded"]


@dataclass(frozen=True)
class SaveOutcome:
    """How a recording's save ended: `paths` are where its files are now (none if discarded)."""

    action: Action
    paths: list[Path]
    message: str = ""  # a sentence for the operator: what became of it, and where
    folder: Path | None = None  # the recording's working folder: which recording this was


@dataclass(frozen=True)
class _Recording:
    files: tuple[Path, ...]
    folder: Path
    name: str
    label: str
    duration: float | None
    started: datetime

    @property
    def suffix(self) -> str:
        return self.files[0].suffix if self.files else ""

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.files if p.exists())


class SaveFlow(QObject):
    """Saves finished local recordings, one at a time; see the module docstring."""

    finished = Signal(object)  # SaveOutcome
    progress = Signal(object, object)  # bytes copied, total (a copy across volumes)

    def __init__(
        self, settings: QSettings, history: HistoryStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.history = history
        """Where saved and kept recordings are listed."""
        self._parent = parent
        self.mover = FileMover(self)
        """Moves the files; `mover.same_volume` decides between a rename and a copy."""
        self.mover.copying.connect(self._copying)
        self.mover.progress.connect(self._progressed)
        self.dialog: QFileDialog | None = None
        self.question: QMessageBox | None = None
        self.progress_dialog: CopyProgressDialog | None = None
        self.stage = "idle"
        """idle, asking, replace, discard, moving or error: where the flow stands."""
        self._queue: deque[_Recording] = deque()
        self._current: _Recording | None = None
        self._start_at: Path | None = None

    # --- where and under which name ---------------------------------------------------------------

    def tr(self, sourceText: str, /, disambiguation: str | None = None, n: int = -1) -> str:
        """A text in SaveFlow's context, for a subclass too: PySide looks a subclass's plural
        message up only in the subclass's own context, so "%n more part(s)" stayed untranslated."""
        return QCoreApplication.translate("SaveFlow", sourceText, disambiguation, n)

    def default_folder(self) -> Path:
        """Where the save dialog starts and kept recordings go (Movies, else home)."""
        return default_folder(self._settings)

    def workdir(self) -> Path:
        """Where recordings are written while they record, on the default folder's volume."""
        return self.default_folder() / WORKDIR_NAME

    def suggested_name(self, label: str, started: datetime, room: str = "") -> str:
        """The name the template gives a recording (without extension)."""
        template = SaveSettings.load(self._settings).template
        return render_name(template, label=label, room=room, started=started)

    def holds(self, folder: Path) -> bool:
        """Whether the recording in working `folder` is being saved, or waits to be."""
        return any(r.folder == folder for r in (self._current, *self._queue) if r is not None)

    @property
    def busy(self) -> bool:
        """Whether a recording is being saved (others wait their turn)."""
        return self._current is not None

    # --- the flow ---------------------------------------------------------------------------------

    def finish(
        self,
        files: Sequence[Path],
        folder: Path,
        name: str,
        label: str,
        *,
        duration: float | None = None,
        started: datetime | None = None,
    ) -> None:
        """Save a finished recording whose `files` lie in its working `folder`.

        Files the recorder left in the folder but did not list are saved with them, so removing
        the folder afterwards cannot lose any. `duration` (seconds) and `started` are read from
        the files and the journal when not given.
        """
        listed = [Path(f) for f in files]
        extra: list[Path] = []
        with contextlib.suppress(OSError):
            extra = [f for f in media_files(folder) if f not in listed]
        if started is None:
            journal = read_journal(folder) or {}
            with contextlib.suppress(KeyError, TypeError, ValueError):
                started = datetime.fromisoformat(journal["started"])
        recording = _Recording(
            files=tuple(listed + extra),
            folder=folder,
            name=sanitize_file_name(name),
            label=label,
            duration=duration,
            started=started or datetime.now().astimezone() - timedelta(seconds=duration or 0),
        )
        self._queue.append(recording)
        if self._current is None:
            self._next()

    def _next(self) -> None:
        self._current = self._queue.popleft() if self._queue else None
        self._start_at = None
        if self._current is None:
            self.stage = "idle"
            return
        if not self._current.files:  # nothing was written: nothing to save, nothing to ask
            self._end("discarded", [], self.tr("Nothing was recorded."))
            return
        settings = SaveSettings.load(self._settings)
        if settings.mode == "folder":
            self._save_into(Path(settings.folder) if settings.folder else self.default_folder())
        else:
            self.ask()

    def _save_into(self, folder: Path) -> None:
        rec = self._rec()
        if folder.exists() and not folder.is_dir():
            self._failed(self.tr("{0} is a file, not a folder.").format(folder))
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._failed(self.tr("Cannot use the folder {0}: {1}").format(folder, exc.strerror))
            return
        self._move(unique_targets(rec.files, folder / (rec.name + rec.suffix)), "saved")

    def ask(self, note: str = "") -> None:
        """Open the save dialog for the recording being saved (`note`: what happened before)."""
        rec = self._rec()
        folder = self.default_folder()
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
        start = self._start_at or folder / (rec.name + rec.suffix)

        def parts_for(typed: str) -> list[str]:
            return [p.name for p in targets_for(rec.files, with_suffix(Path(typed), rec.suffix))]

        kept_as = self._kept_targets()[0].name
        keep = self.tr("Keep for later puts it in {0} as “{1}”, listed with your local recordings.")
        dialog = save_dialog(
            self._parent,
            self.tr("Save the recording “{0}”").format(rec.label),
            start,
            rec.suffix,
            parts_for if len(rec.files) > 1 else None,
            note=" ".join(t for t in (note, keep.format(folder, kept_as)) if t),
            on_discard=lambda: self._confirm_discard(dialog),
        )
        dialog.accepted.connect(lambda: self._chosen(Path(dialog.selectedFiles()[0])))
        dialog.rejected.connect(self._keep)
        self._show("asking", dialog=dialog)
        dialog.open()

    def _chosen(self, chosen: Path) -> None:
        rec = self._rec()
        chosen = with_suffix(chosen, rec.suffix)
        self._start_at = chosen
        workdir = self.workdir().resolve()
        if chosen.parent.resolve().is_relative_to(workdir):
            self._failed(self.tr("RecDesk's working folder cannot hold saved recordings."))
            return
        targets = targets_for(rec.files, chosen)
        existing = [t for t in targets if t.exists()]
        if not existing:
            self._move(targets, "saved")
            return
        box = replace_question(self._parent, existing, chosen.parent)
        box.finished.connect(
            lambda: self._move(targets, "saved") if clicked_name(box) == "replace" else self.ask()
        )
        self._show("replace", question=box)
        box.open()

    def _kept_targets(self) -> list[Path]:
        rec = self._rec()
        return unique_targets(rec.files, self.default_folder() / (rec.name + rec.suffix))

    def _keep(self) -> None:
        """Kept for later: into the default folder under a free name, asking nothing more."""
        folder = self.default_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._failed(self.tr("Cannot use the folder {0}: {1}").format(folder, exc.strerror))
            return
        self._move(self._kept_targets(), "kept")

    def _confirm_discard(self, dialog: QFileDialog) -> None:
        # The save dialog steps aside (without answering) while the operator confirms.
        with contextlib.suppress(RuntimeError):
            dialog.rejected.disconnect(self._keep)
        dialog.hide()
        rec = self._rec()
        box = discard_question(self._parent, rec.label, len(rec.files), rec.size)
        box.finished.connect(
            lambda: self._discard() if clicked_name(box) == "discard" else self.ask()
        )
        self._show("discard", question=box)
        box.open()

    def _discard(self) -> None:
        rec = self._rec()
        for path in rec.files:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        mark_saved(rec.folder)
        self._end("discarded", [], self.tr("Discarded the recording “{0}”.").format(rec.label))

    # --- moving the files -------------------------------------------------------------------------

    def _move(self, targets: list[Path], action: Action) -> None:
        rec = self._rec()
        self._show("moving")
        moves = [Move(s, t) for s, t in zip(rec.files, targets, strict=True)]
        task = self.mover.start(moves)
        task.add_done_callback(lambda done: self._moved(done, action))

    def _copying(self, total: int) -> None:
        rec = self._rec()
        dialog = CopyProgressDialog(
            self._parent,
            self.tr("Saving the recording"),
            self.tr("Copying “{0}” ({1}) to another disk…").format(rec.label, format_size(total)),
        )
        dialog.cancel_requested.connect(self.mover.cancel)
        self.progress_dialog = dialog
        dialog.open()

    def _progressed(self, done: int, total: int) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.set_progress(done, total)
        self.progress.emit(done, total)

    def _moved(self, done: asyncio.Future[list[Path]], action: Action) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        error = done.exception()
        if isinstance(error, MoveCancelled):
            self.ask(self.tr("The copy was cancelled; nothing was moved."))
            return
        if error is not None:
            log.warning("saving %s failed: %s", self._rec().folder, error)
            self._failed(self.tr("The recording could not be saved: {0}").format(error))
            return
        paths = done.result()
        rec = self._rec()
        try:
            mark_saved(rec.folder)
        except OSError as exc:  # the files are out; a leftover folder is only untidy
            log.warning("cannot remove the working folder %s: %s", rec.folder, exc)
        if rec.duration is None:
            probe = asyncio.get_event_loop().run_in_executor(None, _duration, paths)
            probe.add_done_callback(lambda p: self._saved(action, paths, _result_or(p, 0.0)))
        else:
            self._saved(action, paths, rec.duration)

    def _saved(self, action: Action, paths: list[Path], duration: float) -> None:
        rec = self._rec()
        size = sum(p.stat().st_size for p in paths if p.exists())
        try:
            self.history.add(paths, rec.label, duration, size, rec.started)
        except OSError as exc:  # the recording is saved; only its line in the list is missing
            log.warning("cannot add %s to the history: %s", paths[0], exc)
        if action == "kept":
            message = self.tr("Kept “{0}” as {1}").format(rec.label, paths[0])
        else:
            message = self.tr("Saved “{0}” as {1}").format(rec.label, paths[0])
        more = len(paths) - 1
        if more > 0:
            message += self.tr(" and %n more part(s)", "", more)
        self._end(action, paths, message)

    def _failed(self, text: str) -> None:
        rec = self._rec()
        box = error_box(self._parent, text, rec.folder)
        box.finished.connect(lambda _result: self.ask())  # not the result as a note
        self._show("error", question=box)
        box.open()

    def _end(self, action: Action, paths: list[Path], message: str) -> None:
        folder = self._rec().folder
        self._show("idle")
        self.finished.emit(SaveOutcome(action, paths, message, folder))
        self._next()

    # --- bookkeeping ------------------------------------------------------------------------------

    def _rec(self) -> _Recording:
        assert self._current is not None, "no recording is being saved"
        return self._current

    def _show(
        self, stage: str, dialog: QFileDialog | None = None, question: QMessageBox | None = None
    ) -> None:
        """Enter a stage; the dialog or question it shows replaces the one before."""
        self.stage = stage
        for old in (self.dialog, self.question):
            if old is not None and old is not dialog and old is not question and isValid(old):
                old.deleteLater()
        self.dialog, self.question = dialog, question


def _duration(paths: Sequence[Path]) -> float:
    """Seconds of media in the files (their sum: parts follow each other)."""
    total = 0.0
    for path in paths:
        with contextlib.suppress(OSError, av.FFmpegError), av.open(str(path)) as container:
            if container.duration is not None:
                total += container.duration / av.time_base
    return total


def _result_or(future: asyncio.Future[float], default: float) -> float:
    if future.cancelled() or future.exception() is not None:
        return default
    return future.result()
