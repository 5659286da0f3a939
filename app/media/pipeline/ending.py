"""How a recording ended: one set of reasons for the engine and every front end.

The remuxer ends with `duration`, `stopped`, `source-ended`, `idle` or `error`; the desktop's
local recorder adds `disk-full` (its disk guard stopped it), and the worker `service-gone` (the
service that started it went away). One literal holds them all, so a reason means the same thing
in each front end's `ended` event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

EndReason = Literal[
    "stopped", "duration", "idle", "source-ended", "error", "disk-full", "service-gone"
]


@dataclass(frozen=True)
class Ending:
    """How a recording ended: the `ended` line's reason and message."""

    reason: EndReason
    message: str | None = None

    def as_event(self) -> dict[str, Any]:
        """`{"event": "ended", "reason": ..., "message": ...}`."""
        return {"event": "ended", "reason": self.reason, "message": self.message}
