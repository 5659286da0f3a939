"""What records now, here and on the service, counted once for the status bar and the tray.

`RecordingCounter` follows the task list's `RecordingsModel` (kept current by the service's
events) and the local recorder panel's state, and says `changed(Counts)` whenever the counts move.
`Counts.summary()` reads them out: "1 recording here · 2 recordings on the service · 1 paused on
the service", or "nothing recording".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QObject, Signal

from ui.common.translate import TranslationContext
from ui.local.panel import LocalRecorderPanel
from ui.recordings.models import RecordingsModel

RecordingCount = TranslationContext("RecordingCount")

# A recording that is opening or finishing its files still records; a paused one is said apart.
RECORDING_STATES = ("starting", "recording", "stopping")


@dataclass(frozen=True)
class Counts:
    """How many recordings run (or are paused) on this computer and on the service."""

    here: int = 0
    here_paused: int = 0
    service: int = 0
    service_paused: int = 0

    @property
    def recording(self) -> bool:
        """Whether anything records now (a paused recording does not)."""
        return self.here > 0 or self.service > 0

    @property
    def anything(self) -> bool:
        """Whether any recording is running or paused."""
        return self.recording or self.here_paused > 0 or self.service_paused > 0

    def summary(self) -> str:
        """The counts in words, those on this computer first; "nothing recording" if none."""
        said = []
        if self.here:
            said.append(RecordingCount.tr("%n recording(s) here", "", self.here))
        if self.here_paused:
            said.append(RecordingCount.tr("%n paused here", "", self.here_paused))
        if self.service:
            said.append(RecordingCount.tr("%n recording(s) on the service", "", self.service))
        if self.service_paused:
            said.append(RecordingCount.tr("%n paused on the service", "", self.service_paused))
        return " · ".join(said) if said else RecordingCount.tr("nothing recording")


class RecordingCounter(QObject):
    """Counts the recordings of the task list and of the local recorder; `changed(Counts)`."""

    changed = Signal(object)  # Counts

    def __init__(
        self,
        recordings: RecordingsModel,
        local: LocalRecorderPanel | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._recordings = recordings
        self._local = local
        self.counts = Counts()
        for signal in (recordings.modelReset, recordings.rowsInserted, recordings.rowsRemoved):
            signal.connect(self.recount)
        recordings.dataChanged.connect(self._data_changed)
        if local is not None:
            local.state_changed.connect(self.recount)
        self.recount()

    def _data_changed(self, first: QModelIndex, last: QModelIndex, *_: object) -> None:
        # The elapsed times tick every second: only a change that reaches the state counts.
        if first.column() <= RecordingsModel.STATE <= last.column():
            self.recount()

    def recount(self, *_: object) -> None:
        """Count again; say `changed` if the counts moved."""
        states = [rec.state for rec in self._recordings.recordings()]
        here = self._local.state if self._local is not None else "idle"
        counts = Counts(
            here=int(here in RECORDING_STATES),
            here_paused=int(here == "paused"),
            service=sum(state in RECORDING_STATES for state in states),
            service_paused=states.count("paused"),
        )
        if counts != self.counts:
            self.counts = counts
            self.changed.emit(counts)
