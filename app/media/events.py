"""What a recording reports while it runs: each event is a past-tense fact with its JSON form.

`recdesk-record` prints each as one JSON line (`as_event()`); the service turns them into task
events and webhooks. Finished files are `FileInfo` (`{"event": "file", ...}`) and snapshots are
`Snapshot` (`{"event": "snapshot", ...}`); the rest are here. Times (`at`) are seconds on the
recording's output timeline, the one its files play on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Event(Protocol):
    """Anything a recording reports."""

    def as_event(self) -> dict[str, Any]:
        """The JSON object, with its `event` name."""
        ...


@dataclass(frozen=True)
class Started:
    """The first packet was written: the recording's files exist and grow from here."""

    def as_event(self) -> dict[str, Any]:
        """`{"event": "started"}`."""
        return {"event": "started"}


@dataclass(frozen=True)
class Paused:
    """Writing stopped at `at`; the files keep one continuous timeline across the pause."""

    at: float

    def as_event(self) -> dict[str, Any]:
        """`{"event": "paused", "at": ...}`."""
        return {"event": "paused", "at": round(self.at, 3)}


@dataclass(frozen=True)
class Resumed:
    """Writing goes on from `at` (at the source's next keyframe)."""

    at: float

    def as_event(self) -> dict[str, Any]:
        """`{"event": "resumed", "at": ...}`."""
        return {"event": "resumed", "at": round(self.at, 3)}


@dataclass(frozen=True)
class SourceLost:
    """A live source dropped; the recording reconnects while `max_idle` allows."""

    reason: str

    def as_event(self) -> dict[str, Any]:
        """`{"event": "source-lost", "reason": ...}`."""
        return {"event": "source-lost", "reason": self.reason}


@dataclass(frozen=True)
class SourceBack:
    """A dropped live source is back after `gap` seconds; the files go on without that gap."""

    gap: float
    attempts: int

    def as_event(self) -> dict[str, Any]:
        """`{"event": "source-back", "gap": ..., "attempts": ...}`."""
        return {"event": "source-back", "gap": round(self.gap, 3), "attempts": self.attempts}


Listener = Callable[[Event], None]


def ignore(event: Event) -> None:
    """A listener that drops every event."""
