"""Seed 001's anyRTC recording calls, read into a `RecordingCreate`, and their answers.

```
GET /anyapi/v1/startrecord?AppID=APP&ArRoomID=ROOM&Type=Meet   body: Path, UserData, NameRule
GET /anyapi/v1/stoprecord?AppID=APP&ArRoomID=ROOM&Type=Meet
→ {"result": "ok"}   (anything else in `result` is a failure)
```

Every parameter may come in the query, in a JSON object body (as the seed sends it, even on GET,
whatever its Content-Type says) or in a form body; the same name twice with two values is
refused. What each becomes:

- `AppID` (or `AppId`): required, at most 58 characters (its tag is a tag like any, at most 64);
  the recording gets the tag `appid:APP` (the auth middleware checks the app and its token beyond
  loopback).
- `ArRoomID` → `room_id`.
- `Type`: `Meet`, the seed's only room type (case-sensitive): a mixed recording of the meeting,
  the seed's callback type "1".
- `Path` → `folder`, relative to the recordings folder, with the folder's limits.
- `UserData` → `user_data` (a JSON object is kept as its JSON text), at most 4 KiB of it.
- `NameRule` → `name_rule` (`{random}` `{date}` `{time}` `{roomid}` `{userid}`). An extension
  that is a format (`.mp4`, `.flv`, ...) is cut off and chooses the `format`. In a mixed
  recording `{userid}` has no meaning (the seed: "合成音视频此参数无效"), so it is left out with
  one separator next to it.
- `Mode` (ours): `single` records each user's streams to files of their own (callback type "2");
  the default is what `Type` says.
- `CallbackUrl` (ours) → `callback_url`. Without it the service-wide webhook config applies
  (anyRTC keeps the URL per application, in its console).

A recording started here carries the tag `callback:anyrtc`, so its finished files are reported in
the seed's flat callback body. The auth parameters (`Token`, and the signature ones) are the
middleware's and are ignored here; any other unknown name is refused. A value beyond one of the
service's limits is `limit_exceeded`, its message naming the seed's parameter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args
from urllib.parse import parse_qsl

from pydantic import ValidationError

from app.api.errors import ApiError, ErrorCode
from app.api.models import LIMIT_EXCEEDED, MAX_TAG_LENGTH, Mode, OutputFormat, RecordingCreate
from app.service.recordings.naming import check_folder
from app.service.webhooks.delivery import ANYRTC_TAG as CALLBACK_TAG

ROOM_TYPES: dict[str, Mode] = {"Meet": "mixed"}
_FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)
_SEED_PARAMS = ("AppID", "ArRoomID", "Type", "Path", "UserData", "NameRule")
_OUR_PARAMS = ("Mode", "CallbackUrl")
_AUTH_PARAMS = frozenset({"Token", "SignatureNonce", "Timestamp", "SignatureVersion", "Signature"})
_USERID = re.compile(r"[_-]\{userid\}|\{userid\}[_-]?")
_APP_TAG = "appid:"
MAX_APP_ID_LENGTH = MAX_TAG_LENGTH - len(_APP_TAG)


@dataclass(frozen=True)
class AnyRtcCall:
    """One startrecord/stoprecord call, its parameters checked."""

    app_id: str
    room_id: str
    mode: Mode
    path: str = ""
    user_data: object = None
    name_rule: str | None = None
    callback_url: str | None = None

    def recording_create(self) -> RecordingCreate:
        """The core's start request for this call."""
        rule, fmt = name_rule_of(self.name_rule, self.mode)
        fields: dict[str, object] = {
            "room_id": self.room_id,
            "mode": self.mode,
            "folder": self.path,
            "name_rule": rule,
            "user_data": self.user_data,
            "callback_url": self.callback_url,
            "tags": [CALLBACK_TAG, _APP_TAG + self.app_id],
        }
        if fmt is not None:
            fields["format"] = fmt
        try:
            return RecordingCreate.model_validate(fields)
        except ValidationError as exc:
            limit = any(e["type"] == LIMIT_EXCEEDED for e in exc.errors())
            code = ErrorCode.limit_exceeded if limit else ErrorCode.invalid_value
            raise ApiError(code, _problems(exc)) from exc


def read_call(query: Mapping[str, str], body: bytes, content_type: str | None) -> AnyRtcCall:
    """The call's parameters from its query and body; `ApiError` for anything missing or wrong."""
    params: dict[str, object] = {k: v for k, v in query.items() if k not in _AUTH_PARAMS}
    for name, value in _body_params(body, content_type).items():
        if name in params and params[name] != value:
            raise ApiError(
                ErrorCode.invalid_value, f"{name}: given twice, as {params[name]!r} and {value!r}"
            )
        params[name] = value
    if "AppId" in params and "AppID" not in params:
        params["AppID"] = params.pop("AppId")
    unknown = sorted(set(params) - {*_SEED_PARAMS, *_OUR_PARAMS})
    if unknown:
        raise ApiError(
            ErrorCode.invalid_value,
            f"unknown parameter {unknown[0]}; the parameters are "
            f"{', '.join(_SEED_PARAMS + _OUR_PARAMS)}",
        )
    room_type = _text(params, "Type", required=True)
    if room_type not in ROOM_TYPES:
        raise ApiError(
            ErrorCode.invalid_value,
            f"Type {room_type!r}: the room types are {', '.join(ROOM_TYPES)} (case-sensitive)",
        )
    mode = _text(params, "Mode") or ROOM_TYPES[room_type]
    if mode not in ("single", "mixed"):
        raise ApiError(ErrorCode.invalid_value, f"Mode {mode!r}: single or mixed")
    app_id = _text(params, "AppID", required=True)
    if len(app_id) > MAX_APP_ID_LENGTH:
        raise ApiError(
            ErrorCode.limit_exceeded,
            f"AppID: at most {MAX_APP_ID_LENGTH} characters, got {len(app_id)}",
        )
    path = _text(params, "Path")
    check_folder(path, "Path")
    return AnyRtcCall(
        app_id=app_id,
        room_id=_text(params, "ArRoomID", required=True),
        mode="single" if mode == "single" else "mixed",
        path=path,
        user_data=params.get("UserData"),
        name_rule=_text(params, "NameRule") or None,
        callback_url=_text(params, "CallbackUrl") or None,
    )


def name_rule_of(rule: str | None, mode: Mode) -> tuple[str | None, OutputFormat | None]:
    """A seed `NameRule` as our rule, and the format its extension names (if it names one)."""
    if rule is None or not rule.strip():
        return None, None
    fmt: OutputFormat | None = None
    stem, dot, extension = rule.rpartition(".")
    if dot and stem and extension.lower() in _FORMATS:
        rule = stem
        fmt = next(f for f in _FORMATS if f == extension.lower())
    if mode == "mixed":
        rule = _USERID.sub("", rule)
    return rule, fmt


def ok_body(recording_id: str) -> dict[str, str]:
    """The seed's success answer; `recording_id` is ours, for `GET /v1/recordings/{id}`."""
    return {"result": "ok", "recording_id": recording_id}


def error_body(error: ApiError) -> dict[str, object]:
    """The seed's failure answer: `result` is not "ok"; it is the error's stable name."""
    return {"result": error.code.name, "code": error.code.number, "message": error.message}


def _body_params(body: bytes, content_type: str | None) -> dict[str, object]:
    if not body.strip():
        return {}
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    # A JSON object is read as one whatever its type says: `curl -d '{...}'` calls it a form.
    if kind == "application/x-www-form-urlencoded" and not body.lstrip().startswith(b"{"):
        try:
            pairs = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(ErrorCode.malformed_request, "the form body cannot be read") from exc
        return dict(pairs)
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(ErrorCode.malformed_request, "the body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise ApiError(ErrorCode.malformed_request, "the body must be a JSON object")
    return value


def _text(params: Mapping[str, object], name: str, *, required: bool = False) -> str:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise ApiError(ErrorCode.invalid_value, f"{name}: missing")
        return ""
    if not isinstance(value, str):
        raise ApiError(ErrorCode.invalid_value, f"{name}: must be a string")
    return value


def _problems(exc: ValidationError) -> str:
    names = {
        "room_id": "ArRoomID",
        "folder": "Path",
        "name_rule": "NameRule",
        "user_data": "UserData",
        "callback_url": "CallbackUrl",
    }
    return "; ".join(
        f"{names.get(str(e['loc'][0]), e['loc'][0]) if e['loc'] else 'body'}: {e['msg']}"
        for e in exc.errors()
    )
