"""The pictures the editor's canvas shows in its regions: each video stream's snapshot, paced.

A picture only tells the operator whose stream a region shows, so it needs to be recent, not
live: all of them are taken when the editor opens (and on request), then one stream at a time,
the stalest first, so that each is taken again every `every` seconds and the service sees an even
trickle (`GET /v1/rooms/{room}/streams/{stream}/snapshot` costs it a decode from the last
keyframe). At most `AT_ONCE` are asked for at a time, so a room's first pictures do not hold up
its first preview. Nothing is taken while the editor is paused (hidden or minimised).
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QPixmap

from app.api.models import Room
from app.client.errors import ClientError
from ui.common.operations import Operations
from ui.connection.connection import Connection

log = logging.getLogger(__name__)

PICTURE_WIDTH = 480
EVERY_S = 300.0
"""How often each stream's picture is taken again while the editor is open and shown."""
AT_ONCE = 2


class StreamPictures(QObject):
    """The latest picture of each video stream of one room: `taken(stream_id, QPixmap)`."""

    taken = Signal(str, QPixmap)

    def __init__(
        self,
        connection: Connection,
        operations: Operations,
        *,
        every: float = EVERY_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.every = every
        self._connection = connection
        self._operations = operations
        self._room: Room | None = None
        self._turns: dict[str, int] = {}  # when each stream's picture was last asked, in turns
        self._turn = 0
        self._asking: set[str] = set()
        self._waiting: list[str] = []  # asked for, beyond `AT_ONCE`
        self._paused = True
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._next)

    def open(self, room: Room) -> None:
        """Take every video stream's picture of `room` now, then keep them paced."""
        self._room = room
        self._turns.clear()
        self._waiting.clear()
        self.refresh()

    def refresh(self) -> None:
        """Take every picture now (on request), whatever the pace."""
        for stream_id in self._stream_ids():
            self._take(stream_id)
        self._schedule()

    def pause(self) -> None:
        """Take none until `resume` (the editor is hidden or minimised)."""
        self._paused = True
        self._timer.stop()

    def resume(self) -> None:
        """Go on at the pace."""
        self._paused = False
        self._schedule()

    @property
    def paced(self) -> bool:
        """Whether pictures are being taken at the pace now."""
        return self._timer.isActive()

    def _stream_ids(self) -> list[str]:
        room = self._room
        if room is None:
            return []
        return [s.stream_id for s in room.streams if s.kind != "audio"]

    def _schedule(self) -> None:
        ids = self._stream_ids()
        if self._paused or not ids:
            self._timer.stop()
            return
        # One stream a tick, so each comes round every `every` seconds.
        interval = max(1, round(self.every * 1000 / len(ids)))
        if not self._timer.isActive() or self._timer.interval() != interval:
            self._timer.start(interval)

    def _next(self) -> None:
        ids = [i for i in self._stream_ids() if i not in self._asking and i not in self._waiting]
        if ids:
            self._take(min(ids, key=lambda i: self._turns.get(i, -1)))

    def _take(self, stream_id: str) -> None:
        if stream_id in self._asking or stream_id in self._waiting:
            return
        self._turn += 1
        self._turns[stream_id] = self._turn
        self._waiting.append(stream_id)
        self._ask()

    def _ask(self) -> None:
        room = self._room
        while room is not None and self._waiting and len(self._asking) < AT_ONCE:
            stream_id = self._waiting.pop(0)
            self._asking.add(stream_id)
            self._operations.run(
                self._snapshot(room.room_id, stream_id),
                on_done=partial(self._arrived, room.room_id, stream_id),
                on_error=partial(self._failed, stream_id),
            )

    async def _snapshot(self, room_id: str, stream_id: str) -> bytes | None:
        try:
            return await self._connection.client.snapshot(room_id, stream_id, width=PICTURE_WIDTH)
        except ClientError as exc:  # a participant that left: keep the last picture
            log.info("no picture of %s/%s: %s", room_id, stream_id, exc)
            return None

    def _failed(self, stream_id: str, _error: BaseException) -> None:
        self._asking.discard(stream_id)
        self._ask()

    def _arrived(self, room_id: str, stream_id: str, data: bytes | None) -> None:
        self._asking.discard(stream_id)
        self._ask()
        if data is None or self._room is None or self._room.room_id != room_id:
            return
        pixmap = QPixmap()
        if pixmap.loadFromData(data):
            self.taken.emit(stream_id, pixmap)
