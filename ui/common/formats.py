"""The glossary: every name the operator reads for a mode, a format, a state, a stream, a room, a
time or a size comes from here, so one thing is written one way on every screen.

| thing | function | reads |
| --- | --- | --- |
| recording mode | `mode_name` | `Single-stream`, `Mixed` |
| file format | `format_name` | `MP4`, `MKV`, `WebM`, `FLV`, `MPEG-TS`, `HLS`, `M4A`, `Ogg` |
| recording state | `state_name` (`state_colour`, `state_icon`) | `recording`, `paused`, ... |
| why a recording ended | `reason_name` | `stopped`, `stopped at its maximum duration`, ... |
| stream kind | `kind_name` | `camera`, `screen`, `audio` |
| a participant's stream | `stream_name` | `grace · camera` |
| room | `room_name` | its name, else its id |
| time run, a file's length | `format_elapsed`, `format_duration` | `0:00:24` (h:mm:ss) |
| size | `format_size` | `812 B`, `12.3 MB` |
| a file's streams | `format_streams` | `h264 1280x720 · aac` |
| an upload | `format_upload` | `uploading 40%` |

Names are translated in the `Names` context (states, sizes and uploads in `TaskFormat`, where they
were first written); format names are proper names that no language translates. File names on
disk (`grace-camera.mp4`) are contracts of the engine, not names for people: they stay as they are,
and a screen shows the glossary's name beside them.

Plain functions, shared by every widget.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from app.api.models import StreamInfo, UploadState
from ui.common.palette import row_colour, state_role
from ui.common.translate import translate

_MODES = {
    "single": QT_TRANSLATE_NOOP("Names", "Single-stream"),
    "mixed": QT_TRANSLATE_NOOP("Names", "Mixed"),
}
# Proper names, the same in every language: the service's output formats and the local recorder's.
_FORMATS = {
    "mp4": "MP4",
    "mkv": "MKV",
    "webm": "WebM",
    "flv": "FLV",
    "ts": "MPEG-TS",
    "hls": "HLS",
    "m4a": "M4A",
    "ogg": "Ogg",
}
_KINDS = {
    "camera": QT_TRANSLATE_NOOP("Names", "camera"),
    "screen": QT_TRANSLATE_NOOP("Names", "screen"),
    "audio": QT_TRANSLATE_NOOP("Names", "audio"),
}


class NamedRoom(Protocol):
    """What `room_name` reads of a room: the service's `Room`, or anything that has its id and
    name."""

    @property
    def room_id(self) -> str: ...

    @property
    def name(self) -> str: ...


def mode_name(mode: str) -> str:
    """A recording mode: `Single-stream` or `Mixed`."""
    return translate("Names", _MODES[mode]) if mode in _MODES else mode


def format_name(fmt: str) -> str:
    """A file format by its proper name: `MP4`, `FLV`, `HLS`, `MPEG-TS`, `WebM`..."""
    return _FORMATS.get(fmt.lower(), fmt.upper())


def kind_name(kind: str) -> str:
    """A stream's kind: `camera`, `screen`, `audio`."""
    return translate("Names", _KINDS[kind]) if kind in _KINDS else kind


def stream_name(user_id: str, kind: str | None) -> str:
    """A participant's stream: `grace · camera` (just `grace` where the kind is not known)."""
    return f"{user_id} · {kind_name(kind)}" if kind else user_id


def room_name(room: NamedRoom | str) -> str:
    """A room as people call it: its name, else its id (a bare id is shown as it is)."""
    if isinstance(room, str):
        return room
    return room.name.strip() or room.room_id


def state_colour(state: str) -> QColor:
    """The colour a state is written in: red recording or failed, amber paused, blue uploading,
    green completed; readable in the rows of a table in the palette in use."""
    return row_colour(state_role(state))


def reason_name(reason: str | None) -> str:
    """Why a recording ended, in the operator's language: the service's reasons by name, any other
    text (a failure's message) as it is."""
    if not reason:
        return ""
    names = {
        "stopped": translate("Names", "stopped"),
        "idle": translate("Names", "stopped: nothing published for a while"),
        "max-duration": translate("Names", "stopped at its maximum duration"),
        "source-ended": translate("Names", "stopped: the source ended"),
        "disk-full": translate("Names", "stopped: the disk is full"),
        "no media": translate("Names", "stopped: no media came"),
    }
    return names.get(reason, reason)


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
    """How long something has run, always `h:mm:ss` (`0:00:24`): whole seconds passed, so a clock
    that ticks never shows a second before it has passed."""
    return _hms(int(seconds))


def format_duration(seconds: float) -> str:
    """How long a file or a recording lasts, always `h:mm:ss` (`0:00:24`), as its elapsed time read
    while it recorded (rounded to the nearest second)."""
    return _hms(round(seconds))


def _hms(whole: int) -> str:
    whole = max(0, whole)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


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
