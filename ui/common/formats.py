"""How values read on screen: recording states (names, colours, marks), h:mm:ss, m:ss, sizes in
kB/MB, a file's streams in one line, and how far its upload to storage got.

Plain functions, shared by every widget, so a state, a time or a size reads the same everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from app.api.models import StreamInfo, UploadState

_RED = "#d93025"
_AMBER = "#e8a317"
_GREEN = "#1e8e3e"
_GREY = "#80868b"
_BLUE = "#1a73e8"
_STATE_COLOURS: dict[str, str] = {
    "starting": _GREY,
    "recording": _RED,
    "paused": _AMBER,
    "stopping": _GREY,
    "uploading": _BLUE,
    "completed": _GREEN,
    "failed": _RED,
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskFormat", text)


def state_colour(state: str) -> QColor:
    """The colour a state is written in: red recording or failed, amber paused, blue uploading,
    green completed."""
    return QColor(_STATE_COLOURS.get(state, _GREY))


def state_name(state: str) -> str:
    """A recording state in the operator's language."""
    names = {
        "starting": _tr("starting"),
        "recording": _tr("recording"),
        "paused": _tr("paused"),
        "stopping": _tr("stopping"),
        "uploading": _tr("uploading"),
        "completed": _tr("completed"),
        "failed": _tr("failed"),
    }
    return names.get(state, state)


def percent(sent: int, total: int) -> int:
    """How much of `total` is `sent`, in whole percent (100 only when all of it is)."""
    if total <= 0 or sent >= total:
        return 100
    return min(99, sent * 100 // total)


def format_upload(state: UploadState | None, sent: int | None = None, total: int = 0) -> str:
    """A file's upload: `waiting`, `uploading 40%`, `uploaded`, `failed, trying again`; "" for a
    recording without storage."""
    match state:
        case None:
            return ""
        case "pending":
            return _tr("waiting")
        case "uploading":
            if sent is None:
                return _tr("uploading")
            return _tr("uploading {percent}%").format(percent=percent(sent, total))
        case "uploaded":
            return _tr("uploaded")
        case "failed":
            return _tr("failed, trying again")


def format_elapsed(seconds: float) -> str:
    """`h:mm:ss`."""
    whole = max(0, int(seconds))
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def format_duration(seconds: float) -> str:
    """`m:ss` (minutes go past 59 rather than adding hours, as players show it)."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def format_size(size: int) -> str:
    """Bytes for people: `812 B`, `12.3 MB` (powers of 1000, as file managers show them)."""
    if size < 1000:
        return _tr("{n} B").format(n=size)
    value = float(size)
    for unit in (_tr("kB"), _tr("MB"), _tr("GB"), _tr("TB")):
        value /= 1000
        if value < 999.95:
            return f"{value:.1f} {unit}"
    return f"{value:.1f} {_tr('TB')}"


def format_streams(streams: list[StreamInfo]) -> str:
    """`h264 1280x720 · aac`: each stream's codec, and a picture's size."""
    parts = []
    for stream in streams:
        text = stream.codec
        if stream.width and stream.height:
            text += f" {stream.width}x{stream.height}"
        parts.append(text)
    return " · ".join(parts)


_icons: dict[str, QIcon] = {}


def state_icon(state: str) -> QIcon:
    """The state's mark: a red dot, amber bars, a blue arrow up, a green check, a red cross (a
    ring otherwise)."""
    if state not in _icons:
        _icons[state] = _draw_state_icon(state)
    return _icons[state]


def _draw_state_icon(state: str) -> QIcon:
    # Drawn rather than shipped as files: small shapes in the same colours as the state's text.
    size = 32
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    colour = state_colour(state)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(colour, 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    match state:
        case "recording":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(16, 16), 10, 10)
        case "paused":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(7, 6, 7, 20, 2, 2)
            painter.drawRoundedRect(18, 6, 7, 20, 2, 2)
        case "uploading":
            painter.setPen(pen)
            arrow = QPainterPath(QPointF(16, 27))
            arrow.lineTo(16, 6)
            arrow.moveTo(8, 14)
            arrow.lineTo(16, 6)
            arrow.lineTo(24, 14)
            painter.drawPath(arrow)
        case "completed":
            painter.setPen(pen)
            check = QPainterPath(QPointF(6, 17))
            check.lineTo(13, 24)
            check.lineTo(26, 9)
            painter.drawPath(check)
        case "failed":
            painter.setPen(pen)
            painter.drawLine(8, 8, 24, 24)
            painter.drawLine(24, 8, 8, 24)
        case _:
            painter.setPen(QPen(colour, 4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(16, 16), 9, 9)
    painter.end()
    return QIcon(pixmap)
