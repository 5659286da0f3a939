"""Each sound source of a local recording: its level, a mute button, a warning when it is silent.

```
Microphone  [██████▌        |      ]  🔊
Speakers    [               |      ]  🔇      (muted: left out of the file, still metered)
⚠ Nothing is heard from Speakers            (a chosen, unmuted source silent for 10 s)
```

`SourceVoices.show_choice(choice)` makes a row per voice of the choice (`SourceChoice.voices`:
the inputs recorded for their sound, e.g. a call's microphone and speakers); a choice without
voices, or a room's (whose mix follows who joins), shows none. Before a recording a mute button
only marks the voice to start muted (`muted()` goes into the spec); while one runs, the panel
passes each toggle (`mute_toggled`) to the recorder. The panel's 4 Hz timer feeds
`show_levels(stats.sources)`: the meters move, the buttons follow what the recorder says is
muted, and the warning line names every unmuted source not heard for `silence_after` seconds
(the engine's `SILENCE_WARNING`; tests shorten it); it clears when they are heard again.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.media.local import SILENCE_WARNING, SourceLevel
from ui.common.note import WarningNote
from ui.common.palette import colour, follow_palette
from ui.common.translate import translate
from ui.local.choices import SourceChoice
from ui.local.level_meter import LevelMeter


class VoiceRow:
    """One sound source's label, meter and mute button (widgets of the `SourceVoices` grid)."""

    def __init__(self, stream_id: str, name: str, parent: QWidget) -> None:
        self.stream_id = stream_id
        self.name = name
        self.label = QLabel(name, parent)
        self.meter = LevelMeter(parent)
        self.meter.setAccessibleName(translate("SourceVoices", "{0} level").format(name))
        self.mute = QToolButton(parent)
        self.mute.setCheckable(True)
        self.mute.setAutoRaise(True)
        self.mute.setIconSize(QSize(18, 18))
        self.mute.setAccessibleName(translate("SourceVoices", "Mute {0}").format(name))
        self.label.setBuddy(self.mute)
        self.heard_for = 0.0  # seconds it has been silent, as last read
        self.set_muted(False)

    def set_muted(self, muted: bool) -> None:
        """Show the button as `muted` (without telling anyone)."""
        self.mute.blockSignals(True)
        self.mute.setChecked(muted)
        self.mute.blockSignals(False)
        # Drawn in the palette's colours, and again when it changes.
        follow_palette(self.mute, self._draw_icon, "icon")
        tip = (
            translate(
                "SourceVoices",
                "{0} is muted: it is left out of the recording. Click to hear it again.",
            )
            if muted
            else translate("SourceVoices", "Mute {0}: leave it out of the recording until unmuted.")
        )
        self.mute.setToolTip(tip.format(self.name))
        # A muted source is still metered (a live microphone shows), but drawn greyed.
        self.label.setEnabled(not muted)

    def _draw_icon(self) -> None:
        palette = self.mute.palette()
        ink = palette.color(QPalette.ColorRole.ButtonText)
        self.mute.setIcon(speaker_icon(ink, self.mute.isChecked(), colour("error", palette)))


class SourceVoices(QWidget):
    """A meter and a mute button per sound source, and the silence warning."""

    mute_toggled = Signal(str, bool)  # stream_id, muted: the operator clicked a mute button

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.silence_after = SILENCE_WARNING  # seconds of silence before the warning
        self.rows: dict[str, VoiceRow] = {}
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(8)
        self._grid.setColumnStretch(1, 1)
        self.warning_label = WarningNote()
        self.warning_label.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._grid)
        column.addWidget(self.warning_label)
        self.hide()

    def show_choice(self, choice: SourceChoice | None) -> None:
        """A row per voice of `choice` (none for a room's choice), all unmuted."""
        for row in self.rows.values():
            for widget in (row.label, row.meter, row.mute):
                self._grid.removeWidget(widget)
                widget.deleteLater()
        self.rows = {}
        voices = choice.voices if choice is not None and choice.room is None else ()
        for n, item in enumerate(voices):
            row = VoiceRow(item.stream_id, self.sound_name(item.label or item.stream_id), self)
            row.mute.toggled.connect(
                lambda muted, stream_id=item.stream_id: self._toggled(stream_id, muted)
            )
            self._grid.addWidget(row.label, n, 0)
            self._grid.addWidget(row.meter, n, 1)
            self._grid.addWidget(row.mute, n, 2)
            self.rows[item.stream_id] = row
        self.warning_label.hide()
        self.setVisible(bool(self.rows))

    def muted(self) -> tuple[str, ...]:
        """The voices marked muted."""
        return tuple(s for s, row in self.rows.items() if row.mute.isChecked())

    def set_muted(self, stream_id: str, muted: bool) -> None:
        """Show `stream_id` as muted or not (the recorder refused a toggle, or reports it)."""
        row = self.rows.get(stream_id)
        if row is not None:
            row.set_muted(muted)

    def show_levels(self, levels: Sequence[SourceLevel]) -> None:
        """The recorder's reading of each source: meters, mute states and the warning."""
        for level in levels:
            row = self.rows.get(level.stream_id)
            if row is None:
                continue
            row.meter.set_level(level.level)
            if row.mute.isChecked() != level.muted:
                row.set_muted(level.muted)
            row.heard_for = level.silent_for
        self._warn()

    def _warn(self) -> None:
        silent = [
            row.name
            for row in self.rows.values()
            if not row.mute.isChecked() and row.heard_for >= self.silence_after
        ]
        self.warning_label.setText(
            "\n".join("⚠ " + self.tr("Nothing is heard from {0}").format(n) for n in silent)
        )
        self.warning_label.setVisible(bool(silent))

    def reset(self) -> None:
        """No recording runs: meters at rest, no warning (mute marks stay for the next start)."""
        for row in self.rows.values():
            row.meter.reset()
            row.heard_for = 0.0
        self.warning_label.hide()

    def sound_name(self, label: str) -> str:
        """The name of a sound source as the operator reads it."""
        names = {"Microphone": self.tr("Microphone"), "Speakers": self.tr("Speakers")}
        return names.get(label, label)

    def _toggled(self, stream_id: str, muted: bool) -> None:
        row = self.rows.get(stream_id)
        if row is not None:
            row.set_muted(muted)
        self._warn()  # a source muted is not warned about
        self.mute_toggled.emit(stream_id, muted)


def speaker_icon(ink: QColor, muted: bool, cross: QColor | None = None) -> QIcon:
    """A speaker in the palette's text colour (readable light or dark), with sound waves, or
    with a cross (red by default) when muted."""
    pixmap = QPixmap(36, 36)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ink)
    body = [(4, 13), (11, 13), (19, 5), (19, 31), (11, 23), (4, 23)]
    painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in body]))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    cross = cross if cross is not None else colour("error")
    pen = QPen(cross if muted else ink, 3.0 if muted else 2.5)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    if muted:
        painter.drawLine(23, 12, 33, 24)
        painter.drawLine(33, 12, 23, 24)
    else:
        for r in (6.0, 11.0):
            painter.drawArc(QRectF(17 - r, 18 - r, 2 * r, 2 * r), -50 * 16, 100 * 16)
    painter.end()
    return QIcon(pixmap)
