"""A peak level meter: a horizontal bar in dBFS that falls back smoothly and holds its peak.

`LevelMeter.set_level(dbfs)` feeds it the loudest sample since the last reading (the recorder's
`stats().level`, a few times a second). The bar jumps up at once and falls at `FALL_DB_PER_S`,
as broadcast meters do, so a short peak stays readable; a thin mark holds the highest level for
`HOLD_S`, then falls too. The scale is `FLOOR_DB`..0 dBFS: green up to -18, amber to -6, red
above (where clipping is near). -90 dBFS (the recorder's "nothing") draws an empty bar.

The ballistics are plain arithmetic (`Ballistics`), kept apart from the painting so they read
and test without a screen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QLinearGradient, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

FLOOR_DB = -60.0
FALL_DB_PER_S = 20.0
HOLD_S = 1.5
_TICKS = (-60, -48, -36, -24, -18, -12, -6, 0)
_GREEN, _AMBER, _RED = QColor("#2e9d4f"), QColor("#e8a317"), QColor("#d93025")


@dataclass
class Ballistics:
    """The shown level and the held peak, in dBFS, as time passes."""

    level: float = FLOOR_DB
    peak: float = FLOOR_DB
    _peak_at: float = 0.0
    _at: float = 0.0

    def feed(self, dbfs: float, now: float) -> None:
        """Take a new reading at time `now` (seconds, monotonic)."""
        self.advance(now)
        dbfs = max(FLOOR_DB, min(0.0, dbfs))
        self.level = max(self.level, dbfs)
        if dbfs >= self.peak:
            self.peak = dbfs
            self._peak_at = now

    def advance(self, now: float) -> None:
        """Let the bar fall, and the peak once it has been held long enough."""
        spent = max(0.0, now - self._at)
        self._at = now
        self.level = max(FLOOR_DB, self.level - FALL_DB_PER_S * spent)
        if now - self._peak_at > HOLD_S:
            self.peak = max(self.level, self.peak - FALL_DB_PER_S * spent)

    def reset(self) -> None:
        """Back to silence."""
        self.level = self.peak = FLOOR_DB

    @property
    def resting(self) -> bool:
        """Whether nothing moves any more (the meter can stop repainting)."""
        return self.level <= FLOOR_DB and self.peak <= FLOOR_DB


class LevelMeter(QWidget):
    """The audio level of what is recorded, as a bar with a held peak and a dB scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ballistics = Ballistics()
        self.reading = -90.0  # the last level fed, as the recorder gave it
        self._timer = QTimer(self, interval=33)  # ~30 fps while the bar moves
        self._timer.timeout.connect(self._tick)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(self.tr("Audio level (peak, dBFS): green is fine, red is near clipping."))
        self.setAccessibleName(self.tr("Audio level"))

    def set_level(self, dbfs: float) -> None:
        """Show a new peak reading (dBFS, -90 meaning silence or no audio)."""
        self.reading = dbfs
        self.ballistics.feed(dbfs, time.monotonic())
        self.setAccessibleDescription(self.tr("{0:.0f} dBFS").format(max(dbfs, FLOOR_DB)))
        if not self._timer.isActive():
            self._timer.start()
        self.update()

    def reset(self) -> None:
        """Show silence at once (the recording ended)."""
        self.reading = -90.0
        self.ballistics.reset()
        self._timer.stop()
        self.update()

    def sizeHint(self) -> QSize:
        """Wide and short: a bar above its scale."""
        return QSize(240, 30)

    def minimumSizeHint(self) -> QSize:
        """Enough for the scale's numbers to stay apart."""
        return QSize(160, 30)

    def _tick(self) -> None:
        self.ballistics.advance(time.monotonic())
        if self.ballistics.resting:
            self._timer.stop()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The bar, its peak mark and the scale beneath."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = QRectF(0.5, 0.5, self.width() - 1.0, 12.0)
        painter.setPen(QPen(QColor("#5f6368"), 1))
        painter.setBrush(QColor("#202124"))
        painter.drawRoundedRect(bar, 2, 2)

        inner = bar.adjusted(1.5, 1.5, -1.5, -1.5)
        gradient = QLinearGradient(inner.left(), 0, inner.right(), 0)
        gradient.setColorAt(0.0, _GREEN)
        gradient.setColorAt(_fraction(-18), _GREEN)
        gradient.setColorAt(_fraction(-12), _AMBER)
        gradient.setColorAt(_fraction(-6), _AMBER)
        gradient.setColorAt(_fraction(-3), _RED)
        gradient.setColorAt(1.0, _RED)
        level = _fraction(self.ballistics.level)
        if level > 0:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(gradient)
            painter.drawRect(
                QRectF(inner.left(), inner.top(), inner.width() * level, inner.height())
            )
        peak = _fraction(self.ballistics.peak)
        if peak > 0:
            x = inner.left() + inner.width() * peak
            colour = _RED if self.ballistics.peak > -3 else QColor("#e8eaed")
            painter.setPen(QPen(colour, 2))
            painter.drawLine(int(x), int(inner.top()), int(x), int(inner.bottom()))

        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
        painter.setFont(font)
        painter.setPen(self.palette().color(self.foregroundRole()))
        metrics = painter.fontMetrics()
        drawn_to = -float("inf")
        for tick in _TICKS:
            x = inner.left() + inner.width() * _fraction(tick)
            painter.drawLine(int(x), int(bar.bottom()) + 1, int(x), int(bar.bottom()) + 3)
            text = str(tick)
            width = metrics.horizontalAdvance(text)
            left = min(max(0.0, x - width / 2), self.width() - width)
            if left > drawn_to + 3:  # a narrow meter drops the numbers that would overlap
                painter.drawText(int(left), int(bar.bottom()) + 4 + metrics.ascent(), text)
                drawn_to = left + width
        painter.end()


def _fraction(dbfs: float) -> float:
    """Where `dbfs` lies on the scale, 0 (the floor) to 1 (0 dBFS)."""
    return max(0.0, min(1.0, (dbfs - FLOOR_DB) / -FLOOR_DB))
