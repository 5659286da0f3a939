"""Closing the window while something records: ask first, then stop, keep recording or stay.

```
close ─▶ anything recording? ──no──▶ quit
              │ yes
              ▼
   CloseQuestion ── "Stop recording and quit" ─▶ stop them all, then quit
     (window-modal) ─ "Keep recording" ──────────▶ hide to the tray (else minimise); app runs on
                    ─ "Cancel" ──────────────────▶ stay
```

What records is the built-in service's recordings (quitting stops that service, and with it them),
a remote service's (they go on without the desktop, so the question only says so) and the
recording on this computer. The question is shown with `open()`, never `exec()`: the close is
refused at once and the answer comes as `chosen`, so nothing waits inside a nested event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QPushButton, QWidget

from app.api.models import RecordingState
from app.client.errors import AlreadyStopped
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.local.panel import LocalRecorderPanel
from ui.recordings.models import RecordingsModel
from ui.status import Tray

# The states a recording can still be stopped in (an uploading one has recorded everything).
STOPPABLE: tuple[RecordingState, ...] = ("starting", "recording", "paused", "stopping")


class CloseChoice(StrEnum):
    """What the operator chose; the value is the button's object name."""

    STOP_AND_QUIT = "closeStopAndQuit"
    QUIT = "closeQuit"  # a remote service records: quitting leaves it recording
    KEEP = "closeKeepRecording"
    CANCEL = "closeCancel"


@dataclass(frozen=True)
class RecordingsAtClose:
    """What records while the window closes."""

    service: int = 0  # active recordings on the service (starting, recording, paused, stopping)
    embedded: bool = True  # the service is the built-in one, which stops with the app
    local: bool = False  # a recording on this computer runs or is being saved
    tray: bool = False  # "keep recording" hides to a system tray (else to the taskbar)

    @property
    def anything(self) -> bool:
        """Whether closing would stop or leave behind a recording."""
        return self.service > 0 or self.local

    @property
    def stops(self) -> bool:
        """Whether quitting stops a recording (else the remote service records on alone)."""
        return self.local or (self.embedded and self.service > 0)


class CloseQuestion(QMessageBox):
    """The question before closing; `chosen(CloseChoice)` once answered."""

    chosen = Signal(object)  # CloseChoice

    def __init__(self, recording: RecordingsAtClose, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("closeQuestion")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(self.tr("Quit RecDesk?"))
        self.setText(self._what(recording))
        self.setInformativeText(self._choices(recording))
        self.choice_buttons: dict[CloseChoice, QPushButton] = {}
        if recording.stops:
            self._button(CloseChoice.STOP_AND_QUIT, self.tr("Stop recording and quit"))
            self._button(CloseChoice.KEEP, self.tr("Keep recording"))
        else:
            self._button(CloseChoice.QUIT, self.tr("Quit"))
        cancel = self._button(CloseChoice.CANCEL, self.tr("Cancel"))
        self.setDefaultButton(self.choice_buttons.get(CloseChoice.KEEP, cancel))
        self.setEscapeButton(cancel)
        self.buttonClicked.connect(self._clicked)

    def _button(self, choice: CloseChoice, text: str) -> QPushButton:
        role = {
            CloseChoice.STOP_AND_QUIT: QMessageBox.ButtonRole.DestructiveRole,
            CloseChoice.QUIT: QMessageBox.ButtonRole.AcceptRole,
            CloseChoice.KEEP: QMessageBox.ButtonRole.AcceptRole,
            CloseChoice.CANCEL: QMessageBox.ButtonRole.RejectRole,
        }[choice]
        button = self.addButton(text, role)
        button.setObjectName(choice.value)
        self.choice_buttons[choice] = button
        return button

    def _clicked(self, button: object) -> None:
        for choice, known in self.choice_buttons.items():
            if known is button:
                self.chosen.emit(choice)
                return

    def _what(self, recording: RecordingsAtClose) -> str:
        said = [self.tr("Recordings are still running.")]
        if recording.service and recording.embedded:
            said.append(
                self.tr("Recordings running on the built-in service: %n.", "", recording.service)
            )
        elif recording.service:
            said.append(
                self.tr(
                    "Recordings running on the recording service: %n. Quitting RecDesk does not "
                    "stop them: they go on recording on the service.",
                    "",
                    recording.service,
                )
            )
        if recording.local:
            said.append(self.tr("A recording on this computer is running or being saved."))
        return "\n".join(said)

    def _choices(self, recording: RecordingsAtClose) -> str:
        if not recording.stops:
            return self.tr("Quit now, or cancel and stay.")
        where = (
            self.tr("RecDesk goes on in the system tray")
            if recording.tray
            else self.tr("RecDesk is minimised to the taskbar")
        )
        return self.tr(
            "Stop recording and quit: every file recorded so far is kept.\n"
            "Keep recording: {0} and records on; quit from there when you are done."
        ).format(where)


class CloseGuard(QObject):
    """Holds a close of the main window while something records, until the operator decides.

    The window's `closeEvent` asks `allows_close()`: True lets the close go on; False refuses
    it and the question (or the stop the operator chose) carries on by itself.
    """

    def __init__(
        self,
        window: QMainWindow,
        connection: Connection,
        *,
        recordings: RecordingsModel,
        local: LocalRecorderPanel,
        tray: Tray,
        operations: Operations,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._connection = connection
        self._recordings = recordings
        self._local = local
        self._tray = tray
        self._operations = operations
        self.question: CloseQuestion | None = None
        self.stopping = False  # "stop recording and quit" is under way
        self._decided = False

    def recording_now(self) -> RecordingsAtClose:
        """What records now, as the window last heard from the service and this computer."""
        listed = sum(rec.state in STOPPABLE for rec in self._recordings.recordings())
        health = self._connection.health
        # The list follows the events; health counts what the list may not have read yet.
        counted = health.recordings if health is not None else 0
        return RecordingsAtClose(
            service=max(listed, counted),
            embedded=self._connection.embedded,
            local=self._local.busy,
            tray=self._tray.icon is not None,
        )

    def allow(self) -> None:
        """Let the next close go on without asking (the app closes this window itself)."""
        self._decided = True

    def allows_close(self) -> bool:
        """Whether the window may close now; if not, the question is shown."""
        if self._decided:
            return True
        if self.stopping:
            return False
        if self.question is not None:
            self.question.raise_()
            return False
        recording = self.recording_now()
        if not recording.anything:
            return True
        self.question = CloseQuestion(recording, self._window)
        self.question.chosen.connect(self._chosen)
        self.question.finished.connect(self._question_closed)
        self.question.open()
        return False

    def _question_closed(self) -> None:
        if self.question is not None:
            self.question.deleteLater()
            self.question = None

    def _chosen(self, choice: CloseChoice) -> None:
        match choice:
            case CloseChoice.QUIT:
                self._quit()
            case CloseChoice.STOP_AND_QUIT:
                self._stop_and_quit()
            case CloseChoice.KEEP:
                self.keep_recording()
            case CloseChoice.CANCEL:
                pass

    def keep_recording(self) -> None:
        """Get out of the way and record on: into the tray where there is one, else minimised."""
        icon = self._tray.icon
        if icon is None:
            self._window.showMinimized()
            return
        self._window.hide()
        icon.showMessage(
            self.tr("RecDesk records on"),
            self.tr("Click the tray icon to bring the window back, or quit from its menu."),
        )

    def _quit(self) -> None:
        self._decided = True
        self._window.close()

    def _stop_and_quit(self) -> None:
        self.stopping = True
        self._window.setEnabled(False)
        self._window.statusBar().showMessage(self.tr("Stopping the recordings…"))
        if self._local.busy:
            self._local.abandon()  # its file is kept and offered again at the next start
        work = self._stop_service() if self._connection.embedded else asyncio.sleep(0)
        self._operations.run(work, lambda _: self._quit(), self._stop_failed)

    def _stop_failed(self, _error: BaseException) -> None:
        # The operations' `failed` shows why in the banner; the window stays for another try.
        self.stopping = False
        self._window.setEnabled(True)
        self._window.statusBar().clearMessage()

    async def _stop_service(self) -> None:
        """Stop every recording the service has in a stoppable state; each answers once final."""
        client = self._connection.client
        active = [rec for state in STOPPABLE for rec in await client.all_recordings(state=state)]

        async def stop(recording_id: str) -> None:
            with contextlib.suppress(AlreadyStopped):  # it ended meanwhile
                await client.stop(recording_id)

        await asyncio.gather(*(stop(rec.id) for rec in active))
