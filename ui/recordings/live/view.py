"""A running recording, live: its picture, who it records, its layout, files, bitrate and gaps.

`LiveView` sits under the record buttons while a recording of the selected room runs:

```
┌──────────────────────────────┐
│   the mix's picture (mixed)  │   or a tile per stream with its snapshot (single-stream)
└──────────────────────────────┘
Layout: Active speaker            (the layout in force; a live change shows at once)
grace · camera   alan · screen    (who it records)
1.2 Mbit/s · 3.4 MB so far
meeting_…-001.mp4    1.1 MB · 0:00:10 · uploading 40%
meeting_…-002.mp4    2.3 MB · writing
2 min 30 s missing (service restarted)
```

The reads behind it (`LivePoller`) run only while it is seen. The layout name follows the
service's `recording.layout` event; finished files its `recording.file` events and their uploads
its `recording.upload` events, so the list moves without a read. Thumbnails of a single-stream
recording come from `set_thumbnails`' source when one is given (the room view's, which already
fetches the same pictures of the same room), else the view fetches them itself.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.api.live import RecordingLive, WritingFile
from app.api.models import ACTIVE_STATES, Event, RecordedFile, Recording, Room
from ui.common.formats import format_size
from ui.common.operations import Operations
from ui.common.palette import tint
from ui.common.templates import template_name
from ui.connection.connection import Connection
from ui.recordings.gaps import gaps_note
from ui.recordings.live.files import ByteRate, LiveFiles, format_bitrate
from ui.recordings.live.poller import LivePoller
from ui.recordings.live.tiles import StreamTiles, recorded_streams
from ui.recordings.uploads import UploadProgress

Thumbnails = Callable[[str], QPixmap | None]


class LiveView(QWidget):
    """What a running recording is doing now, refreshed while it is seen."""

    def __init__(
        self, connection: Connection, operations: Operations, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._recording: Recording | None = None
        self._room: Room | None = None
        self._template: str | None = None
        self._files: list[RecordedFile] = []
        self._writing: list[WritingFile] = []
        self._uploads = UploadProgress()
        self._rate = ByteRate()
        self._thumbnails: Thumbnails | None = None
        self._image: QImage | None = None

        self.picture = QLabel(self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #1e1f22; border-radius: 3px;")
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.layout_label = QLabel(self)
        self.tiles = StreamTiles(self)
        self.rate_label = QLabel(self)
        self.files = LiveFiles(self)
        self.notes_label = QLabel(self)
        self.notes_label.setWordWrap(True)
        tint(self.notes_label, "warning")
        for label in (self.layout_label, self.rate_label, self.notes_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.picture)
        column.addWidget(self.layout_label)
        column.addWidget(self.tiles)
        column.addWidget(self.rate_label)
        column.addWidget(self.files)
        column.addWidget(self.notes_label)

        self.poller = LivePoller(connection, operations, self._seen, self)
        self.poller.picture_read.connect(self._pictured)
        self.poller.writing_read.connect(self._written)
        self.poller.thumbnail_read.connect(self.tiles.set_picture)
        self.poller.ticked.connect(self._take_thumbnails)
        connection.event_received.connect(self._on_event)
        self.set_recording(None, None)

    # --- public -------------------------------------------------------------------------------

    @property
    def recording(self) -> Recording | None:
        """The running recording shown, or None."""
        return self._recording

    def layout_name(self) -> str | None:
        """The readable name of the layout in force (a mixed recording's), or None."""
        return template_name(self._template) if self._template else None

    def mix_picture(self) -> QImage | None:
        """The mix's latest picture, as read; None before the first (or for single-stream)."""
        return self._image

    def set_thumbnails(self, source: Thumbnails | None) -> None:
        """Take stream pictures from `source` (another widget's, already fetched) instead of
        fetching them again; None: fetch them here."""
        self._thumbnails = source
        self._follow_thumbnails()

    def set_recording(self, rec: Recording | None, room: Room | None) -> None:
        """Show `rec` (None, or one that has ended: nothing) of `room`, as last read."""
        if rec is not None and rec.state not in ACTIVE_STATES:
            rec = None
        other = (rec.id if rec else None) != (self._recording.id if self._recording else None)
        if other:
            self._image = None
            self.picture.clear()
            self._writing = []
            self._rate.clear()
            self._uploads = UploadProgress()
        self._recording, self._room = rec, room
        self.setVisible(rec is not None)
        if rec is None:
            self.poller.follow(None)
            self._files = []
            return
        mixed = rec.mode == "mixed"
        template = rec.layout.template if rec.layout is not None else None
        if other or (template and template != self._template):
            # The `recording.layout` event names the new layout before the read that follows it
            # brings the recording with it; the controls drop reads sent before that one.
            self._template = template if mixed else None
        self._files = list(rec.files)
        self.picture.setVisible(mixed)
        self._size_picture()
        streams = recorded_streams(rec, room.streams if room is not None else [])
        self.tiles.show_streams(streams, pictures=not mixed)
        self.poller.follow(rec.id, rec.room_id, mixed=mixed)
        self._follow_thumbnails()
        self._draw()

    # --- Qt -----------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the picture 16:9 across the width."""
        super().resizeEvent(event)
        self._size_picture()
        self._draw_picture()

    def showEvent(self, event: QShowEvent) -> None:
        """Seen again: read at once rather than at the next tick."""
        super().showEvent(event)
        if self._recording is not None:
            self.poller.refresh()

    # --- what comes in ------------------------------------------------------------------------

    def _seen(self) -> bool:
        window = self.window()
        return self.isVisible() and not window.isMinimized() and not self.visibleRegion().isEmpty()

    def _on_event(self, event: Event) -> None:
        rec = self._recording
        data = event.data
        if rec is None or data.get("recording_id") != rec.id:
            return
        if event.type == "recording.layout" and isinstance(data.get("template"), str):
            self._template = str(data["template"])
        elif event.type == "recording.file":
            file = RecordedFile.model_validate(data)
            self._files = [f for f in self._files if f.file_id != file.file_id] + [file]
            self._writing = [w for w in self._writing if w.name != file.name]
        elif event.type == "recording.upload":
            self._uploads.update(data)
        else:
            return
        self._draw()

    def _pictured(self, image: QImage) -> None:
        self._image = image
        self._draw_picture()

    def _written(self, live: RecordingLive) -> None:
        listed = {f.name for f in self._files}
        self._writing = [w for w in live.writing if w.name not in listed]
        self._rate.add(self._total())
        self._draw()

    def _follow_thumbnails(self) -> None:
        rec = self._recording
        fetch = rec is not None and rec.mode == "single" and self._thumbnails is None
        ids = [sid for sid, tile in self.tiles.tiles().items() if tile.stream.kind != "audio"]
        self.poller.fetch_thumbnails(ids if fetch else [])
        self._take_thumbnails()

    def _take_thumbnails(self) -> None:
        source = self._thumbnails
        if source is None or self._recording is None or self._recording.mode != "single":
            return
        for stream_id, tile in self.tiles.tiles().items():
            picture = source(stream_id)
            if picture is not None and picture is not tile.picture:
                self.tiles.set_picture(stream_id, picture)

    # --- drawing ------------------------------------------------------------------------------

    def _total(self) -> int:
        return sum(f.size for f in self._files) + sum(w.size for w in self._writing)

    def _draw(self) -> None:
        rec = self._recording
        if rec is None:
            return
        name = self.layout_name()
        self.layout_label.setVisible(name is not None)
        self.layout_label.setText(self.tr("Layout: {0}").format(name) if name else "")
        rate = self._rate.bits_per_second()
        total = format_size(self._total())
        self.rate_label.setText(
            self.tr("{0} so far").format(total)
            if rate is None
            else self.tr("{0} · {1} so far").format(format_bitrate(rate), total)
        )
        self.files.show_files(self._files, self._writing, self._uploads)
        notes = [gaps_note(rec)] if rec.gaps else []
        failing = [f for f in self._files if f.upload_error]
        if failing:
            notes.append(
                self.tr("%n upload(s) failing, tried again: {0}", "", len(failing)).format(
                    failing[-1].upload_error
                )
            )
        self.notes_label.setText("\n".join(notes))
        self.notes_label.setVisible(bool(notes))

    def _size_picture(self) -> None:
        width = max(160, self.width())
        self.picture.setFixedHeight(min(width * 9 // 16, 300))

    def _draw_picture(self) -> None:
        image = self._image
        if image is None or not self.picture.isVisible():
            return
        box = self.picture.size()
        # Scaled once per picture to the box (at most ~480 px wide: cheap on the GUI thread).
        scaled = image.scaled(
            box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.picture.setPixmap(QPixmap.fromImage(scaled))
