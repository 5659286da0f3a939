"""The start options of a recording in words: their values, names, and the field a refusal names.

Shared by the form that edits the options (`ui.recordings.form`) and the controls that show what a
recording records (`ui.recordings.controls`), so an option is called the same everywhere.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.api.errors import ErrorCode
from app.api.models import Recording
from app.client.errors import ServiceError
from ui.common.templates import template_name
from ui.common.translate import translate

MODES = (
    ("single", QT_TRANSLATE_NOOP("RecordOptions", "Single-stream")),
    ("mixed", QT_TRANSLATE_NOOP("RecordOptions", "Mixed")),
)
STREAM_TYPES = (
    ("av", QT_TRANSLATE_NOOP("RecordOptions", "Audio + video")),
    ("audio", QT_TRANSLATE_NOOP("RecordOptions", "Audio only")),
    ("video", QT_TRANSLATE_NOOP("RecordOptions", "Video only")),
    ("separate", QT_TRANSLATE_NOOP("RecordOptions", "Audio and video in separate files")),
)
STREAM_KINDS = {
    "camera": QT_TRANSLATE_NOOP("RecordOptions", "camera"),
    "screen": QT_TRANSLATE_NOOP("RecordOptions", "screen"),
    "audio": QT_TRANSLATE_NOOP("RecordOptions", "audio"),
}
# File formats are shown by their names (mp4, mkv...), which no language translates.
FORMATS = ("mp4", "mkv", "webm", "flv", "ts", "hls", "m4a", "ogg")
# The format choice that names none: the service picks by the streams' codecs (WebM for an SFU's
# VP8, MP4 otherwise).
AUTO_FORMAT = "auto"
AUDIO_FORMATS = frozenset({"m4a", "ogg"})
# The service's defaults (app.service.recordings.naming.default_name_rule), shown as placeholders;
# the ui may not import the service, and an empty field still sends no rule, so the service decides.
DEFAULT_NAME_RULES = {
    "single": "{roomid}_{userid}_{date}_{time}_{random}",
    "mixed": "{roomid}_{date}_{time}_{random}",
}

# Which field each refusal is about, by code; `invalid_value` names its field in the message.
_FIELD_OF_CODE = {
    ErrorCode.invalid_name_rule: "name_rule",
    ErrorCode.unsupported_output: "format",
    ErrorCode.codec_not_in_format: "format",
    ErrorCode.invalid_layout: "layout",
    ErrorCode.stream_not_found: "streams",
}
_FIELD_OF_NAME = {
    "mode": "mode",
    "stream_type": "stream_type",
    "format": "format",
    "layout": "layout",
    "split_seconds": "split",
    "max_idle_seconds": "max_idle",
    "max_duration_seconds": "max_duration",
    "name_rule": "name_rule",
    "name rule": "name_rule",
    "folder": "folder",
    "include": "streams",
    "exclude": "streams",
    "snapshot_seconds": "snapshot",
    "user_data": "user_data",
}
_LEADING_NAME = re.compile(r"^\s*(name rule|[a-z_]+)")


def field_for(error: BaseException) -> str | None:
    """The form field a refused start request is about, if the service named one."""
    if not isinstance(error, ServiceError) or error.status not in (400, 404, 422):
        return None
    if error.code in _FIELD_OF_CODE:
        return _FIELD_OF_CODE[error.code]
    match = _LEADING_NAME.match(error.message)
    return _FIELD_OF_NAME.get(match.group(1)) if match else None


def summary(rec: Recording) -> str:
    """What a recording records, in one line: "Mixed · Grid · Audio + video · mp4"."""
    modes, types = dict(MODES), dict(STREAM_TYPES)
    parts = [
        translate("RecordOptions", modes[rec.mode]),
        translate("RecordOptions", types[rec.stream_type]),
        rec.format,
    ]
    template = rec.layout.template if rec.layout is not None else None
    if rec.mode == "mixed" and isinstance(template, str):
        parts.insert(1, template_name(template))
    return " · ".join(parts)
