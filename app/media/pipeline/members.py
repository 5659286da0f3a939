"""`MixMembers`: who a running mix mixes, as participants join and leave.

```
add(item) ─▶ [a thread per newcomer] open_input(item) ─▶ MixSource.add_input ─▶ shown next frame
remove(id) ──────────────────────────────────────────▶ MixSource.remove_input
```

The desktop's local recorder and the worker's mixed mode both follow a room this way; how an
input is opened is theirs (`open_input`, a callable that raises when it cannot).

- **Before the mix exists** (it is built on a thread of its own), joins are kept as pending and
  leaves are noted; `attach` applies them once it does: an input in the mix that has left since
  is taken out, pending ones are opened.
- **Newcomers** may take seconds to answer, so each is opened on a thread of its own and the mix
  never waits. One that cannot be opened is reported (`on_failed`) and left out, and the
  recording goes on; a later join of theirs is tried afresh. One that leaves while it is still
  opening is closed as soon as it opens.
- **Once it is over** (`detach`): joins and leaves are refused, and a newcomer that opens then is
  closed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, Literal, Protocol, TypeVar

from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource

log = logging.getLogger(__name__)


class Member(Protocol):
    """What a membership needs of an input: its stream id."""

    @property
    def stream_id(self) -> str:
        """The id the mix and its layout know the input by."""
        ...


M = TypeVar("M", bound=Member)

Change = Literal["done", "unchanged", "over"]
"""What a join or leave did: applied (or pending), nothing to do (in already, not in), too late."""


class MixMembers(Generic[M]):
    """The inputs a mix should have, those it has, and the threads that bring newcomers in."""

    def __init__(
        self,
        inputs: Sequence[M],
        open_input: Callable[[M], MixInput],
        *,
        on_failed: Callable[[M, Exception], None] = lambda _item, _exc: None,
        name: str = "join",
    ) -> None:
        self._open_input = open_input
        self._on_failed = on_failed
        self._name = name
        self._lock = threading.Lock()
        self._wanted: dict[str, M] = {i.stream_id: i for i in inputs}
        self._pending: list[M] = []  # joined before the mix existed
        self._in_mix: set[str] = set()
        self._mix: MixSource | None = None
        self._over = False

    def wanted(self) -> frozenset[str]:
        """The stream ids that should be in the mix (those still opening too)."""
        with self._lock:
            return frozenset(self._wanted)

    def in_mix(self) -> frozenset[str]:
        """The stream ids handed to the mix and not taken out (newcomers once they opened)."""
        with self._lock:
            return frozenset(self._in_mix)

    def add(self, item: M) -> Change:
        """Bring `item` in, opened on a thread of its own (once the mix exists)."""
        with self._lock:
            if self._over:
                log.info("%s joined once the recording was over: not added", item.stream_id)
                return "over"
            if item.stream_id in self._wanted:
                return "unchanged"
            self._wanted[item.stream_id] = item
            if self._mix is None:
                self._pending.append(item)
                return "done"
        self._join_later(item)
        return "done"

    def remove(self, stream_id: str) -> Change:
        """Take `stream_id` out of the mix from its next frame."""
        with self._lock:
            if stream_id not in self._wanted:
                return "unchanged"
            if self._over:
                log.info("%s left once the recording was over: nothing to do", stream_id)
                return "over"
            del self._wanted[stream_id]
            self._pending = [i for i in self._pending if i.stream_id != stream_id]
            if self._mix is not None and stream_id in self._in_mix:
                self._in_mix.discard(stream_id)
                self._mix.remove_input(stream_id)
        return "done"

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
            joining = [i for i in self._pending if i.stream_id not in self._in_mix]
            self._pending = []
        for item in joining:
            self._join_later(item)

    def detach(self) -> None:
        """The mix is over (or never was): later joins and leaves are refused."""
        with self._lock:
            self._over = True
            self._mix = None
            self._pending = []

    def _join_later(self, item: M) -> None:
        threading.Thread(
            target=self._join, args=(item,), name=f"{self._name}-{item.stream_id}", daemon=True
        ).start()

    def _join(self, item: M) -> None:
        try:
            joined = self._open_input(item)
        except Exception as exc:  # whatever it was, this participant is left out, not the rest
            log.warning("cannot open %s, who joined the recording: %s", item.stream_id, exc)
            with self._lock:
                over = self._over
                if self._wanted.get(item.stream_id) == item and item.stream_id not in self._in_mix:
                    del self._wanted[item.stream_id]  # a later join of theirs is tried afresh
            if not over:
                self._on_failed(item, exc)
            return
        with self._lock:
            mix = self._mix
            wanted = item.stream_id in self._wanted and item.stream_id not in self._in_mix
            if mix is not None and wanted:
                self._in_mix.add(item.stream_id)
                mix.add_input(joined)
                return
        joined.close()  # left while it opened, or the recording is over
