"""`MixMembers`: who a mixed local recording mixes, as participants join and leave.

```
add(item) ─▶ [a thread per newcomer] open_input ─▶ MixSource.add_input ─▶ shown from the next frame
remove(id) ─────────────────────────────────────▶ MixSource.remove_input
```

The recorder builds the mix on its own thread; joins and leaves that come before the mix exists
are kept and applied once it does (`attach`), those that come once it is over are ignored
(`detach`). A newcomer's URL may take seconds to answer, so each is opened on a thread of its own
and the mix never waits; one that cannot be opened is logged, reported as `JoinFailed`, and left
out, and the recording goes on. One that leaves while it is still opening is closed as soon as it
opens. The mix itself arranges a template layout again for who is in it (`reflow`), and keeps a
custom layout, where a newcomer shows only if it has a region: nothing to do for it here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.media.local.build import Authorize, open_input
from app.media.local.spec import LocalInput
from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JoinFailed:
    """A participant who joined could not be opened: the recording goes on without them."""

    stream_id: str
    message: str

    def as_event(self) -> dict[str, Any]:
        """`{"event": "join-failed", ...}`."""
        return {"event": "join-failed", "stream_id": self.stream_id, "message": self.message}


class MixMembers:
    """The inputs a running mix should have, and the threads that bring newcomers in."""

    def __init__(
        self,
        inputs: Sequence[LocalInput],
        *,
        authorize: Authorize | None = None,
        on_failed: Callable[[JoinFailed], None] = lambda _failed: None,
    ) -> None:
        self._authorize = authorize
        self._on_failed = on_failed
        self._lock = threading.Lock()
        self._wanted: dict[str, LocalInput] = {i.stream_id: i for i in inputs}
        self._in_mix: set[str] = set()
        self._mix: MixSource | None = None
        self._over = False

    def in_mix(self) -> frozenset[str]:
        """The stream ids handed to the mix and not taken out (newcomers once they opened)."""
        with self._lock:
            return frozenset(self._in_mix)

    def add(self, item: LocalInput) -> bool:
        """Bring `item` in (opened on a thread of its own); False if it is in, or it is too late."""
        with self._lock:
            if self._over:
                log.info("%s joined once the recording was over: not added", item.stream_id)
                return False
            if item.stream_id in self._wanted:
                return False
            self._wanted[item.stream_id] = item
            started = self._mix is not None
        if started:
            self._join_later(item)
        return True

    def remove(self, stream_id: str) -> bool:
        """Take `stream_id` out of the mix from its next frame; False if it was not in it."""
        with self._lock:
            if self._over:
                log.info("%s left once the recording was over: nothing to do", stream_id)
                return False
            if self._wanted.pop(stream_id, None) is None:
                return False
            if self._mix is not None and stream_id in self._in_mix:
                self._in_mix.discard(stream_id)
                self._mix.remove_input(stream_id)
        return True

    def attach(self, mix: MixSource, mixed: Iterable[str]) -> None:
        """The mix exists, with the inputs `mixed`: apply the joins and leaves that came before."""
        with self._lock:
            if self._over:
                return
            self._mix = mix
            self._in_mix = set(mixed)
            for stream_id in self._in_mix - self._wanted.keys():
                self._in_mix.discard(stream_id)
                mix.remove_input(stream_id)
            joining = [i for i in self._wanted.values() if i.stream_id not in self._in_mix]
        for item in joining:
            self._join_later(item)

    def detach(self) -> None:
        """The mix is over (or never was): later joins and leaves are ignored."""
        with self._lock:
            self._over = True
            self._mix = None

    def _join_later(self, item: LocalInput) -> None:
        threading.Thread(
            target=self._join, args=(item,), name=f"local-join-{item.stream_id}", daemon=True
        ).start()

    def _join(self, item: LocalInput) -> None:
        try:
            joined = MixInput(item.stream_id, open_input(item, self._authorize), kind=item.kind)
        except Exception as exc:  # whatever it was, this participant is left out, not the rest
            log.warning("cannot open %s, who joined the recording: %s", item.stream_id, exc)
            with self._lock:
                over = self._over
                if self._wanted.get(item.stream_id) == item and item.stream_id not in self._in_mix:
                    del self._wanted[item.stream_id]  # a later join of theirs is tried afresh
            if not over:
                self._on_failed(JoinFailed(item.stream_id, str(exc)))
            return
        with self._lock:
            mix = self._mix
            wanted = item.stream_id in self._wanted and item.stream_id not in self._in_mix
            if mix is not None and wanted:
                self._in_mix.add(item.stream_id)
                mix.add_input(joined)
                return
        joined.close()  # left while it opened, or the recording is over
