"""The start options of a recording in words: their values, names, the field a refusal names, and
how a preset's options meet the operator's.

Shared by the form that edits the options (`ui.recordings.form`) and the controls that show what a
recording records (`ui.recordings.controls`), so an option is called the same everywhere.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.api.errors import ErrorCode
from app.api.models import Recording, RecordingCreate
from app.api.presets import Preset
from app.client.errors import ServiceError
from ui.common.formats import format_name, mode_name
from ui.common.templates import template_name
from ui.common.translate import translate

MODES = ("single", "mixed")  # named by the glossary (`ui.common.formats.mode_name`)
STREAM_TYPES = (
    ("av", QT_TRANSLATE_NOOP("RecordOptions", "Audio + video")),
    ("audio", QT_TRANSLATE_NOOP("RecordOptions", "Audio only")),
    ("video", QT_TRANSLATE_NOOP("RecordOptions", "Video only")),
    ("separate", QT_TRANSLATE_NOOP("RecordOptions", "Audio and video in separate files")),
)
# File formats are shown by the glossary's names (MP4, MKV...), which no language translates.
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
    ErrorCode.unknown_preset: "preset",
    ErrorCode.unknown_storage: "storage",
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
    "preset": "preset",
    "storage": "storage",
    "callback_url": "callback_url",
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
    """What a recording records, in one line: "Mixed · Grid · Audio + video · MP4"."""
    types = dict(STREAM_TYPES)
    parts = [
        mode_name(rec.mode),
        translate("RecordOptions", types[rec.stream_type]),
        format_name(rec.format),
    ]
    template = rec.layout.template if rec.layout is not None else None
    if rec.mode == "mixed" and isinstance(template, str):
        parts.insert(1, template_name(template))
    return " · ".join(parts)


def preset_values(preset: Preset) -> dict[str, Any]:
    """A preset's start options as a request made with it gets them: its own fields, and the
    service's defaults for those it leaves out."""
    defaults = {
        name: info.get_default(call_default_factory=True)
        for name, info in RecordingCreate.model_fields.items()
        if not info.is_required()
    }
    return {**defaults, **preset.fields}


def over_preset(fields: dict[str, Any], preset_fields: dict[str, Any]) -> dict[str, Any]:
    """What a request with a preset sends: the fields that differ from the preset's, as the form
    showed them when the preset was chosen; a field the form now leaves out, but the preset had,
    is sent as its default, so that the operator's change wins over the preset."""
    changed = {
        key: value for key, value in fields.items() if preset_fields.get(key, _UNSET) != value
    }
    for key in preset_fields.keys() - fields.keys():
        changed[key] = RecordingCreate.model_fields[key].get_default(call_default_factory=True)
    return changed


def is_http_url(text: str) -> bool:
    """Whether `text` is an http:// or https:// URL with a host, as `callback_url` must be."""
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


_UNSET = object()
