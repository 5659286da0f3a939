"""Service and connection errors in words an operator understands: what happened, what to do.

The service answers `{"code", "name", "message"}` with its message in English. For every code this
app knows, the operator reads the app's own text in their language (what happened, what to do),
with the service's message after it for the particulars (which field, which room); a code this app
does not know (a newer service) shows the service's message as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.api.errors import ErrorCode
from app.client.errors import ConnectionFailed, ServiceError
from app.errors import RecDeskError
from ui.common.translate import translate

# What happened and what to do, for each error code; every code has both (tests check it).
HAPPENED: dict[ErrorCode, object] = {
    ErrorCode.malformed_request: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The service could not read the request."
    ),
    ErrorCode.unauthorized: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The service refused the credentials."
    ),
    ErrorCode.signature_expired: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The request's signature has expired."
    ),
    ErrorCode.nonce_reused: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The service saw this request before."
    ),
    ErrorCode.link_invalid: QT_TRANSLATE_NOOP("ServiceErrors", "The download link is not valid."),
    ErrorCode.link_expired: QT_TRANSLATE_NOOP("ServiceErrors", "The download link has expired."),
    ErrorCode.invalid_value: QT_TRANSLATE_NOOP("ServiceErrors", "A value was refused."),
    ErrorCode.invalid_layout: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The layout breaks one of its rules."
    ),
    ErrorCode.path_outside_data_dir: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The folder or name rule leads outside the recordings folder."
    ),
    ErrorCode.invalid_name_rule: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The name rule uses an unknown field."
    ),
    ErrorCode.unsupported_output: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The format cannot hold this stream type."
    ),
    ErrorCode.unknown_storage: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The service has no storage of this name."
    ),
    ErrorCode.unknown_preset: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The service has no preset of this name."
    ),
    ErrorCode.limit_exceeded: QT_TRANSLATE_NOOP(
        "ServiceErrors", "A value is beyond the service's limits."
    ),
    ErrorCode.unknown_image: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The layout names an image the service does not have."
    ),
    ErrorCode.invalid_image: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The file is not a PNG or JPEG image."
    ),
    ErrorCode.codec_not_in_format: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The format cannot hold a stream's codec as it is."
    ),
    ErrorCode.room_not_found: QT_TRANSLATE_NOOP("ServiceErrors", "The room is not on the service."),
    ErrorCode.stream_not_found: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The participant's stream is not in the room."
    ),
    ErrorCode.recording_not_found: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The recording is not on the service."
    ),
    ErrorCode.file_not_found: QT_TRANSLATE_NOOP("ServiceErrors", "The file is not on the service."),
    ErrorCode.not_found: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The service does not know this request."
    ),
    ErrorCode.image_not_found: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The image is not on the service."
    ),
    ErrorCode.request_too_large: QT_TRANSLATE_NOOP("ServiceErrors", "The request is too large."),
    ErrorCode.image_too_large: QT_TRANSLATE_NOOP("ServiceErrors", "The image is too large."),
    ErrorCode.recording_active: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The room is already being recorded this way."
    ),
    ErrorCode.recording_stopped: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The recording has already stopped."
    ),
    ErrorCode.recording_state: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The recording cannot do this now."
    ),
    ErrorCode.busy: QT_TRANSLATE_NOOP("ServiceErrors", "The service is busy."),
    ErrorCode.internal: QT_TRANSLATE_NOOP("ServiceErrors", "The service failed."),
    ErrorCode.unavailable: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The service is starting or stopping."
    ),
    ErrorCode.storage_unavailable: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The service cannot use its storage keys."
    ),
    ErrorCode.insufficient_storage: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The recordings disk is almost full."
    ),
    ErrorCode.no_capacity: QT_TRANSLATE_NOOP(
        "ServiceErrors", "No host of the service's cluster has room for this recording."
    ),
}
ADVICE: dict[ErrorCode, object] = {
    ErrorCode.malformed_request: QT_TRANSLATE_NOOP(
        "ServiceErrors", "This is a fault of the app; please report it."
    ),
    ErrorCode.unauthorized: QT_TRANSLATE_NOOP(
        "ServiceErrors",
        "Check the AppID and secret of this service's profile (File → Connect to a service…).",
    ),
    ErrorCode.signature_expired: QT_TRANSLATE_NOOP(
        "ServiceErrors",
        "Set this computer's clock right: the service accepts signed requests within 10 "
        "minutes of its own time.",
    ),
    ErrorCode.nonce_reused: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Try again; if it keeps happening, report it."
    ),
    ErrorCode.link_invalid: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Download the file again from the recording's file list."
    ),
    ErrorCode.link_expired: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Download the file again from the recording's file list."
    ),
    ErrorCode.invalid_value: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Correct the field named in the message and try again."
    ),
    ErrorCode.invalid_layout: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Fix the layout (each problem is listed) or pick a template."
    ),
    ErrorCode.path_outside_data_dir: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Use a folder and a name rule inside the recordings folder."
    ),
    ErrorCode.invalid_name_rule: QT_TRANSLATE_NOOP(
        "ServiceErrors",
        "Use only {random} {date} {time} {roomid} {userid} {taskid} {part} in the name rule "
        "({userid} only in single-stream recordings).",
    ),
    ErrorCode.unsupported_output: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Pick a format that holds this stream type, or change the type."
    ),
    ErrorCode.unknown_storage: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Pick one of the service's storage profiles, or none."
    ),
    ErrorCode.unknown_preset: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Pick one of the service's presets, or none."
    ),
    ErrorCode.limit_exceeded: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Use a smaller value (the message names the limit)."
    ),
    ErrorCode.unknown_image: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Upload the image again, or pick another one."
    ),
    ErrorCode.invalid_image: QT_TRANSLATE_NOOP("ServiceErrors", "Pick a PNG or JPEG image."),
    ErrorCode.codec_not_in_format: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Pick another format, or let the service re-encode."
    ),
    ErrorCode.room_not_found: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The room has closed or was renamed; refresh the room list."
    ),
    ErrorCode.stream_not_found: QT_TRANSLATE_NOOP(
        "ServiceErrors", "That participant has left; refresh the room."
    ),
    ErrorCode.recording_not_found: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The recording is not on this service; refresh the task list."
    ),
    ErrorCode.file_not_found: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The file was removed from the service."
    ),
    ErrorCode.not_found: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The service may be older than the app; update the service."
    ),
    ErrorCode.image_not_found: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Upload the image again, or pick another one."
    ),
    ErrorCode.request_too_large: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Send less at once; if it keeps happening, report it."
    ),
    ErrorCode.image_too_large: QT_TRANSLATE_NOOP("ServiceErrors", "Pick a smaller image."),
    ErrorCode.recording_active: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Stop the room's current recording first, or record in the other mode."
    ),
    ErrorCode.recording_stopped: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Nothing to do: the recording has already stopped."
    ),
    ErrorCode.recording_state: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Wait for the recording to reach a state that allows this."
    ),
    ErrorCode.busy: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Close some previews and try again in a moment."
    ),
    ErrorCode.internal: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Try again; if it keeps failing, look at the service's log."
    ),
    ErrorCode.unavailable: QT_TRANSLATE_NOOP("ServiceErrors", "Try again in a moment."),
    ErrorCode.storage_unavailable: QT_TRANSLATE_NOOP(
        "ServiceErrors", "The service's administrator must set its secret key."
    ),
    ErrorCode.insufficient_storage: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Free some space on the service's disk, then try again."
    ),
    ErrorCode.no_capacity: QT_TRANSLATE_NOOP(
        "ServiceErrors", "Stop a recording or add a host to the cluster, then try again."
    ),
}


def _tr(text: object) -> str:
    return translate("ServiceErrors", text)


def describe(error: BaseException) -> tuple[str, str]:
    """(what happened, what to do) for an error raised by the client or the app."""
    if isinstance(error, ConnectionFailed):
        return (
            translate("ServiceErrors", "The recording service cannot be reached ({0}).").format(
                error
            ),
            translate(
                "ServiceErrors",
                "RecDesk keeps trying to reconnect; check that the service runs and the "
                "network is up.",
            ),
        )
    if isinstance(error, ServiceError):
        general = translate(
            "ServiceErrors", "Try again; if it keeps failing, look at the service's log."
        )
        if error.code is None or error.code not in HAPPENED:
            return error.message, general  # a code this app does not know: the service's words
        says = translate("ServiceErrors", "(The service says: {0})").format(error.message)
        what = f"{_tr(HAPPENED[error.code])} {says}" if error.message else _tr(HAPPENED[error.code])
        return what, _tr(ADVICE.get(error.code, general))
    if isinstance(error, RecDeskError):
        return str(error), translate(
            "ServiceErrors", "Correct what the message names and try again."
        )
    return (
        translate("ServiceErrors", "Something unexpected failed: {0}.").format(repr(error)),
        translate("ServiceErrors", "Please report it, with the app's log."),
    )
