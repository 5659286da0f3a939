"""One stream of a room as a card: its picture, its user and kind, and its media details.

The picture box is 192x108: a video stream's snapshot is fitted into it, a sound-only stream gets
a drawn loudspeaker instead. `RoomView` owns the cards and fetches the pictures.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QLocale, QPointF, QRectF, Qt, QTime
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.api.models import Stream

THUMB_WIDTH, THUMB_HEIGHT = 192, 108


class StreamCard(QFrame):
    """One stream: its picture on the left; its user, kind and media details on the right."""

    def __init__(self, stream: Stream, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.stream = stream
        self.picture: QPixmap | None = None

        self._thumb = QLabel(self)
        self._thumb.setFixedSize(THUMB_WIDTH, THUMB_HEIGHT)
        self._thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._thumb.setStyleSheet("background: #1e1f22; border-radius: 3px;")
        self._title = QLabel(self)
        title_font = QFont(self.font())
        title_font.setWeight(QFont.Weight.DemiBold)
        self._title.setFont(title_font)
        self._video = QLabel(self)
        self._audio = QLabel(self)
        self._since = QLabel(self)
        mute(self._since)

        details = QVBoxLayout()
        details.setSpacing(3)
        for label in (self._title, self._video, self._audio, self._since):
            label.setTextFormat(Qt.TextFormat.PlainText)
            details.addWidget(label)
        details.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 8, 8, 8)
        row.setSpacing(12)
        row.addWidget(self._thumb, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(details, 1)
        self.set_stream(stream)
        if not has_picture(stream):
            self._thumb.setPixmap(sound_placeholder())

    def set_stream(self, stream: Stream) -> None:
        """Show `stream`'s details (its picture stays)."""
        self.stream = stream
        self._title.setText(f"{stream.user_id} · {self._kind(stream)}")
        video, audio = self._video_text(stream), self._audio_text(stream)
        self._video.setText(video)
        self._video.setVisible(bool(video))
        self._audio.setText(audio)
        self._audio.setVisible(bool(audio))
        self._since.setText(self.tr("since {time}").format(time=_when(stream.since)))

    def set_picture(self, picture: QPixmap) -> None:
        """Show a new snapshot, fitted into the thumbnail's box."""
        self.picture = picture
        box = self._thumb.size()
        if picture.width() > box.width() or picture.height() > box.height():
            picture = picture.scaled(
                box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        self._thumb.setPixmap(picture)

    def _kind(self, stream: Stream) -> str:
        if stream.kind == "camera":
            return self.tr("camera")
        if stream.kind == "screen":
            return self.tr("screen")
        return self.tr("audio")

    def _video_text(self, stream: Stream) -> str:
        parts = []
        if stream.codec:
            parts.append(stream.codec.upper())
        if stream.width and stream.height:
            parts.append(f"{stream.width}\N{MULTIPLICATION SIGN}{stream.height}")
        if stream.fps:
            parts.append(self.tr("{fps} fps").format(fps=f"{stream.fps:.3g}"))
        return " · ".join(parts)

    def _audio_text(self, stream: Stream) -> str:
        parts = []
        if stream.audio_codec:
            parts.append(stream.audio_codec.upper())
        if stream.sample_rate:
            parts.append(self.tr("{khz} kHz").format(khz=f"{stream.sample_rate / 1000:g}"))
        if stream.channels == 1:
            parts.append(self.tr("mono"))
        elif stream.channels == 2:
            parts.append(self.tr("stereo"))
        elif stream.channels:
            parts.append(self.tr("%n channels", "", stream.channels))
        return " · ".join(parts)


def has_picture(stream: Stream) -> bool:
    """Whether the service has snapshots of the stream (cameras and screens, not sound)."""
    return stream.kind != "audio"


_sound: QPixmap | None = None


def sound_placeholder() -> QPixmap:
    """A loudspeaker with sound waves on the thumbnail's dark ground, drawn once and cached."""
    global _sound  # noqa: PLW0603 (a cache, built on first use once a QGuiApplication exists)
    if _sound is None:
        ratio = 2
        pixmap = QPixmap(THUMB_WIDTH * ratio, THUMB_HEIGHT * ratio)
        pixmap.fill(QColor("#1e1f22"))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(ratio, ratio)
        ink = QColor("#a9adb5")
        cx, cy = THUMB_WIDTH / 2 - 14, THUMB_HEIGHT / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
        painter.drawRect(QRectF(cx - 16, cy - 8, 10, 16))
        painter.drawPolygon(
            [
                QPointF(cx - 6, cy - 8),
                QPointF(cx + 8, cy - 20),
                QPointF(cx + 8, cy + 20),
                QPointF(cx - 6, cy + 8),
            ]
        )
        pen = QPen(ink, 3.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for radius in (12, 22, 32):
            arc = QRectF(cx + 8 - radius, cy - radius, 2 * radius, 2 * radius)
            painter.drawArc(arc, -40 * 16, 80 * 16)
        painter.end()
        pixmap.setDevicePixelRatio(ratio)
        _sound = pixmap
    return _sound


def mute(label: QLabel) -> None:
    """Show `label` as secondary text, in the palette's placeholder colour (any theme)."""
    palette = label.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    label.setPalette(palette)


def _when(moment: datetime) -> str:
    """A local time of day, with the date too when it is not today."""
    local = moment.astimezone()
    when = QDateTime(
        QDate(local.year, local.month, local.day),
        QTime(local.hour, local.minute, local.second),
    )
    locale = QLocale()
    if when.date() == QDate.currentDate():
        return locale.toString(when.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(when, QLocale.FormatType.ShortFormat)
