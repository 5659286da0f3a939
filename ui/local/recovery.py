"""`RecoveryOffer`: at start, the local recordings a previous run left unsaved, offered back.

When RecDesk is killed while recording (or while its save dialog is open), the recording stays
in its working folder with a journal (`app.media.local.journal`). `offer_recovery(parent,
save_flow)` finds them and asks about each in turn, without blocking:

```
RecDesk was closed while recording “Team meeting” (started 2026-11-21 18:30, 48.1 MB). Recover it?
  [Recover] ─▶ busy: recover_unfinished (a worker thread) ─▶ save_flow.finish ─▶ the next one
  [Discard…] ─▶ sure? ── Discard ─▶ discard_unfinished ─▶ the next one   (Cancel ─▶ asked again)
  [Later] ─▶ the next one; the next start asks again
```

A recording that had finished but was never saved needs no recovery: [Save…] hands it to the save
flow at once. A recovery that fails says why and keeps the files (they are offered again). One
that finds no media in any file (killed before its first was written) says there is nothing to
save; the recording is gone.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QProgressBar, QVBoxLayout, QWidget

from app.media.fileinfo import FileInfo
from app.media.local import Unfinished, discard_unfinished, find_unfinished, recover_unfinished
from ui.common.formats import format_size
from ui.common.palette import tint
from ui.common.translate import translate
from ui.local.save_dialogs import clicked_name, discard_question, message_box
from ui.local.save_flow import SaveFlow

log = logging.getLogger(__name__)
Role = QMessageBox.ButtonRole


class RecoveryOffer(QObject):
    """Offers each unsaved recording found in the save flow's working folder, one at a time."""

    done = Signal()  # every recording found was answered (recovered and saved, discarded, later)

    def __init__(self, save_flow: SaveFlow, parent: QWidget | None = None) -> None:
        super().__init__(parent or save_flow)  # owned, so it lives as long as its questions
        self._flow = save_flow
        self._parent = parent
        self.question: QMessageBox | None = None
        """The question being asked (objectName `localRecovery`, `localRecoveryDiscard`, ...)."""
        self.busy_dialog: QDialog | None = None
        self.recover: Callable[[Unfinished], list[FileInfo]] = recover_unfinished
        self.found: list[Unfinished] = []
        self._queue: deque[Unfinished] = deque()
        self._waiting_for_save = False
        save_flow.finished.connect(self._saved)

    def start(self) -> asyncio.Future[list[Unfinished]]:
        """Look for unsaved recordings (off the GUI thread), then ask about the first."""
        loop = asyncio.get_event_loop()
        search = loop.run_in_executor(None, find_unfinished, self._flow.workdir())
        search.add_done_callback(self._found)
        return search

    def _found(self, search: asyncio.Future[list[Unfinished]]) -> None:
        error = search.exception()
        if error is not None:
            log.warning("cannot look for unsaved recordings: %s", error)
            self.done.emit()
            return
        self.found = [u for u in search.result() if not self._flow.holds(u.folder)]
        self._queue.extend(self.found)
        self._next()

    def _next(self) -> None:
        self._close_question()
        if not self._queue:
            self.done.emit()
            return
        self._ask(self._queue[0])

    def _ask(self, item: Unfinished) -> None:
        when = item.started.astimezone().strftime("%Y-%m-%d %H:%M")
        label, size = item.spec.label, format_size(item.size)
        if item.killed:
            text = self.tr(
                "RecDesk was closed while recording “{0}” (started {1}, {2}). Recover it?"
            ).format(label, when, size)
            informative = self.tr("Recovering makes its files playable; then you save it.")
            go = ("recover", self.tr("Recover"))
        else:
            text = self.tr(
                "RecDesk was closed before the recording “{0}” (started {1}, {2}) was saved. "
                "Save it now?"
            ).format(label, when, size)
            informative = self.tr("Its files are complete.")
            go = ("recover", self.tr("Save…"))
        box = message_box(
            self._parent,
            "localRecovery",
            icon=QMessageBox.Icon.Question,
            title=self.tr("Unsaved recording"),
            text=text,
            informative=informative
            + " "
            + self.tr("Later leaves it where it is until the next start."),
            buttons=[
                (*go, Role.AcceptRole),
                ("discard", self.tr("Discard…"), Role.DestructiveRole),
                ("later", self.tr("Later"), Role.RejectRole),
            ],
            default="recover",
            escape="later",
        )

        def answered() -> None:
            match clicked_name(box):
                case "recover":
                    self._recover(item)
                case "discard":
                    self._confirm_discard(item)
                case _:
                    self._skip()

        box.finished.connect(answered)
        self._set_question(box)
        box.open()

    def _confirm_discard(self, item: Unfinished) -> None:
        box = discard_question(self._parent, item.spec.label, len(item.files), item.size)
        box.setObjectName("localRecoveryDiscard")

        def answered() -> None:
            if clicked_name(box) != "discard":
                self._ask(item)
                return
            discard_unfinished(item)
            self._skip()

        box.finished.connect(answered)
        self._set_question(box)
        box.open()

    def _recover(self, item: Unfinished) -> None:
        self._close_question()
        if not item.killed:  # finished but never saved: whole already
            self._hand_over(item, None)
            return
        self.busy_dialog = _busy_dialog(
            self._parent, self.tr("Recovering “{0}”…").format(item.spec.label)
        )
        self.busy_dialog.open()
        work = asyncio.get_event_loop().run_in_executor(None, self.recover, item)
        work.add_done_callback(lambda done: self._recovered(item, done))

    def _recovered(self, item: Unfinished, done: asyncio.Future[list[FileInfo]]) -> None:
        if self.busy_dialog is not None:
            self.busy_dialog.hide()
            self.busy_dialog.deleteLater()
            self.busy_dialog = None
        error = done.exception()
        infos = done.result() if error is None else []
        if infos:
            self._hand_over(item, sum(i.duration for i in infos))
            return
        if error is None and not item.folder.exists():
            self._say_nothing_recorded(item)
            return
        reason = str(error) if error is not None else self.tr("no file of it could be read")
        log.warning("cannot recover %s: %s", item.folder, reason)
        self._tell(
            "localRecoveryFailed",
            QMessageBox.Icon.Warning,
            self.tr("Could not recover the recording"),
            self.tr("“{0}” could not be made playable: {1}.").format(item.spec.label, reason),
            self.tr("Its files stay in {0}; RecDesk offers them again at the next start.").format(
                item.folder
            ),
        )

    def _say_nothing_recorded(self, item: Unfinished) -> None:
        """Recovery found no media in any file (the app died before the first was written): the
        recording is gone, and the operator is told why it is not saved."""
        self._tell(
            "localRecoveryNothing",
            QMessageBox.Icon.Information,
            self.tr("Nothing to recover"),
            self.tr(
                "“{0}” was stopped before anything was recorded: there is nothing to save."
            ).format(item.spec.label),
            self.tr(
                "RecDesk was closed as it began, before its first second was written; its empty"
                " file was removed."
            ),
        )

    def _tell(
        self, name: str, icon: QMessageBox.Icon, title: str, text: str, informative: str
    ) -> None:
        """Say what became of the recording offered now (OK only); then go on to the next one."""
        box = message_box(
            self._parent,
            name,
            icon=icon,
            title=title,
            text=text,
            informative=informative,
            buttons=[("ok", self.tr("OK"), Role.AcceptRole)],
            default="ok",
            escape="ok",
        )
        box.finished.connect(self._skip)
        self._set_question(box)
        box.open()

    def _skip(self) -> None:
        """Leave the recording offered now for the next start; go on to the next one."""
        if self._queue:
            self._queue.popleft()
        self._next()

    def _hand_over(self, item: Unfinished, duration: float | None) -> None:
        """Save it as a recording that has just stopped; the next offer waits for the save."""
        self._waiting_for_save = True
        self._flow.finish(
            [f for f in item.files if f.exists()],  # recovery removes a part with no media
            item.folder,
            item.name,
            item.spec.label,
            duration=duration,
            started=item.started,
        )

    def _saved(self, _outcome: object) -> None:
        if self._waiting_for_save:
            # The flow goes on to its next recording after this signal: look once it has.
            QTimer.singleShot(0, self._after_save)

    def _after_save(self) -> None:
        if self._waiting_for_save and not self._flow.busy:
            self._waiting_for_save = False
            self._skip()

    def _set_question(self, box: QMessageBox) -> None:
        self._close_question()
        self.question = box

    def _close_question(self) -> None:
        if self.question is not None:
            self.question.deleteLater()
            self.question = None


def offer_recovery(parent: QWidget | None, save_flow: SaveFlow) -> RecoveryOffer:
    """Look for recordings a previous run left unsaved and offer each back (non-blocking)."""
    offer = RecoveryOffer(save_flow, parent)
    offer.start()
    return offer


def _busy_dialog(parent: QWidget | None, text: str) -> QDialog:
    """A window-modal "working on it" dialog with a busy bar and no button (it cannot stop)."""
    dialog = QDialog(parent)
    dialog.setObjectName("localRecoveryBusy")
    dialog.setWindowTitle(translate("RecoveryOffer", "Recovering the recording"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
    label = QLabel(text)
    bar = QProgressBar()
    bar.setRange(0, 0)
    hint = QLabel(
        translate(
            "RecoveryOffer", "This reads the whole recording once; long recordings take a while."
        )
    )
    tint(hint, "hint")
    layout = QVBoxLayout(dialog)
    layout.addWidget(label)
    layout.addWidget(bar)
    layout.addWidget(hint)
    dialog.resize(420, dialog.sizeHint().height())
    return dialog
