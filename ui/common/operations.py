"""Background work as operations: a coroutine with an explicit success and failure path.

Every click that talks to the service runs as an operation on the qasync loop, so the GUI never
waits; a failure always reaches the operator (the `failed` signal, shown by the main window),
never a silent traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from ui.common.errors import describe

log = logging.getLogger(__name__)
T = TypeVar("T")


class Operations(QObject):
    """Runs operations; `failed(what, todo)` when one fails, `busy(n)` as their count changes."""

    failed = Signal(str, str)
    busy = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: set[asyncio.Task[Any]] = set()

    def run(
        self,
        work: Coroutine[Any, Any, T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> asyncio.Task[T]:
        """Start `work`; `on_done(result)` on success, else `on_error` and `failed`."""
        task = asyncio.ensure_future(work)
        self._running.add(task)
        self.busy.emit(len(self._running))

        def finished(done: asyncio.Task[T]) -> None:
            self._running.discard(done)
            self.busy.emit(len(self._running))
            if done.cancelled():
                return
            error = done.exception()
            if error is None:
                if on_done is not None:
                    on_done(done.result())
                return
            log.info("operation failed: %s", error)
            if on_error is not None:
                on_error(error)
            self.failed.emit(*describe(error))

        task.add_done_callback(finished)
        return task

    async def cancel_all(self) -> None:
        """Cancel what still runs (at shutdown)."""
        for task in list(self._running):
            task.cancel()
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
