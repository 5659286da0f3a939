"""The reads a live view makes while it is seen: the mix's picture, the files growing, thumbnails.

`LivePoller` asks the service for a running recording's picture (`GET .../picture`, a mixed
recording's, every `picture_interval_ms`), what it is writing (`GET .../live`, every
`files_interval_ms`) and, for a single-stream recording when no other widget fetches them, its
streams' snapshots (every `thumbnail_interval_ms`). It asks only while `seen()` says someone can
see the answer: a hidden panel, another tab, or a minimised window costs the service nothing (the
timers tick, but no request goes out). At most one read of each kind is in flight, so a slow
service is never asked faster than it answers. JPEGs are decoded in a worker thread, never on the
event loop; a read that fails is logged and the last answer kept (the panel's state line, fed by
the service's events, is what tells the operator that something is wrong).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from app.client.errors import ClientError
from ui.common.operations import Operations
from ui.connection.connection import Connection

log = logging.getLogger(__name__)

# The mix's picture is asked this wide: sharp in the panel, a few kB on the wire.
PICTURE_WIDTH = 480
THUMBNAIL_WIDTH = 192


def decode(data: bytes) -> QImage | None:
    """A JPEG as an image (None if it is not one); safe off the GUI thread (a QImage, no pixmap)."""
    image = QImage.fromData(data)
    return None if image.isNull() else image


class LivePoller(QObject):
    """Reads a running recording's picture, growing files and thumbnails while it is seen."""

    picture_read = Signal(object)  # QImage of the mix
    writing_read = Signal(object)  # RecordingLive
    thumbnail_read = Signal(str, object)  # stream id, QImage
    ticked = Signal()  # each files tick, seen or not: thumbnails shared by another widget

    def __init__(
        self,
        connection: Connection,
        operations: Operations,
        seen: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._operations = operations
        self._seen = seen
        self._recording_id: str | None = None
        self._room_id = ""
        self._mixed = False
        self._thumbnails: list[str] = []  # stream ids whose snapshots this poller fetches
        self._busy: set[str] = set()
        self.requests = 0  # reads sent, for tests and benches
        self._timers: dict[str, QTimer] = {}
        for kind, interval, read in (
            ("picture", 500, self._read_picture),
            ("files", 1000, self._read_writing),
            ("thumbnails", 3000, self._read_thumbnails),
        ):
            timer = QTimer(self)
            timer.setInterval(interval)
            timer.timeout.connect(read)
            self._timers[kind] = timer

    # --- settings -----------------------------------------------------------------------------

    @property
    def picture_interval_ms(self) -> int:
        """How often the mix's picture is read while seen."""
        return self._timers["picture"].interval()

    @picture_interval_ms.setter
    def picture_interval_ms(self, interval: int) -> None:
        self._timers["picture"].setInterval(interval)

    @property
    def files_interval_ms(self) -> int:
        """How often the growing files are read while seen."""
        return self._timers["files"].interval()

    @files_interval_ms.setter
    def files_interval_ms(self, interval: int) -> None:
        self._timers["files"].setInterval(interval)

    # --- what to follow -----------------------------------------------------------------------

    def follow(self, recording_id: str | None, room_id: str = "", *, mixed: bool = False) -> None:
        """Read this recording (None: nothing) from now on; a new one is read at once if seen."""
        changed = recording_id != self._recording_id
        self._recording_id, self._room_id, self._mixed = recording_id, room_id, mixed
        if recording_id is None:
            for timer in self._timers.values():
                timer.stop()
            return
        for kind, timer in self._timers.items():
            wanted = kind != "picture" or mixed
            if wanted and not timer.isActive():
                timer.start()
            elif not wanted:
                timer.stop()
        if changed:
            self.refresh()

    def fetch_thumbnails(self, stream_ids: list[str]) -> None:
        """Fetch these streams' snapshots too (none: another widget fetches them)."""
        added = set(stream_ids) - set(self._thumbnails)
        self._thumbnails = list(stream_ids)
        if added:
            self._read_thumbnails()

    def refresh(self) -> None:
        """Read everything now (if seen), as the timers would."""
        if self._mixed:
            self._read_picture()
        self._read_writing()
        self._read_thumbnails()

    # --- reads --------------------------------------------------------------------------------

    def _read_picture(self) -> None:
        recording_id = self._recording_id
        if recording_id is None or not self._mixed:
            return
        client = self._connection.client

        async def read() -> QImage | None:
            data = await client.recording_picture(recording_id, width=PICTURE_WIDTH)
            return await asyncio.to_thread(decode, data)

        self._run("picture", read(), self._pictured)

    def _pictured(self, image: QImage | None) -> None:
        if image is not None:
            self.picture_read.emit(image)

    def _read_writing(self) -> None:
        self.ticked.emit()
        recording_id = self._recording_id
        if recording_id is not None:
            read = self._connection.client.recording_live(recording_id)
            self._run("files", read, self.writing_read.emit)

    def _read_thumbnails(self) -> None:
        room_id = self._room_id
        if self._recording_id is None or not room_id:
            return
        client = self._connection.client
        for stream_id in self._thumbnails:

            async def read(stream_id: str = stream_id) -> QImage | None:
                data = await client.snapshot(room_id, stream_id, width=THUMBNAIL_WIDTH)
                return await asyncio.to_thread(decode, data)

            def done(image: QImage | None, stream_id: str = stream_id) -> None:
                if image is not None:
                    self.thumbnail_read.emit(stream_id, image)

            self._run(f"thumbnail:{stream_id}", read(), done)

    def _run(self, key: str, work: Coroutine[Any, Any, Any], done: Callable[[Any], None]) -> None:
        if key in self._busy or not self._seen():
            work.close()  # never awaited: nobody would see its answer
            return
        self._busy.add(key)
        self.requests += 1
        recording_id = self._recording_id

        async def quietly() -> Any:
            try:
                return await work
            except ClientError as exc:
                # The recording may have just ended; its state line says so, not a dialog a second.
                log.info("live view of %s: %s", recording_id, exc)
                return None

        def answered(result: Any) -> None:
            self._busy.discard(key)
            if result is not None and recording_id == self._recording_id:
                done(result)

        def failed(_error: BaseException) -> None:
            self._busy.discard(key)

        self._operations.run(quietly(), answered, failed)
