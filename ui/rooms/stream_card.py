"""One stream of a room as a card: its picture on top, its user and kind, its media details below.

The picture box is 16:9, at most 192x108 (`fit` sets it to the width the grid gives the card): a
video stream's snapshot is fitted into it, a sound-only stream gets a drawn loudspeaker instead.
A detail too long for the card is cut short with "…" and shown whole in its tooltip.
`RoomView` owns the cards (in a `ui.rooms.stream_grid.StreamGrid`) and fetches the pictures.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QLocale, QPointF, QRectF, QSize, Qt, QTime
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.api.models import Stream
from ui.common.formats import stream_name

THUMB_WIDTH, THUMB_HEIGHT = 192, 108
CARD_MARGIN = 8
MIN_CARD_WIDTH = 150  # a picture of 134x75 still shows who is there


class ElidedLabel(QLabel):
    """One line of plain text, cut short with "…" where it does not fit (whole in its tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def full_text(self) -> str:
        """The text as given, before it was cut short."""
        return self._full

    def set_full_text(self, text: str) -> None:
        """Show `text`, cut short to the label's width."""
        self._full = text
        self._elide()

    def minimumSizeHint(self) -> QSize:
        """Any width will do: the text is cut short to it."""
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Cut the text again to the new width."""
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width())
        self.setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


class StreamCard(QFrame):
    """One stream: its picture on top; its user, kind and media details under it."""

    def __init__(self, stream: Stream, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.stream = stream
        self.picture: QPixmap | None = None
        self._box = QSize()

        self._thumb = QLabel(self)
        self._thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._thumb.setStyleSheet("background: #1e1f22; border-radius: 3px;")
        self._title = ElidedLabel(self)
        title_font = QFont(self.font())
        title_font.setWeight(QFont.Weight.DemiBold)
        self._title.setFont(title_font)
        self._video = ElidedLabel(self)
        self._audio = ElidedLabel(self)
        self._since = ElidedLabel(self)
        mute(self._since)

        column = QVBoxLayout(self)
        column.setContentsMargins(CARD_MARGIN, CARD_MARGIN, CARD_MARGIN, CARD_MARGIN)
        column.setSpacing(2)
        column.addWidget(self._thumb, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(4)
        for label in (self._title, self._video, self._audio, self._since):
            column.addWidget(label)
        column.addStretch(1)
        self.fit(THUMB_WIDTH + 2 * CARD_MARGIN)
        self.set_stream(stream)

    def fit(self, width: int) -> None:
        """Take `width` pixels (the grid's column), the picture as wide as fits up to 192 px."""
        width = max(width, MIN_CARD_WIDTH)
        self.setFixedWidth(width)
        box_width = min(width - 2 * CARD_MARGIN, THUMB_WIDTH)
        box = QSize(box_width, round(box_width * THUMB_HEIGHT / THUMB_WIDTH))
        if box == self._box:
            return
        self._box = box
        self._thumb.setFixedSize(box)
        if self.picture is not None:
            self._show_picture(self.picture)
        elif not has_picture(self.stream):
            drawn = sound_placeholder()
            ratio = drawn.devicePixelRatio()
            fitted = drawn.scaled(
                box * ratio,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            fitted.setDevicePixelRatio(ratio)
            self._thumb.setPixmap(fitted)

    def set_stream(self, stream: Stream) -> None:
        """Show `stream`'s details (its picture stays)."""
        self.stream = stream
        self._title.set_full_text(stream_name(stream.user_id, stream.kind))
        video, audio = self._video_text(stream), self._audio_text(stream)
        self._video.set_full_text(video)
        self._video.setVisible(bool(video))
        self._audio.set_full_text(audio)
        self._audio.setVisible(bool(audio))
        self._since.set_full_text(self.tr("since {time}").format(time=_when(stream.since)))

    def title(self) -> str:
        """The stream's name as the card writes it, whole."""
        return self._title.full_text()

    def set_picture(self, picture: QPixmap) -> None:
        """Show a new snapshot, fitted into the thumbnail's box."""
        self.picture = picture
        self._show_picture(picture)

    def _show_picture(self, picture: QPixmap) -> None:
        box = self._thumb.size()
        if picture.width() > box.width() or picture.height() > box.height():
            picture = picture.scaled(
                box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        self._thumb.setPixmap(picture)

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
