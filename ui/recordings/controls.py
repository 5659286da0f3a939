"""Start, pause, resume and stop the recording of one room, and show how it is going.

`RecordControls` acts on the room `set_room` gives it. It shows that room's active recording (one
started here, or elsewhere: it finds it when the room is set and follows `recording.state` events),
enables only the buttons that fit its state, and counts the elapsed time locally between the
service's answers:

```
none ──Start──▶ starting ─▶ recording ◀──Pause/Resume──▶ paused
                                 └────────Stop────────────┘──▶ stopping ─▶ completed | failed
```

While a recording runs, `ui.recordings.live.LiveView` under the buttons shows what it does (its
picture, streams, files, layout in force, gaps); an empty room, or a start waiting for media, is
said at once above them.

Every request runs through `Operations`, so a refusal reaches the operator as what happened and
what to do; a refused start also marks the field it names. The start options live in
`ui.recordings.form.RecordForm`, which keeps what the operator typed whatever goes wrong.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Coroutine
from typing import Any, assert_never

from pydantic import ValidationError
from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.api.models import ACTIVE_STATES, Event, Recording, Room
from app.client.errors import AlreadyRecording, RecordingNotFound
from ui.common.formats import format_elapsed
from ui.common.operations import Operations
from ui.common.palette import Role, tint
from ui.connection.connection import Connection
from ui.recordings.form import RecordForm
from ui.recordings.live import LiveView
from ui.recordings.live.notice import StartNotice
from ui.recordings.options import summary

ENDED = ("completed", "failed")
_STATE_ROLES: dict[str, Role] = {"recording": "recording", "paused": "paused", "failed": "error"}


class RecordControls(QWidget):
    """The record buttons, state and elapsed time of one room, above its start options."""

    recording_changed = Signal(object)  # the Recording shown (as last known), or None

    def __init__(
        self,
        connection: Connection,
        operations: Operations,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._operations = operations
        self._room: Room | None = None
        self._recording: Recording | None = None
        # Rooms where an action of ours awaits its answer: no second click there meanwhile.
        self._busy: set[str] = set()
        # Reads and answers are numbered as they are sent; one sent before what is shown is stale.
        self._sent = 0
        self._shown = 0
        self._elapsed = 0.0
        self._elapsed_at = time.monotonic()

        self.form = RecordForm(settings, connection=connection)
        # The option widgets, reachable from here too.
        self.mode = self.form.mode
        self.stream_type = self.form.stream_type
        self.format = self.form.format
        self.layout_template = self.form.layout_template
        self.split = self.form.split
        self.max_idle = self.form.max_idle
        self.max_duration = self.form.max_duration
        self.name_rule = self.form.name_rule
        self.folder = self.form.folder
        self.streams = self.form.streams
        self.snapshot = self.form.snapshot
        self.user_data = self.form.user_data

        self.state_label = QLabel()
        bold = self.state_label.font()
        bold.setBold(True)
        self.state_label.setFont(bold)
        self.elapsed_label = QLabel(format_elapsed(0))
        self.elapsed_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.summary_label = QLabel()
        tint(self.summary_label, "hint")  # a detail under the state
        self.start_button = QPushButton(self.tr("Start"))
        self.pause_button = QPushButton(self.tr("Pause"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.start_button.setToolTip(self.tr("Start recording this room with the options below."))
        self.notice_label = StartNotice()
        self.live = LiveView(connection, operations)

        status = QHBoxLayout()
        status.addWidget(self.state_label, 1)
        status.addWidget(self.elapsed_label)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.resume_button, self.stop_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.addLayout(status)
        column.addWidget(self.summary_label)
        column.addWidget(self.notice_label)
        column.addLayout(buttons)
        column.addWidget(self.live)
        column.addWidget(self.form)
        column.addStretch(1)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._show_elapsed)
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.resume_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        connection.event_received.connect(self._on_event)
        connection.synced.connect(self._look_up)
        self._refresh()

    # --- what is shown ------------------------------------------------------------------------

    @property
    def room(self) -> Room | None:
        """The room these controls act on."""
        return self._room

    @property
    def recording(self) -> Recording | None:
        """The recording shown, as last known (it may have ended), or None."""
        return self._recording

    @property
    def recording_id(self) -> str | None:
        """The id of the room's active recording these controls act on, or None."""
        rec = self._recording
        return rec.id if rec is not None and rec.state in ACTIVE_STATES else None

    def set_room(self, room: Room | None) -> None:
        """Act on `room` (None: no room); the same room again updates its list of streams."""
        same = room is not None and self._room is not None and room.room_id == self._room.room_id
        self._room = room
        self.form.set_streams(room.room_id if room else None, room.streams if room else [])
        if not same:
            self._show(None)
            self._look_up()
        elif room is not None and room.recording and self.recording_id is None:
            # Someone started a recording we have not heard of yet.
            self._look_up()
        self._refresh()

    # --- the operator's actions ---------------------------------------------------------------

    def start(self) -> None:
        """Start recording the room with the form's options (when Start is enabled)."""
        room = self._room
        if room is None or not self.start_button.isEnabled():
            return
        self.form.unmark()
        if (problem := self.form.problem()) is not None:
            self._operations.failed.emit(*problem)
            return
        try:
            request = self.form.request(room.room_id)
        except ValidationError as exc:
            # The spin boxes keep values in range, so this is a fault of the form, not of input.
            self._operations.failed.emit(
                self.tr("The start options could not be read: {}").format(exc),
                self.tr("This is a fault of the app; please report it."),
            )
            return
        self.form.remember()
        self._act(self._connection.client.start_recording(request), adopt=True)

    def toggle_pause(self) -> None:
        """Pause a running recording, or resume a paused one."""
        rec = self._recording
        if rec is None or self._is_busy():
            return
        if rec.state == "recording":
            self._act(self._connection.client.pause(rec.id))
        elif rec.state == "paused":
            self._act(self._connection.client.resume(rec.id))

    def stop(self) -> None:
        """Stop the recording (when Stop is enabled)."""
        if (recording_id := self.recording_id) is not None and self.stop_button.isEnabled():
            self._act(self._connection.client.stop(recording_id))

    def _act(self, work: Coroutine[Any, Any, Recording], *, adopt: bool = False) -> None:
        assert self._room is not None  # every action is on the room shown
        room_id = self._room.room_id
        number = self._next()
        self._busy.add(room_id)
        self._refresh()

        def done(rec: Recording) -> None:
            self._busy.discard(room_id)
            self._accept(rec, number, adopt=adopt)
            self._refresh()

        def failed(error: BaseException) -> None:
            self._busy.discard(room_id)
            if adopt:
                self.form.mark_error(error)
            if isinstance(error, AlreadyRecording) or not adopt:
                # The service knows better than we do what runs now: read it again.
                self._look_up()
            self._refresh()

        self._operations.run(work, done, failed)

    # --- following the service ----------------------------------------------------------------

    def _look_up(self) -> None:
        """Read the room's recordings afresh and show its active one (or the one shown, updated)."""
        room = self._room
        if room is None:
            return
        client = self._connection.client
        wanted = set(room.recording)
        if self.recording_id is not None:
            wanted.add(self.recording_id)
        number = self._next()

        async def find() -> list[Recording]:
            page = await client.recordings(room_id=room.room_id)
            found = {rec.id: rec for rec in page.items}
            for recording_id in wanted - found.keys():
                with contextlib.suppress(RecordingNotFound):
                    found[recording_id] = await client.recording(recording_id)
            return list(found.values())

        self._operations.run(find(), lambda found: self._found(found, number))

    def _found(self, found: list[Recording], number: int) -> None:
        shown = self._recording
        mine = next((rec for rec in found if shown is not None and rec.id == shown.id), None)
        if mine is not None:
            self._accept(mine, number)
            if mine.state in ACTIVE_STATES:
                return
        active = [rec for rec in found if rec.state in ACTIVE_STATES]
        if active:
            self._accept(max(active, key=lambda rec: rec.created), number, adopt=True)

    def _read(self, recording_id: str, *, adopt: bool = False) -> None:
        number = self._next()
        self._operations.run(
            self._connection.client.recording(recording_id),
            lambda rec: self._accept(rec, number, adopt=adopt),
        )

    def _on_event(self, event: Event) -> None:
        if event.type not in ("recording.state", "recording.layout") or self._room is None:
            return
        data = event.data
        if data.get("room_id") != self._room.room_id:
            return
        shown = self._recording
        if event.type == "recording.layout":
            # Its layout changed while it runs: the summary names the one in force from now.
            if shown is not None and data.get("recording_id") == shown.id:
                self._read(shown.id)
            return
        state = data.get("state")
        if shown is not None and data.get("recording_id") == shown.id:
            if shown.state in ENDED:
                return
            # Show the new state at once; the read that follows brings the elapsed time.
            changed = {"state": state, "reason": data.get("reason"), "elapsed": self._now()}
            self._show(shown.model_copy(update=changed), self._next())
            self._read(shown.id)
        elif self.recording_id is None and state in ACTIVE_STATES:
            # A recording of this room started elsewhere (or ours, before its answer came).
            self._read(str(data.get("recording_id")), adopt=True)

    def _accept(self, rec: Recording, number: int, *, adopt: bool = False) -> None:
        """Show `rec` if it updates what is shown, or (`adopt`) if nothing runs now."""
        if self._room is None or rec.room_id != self._room.room_id:
            return
        shown = self._recording
        if shown is not None and rec.id == shown.id:
            # An end is final whenever it was read; anything else is stale if sent before what is
            # shown, or once the end is known.
            stale = number < self._shown or shown.state in ENDED
            if stale and rec.state not in ENDED:
                return
        elif not adopt or self.recording_id is not None:
            return
        self._show(rec, number)

    def _is_busy(self) -> bool:
        return self._room is not None and self._room.room_id in self._busy

    def _next(self) -> int:
        self._sent += 1
        return self._sent

    # --- drawing ------------------------------------------------------------------------------

    def _show(self, rec: Recording | None, number: int = 0) -> None:
        changed = rec != self._recording
        self._recording = rec
        self._shown = max(self._shown, number)
        self._elapsed = rec.elapsed if rec is not None else 0.0
        self._elapsed_at = time.monotonic()
        # Ticking while it starts too: the notice counts the wait for the first media.
        if rec is not None and rec.state in ("starting", "recording"):
            self._timer.start()
        else:
            self._timer.stop()
        self._refresh()
        if changed:
            self.recording_changed.emit(rec)

    def _now(self) -> float:
        rec = self._recording
        ticking = self._timer.isActive() and rec is not None and rec.state == "recording"
        return self._elapsed + (time.monotonic() - self._elapsed_at if ticking else 0.0)

    def _show_elapsed(self) -> None:
        self.elapsed_label.setText(format_elapsed(self._now()))
        self.notice_label.show_for(self._recording, self._room)

    def _refresh(self) -> None:
        rec = self._recording
        state = rec.state if rec is not None else None
        idle = state is None or state in ENDED
        free = not self._is_busy()
        self.start_button.setEnabled(self._room is not None and idle and free)
        self.pause_button.setEnabled(state == "recording" and free)
        self.resume_button.setEnabled(state == "paused" and free)
        self.stop_button.setEnabled(state in ("starting", "recording", "paused") and free)
        # The options are those of the next recording; while one runs, the line above them says
        # what it records instead (it may have been started elsewhere, with other options).
        self.form.setVisible(idle)
        self.summary_label.setVisible(rec is not None)
        self.summary_label.setText(summary(rec) if rec is not None else "")
        self.summary_label.setToolTip(rec.id if rec is not None else "")
        self.state_label.setText(self._state_text(rec))
        tint(self.state_label, _STATE_ROLES.get(state or ""))
        self.live.set_recording(rec, self._room)
        self._show_elapsed()

    def _state_text(self, rec: Recording | None) -> str:
        if self._room is None:
            return self.tr("No room selected")
        if rec is None:
            return self.tr("Not recording")
        match rec.state:
            case "starting":
                return self.tr("Starting…")
            case "recording":
                return self.tr("Recording")
            case "paused":
                return self.tr("Paused")
            case "stopping":
                return self.tr("Stopping…")
            case "uploading":
                return self.tr("Uploading…")
            case "completed":
                return self.tr("Completed")
            case "failed":
                return self.tr("Failed: {}").format(rec.reason or self.tr("no reason given"))
            case unknown:
                assert_never(unknown)
