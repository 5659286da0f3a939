"""Service and connection errors in words an operator understands: what happened, what to do."""

from __future__ import annotations

from app.api.errors import ErrorCode
from app.client.errors import ConnectionFailed, ServiceError
from app.errors import RecDeskError

# What to do about each error code; the message from the service says what happened.
_ADVICE: dict[ErrorCode, str] = {
    ErrorCode.malformed_request: "This is a fault of the app; please report it.",
    ErrorCode.unauthorized: "Check the AppID and secret of this service's profile "
    "(File → Connect to a service…).",
    ErrorCode.signature_expired: "Set this computer's clock right: the service accepts signed "
    "requests within 10 minutes of its own time.",
    ErrorCode.nonce_reused: "Try again; if it keeps happening, report it.",
    ErrorCode.invalid_value: "Correct the field named in the message and try again.",
    ErrorCode.invalid_layout: "Fix the layout (each problem is listed) or pick a template.",
    ErrorCode.path_outside_data_dir: "Use a folder and a name rule inside the recordings folder.",
    ErrorCode.invalid_name_rule: "Use only {random} {date} {time} {roomid} {userid} {taskid} "
    "{part} in the name rule ({userid} only in single-stream recordings).",
    ErrorCode.unsupported_output: "Pick a format that holds this stream type, or change the type.",
    ErrorCode.room_not_found: "The room has closed or was renamed; refresh the room list.",
    ErrorCode.stream_not_found: "That participant has left; refresh the room.",
    ErrorCode.recording_not_found: "The recording is not on this service; refresh the task list.",
    ErrorCode.file_not_found: "The file was removed from the service.",
    ErrorCode.not_found: "The service does not know this request; it may be older than the app.",
    ErrorCode.recording_active: "Stop the room's current recording first, or record in the "
    "other mode.",
    ErrorCode.recording_stopped: "Nothing to do: the recording has already stopped.",
    ErrorCode.recording_state: "Wait for the recording to reach a state that allows this.",
    ErrorCode.internal: "Try again; if it keeps failing, look at the service's log.",
    ErrorCode.unavailable: "The service is starting or stopping; try again in a moment.",
}


def describe(error: BaseException) -> tuple[str, str]:
    """(what happened, what to do) for an error raised by the client or the app."""
    if isinstance(error, ConnectionFailed):
        return (
            f"The recording service cannot be reached ({error}).",
            "RecDesk keeps trying to reconnect; check that the service runs and the network is up.",
        )
    if isinstance(error, ServiceError):
        advice = _ADVICE.get(error.code) if error.code is not None else None
        return error.message, advice or "Try again; if it keeps failing, look at the service's log."
    if isinstance(error, RecDeskError):
        return str(error), "Correct what the message names and try again."
    return f"Something unexpected failed: {error!r}.", "Please report it, with the app's log."
