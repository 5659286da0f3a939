"""The service's stable error codes: one number per thing that can go wrong, and its HTTP status.

Every error body is `{"code": 40401, "name": "room_not_found", "message": "..."}`. `code` never
changes meaning; the leading three digits are the HTTP status it travels with (400 malformed, 401
missing or refused credentials, 404 unknown, 409 conflicting state, 422 invalid values, 500/503
the service's own failure). Where a source document defines a code for the same case,
`seed_code` names it, and docs/service.md's table lists them.

```
ApiError (RecDeskError)
 └─ carries an ErrorCode and a message; raised by the service, rebuilt by the client
```
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.errors import RecDeskError


@dataclass(frozen=True)
class _Code:
    number: int
    status: int
    seed_code: int | None
    meaning: str


class ErrorCode(Enum):
    """Every error the service answers with; `value` holds the number, status and meaning."""

    malformed_request = _Code(40001, 400, 30000000, "the body is not valid JSON or not an object")
    unauthorized = _Code(40101, 401, None, "credentials are missing or wrong")
    signature_expired = _Code(40102, 401, None, "the signature's Timestamp is outside ±10 minutes")
    nonce_reused = _Code(40103, 401, None, "the SignatureNonce was used before")
    link_invalid = _Code(40301, 403, None, "the download link is not one this service signed")
    link_expired = _Code(40302, 403, None, "the download link has expired")
    invalid_value = _Code(42201, 422, None, "a field has a wrong type or value")
    invalid_layout = _Code(42202, 422, None, "the layout breaks one of its rules")
    path_outside_data_dir = _Code(42203, 422, None, "a folder or name rule leaves the data dir")
    invalid_name_rule = _Code(42204, 422, None, "the name rule uses an unknown or unfit field")
    unsupported_output = _Code(42205, 422, None, "the format cannot hold the stream type")
    unknown_storage = _Code(42206, 422, None, "no storage profile of the service has this name")
    limit_exceeded = _Code(42207, 422, None, "a value is beyond one of the documented limits")
    unknown_image = _Code(
        42208, 422, None, "a layout names an image that is not in the service's images area"
    )
    invalid_image = _Code(42209, 422, None, "the upload is not a PNG or JPEG image")
    codec_not_in_format = _Code(
        42210, 422, None, "the format cannot hold a stream's codec as it is (see reencode)"
    )
    unknown_preset = _Code(42211, 422, None, "no preset of the service's config has this name")
    room_not_found = _Code(40401, 404, 30000410, "no room has this id")
    stream_not_found = _Code(40402, 404, 30000411, "the room has no stream with this id")
    recording_not_found = _Code(40403, 404, None, "no recording has this id")
    file_not_found = _Code(40404, 404, None, "no file has this id")
    not_found = _Code(40405, 404, None, "no such endpoint")
    image_not_found = _Code(40406, 404, None, "the images area has no image of this name")
    request_too_large = _Code(41301, 413, None, "the request body is larger than the limit")
    image_too_large = _Code(41302, 413, None, "the image is larger than the limit")
    recording_active = _Code(40901, 409, 30000415, "the room already records in this mode")
    recording_stopped = _Code(40902, 409, 30000412, "the recording has already stopped")
    recording_state = _Code(40903, 409, None, "the recording cannot do this in its state")
    busy = _Code(42901, 429, None, "too many previews or event streams at once; try again")
    internal = _Code(50001, 500, None, "the service failed; its log says why")
    unavailable = _Code(50301, 503, None, "the service is starting or stopping")
    storage_unavailable = _Code(
        50302, 503, None, "the service has no secret key to keep storage keys with"
    )
    no_capacity = _Code(
        50303, 503, None, "no host of the cluster has room for the recording now; try again later"
    )
    insufficient_storage = _Code(
        50701, 507, None, "the recording folder's disk has less free space than its reserve"
    )

    @property
    def number(self) -> int:
        """The stable numeric code."""
        return self.value.number

    @property
    def status(self) -> int:
        """The HTTP status it is answered with."""
        return self.value.status

    @property
    def seed_code(self) -> int | None:
        """The source documents' code for the same case, if they have one."""
        return self.value.seed_code

    @classmethod
    def of(cls, number: int) -> ErrorCode | None:
        """The code with this number, or None for one this version does not know."""
        return _BY_NUMBER.get(number)


_BY_NUMBER = {code.number: code for code in ErrorCode}


class ApiError(RecDeskError):
    """An error with a stable code; the service raises it, the client rebuilds it from a body."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.caller_fault = code.status < 500

    def body(self) -> dict[str, object]:
        """The JSON error body."""
        return {"code": self.code.number, "name": self.code.name, "message": self.message}
