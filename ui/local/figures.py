"""How a local recording is going, at a glance: a small live preview, the figures, the level.

```
┌──────────── 320x180 ────────────┐  0:01:12      48.3 MB
│        the newest picture       │  elapsed      size
│                                 │  5.21 Mbit/s  0
│                                 │  bitrate      dropped
└─────────────────────────────────┘  [██████████▌    |   ]
                                     -60 -48 -36 -24 -18 -12 -6 0
```

(In a panel narrower than `SIDE_BY_SIDE_WIDTH`, the figures and the meter go under the picture.)
`LocalFigures.show_stats(stats)` and `show_preview(preview)` take what `LocalRecorder` reports
(`RecorderStats`, `Preview`); both are cheap enough for a 4 Hz timer on the GUI thread (the
picture is at most 320 px wide). Dropped frames turn red once there are any.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontDatabase, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.media.local import Preview, RecorderStats
from ui.common.formats import format_elapsed, format_size
from ui.common.palette import Role, tint
from ui.local.level_meter import LevelMeter

PREVIEW_SIZE = QSize(320, 180)
SIDE_BY_SIDE_WIDTH = 560  # the picture, and two columns of figures beside it


def format_bitrate(bits_per_second: float) -> str:
    """`5.21 Mbit/s`, or kbit/s under one megabit."""
    if bits_per_second >= 1_000_000:
        return f"{bits_per_second / 1_000_000:.2f} Mbit/s"
    return f"{bits_per_second / 1000:.0f} kbit/s"


class PreviewView(QLabel):
    """The newest picture of a recording, scaled to fit with its aspect ratio kept."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedSize(PREVIEW_SIZE)
        self.setStyleSheet("background: #121212; color: #9aa0a6; border-radius: 3px;")
        self.image: QImage | None = None  # the picture shown, unscaled (tests read it)
        self._shown: Preview | None = None
        self.show_placeholder(self.tr("The preview appears here while recording."))

    def sizeHint(self) -> QSize:
        """320x180: a 16:9 picture, as the recorder sends it."""
        return PREVIEW_SIZE

    def show_preview(self, preview: Preview | None) -> None:
        """Show `preview` (the same object twice is drawn once)."""
        if preview is None or preview is self._shown:
            return
        self._shown = preview
        image = QImage(
            preview.data, preview.width, preview.height, preview.stride, QImage.Format.Format_RGB888
        )
        self.image = image.copy()  # the QImage borrowed `data`; keep a copy of our own
        self._draw()

    def show_placeholder(self, text: str) -> None:
        """No picture: say why."""
        self.image = None
        self._shown = None
        self.setPixmap(QPixmap())
        self.setText(text)

    def _draw(self) -> None:
        if self.image is None:
            return
        pixmap = QPixmap.fromImage(self.image).scaled(
            self.contentsRect().size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.setPixmap(pixmap)


class _Figure(QWidget):
    """A value over its caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = QLabel()
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        tint(self.caption, "hint")  # a caption under the value
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.value)
        column.addWidget(self.caption)

    def set(self, text: str, role: Role | None = None) -> None:
        self.value.setText(text)
        tint(self.value, role)


class LocalFigures(QWidget):
    """Preview, elapsed time, size, bitrate, dropped frames and the level meter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = PreviewView()
        self.meter = LevelMeter()
        self._elapsed = _Figure(self.tr("elapsed"))
        self._size = _Figure(self.tr("size"))
        self._bitrate = _Figure(self.tr("bitrate"))
        self._dropped = _Figure(self.tr("dropped"))
        self._dropped.setToolTip(
            self.tr(
                "Frames the file lacks at its frame rate: the computer or a source fell behind."
            )
        )
        # Read by tests and by assistive technology alike.
        self.elapsed_label = self._elapsed.value
        self.size_label = self._size.value
        self.bitrate_label = self._bitrate.value
        self.dropped_label = self._dropped.value

        figures = QGridLayout()
        figures.setHorizontalSpacing(18)
        for i, figure in enumerate((self._elapsed, self._size, self._bitrate, self._dropped)):
            figures.addWidget(figure, i // 2, i % 2)
        side = QVBoxLayout()
        side.addLayout(figures)
        side.addSpacing(6)
        side.addWidget(self.meter)
        side.addStretch(1)
        # Side by side where the panel is wide enough, else the figures under the picture.
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(12)
        self._box.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        self._box.addLayout(side, 1)
        self.setMinimumWidth(PREVIEW_SIZE.width())
        self.reset()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Put the figures beside the picture, or under it in a narrow panel."""
        super().resizeEvent(event)
        wide = event.size().width() >= SIDE_BY_SIDE_WIDTH
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._box.direction() != direction:
            self._box.setDirection(direction)

    def show_stats(self, stats: RecorderStats) -> None:
        """Show the recorder's figures."""
        self._elapsed.set(format_elapsed(stats.elapsed))
        self._size.set(format_size(stats.size))
        self._bitrate.set(format_bitrate(stats.bitrate) if stats.bitrate > 0 else "—")
        self._dropped.set(str(stats.dropped), "error" if stats.dropped > 0 else None)
        self.meter.setEnabled(stats.has_audio or stats.state == "starting")
        if stats.has_audio:
            self.meter.set_level(stats.level)
        if stats.state != "starting" and not stats.has_video and self.preview.image is None:
            self.preview.show_placeholder(self.tr("♪  Sound only: no picture to show."))

    def show_preview(self, preview: Preview | None) -> None:
        """Show the newest picture."""
        self.preview.show_preview(preview)

    def reset(self, placeholder: str | None = None) -> None:
        """Back to zero (a new recording starts, or none runs)."""
        self._elapsed.set(format_elapsed(0))
        self._size.set(format_size(0))
        self._bitrate.set("—")
        self._dropped.set("0")
        self.meter.reset()
        self.preview.show_placeholder(
            placeholder or self.tr("The preview appears here while recording.")
        )
