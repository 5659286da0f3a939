"""What the tray tells the operator when a recording ends: finished, failed, or stopped for space.

Plain decisions, with no tray needed: `service_notice` reads a `recording.state` event of the
service, `local_notice` an end of the recorder on this computer; each gives a `Notice` (a title
that names the room and a message that says what to do) or None when nothing needs saying. The
`Tray` shows them where the system has a tray.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.api.models import Event
from app.media.local import Ended
from ui.common.translate import translate
from ui.local.endings import why_ended

NoticeKind = Literal["finished", "failed", "disk-full"]


@dataclass(frozen=True)
class Notice:
    """One notification: what happened (`title`) and what to do (`message`)."""

    kind: NoticeKind
    title: str
    message: str
    recording_id: str | None = None  # the service's recording, None for one on this computer


def service_notice(event: Event, room: str) -> Notice | None:
    """The notice for a service's `recording.state` event of a recording in `room` (its name),
    None for a state that is not an end.

    A recording with storage ends recording when it starts uploading: stopped for space it says
    so then; otherwise it has finished once its files are uploaded too (`completed`).
    """
    data = event.data
    if event.type != "recording.state":
        return None
    state, reason = data.get("state"), data.get("reason")
    recording_id = data.get("recording_id")
    rec_id = recording_id if isinstance(recording_id, str) else None
    if reason == "disk-full" and state in ("uploading", "completed"):
        return Notice(
            "disk-full",
            translate("Notices", "Recording of {0} stopped: the service's disk is full").format(
                room
            ),
            translate(
                "Notices",
                "Every file recorded so far is kept. Free some space on the service's disk, "
                "then start again.",
            ),
            rec_id,
        )
    if state == "failed":
        why = str(reason) if reason else translate("Notices", "No reason given.")
        todo = translate("Notices", "Check the room and the service, then start again.")
        return Notice(
            "failed",
            translate("Notices", "Recording of {0} failed").format(room),
            f"{why}\n{todo}",
            rec_id,
        )
    if state == "completed":
        why = {
            "idle": translate("Notices", "It stopped because nothing was published for a while."),
            "max-duration": translate("Notices", "It stopped at its maximum duration."),
            "source-ended": translate("Notices", "It stopped because its source ended."),
        }.get(str(reason), "")
        where = translate("Notices", "Its files are in RecDesk's list of recordings.")
        return Notice(
            "finished",
            translate("Notices", "Recording of {0} finished").format(room),
            f"{why}\n{where}" if why else where,
            rec_id,
        )
    return None


def local_notice(ended: Ended, what: str) -> Notice | None:
    """The notice for the end of a recording of `what` on this computer; None for a stop the
    operator asked for (the panel and the save flow say it already)."""
    why = why_ended(ended, None)
    match ended.reason:
        case "stopped":
            return None
        case "disk-full":
            return Notice(
                "disk-full",
                translate(
                    "Notices", "Recording of {0} stopped: this computer's disk is full"
                ).format(what),
                translate(
                    "Notices",
                    "Every file recorded so far is kept. Free some space on this computer, "
                    "then start again.",
                ),
            )
        case "error" | "idle":
            todo = translate("Notices", "Check the source, then start again.")
            return Notice(
                "failed",
                translate("Notices", "Recording of {0} on this computer failed").format(what),
                f"{why}\n{todo}",
            )
        case _:
            return Notice(
                "finished",
                translate("Notices", "Recording of {0} on this computer finished").format(what),
                why,
            )
