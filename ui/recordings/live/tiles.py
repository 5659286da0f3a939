"""Who a running recording records: a tile per stream, with its picture for a single-stream one.

A tile is the stream's name (`grace · camera`, from the glossary) under its latest snapshot (or a
drawn loudspeaker for sound); the tiles flow into as many columns as the panel's width holds. A
mixed recording's streams are all in its picture, so there the tiles are names only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from app.api.models import Recording, Stream
from ui.common.formats import stream_name

TILE_WIDTH, TILE_HEIGHT = 160, 90


def recorded_streams(rec: Recording, streams: list[Stream]) -> list[Stream]:
    """The streams of the room that `rec` records: ids in its lists name streams or users, and no
    `include` means everyone (as the service decides)."""
    chosen = []
    for stream in streams:
        keys = {stream.stream_id, stream.user_id}
        if rec.include and not keys & set(rec.include):
            continue
        if keys & set(rec.exclude):
            continue
        chosen.append(stream)
    return chosen


class StreamTile(QWidget):
    """One recorded stream: its picture (single-stream recordings) over its name."""

    def __init__(self, stream: Stream, *, picture: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stream = stream
        self.picture: QPixmap | None = None
        self._image = QLabel(self)
        self._image.setFixedSize(TILE_WIDTH, TILE_HEIGHT)
        self._image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._image.setStyleSheet("background: #1e1f22; border-radius: 3px;")
        self._image.setVisible(picture)
        if stream.kind == "audio":
            # The service has no picture of sound: say so where the picture would be.
            self._image.setText(self.tr("sound only"))
            self._image.setStyleSheet(self._image.styleSheet() + " color: #a9adb5;")
        self.name = QLabel(stream_name(stream.user_id, stream.kind), self)
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setToolTip(stream.stream_id)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self._image)
        column.addWidget(self.name)

    def set_picture(self, picture: QPixmap) -> None:
        """Show a snapshot, fitted into the tile."""
        self.picture = picture
        self._image.setPixmap(
            picture.scaled(
                self._image.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )


class StreamTiles(QWidget):
    """The recorded streams as tiles in as many columns as fit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(8)
        self._tiles: dict[str, StreamTile] = {}
        self._pictures = False
        self._columns = 0

    def tiles(self) -> dict[str, StreamTile]:
        """The tiles by stream id, in the room's order."""
        return dict(self._tiles)

    def show_streams(self, streams: list[Stream], *, pictures: bool) -> None:
        """Show these streams (pictures: with their snapshots); tiles of streams kept stay."""
        wanted = [s.stream_id for s in streams]
        if pictures != self._pictures or wanted != list(self._tiles):
            for tile in self._tiles.values():
                tile.hide()
                tile.deleteLater()
            self._tiles = {
                s.stream_id: StreamTile(s, picture=pictures, parent=self) for s in streams
            }
            self._pictures = pictures
            self._columns = 0
            self._arrange()

    def set_picture(self, stream_id: str, image: QImage | QPixmap) -> None:
        """A new snapshot of a stream shown."""
        tile = self._tiles.get(stream_id)
        if tile is not None:
            pixmap = image if isinstance(image, QPixmap) else QPixmap.fromImage(image)
            tile.set_picture(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Flow the tiles into the columns the new width holds."""
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        spacing = self._grid.spacing()
        width = TILE_WIDTH if self._pictures else 150
        columns = max(1, (self.width() + spacing) // (width + spacing))
        if columns == self._columns:
            return
        self._columns = columns
        for index, tile in enumerate(self._tiles.values()):
            self._grid.addWidget(tile, index // columns, index % columns, Qt.AlignmentFlag.AlignTop)
            tile.show()
