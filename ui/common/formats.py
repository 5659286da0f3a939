"""How values read on screen: recording states (names, colours, marks), h:mm:ss, m:ss, sizes in
kB/MB, a file's streams in one line, and how far its upload to storage got.

Plain functions, shared by every widget, so a state, a time or a size reads the same everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from app.api.models import StreamInfo, UploadState
from ui.common.palette import row_colour, state_role
from ui.common.translate import translate


def state_colour(state: str) -> QColor:
    """The colour a state is written in: red recording or failed, amber paused, blue uploading,
    green completed; readable in the rows of a table in the palette in use."""
    return row_colour(state_role(state))


def state_name(state: str) -> str:
    """A recording state in the operator's language."""
    names = {
        "starting": translate("TaskFormat", "starting"),
        "recording": translate("TaskFormat", "recording"),
        "paused": translate("TaskFormat", "paused"),
        "stopping": translate("TaskFormat", "stopping"),
        "uploading": translate("TaskFormat", "uploading"),
        "completed": translate("TaskFormat", "completed"),
        "failed": translate("TaskFormat", "failed"),
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
            return translate("TaskFormat", "waiting")
        case "uploading":
            if sent is None:
                return translate("TaskFormat", "uploading")
            return translate("TaskFormat", "uploading {percent}%").format(
                percent=percent(sent, total)
            )
        case "uploaded":
            return translate("TaskFormat", "uploaded")
        case "failed":
            return translate("TaskFormat", "failed, trying again")


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
        return translate("TaskFormat", "{n} B").format(n=size)
    value = float(size)
    for unit in (
        translate("TaskFormat", "kB"),
        translate("TaskFormat", "MB"),
        translate("TaskFormat", "GB"),
        translate("TaskFormat", "TB"),
    ):
        value /= 1000
        if value < 999.95:
            return f"{value:.1f} {unit}"
    return f"{value:.1f} {translate('TaskFormat', 'TB')}"


def format_streams(streams: list[StreamInfo]) -> str:
    """`h264 1280x720 · aac`: each stream's codec, and a picture's size."""
    parts = []
    for stream in streams:
        text = stream.codec
        if stream.width and stream.height:
            text += f" {stream.width}x{stream.height}"
        parts.append(text)
    return " · ".join(parts)


_icons: dict[tuple[str, str], QIcon] = {}


def state_icon(state: str) -> QIcon:
    """The state's mark: a red dot, amber bars, a blue arrow up, a green check, a red cross (a
    ring otherwise)."""
    # One per state and palette: a dark palette's marks are lighter.
    key = (state, state_colour(state).name())
    if key not in _icons:
        _icons[key] = _draw_state_icon(state)
    return _icons[key]


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
