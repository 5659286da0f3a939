"""Record on this computer: the local recorder panel (the main window's "On this computer" tab).

```
Source [▾ Whole room, mixed (current layout)          ] ⟳
Format [MP4 ▾]   Quality [Standard · 720p30 ▾]   Split [No split]
┌── preview 320x180 ──┐  0:01:12   48.3 MB      (LocalFigures)
│                     │  5.21 Mbit/s  0 dropped
└─────────────────────┘  [level ██████▌   |   ]
Microphone [██████▌     |   ] 🔊                   (SourceVoices: each sound source, with mute)
Speakers   [            |   ] 🔇
[● Start]        [❚❚ Pause | ● Resume]        [■ Stop]
Recording                                      (the status line)
⚠ Disk space is low: 850 MB left.              (only when the engine warns)
▾ Recent recordings  (HistoryList: Open · Show in folder · Remove from list)
```

`LocalRecorderPanel` runs one `LocalRecorder` at a time (the engine records on its own threads)
and never waits on the GUI thread: the recorder's events cross to it through a queued signal, and
a 4 Hz timer reads its figures and preview. The states it shows:

```
idle ──Start──▶ starting ─▶ recording ◀──Pause/Resume──▶ paused
                                 └──────Stop (or disk full, source gone, error)──────┘
                                       ─▶ stopping ─▶ saving (the save flow) ─▶ idle
```

When the recorder ends, its files go to the `SaveFlow` (`ui.local.save_flow`), which asks where to
keep them (or saves them by the settings) and adds them to the history shown below the buttons.
An end that was not asked for (disk full, the source gone, a source that failed to open) says why
in the status line; files finished before it are still offered for saving.

A recording of the room's sound or of the whole room follows the room: the service's
`stream.joined` and `stream.left` events bring participants into the mix and take them out
(`ui.local.choices.room_change`), and the status line says so for a few seconds; a newcomer who
cannot be opened is a warning. A participant's own recording, or a device's, follows nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Event, Room
from app.layout.model import Layout
from app.media.allocator import release_memory, spare_from_collection
from app.media.events import Paused, Resumed, Started
from app.media.fileinfo import FileInfo
from app.media.local import DiskLow, Ended, LocalRecorder, RecorderStats
from app.media.local.members import JoinFailed
from ui.common.formats import format_size
from ui.connection.connection import Connection
from ui.local.choices import Joined, Left, RoomOf, SourceChoice, room_change
from ui.local.controls import LocalControls
from ui.local.endings import FAILURES, remove_empty, why_ended, written
from ui.local.figures import LocalFigures
from ui.local.images import fetched_layout, service_images
from ui.local.save_flow import SaveFlow, SaveOutcome
from ui.local.settings import disk_reserve
from ui.local.sources import LocalSourcePicker
from ui.local.voices import SourceVoices

log = logging.getLogger(__name__)

PanelState = Literal["idle", "starting", "recording", "paused", "stopping", "saving"]
STATS_EVERY_MS = 250
NOTE_MS = 4000  # how long the status line says who joined or left
RELEASE_AFTER_MS = 1000  # after a recording ends: collect and return its memory
MAX_WIDTH = 720  # the preview with its figures beside it, and fields of a sensible width


RecorderFactory = Callable[..., LocalRecorder]
LayoutFor = Callable[[str], Layout | None]


class LocalRecorderPanel(QWidget):
    """Pick what to record on this computer; start, pause, resume, stop; watch it go."""

    state_changed = Signal(str)  # PanelState
    _recorder_event = Signal(object)  # from the recorder's threads, queued to the GUI thread

    def __init__(
        self,
        connection: Connection,
        settings: QSettings | None,
        save_flow: SaveFlow,
        history: QWidget | None = None,
        *,
        layout_for: LayoutFor | None = None,
        recorder_factory: RecorderFactory = LocalRecorder,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._settings = settings
        self.save_flow = save_flow
        self._layout_for = layout_for or (lambda _room_id: None)
        self._factory = recorder_factory
        self.recorder: LocalRecorder | None = None
        self.state: PanelState = "idle"
        self.stats: RecorderStats | None = None  # the figures last read
        self.ended: Ended | None = None  # how the last recording ended
        self.outcome: SaveOutcome | None = None  # what became of the last one's files
        self._label = ""
        self._started = dt.datetime.now().astimezone()
        self._disk: DiskLow | None = None
        self._fetching: asyncio.Future[Layout] | None = None  # the layout's images, on their way
        self._text, self._failed = "", False
        self._names: dict[str, str] = {}  # the user of each stream that joined, for what it says
        self._room: RoomOf | None = None  # the room the recording is of (it may follow it)

        self.picker = LocalSourcePicker(settings)
        self.figures = LocalFigures()
        self.voices = SourceVoices()
        self.controls = LocalControls()
        # The controls' widgets, reachable from here too.
        self.start_button = self.controls.start_button
        self.pause_button = self.controls.pause_button
        self.resume_button = self.controls.resume_button
        self.stop_button = self.controls.stop_button
        self.status_label = self.controls.status_label
        self.warning_label = self.controls.warning_label
        self.history = history
        self._build(history)

        self._timer = QTimer(self, interval=STATS_EVERY_MS)
        self._timer.timeout.connect(self._refresh_figures)
        self._recorder_event.connect(self._on_event, Qt.ConnectionType.QueuedConnection)
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_MS)
        self._note_timer.timeout.connect(self._note_over)
        connection.event_received.connect(self._on_service_event)
        save_flow.finished.connect(self._saved)
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.resume_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.picker.choice_changed.connect(self._picked)
        self.voices.mute_toggled.connect(self._mute)
        self.picker.refresh_devices()
        self._set_state("idle", self.tr("Not recording"))

    def _build(self, history: QWidget | None) -> None:
        # Fields no wider than a form needs, however wide the tab is made.
        self.setMaximumWidth(MAX_WIDTH)
        column = QVBoxLayout(self)
        # Its tab's own margins frame it: the history's buttons keep in sight at 1280x800.
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self.picker)
        column.addWidget(self.figures)
        column.addWidget(self.voices)
        column.addWidget(self.controls)
        if history is not None:
            toggle = QToolButton()
            toggle.setText(self.tr("Recent recordings"))
            toggle.setCheckable(True)
            toggle.setChecked(True)
            toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            toggle.setArrowType(Qt.ArrowType.DownArrow)
            toggle.setAutoRaise(True)
            toggle.setStyleSheet("QToolButton { border: none; font-weight: bold; padding: 2px 0; }")

            def fold(shown: bool) -> None:
                history.setVisible(shown)
                toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

            toggle.toggled.connect(fold)
            self.history_toggle = toggle
            column.addWidget(toggle)
            column.addWidget(history, 1)
        else:
            column.addStretch(1)

    # --- what can be recorded -----------------------------------------------------------------

    def set_room(self, room: Room | None) -> None:
        """Offer `room`'s participants and mixes (None: no room selected)."""
        self.picker.set_room(room, self._connection.url)

    def _picked(self, choice: SourceChoice | None) -> None:
        if self.state == "idle":  # the rows of a running recording stay what it records
            self.voices.show_choice(choice)
        self._refresh()

    # --- the operator's actions ---------------------------------------------------------------

    def start(self) -> None:
        """Start recording the chosen source (when Start is enabled)."""
        if not self.start_button.isEnabled():
            return
        choice = self.picker.current()
        room = choice.room if choice is not None else None
        whole_room = room is not None and choice is not None and choice.whole_room
        layout = self._layout_for(room.room_id) if room is not None and whole_room else None
        if layout is not None and service_images(layout):
            self._fetch_images(layout)
            return
        self._start_with(layout)

    def _fetch_images(self, layout: Layout) -> None:
        """Fetch the service's images the layout names, then start with local copies."""
        if self._fetching is not None:
            return
        folder = self.save_flow.workdir().parent / "layout-images"
        self._set_state("idle", self.tr("Fetching the layout's images…"))
        self._fetching = asyncio.ensure_future(
            fetched_layout(layout, self._connection.client, folder)
        )

        def fetched(done: asyncio.Future[Layout]) -> None:
            self._fetching = None
            if done.cancelled():
                return
            if (exc := done.exception()) is not None:
                message = self.tr("Could not fetch the layout's images: {0}").format(exc)
                self._set_state("idle", message, failed=True)
                return
            self._start_with(done.result())

        self._fetching.add_done_callback(fetched)

    def _start_with(self, layout: Layout | None) -> None:
        choice = self.picker.current()
        room = choice.room if choice is not None else None
        spec = self.picker.spec(layout, muted=self.voices.muted())
        if spec is None:
            self._set_state("idle", self.tr("Pick something to record first."), failed=True)
            return
        self.picker.remember()
        started = dt.datetime.now().astimezone()
        try:
            room_name = room.room_name if room is not None else ""
            name = self.save_flow.suggested_name(spec.label, started, room_name)
            recorder = self._factory(
                spec,
                workdir=self.save_flow.workdir(),
                name=name,
                on_event=self._recorder_event.emit,
                authorize=self._connection.client.authorize_url,
                stop_below=disk_reserve(self._settings),
            )
            recorder.start()
        except Exception as exc:  # a refused spec or an unwritable folder: say it, keep the form
            log.exception("the local recording did not start")
            self._set_state("idle", self.tr("Could not start: {0}").format(exc), failed=True)
            return
        self.recorder, self.ended, self.outcome, self.stats = recorder, None, None, None
        self._label, self._disk, self._started = spec.label, None, started
        self._room = room
        self._names.clear()
        self.controls.warn(None)
        self.voices.reset()
        self.figures.reset(self.tr("Opening the source…"))
        self._timer.start()
        self._set_state("starting", self.tr("Starting…"))

    def _mute(self, stream_id: str, muted: bool) -> None:
        """A mute button was clicked: a running recording takes it now (else the spec will)."""
        recorder = self.recorder
        if recorder is None or recorder.set_muted(stream_id, muted) or self.state == "starting":
            return  # a recording still opening takes it once it started
        self.voices.set_muted(stream_id, not muted)  # not a source of this recording

    def _apply_mutes(self) -> None:
        """Mute what was toggled while the recording opened (its spec had the earlier marks)."""
        if self.recorder is not None:
            for stream_id in self.voices.rows:
                self.recorder.set_muted(stream_id, stream_id in self.voices.muted())

    def toggle_pause(self) -> None:
        """Pause a running recording, or resume a paused one."""
        if self.recorder is None:
            return
        if self.state == "recording":
            self.recorder.pause()
        elif self.state == "paused":
            self.recorder.resume()

    def stop(self) -> None:
        """Finish the recording; its files are then offered for saving."""
        if self.recorder is not None and self.state in ("starting", "recording", "paused"):
            self.recorder.stop()
            self._set_state("stopping", self.tr("Finishing the file…"))

    def toggle_recording(self) -> None:
        """Start when idle, stop while recording (the window's Ctrl+Shift+L)."""
        if self.state == "idle":
            self.start()
        else:
            self.stop()

    def abandon(self) -> None:
        """Stop without the save flow (the app closes); the journal lets the next start offer it."""
        if self.recorder is not None:
            self._stop_figures()
            self.recorder.stop()
            self.recorder = None
        self._set_state("idle", self.tr("Stopped; the file is offered again at the next start."))

    @property
    def busy(self) -> bool:
        """Whether a recording runs or awaits its saving."""
        return self.state != "idle"

    # --- following the recorder ---------------------------------------------------------------

    def _on_event(self, event: object) -> None:
        if self.recorder is None and not isinstance(event, Ended):
            return  # a late event of an abandoned recording
        if self.state == "stopping" and isinstance(event, Started | Paused | Resumed):
            return  # asked to stop before it got there: it is finishing, whatever it reports
        match event:
            case Started():
                self._apply_mutes()
                self._set_state("recording", self.tr("Recording"))
                spare_from_collection()  # full collections walk only what comes from now on
            case Paused():
                self._set_state("paused", self.tr("Paused"))
            case Resumed():
                self._set_state("recording", self.tr("Recording"))
            case DiskLow(free=free, stopping=stopping):
                self._disk = event
                text = (
                    self.tr("The disk is almost full ({0} left): stopping the recording.")
                    if stopping
                    else self.tr("Disk space is low: {0} left.")
                )
                self.controls.warn(text.format(format_size(free)))
            case JoinFailed(stream_id=stream_id, message=message):
                who = self._names.get(stream_id, stream_id)
                text = self.tr("{0} joined but could not be recorded: {1}")
                self.controls.warn(text.format(who, message))
            case FileInfo():
                pass  # every file comes again with the end
            case Ended():
                self._ended(event)

    def _on_service_event(self, event: Event) -> None:
        """Someone joined or left the room recorded: a mix of the room follows them."""
        recorder = self.recorder
        if recorder is None or self.state not in ("starting", "recording", "paused"):
            return
        match room_change(self._room, event, self._connection.url):
            case Joined(item=item, user_id=user_id):
                self._names[item.stream_id] = user_id
                if recorder.add_input(item):
                    self._note(self.tr("{0} joined the recording").format(user_id))
            case Left(stream_id=stream_id, user_id=user_id):
                if recorder.remove_input(stream_id):
                    self._note(self.tr("{0} left the recording").format(user_id))

    def _note(self, text: str) -> None:
        """Say `text` on the status line for a few seconds, while it records."""
        if self.state in ("recording", "paused"):
            self._set_state(self.state, text)
            self._note_timer.start()

    def _note_over(self) -> None:
        if self.state == "recording":
            self._set_state("recording", self.tr("Recording"))
        elif self.state == "paused":
            self._set_state("paused", self.tr("Paused"))

    def _release_memory(self) -> None:
        if self.recorder is None:  # not while the next one runs (it would stall): its end will
            release_memory()

    def _ended(self, ended: Ended) -> None:
        if self.recorder is None:
            return
        self._refresh_figures()
        self._stop_figures()
        self.recorder = None
        self.ended = ended
        # The recording's threads end within moments of `Ended`; then what they held goes back.
        QTimer.singleShot(RELEASE_AFTER_MS, self._release_memory)
        why = why_ended(ended, self._disk)
        if self._disk is not None and self._disk.stopping:
            self.controls.warn(None)  # the status line says it now
        # A file the recorder could not finish still holds media: it is saved with the rest.
        files = [Path(f.path) for f in ended.files] or list(written(ended.folder))
        if files:
            self._set_state("saving", (why + " " if why else "") + self.tr("Saving…"))
            self.save_flow.finish(
                files,
                ended.folder,
                ended.name,
                self._label,
                duration=sum(f.duration for f in ended.files),
                started=self._started,
            )
        else:
            remove_empty(
                ended.folder
            )  # nothing to save: no journal left for the next start to offer
            text = why or self.tr("Stopped before anything was recorded.")
            self._set_state("idle", text, failed=ended.reason in FAILURES)

    def _saved(self, outcome: SaveOutcome) -> None:
        mine = self.ended is not None and outcome.folder in (None, self.ended.folder)
        if self.state != "saving" or not mine:
            return  # a recording found after a crash, saved through the same flow
        self.outcome = outcome
        why = why_ended(self.ended, self._disk) if self.ended is not None else ""
        failed = self.ended is not None and self.ended.reason in FAILURES
        done = outcome.message or {
            "saved": self.tr("Saved."),
            "kept": self.tr("Kept in the recordings folder."),
            "discarded": self.tr("Discarded."),
        }.get(outcome.action, "")
        self._set_state("idle", (why + " " if why else "") + done, failed=failed)

    def _stop_figures(self) -> None:
        self._timer.stop()
        self.voices.reset()

    def _refresh_figures(self) -> None:
        recorder = self.recorder
        if recorder is None:
            return
        self.stats = recorder.stats()
        self.figures.show_stats(self.stats)
        self.voices.show_levels(self.stats.sources)
        if self.figures.isVisible():  # a hidden panel lets the recorder stop decoding pictures
            self.figures.show_preview(recorder.preview())

    # --- drawing ------------------------------------------------------------------------------

    def _set_state(self, state: PanelState, text: str, *, failed: bool = False) -> None:
        changed = state != self.state
        self.state = state
        self._text, self._failed = text, failed
        self._refresh()
        if changed:
            self.state_changed.emit(state)

    def _refresh(self) -> None:
        can_start = self.picker.current() is not None
        self.controls.show_state(self.state, self._text, can_start=can_start, failed=self._failed)
        self.picker.setEnabled(self.state == "idle")
