"""What a recorder worker reports: its event lines, and how a recording ended.

The media engine's events (`app.media.events`, `FileInfo`, `Snapshot`) become the worker's JSON
lines here, tagged with the stream they are about (`stream_id`, and for files `user_id` and the
part number); a mix's are about no one stream (`null`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from app.media.events import Event
from app.media.fileinfo import FileInfo

Emit = Callable[[dict[str, Any]], None]
"""Writes one event line; called from any thread."""

EndReason = Literal["stopped", "duration", "idle", "source-ended", "error", "service-gone"]


@dataclass(frozen=True)
class Ending:
    """How a recording ended: the `ended` line's reason and message."""

    reason: EndReason
    message: str | None = None

    def as_event(self) -> dict[str, Any]:
        """`{"event": "ended", "reason": ..., "message": ...}`."""
        return {"event": "ended", "reason": self.reason, "message": self.message}


def warning(message: str) -> dict[str, Any]:
    """`{"event": "warning", "message": ...}`."""
    return {"event": "warning", "message": message}


def tagged(event: Event, stream_id: str | None) -> dict[str, Any]:
    """An engine event's line, about `stream_id` (None: the mix)."""
    return event.as_event() | {"stream_id": stream_id}


def file_event(
    info: FileInfo, part: int | None, stream_id: str | None, user_id: str | None
) -> dict[str, Any]:
    """A finished file's line: what `FileInfo` says, its other files, whose it is, which part."""
    line = info.as_event()
    # An HLS playlist's segments are files of the recording too: whoever uploads or lists the
    # files needs them.
    line.setdefault("extra_paths", [str(p) for p in info.extra_paths])
    return line | {"stream_id": stream_id, "user_id": user_id, "part": part}
