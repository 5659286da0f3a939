"""The service's OpenAPI document as a client needs it: ids that read, every error, credentials.

FastAPI's own document names operations after their functions and paths
(`start_v1_recordings_post`), lists only the success and a `{"detail": ...}` 422, and says
nothing of credentials. Here:

- `operation_id` is the app's `generate_unique_id_function`: `OPERATIONS` maps each route (method
  and path) to its id and the error codes its own code may answer; a route missing from it gets
  an id made from its method and path, so a new route is never left without one.
- `complete` rewrites FastAPI's document: every operation lists each error status it may answer
  with the `ErrorBody` schema (`{code, name, message}`, `app.api.errors`), the codes in the
  response's description and its `x-error-codes`; the seeds' fronts (anyRTC, Action) answer their
  own errors in their own forms, and the credentials check, the body limit and request
  validation still answer in ours. The credentials the service takes are declared as security
  schemes (`app.service.auth`): a bearer token (header or `Token` query), the seeds' signed query
  and the request signature headers (`X-RecDesk-Signature` and its family).
- `install(app)` makes `app.openapi()` return the completed document, built once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from app.api.errors import ErrorCode
from app.service.auth.guard import is_open

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.routing import APIRoute

Form = Literal["api", "anyrtc", "action"]
"""The shape an operation's own errors take: ours, seed 001's or seed 003's."""

E = ErrorCode
_CREDENTIALS = (E.unauthorized, E.signature_expired, E.nonce_reused)
_EVERYWHERE = (E.internal, E.unavailable)
_VALIDATION = (E.invalid_value,)  # FastAPI's check of parameters and bodies, turned into ours
_BODY = (E.malformed_request, E.request_too_large, E.invalid_value)
_SEED_BODY = (E.malformed_request, E.invalid_value)  # a seed's route reads its body itself
_LAYOUT = (E.invalid_layout, E.limit_exceeded, E.unknown_image)
_START = (
    E.room_not_found,
    E.stream_not_found,
    E.recording_active,
    *_LAYOUT,
    E.path_outside_data_dir,
    E.invalid_name_rule,
    E.unsupported_output,
    E.unknown_storage,
    E.storage_unavailable,
    E.insufficient_storage,
    E.no_capacity,
)
_LINK = (E.link_invalid, E.link_expired)  # a callback's signed download link
_RUNNING = (E.recording_not_found, E.recording_stopped, E.recording_state)


@dataclass(frozen=True)
class Operation:
    """One route's operation id and the error codes its own code may answer, in `form`; a
    `redirect` answers 307 to a link its storage signed, for a file no longer on disk."""

    id: str
    errors: tuple[ErrorCode, ...] = ()
    form: Form = "api"
    redirect: bool = False


OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/v1/health"): Operation("getHealth"),
    ("GET", "/v1/events"): Operation("streamEvents", (E.busy,)),
    ("POST", "/v1/layouts/preview"): Operation(
        "previewLayout", (E.room_not_found, E.stream_not_found, *_LAYOUT, E.busy)
    ),
    ("GET", "/v1/rooms"): Operation("listRooms"),
    ("GET", "/v1/rooms/{room_id}"): Operation("getRoom", (E.room_not_found,)),
    ("GET", "/v1/rooms/{room_id}/streams/{stream_id}/snapshot"): Operation(
        "getStreamSnapshot", (E.room_not_found, E.stream_not_found)
    ),
    ("GET", "/v1/rooms/{room_id}/streams/{stream_id}/live"): Operation(
        "watchStreamLive", (E.room_not_found, E.stream_not_found)
    ),
    ("POST", "/v1/recordings"): Operation("startRecording", (*_START, E.unknown_preset)),
    ("GET", "/v1/recordings"): Operation("listRecordings"),
    ("GET", "/v1/recordings/{recording_id}"): Operation("getRecording", (E.recording_not_found,)),
    ("POST", "/v1/recordings/{recording_id}/pause"): Operation("pauseRecording", _RUNNING),
    ("POST", "/v1/recordings/{recording_id}/resume"): Operation("resumeRecording", _RUNNING),
    ("POST", "/v1/recordings/{recording_id}/stop"): Operation("stopRecording", _RUNNING),
    ("PUT", "/v1/recordings/{recording_id}/layout"): Operation(
        "setRecordingLayout", (*_RUNNING, *_LAYOUT)
    ),
    ("GET", "/v1/recordings/{recording_id}/live"): Operation(
        "getRecordingLive", (E.recording_not_found, E.recording_stopped)
    ),
    ("GET", "/v1/recordings/{recording_id}/picture"): Operation(
        "getRecordingPicture", (*_RUNNING, E.room_not_found, E.unknown_image, E.busy)
    ),
    ("PUT", "/v1/recordings/{recording_id}/streams"): Operation(
        "setRecordingStreams", (*_RUNNING, E.stream_not_found)
    ),
    ("GET", "/v1/presets"): Operation("listPresets"),
    ("GET", "/v1/storage"): Operation("listStorageProfiles"),
    ("GET", "/v1/files"): Operation("listFiles"),
    ("GET", "/v1/files/{file_id}"): Operation("getFile", (E.file_not_found,), redirect=True),
    ("GET", "/v1/files/{file_id}/download"): Operation(
        "downloadFile", (E.file_not_found, *_LINK), redirect=True
    ),
    ("GET", "/v1/files/snapshots/{path}"): Operation(
        "downloadSnapshot", (E.file_not_found, *_LINK)
    ),
    ("GET", "/v1/images"): Operation("listImages"),
    ("PUT", "/v1/images/{name}"): Operation(
        "uploadImage", (E.invalid_image, E.image_too_large, E.insufficient_storage)
    ),
    ("GET", "/v1/images/{name}"): Operation("getImage", (E.image_not_found,)),
    ("DELETE", "/v1/images/{name}"): Operation("deleteImage", (E.image_not_found,)),
    ("POST", "/v1/demo/rooms/{room_id}/users/{user_id}/join"): Operation(
        "joinDemoRoom", (E.not_found, E.room_not_found)
    ),
    ("POST", "/v1/demo/rooms/{room_id}/users/{user_id}/leave"): Operation(
        "leaveDemoRoom", (E.not_found, E.room_not_found)
    ),
    ("GET", "/anyapi/v1/startrecord"): Operation(
        "anyRtcStartRecord", (*_SEED_BODY, *_START), "anyrtc"
    ),
    ("GET", "/anyapi/v1/stoprecord"): Operation(
        "anyRtcStopRecord", (*_SEED_BODY, *_RUNNING, E.room_not_found), "anyrtc"
    ),
    ("POST", "/"): Operation("runAction", (*_SEED_BODY, *_START, *_RUNNING), "action"),
}
"""Every route's operation: `(METHOD, path)` to its id and its own error codes."""

_SCHEMAS: dict[str, dict[str, Any]] = {
    "ErrorBody": {
        "title": "ErrorBody",
        "description": "Every error's body: a stable numeric code, its name and what to fix.",
        "type": "object",
        "properties": {
            "code": {"type": "integer", "enum": [code.number for code in ErrorCode]},
            "name": {"type": "string", "enum": [code.name for code in ErrorCode]},
            "message": {"type": "string"},
        },
        "required": ["code", "name", "message"],
    },
    "AnyRtcError": {
        "title": "AnyRtcError",
        "description": "Seed 001's failure answer: `result` is the error's name, not \"ok\".",
        "type": "object",
        "properties": {
            "result": {"type": "string", "enum": [code.name for code in ErrorCode]},
            "code": {"type": "integer", "enum": [code.number for code in ErrorCode]},
            "message": {"type": "string"},
        },
        "required": ["result", "code", "message"],
    },
    "AnyRtcAnswer": {
        "title": "AnyRtcAnswer",
        "description": "Seed 001's success answer, with our recording's id.",
        "type": "object",
        "properties": {
            "result": {"type": "string", "const": "ok"},
            "recording_id": {"type": "string"},
        },
        "required": ["result", "recording_id"],
    },
    "ActionAnswer": {
        "title": "ActionAnswer",
        "description": "Seed 003's answer: `Code` 0 and `Data` on success; else `Data` holds "
        "`ErrorCode` and `ErrorName` (ours), or nothing for a missing or unknown Action.",
        "type": "object",
        "properties": {
            "Code": {"type": "integer"},
            "Message": {"type": "string"},
            "RequestId": {"type": "string"},
            "Data": {"type": "object"},
        },
        "required": ["Code", "Message", "RequestId", "Data"],
    },
}
_FORM_SCHEMA: dict[Form, str] = {
    "api": "ErrorBody",
    "anyrtc": "AnyRtcError",
    "action": "ActionAnswer",
}

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "`Authorization: Bearer TOKEN`, a token of the config's `[auth]` section.",
    },
    "requestSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-RecDesk-Signature",
        "description": "A signature over the method, path, query and body's SHA-256, with the "
        "`X-RecDesk-App`, `X-RecDesk-Timestamp` and `X-RecDesk-Nonce` headers beside it; the "
        "docs/auth.md shows how to make one.",
    },
    "signedQuery": {
        "type": "apiKey",
        "in": "query",
        "name": "Signature",
        "description": "The seeds' signed query: `AppId`, `SignatureNonce`, `Timestamp`, "
        "`SignatureVersion` and `Signature` = md5(AppId + SignatureNonce + ServerSecret + "
        "Timestamp).",
    },
    "tokenQuery": {
        "type": "apiKey",
        "in": "query",
        "name": "Token",
        "description": "A bearer token in the query, for callers that cannot set headers.",
    },
}
_SECURITY: list[dict[str, list[str]]] = [{name: []} for name in SECURITY_SCHEMES]
_JSON = "application/json"
_ABOUT = """

**Credentials.** A request from this machine (loopback, through no proxy) needs none; any other
needs one of the security schemes below, or is answered 401. Health and this documentation are
open to everyone.

**Errors.** Every error answers `{"code", "name", "message"}` (`ErrorBody`); `code` never changes
meaning and its first three digits are the HTTP status. Each operation lists the codes it may
answer, in the response's description and in its `x-error-codes`. The seeds' own fronts answer
their own errors in their own forms."""


def operation_id(route: APIRoute) -> str:
    """The route's operation id: from `OPERATIONS`, or made from its method and path."""
    method = min(route.methods or {"GET"})
    known = OPERATIONS.get((method, route.path_format))
    if known is not None:
        return known.id
    words = [word for word in re.split(r"[^A-Za-z0-9]+", route.path_format) if word != "v1"]
    return method.lower() + "".join(word[:1].upper() + word[1:] for word in words)


def install(app: FastAPI) -> None:
    """Make `app.openapi()` answer the completed document (built on first use, then kept)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's `document` with our errors, credentials and description (changed in place)."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas.update(_SCHEMAS)
    components["securitySchemes"] = SECURITY_SCHEMES
    document["security"] = _SECURITY
    info = document.setdefault("info", {})
    info["description"] = info.get("description", "") + _ABOUT
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            _complete_operation(method.upper(), path, operation)
    return document


def _complete_operation(method: str, path: str, operation: dict[str, Any]) -> None:
    known = OPERATIONS.get((method, path), Operation(operation.get("operationId", "")))
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)  # FastAPI's `{"detail": ...}`: ours replaces it below
    forms: dict[ErrorCode, set[Form]] = {}

    def add(codes: Iterable[ErrorCode], form: Form) -> None:
        for code in codes:
            forms.setdefault(code, set()).add(form)

    add(known.errors, known.form)
    add(_EVERYWHERE, "api")
    add(_EVERYWHERE, known.form)  # raised inside a seed's route, they take its form
    if is_open(path):
        operation["security"] = []
    else:
        add(_CREDENTIALS, "api")
    if operation.get("parameters"):
        add(_VALIDATION, "api")
    if "requestBody" in operation:
        add(_BODY, "api")
    if known.form != "api":
        add((E.request_too_large,), "api")  # the body limit answers before any route
    if known.redirect:
        responses["307"] = {
            "description": "The file is only in its storage now: a link there, signed for an hour.",
            "headers": {"Location": {"schema": {"type": "string"}}},
        }
    if path == "/" and method == "POST":
        add((E.malformed_request,), "action")  # a missing or unknown Action: the vendor's codes
    if path.startswith("/anyapi/"):
        responses["200"] = _json("The seed's success answer.", _ref("AnyRtcAnswer"))
    if path == "/" and method == "POST":
        responses["200"] = _json("Code 0 and the Action's Data.", _ref("ActionAnswer"))
    for key, response in responses.items():
        content = response.get("content", {})
        if key.startswith("2") and len(content) > 1 and content.get(_JSON) == {"schema": {}}:
            del content[_JSON]  # FastAPI's default, beside the media types the route declared
    for status, codes in _by_status(forms).items():
        responses[str(status)] = _error_response(codes, forms)
    operation["responses"] = dict(sorted(responses.items()))


def _by_status(forms: dict[ErrorCode, set[Form]]) -> dict[int, list[ErrorCode]]:
    statuses: dict[int, list[ErrorCode]] = {}
    for code in sorted(forms, key=lambda c: c.number):
        statuses.setdefault(code.status, []).append(code)
    return statuses


def _error_response(codes: list[ErrorCode], forms: dict[ErrorCode, set[Form]]) -> dict[str, Any]:
    shapes = sorted({_FORM_SCHEMA[form] for code in codes for form in forms[code]})
    schema = _ref(shapes[0]) if len(shapes) == 1 else {"anyOf": [_ref(s) for s in shapes]}
    lines = [f"- `{code.number}` `{code.name}`: {code.value.meaning}" for code in codes]
    described = "\n".join(lines)
    response = _json(f"{_REASONS.get(codes[0].status, 'Error')}.\n\n{described}", schema)
    response["x-error-codes"] = [code.number for code in codes]
    return response


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_REASONS = {
    400: "Malformed request",
    401: "Missing or refused credentials",
    404: "Not found",
    409: "Conflicts with the recording's state",
    413: "Request body too large",
    422: "Invalid value",
    429: "Too busy; try again after Retry-After",
    500: "The service failed",
    503: "Unavailable",
    507: "Not enough disk space",
}
