"""A mixed local recording's participants, as they join and leave the room.

`app.media.pipeline.members.MixMembers` does the following (the worker's mixed mode uses the same);
what is the desktop's is how a newcomer is opened (live, its URL signed by `authorize`) and how a
failure is told: a `JoinFailed` event, and the recording goes on without them. The mix itself
arranges a template layout again for who is in it (`reflow`), and keeps a custom layout, where a
newcomer shows only if it has a region: nothing to do for it here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.media.local.build import Authorize, mix_input
from app.media.local.spec import LocalInput
from app.media.pipeline.members import MixMembers


@dataclass(frozen=True)
class JoinFailed:
    """A participant who joined could not be opened: the recording goes on without them."""

    stream_id: str
    message: str

    def as_event(self) -> dict[str, Any]:
        """`{"event": "join-failed", ...}`."""
        return {"event": "join-failed", "stream_id": self.stream_id, "message": self.message}


def local_members(
    inputs: Sequence[LocalInput],
    *,
    authorize: Authorize | None = None,
    on_failed: Callable[[JoinFailed], None] = lambda _failed: None,
) -> MixMembers[LocalInput]:
    """The members of a local mix that starts with `inputs`."""
    return MixMembers(
        inputs,
        lambda item: mix_input(item, authorize),
        on_failed=lambda item, exc: on_failed(JoinFailed(item.stream_id, str(exc))),
        name="local-join",
    )
