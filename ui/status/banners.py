"""What the window's banner says about the service's own events: the failures it reports only
there (an automatic recording held, a callback given up, its disk low or full).

`banner_of(event)` gives what happened and what to do, or None for an event that needs nobody's
attention (a held room that did not fail: an operator's stop, a recording started by hand).
"""

from __future__ import annotations

from app.api.models import Event
from app.client.tables import size
from ui.common.translate import translate


def banner_of(event: Event) -> tuple[str, str] | None:
    """(what happened, what to do) for a service event that needs the operator, else None."""
    data = event.data
    if event.type == "autorecord.held" and data.get("failed"):
        return (
            translate("ServiceBanners", "Room {0} is not being recorded automatically: {1}").format(
                data.get("room_id"), data.get("reason")
            ),
            translate(
                "ServiceBanners",
                "It is tried again once the room has emptied and someone publishes; "
                "check the preset {0} in the service's config.",
            ).format(data.get("preset")),
        )
    if event.type == "webhook.given_up":
        return (
            translate(
                "ServiceBanners", "The service gave up a callback to {0} after {1} attempts: {2}"
            ).format(data.get("url"), data.get("attempts"), data.get("error")),
            translate(
                "ServiceBanners",
                "Check that the receiver answers; the recording and its files are kept.",
            ),
        )
    if event.type != "disk.low":
        return None
    free, reserve = size(data.get("free_bytes")), size(data.get("reserve_bytes"))
    if data.get("short"):
        return (
            translate(
                "ServiceBanners",
                "The service's disk is full ({0} free, reserve {1}): its recordings were "
                "stopped and new ones are refused.",
            ).format(free, reserve),
            translate(
                "ServiceBanners",
                "Every file recorded so far is kept. Free some space on the service's "
                "disk, then start again.",
            ),
        )
    return (
        translate("ServiceBanners", "The service's disk is nearly full: {0} free.").format(free),
        translate(
            "ServiceBanners", "Recordings stop when less than {0} is free; free some space now."
        ).format(reserve),
    )
