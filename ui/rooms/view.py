"""The selected room: its name and state, and a grid of cards, one per live stream, with pictures
that refresh.

`RoomView` shows the room it is given (`set_room`) and follows it from then on: an event for the
room re-reads it (`RoomFetcher`), and the cards (`ui.rooms.stream_card`) are updated in place, so a
picture is kept while its stream stays; they fill as many columns as the view's width holds
(`ui.rooms.stream_grid`), scrolling down, never sideways. Video streams show the service's
snapshot, asked for 192 pixels wide (the service scales it, so only a small JPEG crosses the wire
and decoding it on the GUI thread is cheap: 0.1 ms for one) every `refresh_interval_ms` while the
view is visible, for the cards in sight; sound-only streams show a drawn loudspeaker. A snapshot
that fails is logged and the old picture kept: a stream whose picture is late is no news for the
operator, whereas each refresh failing into a dialog would bury them.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QHideEvent, QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.api.models import Event, Room
from app.client.errors import ClientError
from ui.common.operations import Operations
from ui.common.palette import follow_palette
from ui.connection.connection import Connection
from ui.rooms.fetcher import RoomFetcher, changed_room
from ui.rooms.model import room_summary, status_colour, status_dot
from ui.rooms.stream_card import THUMB_WIDTH, StreamCard, has_picture, mute
from ui.rooms.stream_grid import StreamGrid

log = logging.getLogger(__name__)

DEFAULT_REFRESH_MS = 3000


class RoomView(QWidget):
    """The selected room and its streams, kept up to date while it is shown."""

    def __init__(
        self, connection: Connection, operations: Operations, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._operations = operations
        self._room: Room | None = None
        self._cards: dict[str, StreamCard] = {}
        self._fetching: set[tuple[str, str]] = set()
        self._failing: set[str] = set()

        self._title = QLabel(self)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        title_font.setWeight(QFont.Weight.DemiBold)
        self._title.setFont(title_font)
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        self._dot = QLabel(self)
        follow_palette(self._dot, self._draw_dot)  # its colour is the palette's
        self._state = QLabel(self)
        state_row = QHBoxLayout()
        state_row.setSpacing(6)
        state_row.addWidget(self._dot)
        state_row.addWidget(self._state, 1)

        self._empty = QLabel(self)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._empty.setContentsMargins(24, 24, 24, 24)
        mute(self._empty)
        self.grid = StreamGrid()
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._empty)
        column.addWidget(self.grid)
        column.addStretch(1)
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        # The grid takes the width it is given: it scrolls down, never sideways.
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(body)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(4)
        layout.addWidget(self._title)
        layout.addLayout(state_row)
        layout.addSpacing(8)
        layout.addWidget(self._scroll, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(DEFAULT_REFRESH_MS)
        self._timer.timeout.connect(self.refresh_thumbnails)

        self._fetcher = RoomFetcher(connection, operations, self)
        self._fetcher.fetched.connect(self._room_fetched)
        self._fetcher.gone.connect(self._room_gone)
        connection.event_received.connect(self._on_event)
        connection.synced.connect(self._resync)
        self.set_room(None)

    # --- public -------------------------------------------------------------------------------

    @property
    def refresh_interval_ms(self) -> int:
        """How often the pictures are refreshed while the view is shown."""
        return self._timer.interval()

    @refresh_interval_ms.setter
    def refresh_interval_ms(self, interval: int) -> None:
        self._timer.setInterval(interval)

    def room(self) -> Room | None:
        """The room shown, as last read."""
        return self._room

    def set_room(self, room: Room | None) -> None:
        """Show `room` (None: nothing) and follow its changes from now on."""
        if room is None or self._room is None or room.room_id != self._room.room_id:
            for card in self._cards.values():
                _drop(card)
            self._cards.clear()
            self.grid.set_cards([])
            self._failing.clear()
        self._room = room
        if room is None:
            self._timer.stop()
            self._title.setText(self.tr("No room selected"))
            self._dot.clear()
            self._state.clear()
            self._show_empty(self.tr("Pick a room to see who is in it."))
            return
        self._show(room)
        if self.isVisible() and not self._timer.isActive():
            # Not restarted when running: a busy room's events would put the refresh off forever.
            self._timer.start()

    def stream_ids(self) -> list[str]:
        """The ids of the streams shown, in order."""
        return list(self._cards)

    def thumbnail(self, stream_id: str) -> QPixmap | None:
        """The last snapshot of a video stream (as fetched, ~192 px wide), None before the first."""
        card = self._cards.get(stream_id)
        return None if card is None else card.picture

    def refresh_thumbnails(self) -> None:
        """Ask for a new picture of each video stream in sight (or without one yet)."""
        room = self._room
        if room is None:
            return
        for stream_id, card in self._cards.items():
            if card.picture is not None and card.visibleRegion().isEmpty():
                # Scrolled out of sight: its picture is refreshed once it is seen again.
                continue
            key = (room.room_id, stream_id)
            if has_picture(card.stream) and key not in self._fetching:
                self._fetching.add(key)
                self._operations.run(
                    self._snapshot(*key),
                    on_done=partial(self._snapped, key),
                    on_error=partial(self._snap_failed, key),
                )

    # --- Qt -----------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Refresh now and every `refresh_interval_ms` while shown."""
        super().showEvent(event)
        if self._room is not None:
            self.refresh_thumbnails()
            self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        """Nobody sees the pictures: stop asking for them."""
        super().hideEvent(event)
        self._timer.stop()

    # --- the room -----------------------------------------------------------------------------

    def _draw_dot(self) -> None:
        if self._room is not None:
            self._dot.setPixmap(status_dot(status_colour(self._room)).pixmap(12, 12))

    def _show(self, room: Room) -> None:
        self._title.setText(room.name)
        self._title.setToolTip(room.room_id)
        self._draw_dot()
        self._state.setText(room_summary(room))
        current = {stream.stream_id for stream in room.streams}
        for stream_id in [s for s in self._cards if s not in current]:
            _drop(self._cards.pop(stream_id))
        added = False
        for stream in room.streams:
            card = self._cards.get(stream.stream_id)
            if card is None:
                card = self._cards[stream.stream_id] = StreamCard(stream)
                added = True
            else:
                card.set_stream(stream)
        self._cards = {stream.stream_id: self._cards[stream.stream_id] for stream in room.streams}
        self.grid.set_cards(list(self._cards.values()))  # in the room's order
        if room.streams:
            self._empty.hide()
        else:
            self._show_empty(self.tr("No one is in this room right now."))
        if added and self.isVisible():
            self.refresh_thumbnails()

    def _show_empty(self, text: str) -> None:
        self._empty.setText(text)
        self._empty.show()

    def _on_event(self, event: Event) -> None:
        room_id = changed_room(event)
        if room_id is not None and self._room is not None and room_id == self._room.room_id:
            self._fetcher.request(room_id)

    def _resync(self) -> None:
        # The service may have restarted: what it says now replaces what was shown.
        if self._room is not None:
            self._fetcher.request(self._room.room_id)

    def _room_fetched(self, room: Room) -> None:
        if self._room is not None and room.room_id == self._room.room_id:
            self.set_room(room)

    def _room_gone(self, room_id: str) -> None:
        if self._room is None or room_id != self._room.room_id:
            return
        closed = self._room.model_copy(update={"live": False, "streams": [], "recording": []})
        self.set_room(closed)
        self._show_empty(self.tr("This room has closed."))

    # --- pictures -----------------------------------------------------------------------------

    async def _snapshot(self, room_id: str, stream_id: str) -> bytes | None:
        try:
            # The service scales the picture down itself (`width`): a few kB instead of a frame.
            return await self._connection.client.snapshot(room_id, stream_id, width=THUMB_WIDTH)
        except ClientError as exc:
            level = logging.DEBUG if stream_id in self._failing else logging.INFO
            log.log(level, "no snapshot of %s/%s: %s", room_id, stream_id, exc)
            self._failing.add(stream_id)
            return None

    def _snap_failed(self, key: tuple[str, str], error: BaseException) -> None:
        # Something other than the service failed (Operations reports it); try at the next tick.
        self._fetching.discard(key)

    def _snapped(self, key: tuple[str, str], data: bytes | None) -> None:
        self._fetching.discard(key)
        room_id, stream_id = key
        card = self._cards.get(stream_id)
        if data is None or card is None or self._room is None or self._room.room_id != room_id:
            return
        image = QImage.fromData(data)
        if image.isNull():
            log.info("snapshot of %s/%s is not a JPEG (%d bytes)", room_id, stream_id, len(data))
            return
        if image.width() > THUMB_WIDTH:
            # A service that ignores `width` sends the full frame.
            image = image.scaledToWidth(THUMB_WIDTH, Qt.TransformationMode.SmoothTransformation)
        self._failing.discard(stream_id)
        card.set_picture(QPixmap.fromImage(image))


def _drop(card: StreamCard) -> None:
    # Hidden at once; deleted once the events already queued for it have run.
    card.hide()
    card.deleteLater()
