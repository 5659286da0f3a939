"""What can go wrong when talking to the recording service, as one exception tree.

```
ClientError (RecDeskError)
 ├─ ConnectionFailed         the service could not be reached, or did not answer in time
 ├─ BadResponse              it answered with something this client cannot read
 └─ ServiceError             it answered with an error body: .code .number .name .status .message
     ├─ InvalidRequest       400, 413, 422: a malformed or too large request, or a wrong value
     ├─ Unauthorized         401: credentials missing or refused (AppID, secret, token)
     │   ├─ SignatureExpired   the signature's Timestamp is off by more than 10 minutes
     │   └─ NonceReused        the signature's nonce was used before
     ├─ NotFound             404
     │   ├─ RoomNotFound
     │   ├─ StreamNotFound
     │   ├─ RecordingNotFound
     │   ├─ FileNotFound
     │   └─ ImageNotFound
     ├─ Conflict             409: the thing asked for does not fit the current state
     │   ├─ AlreadyRecording   the room already records in this mode
     │   ├─ AlreadyStopped     the recording has already stopped
     │   └─ WrongState         the recording cannot do this in its state
     ├─ Busy                 429: too much of one kind at once (previews, event streams)
     └─ ServerFailure        5xx: the service failed, is starting/stopping, its disk is full,
                               or no host of its cluster has room
```

`error_from_response` builds the right `ServiceError` from an error answer (by its stable code,
else by its HTTP status), and `connection_failed` turns an httpx transport error into a
`ConnectionFailed`; callers raise them `from` the httpx exception so the cause stays visible.
`str()` of each is one line that an operator can act on.
"""

from __future__ import annotations

import json

import httpx

from app.api.errors import ErrorCode
from app.errors import RecDeskError


class ClientError(RecDeskError):
    """Base of every error the client raises."""


class ConnectionFailed(ClientError):
    """The service could not be reached, dropped the connection, or did not answer in time."""


class BadResponse(ClientError):
    """The service answered, but not with what this client can read (a newer or foreign server)."""


class ServiceError(ClientError):
    """The service answered with an error: its stable code, name, HTTP status and message.

    `code` is None when the number is one this client does not know (a newer service) or the
    answer had no error body (a proxy's error page); `number` is None only in the latter case.
    """

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        number: int | None = None,
        name: str = "",
        status: int = 500,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.number = number
        self.name = name
        self.status = status
        self.caller_fault = status < 500

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, number={self.number}, name={self.name!r})"


class InvalidRequest(ServiceError):
    """The request was malformed, too large, or one of its values was refused (400, 413, 422)."""


class Unauthorized(ServiceError):
    """The service wants credentials, or refused the ones sent (401): check AppID and secret."""


class SignatureExpired(Unauthorized):
    """The signature's Timestamp is more than 10 minutes from the service's clock."""


class NonceReused(Unauthorized):
    """The signature's nonce was used before."""


class NotFound(ServiceError):
    """Something named in the request does not exist (404)."""


class RoomNotFound(NotFound):
    """No room has this id."""


class StreamNotFound(NotFound):
    """The room has no stream with this id."""


class RecordingNotFound(NotFound):
    """No recording has this id."""


class FileNotFound(NotFound):
    """No file has this id."""


class ImageNotFound(NotFound):
    """The service's images area has no image of this name."""


class Conflict(ServiceError):
    """The request does not fit the current state of the room or recording (409)."""


class AlreadyRecording(Conflict):
    """The room already records in this mode."""


class AlreadyStopped(Conflict):
    """The recording has already stopped."""


class WrongState(Conflict):
    """The recording cannot do this in its current state (pause a paused one, ...)."""


class Busy(ServiceError):
    """The service runs as many of these (previews, event streams) as it takes (429); try again
    in a moment."""


class ServerFailure(ServiceError):
    """The service failed, or is starting or stopping (5xx)."""


_BY_CODE: dict[ErrorCode, type[ServiceError]] = {
    ErrorCode.unauthorized: Unauthorized,
    ErrorCode.signature_expired: SignatureExpired,
    ErrorCode.nonce_reused: NonceReused,
    ErrorCode.room_not_found: RoomNotFound,
    ErrorCode.stream_not_found: StreamNotFound,
    ErrorCode.recording_not_found: RecordingNotFound,
    ErrorCode.file_not_found: FileNotFound,
    ErrorCode.image_not_found: ImageNotFound,
    ErrorCode.recording_active: AlreadyRecording,
    ErrorCode.recording_stopped: AlreadyStopped,
    ErrorCode.recording_state: WrongState,
}


def _class_for(code: ErrorCode | None, status: int) -> type[ServiceError]:
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code]
    if status == 401:
        return Unauthorized
    if status == 404:
        return NotFound
    if status == 409:
        return Conflict
    if status == 429:
        return Busy
    if status in (400, 413, 422):
        return InvalidRequest
    if status >= 500:
        return ServerFailure
    return ServiceError


def _one_line(text: str) -> str:
    return " ".join(text.split())


def error_from_response(response: httpx.Response) -> ServiceError:
    """The `ServiceError` subclass that matches an error answer; its body must have been read."""
    status = response.status_code
    number: int | None = None
    name = ""
    message = ""
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("code"), int):
        number = body["code"]
        name = str(body.get("name") or "")
        message = _one_line(str(body.get("message") or ""))
    elif isinstance(body, dict) and isinstance(body.get("detail"), str):
        # A framework's own answer (an unknown path, say) before the service's handlers ran.
        message = _one_line(body["detail"])
    code = ErrorCode.of(number) if number is not None else None
    if not name:
        name = code.name if code is not None else _status_name(response)
    if not message:
        if code is not None:
            message = code.value.meaning
        else:
            # A proxy's or framework's error page: its HTML says nothing an operator needs.
            message = f"the service answered HTTP {status} {response.reason_phrase}".rstrip()
    return _class_for(code, status)(message, code=code, number=number, name=name, status=status)


def _status_name(response: httpx.Response) -> str:
    phrase = response.reason_phrase.lower().replace(" ", "_").replace("-", "_")
    return phrase or f"http_{response.status_code}"


def connection_failed(exc: httpx.TransportError, service: str) -> ConnectionFailed:
    """A `ConnectionFailed` that says, in one line, how talking to `service` went wrong."""
    detail = _one_line(str(exc))
    match exc:
        case httpx.ConnectTimeout():
            message = f"cannot connect to the service at {service}: no answer to connect in time"
        case httpx.ConnectError():
            message = f"cannot connect to the service at {service}: {detail or 'refused'}"
        case httpx.ReadTimeout():
            message = f"the service at {service} did not answer in time"
        case httpx.WriteTimeout():
            message = f"the service at {service} did not take the request in time"
        case httpx.PoolTimeout():
            message = f"too many requests to {service} at once: no free connection in time"
        case httpx.RemoteProtocolError():
            message = f"the service at {service} closed the connection before answering fully"
        case httpx.UnsupportedProtocol():
            message = f"cannot talk to {service}: {detail}"
        case _:
            message = (
                f"the connection to the service at {service} failed: {detail or type(exc).__name__}"
            )
    return ConnectionFailed(message)


def unreadable(what: str, exc: ValueError) -> BadResponse:
    """A `BadResponse` saying that `what` did not parse, naming the first field at fault."""
    # pydantic's ValidationError is a ValueError with `errors()`; this module does not import it.
    errors = getattr(exc, "errors", None)
    detail = _one_line(str(exc))
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "body"
        detail = f"{where}: {first.get('msg', 'invalid')}"
    return BadResponse(f"cannot read {what} from the service: {detail}")
