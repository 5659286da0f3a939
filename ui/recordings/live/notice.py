"""The line above the record buttons that says at once what the operator would otherwise wait for.

An empty room says so before anyone clicks Start (starting is still allowed: the service waits
for someone to publish); once started, the wait for the first media counts its seconds, so a
start that takes long shows that it is waiting and for what, rather than a bare "Starting…".
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import QLabel, QWidget

from app.api.models import Recording, Room
from ui.common.formats import format_elapsed
from ui.common.palette import tint

_ENDED = ("completed", "failed")


class StartNotice(QLabel):
    """Says that no one is in the room, or counts the wait for the first media."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        tint(self, "warning")
        self._starting: tuple[str, float] | None = None  # which recording, since when

    def show_for(self, rec: Recording | None, room: Room | None) -> None:
        """Say what fits `rec` of `room` now (nothing, mostly); call it again as time passes."""
        if rec is None or rec.state != "starting":
            self._starting = None
        elif self._starting is None or self._starting[0] != rec.id:
            self._starting = (rec.id, time.monotonic())
        text = ""
        if self._starting is not None:
            waited = format_elapsed(time.monotonic() - self._starting[1])
            if room is not None and not room.streams:
                text = self.tr(
                    "No one is in this room: waiting for someone to publish ({0})…"
                ).format(waited)
            else:
                text = self.tr("Waiting for the first media ({0})…").format(waited)
        elif room is not None and not room.streams and (rec is None or rec.state in _ENDED):
            text = self.tr(
                "No one is in this room right now. You can still start: the recording waits "
                "for someone to publish."
            )
        self.setText(text)
        self.setVisible(bool(text))
