"""Error answers become the right exception, with the code, name, status and a one-line message."""

from __future__ import annotations

import httpx
import pytest

from app.api.errors import ErrorCode
from app.api.models import Health
from app.client.errors import (
    AlreadyRecording,
    AlreadyStopped,
    BadResponse,
    Busy,
    ClientError,
    Conflict,
    ConnectionFailed,
    FileNotFound,
    ImageNotFound,
    InvalidRequest,
    NonceReused,
    NotFound,
    RecordingNotFound,
    RoomNotFound,
    ServerFailure,
    ServiceError,
    SignatureExpired,
    StreamNotFound,
    Unauthorized,
    WrongState,
    connection_failed,
    error_from_response,
    unreadable,
)
from app.errors import RecDeskError

REQUEST = httpx.Request("GET", "http://127.0.0.1:8080/v1/rooms/r1")
SERVICE = "http://127.0.0.1:8080"

EXPECTED: dict[ErrorCode, type[ServiceError]] = {
    ErrorCode.malformed_request: InvalidRequest,
    ErrorCode.unauthorized: Unauthorized,
    ErrorCode.signature_expired: SignatureExpired,
    ErrorCode.nonce_reused: NonceReused,
    # A download link's own refusals: the client never sends one, so no class of their own.
    ErrorCode.link_invalid: ServiceError,
    ErrorCode.link_expired: ServiceError,
    ErrorCode.invalid_value: InvalidRequest,
    ErrorCode.invalid_layout: InvalidRequest,
    ErrorCode.path_outside_data_dir: InvalidRequest,
    ErrorCode.invalid_name_rule: InvalidRequest,
    ErrorCode.unsupported_output: InvalidRequest,
    ErrorCode.unknown_storage: InvalidRequest,
    ErrorCode.unknown_preset: InvalidRequest,
    ErrorCode.limit_exceeded: InvalidRequest,
    ErrorCode.unknown_image: InvalidRequest,
    ErrorCode.invalid_image: InvalidRequest,
    ErrorCode.codec_not_in_format: InvalidRequest,
    ErrorCode.request_too_large: InvalidRequest,
    ErrorCode.image_too_large: InvalidRequest,
    ErrorCode.room_not_found: RoomNotFound,
    ErrorCode.stream_not_found: StreamNotFound,
    ErrorCode.recording_not_found: RecordingNotFound,
    ErrorCode.file_not_found: FileNotFound,
    ErrorCode.image_not_found: ImageNotFound,
    ErrorCode.not_found: NotFound,
    ErrorCode.recording_active: AlreadyRecording,
    ErrorCode.recording_stopped: AlreadyStopped,
    ErrorCode.recording_state: WrongState,
    ErrorCode.busy: Busy,
    ErrorCode.internal: ServerFailure,
    ErrorCode.unavailable: ServerFailure,
    ErrorCode.storage_unavailable: ServerFailure,
    ErrorCode.insufficient_storage: ServerFailure,
    ErrorCode.no_capacity: ServerFailure,
}


def answer(status: int, *, json: object = None, text: str | None = None) -> httpx.Response:
    """A real response, as httpx hands it over once read."""
    if text is not None:
        return httpx.Response(status, text=text, request=REQUEST)
    return httpx.Response(status, json=json, request=REQUEST)


def test_every_code_has_its_expected_class() -> None:
    assert set(EXPECTED) == set(ErrorCode)


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda code: code.name)
def test_an_error_body_becomes_its_exception(code: ErrorCode) -> None:
    body = {"code": code.number, "name": code.name, "message": f"it went wrong: {code.name}"}
    error = error_from_response(answer(code.status, json=body))
    assert type(error) is EXPECTED[code]
    assert error.code is code
    assert (error.number, error.name, error.status) == (code.number, code.name, code.status)
    assert str(error) == error.message == f"it went wrong: {code.name}"
    assert error.caller_fault is (code.status < 500)
    assert isinstance(error, ClientError)
    assert isinstance(error, RecDeskError)


def test_subtrees() -> None:
    assert issubclass(RoomNotFound, NotFound)
    assert issubclass(AlreadyStopped, Conflict)
    assert issubclass(NotFound, ServiceError)
    assert not issubclass(ConnectionFailed, ServiceError)


def test_a_code_this_client_does_not_know_falls_back_on_the_status() -> None:
    body = {"code": 40499, "name": "moon_not_found", "message": "no moon here"}
    error = error_from_response(answer(404, json=body))
    assert type(error) is NotFound
    assert (error.code, error.number, error.name) == (None, 40499, "moon_not_found")


def test_a_message_over_several_lines_becomes_one() -> None:
    body = {"code": 42202, "name": "invalid_layout", "message": "regions[0].x:\n  must be >= 0 "}
    assert str(error_from_response(answer(422, json=body))) == "regions[0].x: must be >= 0"


def test_an_empty_message_says_what_the_code_means() -> None:
    body = {"code": 40403, "name": "recording_not_found", "message": ""}
    assert str(error_from_response(answer(404, json=body))) == "no recording has this id"


def test_an_error_page_without_a_body_says_the_status() -> None:
    error = error_from_response(answer(502, text="<html><h1>502 Bad Gateway</h1></html>"))
    assert type(error) is ServerFailure
    assert (error.code, error.number, error.name) == (None, None, "bad_gateway")
    assert str(error) == "the service answered HTTP 502 Bad Gateway"
    assert not error.caller_fault


def test_a_frameworks_detail_is_kept() -> None:
    error = error_from_response(answer(404, json={"detail": "Not Found"}))
    assert type(error) is NotFound
    assert str(error) == "Not Found"


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (
            httpx.ConnectError("[Errno 111] Connection refused", request=REQUEST),
            f"cannot connect to the service at {SERVICE}: [Errno 111] Connection refused",
        ),
        (
            httpx.ConnectTimeout("timed out", request=REQUEST),
            f"cannot connect to the service at {SERVICE}: no answer to connect in time",
        ),
        (
            httpx.ReadTimeout("timed out", request=REQUEST),
            f"the service at {SERVICE} did not answer in time",
        ),
        (
            httpx.RemoteProtocolError("Server disconnected", request=REQUEST),
            f"the service at {SERVICE} closed the connection before answering fully",
        ),
        (
            httpx.ReadError("", request=REQUEST),
            f"the connection to the service at {SERVICE} failed: ReadError",
        ),
    ],
    ids=["refused", "connect-timeout", "read-timeout", "dropped", "read-error"],
)
def test_transport_errors_become_connection_failed(exc: httpx.TransportError, message: str) -> None:
    error = connection_failed(exc, SERVICE)
    assert isinstance(error, ConnectionFailed)
    assert str(error) == message
    assert not error.caller_fault


def test_an_answer_that_does_not_parse_names_the_field() -> None:
    with pytest.raises(ValueError, match="version") as caught:
        Health.model_validate_json(b'{"uptime": 1, "free_bytes": 2}')
    error = unreadable("a Health", caught.value)
    assert isinstance(error, BadResponse)
    assert str(error) == "cannot read a Health from the service: version: Field required"
