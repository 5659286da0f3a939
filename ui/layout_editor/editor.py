"""The layout editor: design a mixed recording's picture, see it exactly, apply it while recording.

```
┌ presets: [name ▾] Load · Save as… · Delete · Import… · Export… ───────────────────────────┐
│ LayoutCanvas (the output at its true aspect,  │ LayoutPanel (template, canvas, region,    │
│ each region showing its stream's snapshot)    │ streams, problems)                        │
├ exact preview (the service's compositor) ─────┴── [Apply to the recording] ───────────────┤
```

What the canvas shows is drawn by Qt; the exact preview beside it is one frame rendered by the
service's compositor (`POST /v1/layouts/preview`), the same filter graph a recording runs, so what
the operator sees there is what gets recorded. It is rendered again half a second after the
layout stops changing. The snapshots in the regions refresh every few seconds. "Apply" changes a
running mixed recording's layout from its next frame, after a confirmation. The background and
watermark images are picked from the service's images area, where Upload… puts a file of this
computer first (`ui.layout_editor.images`): a service draws no other images.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Recording, Room
from app.client.errors import ClientError
from app.layout.errors import LayoutError
from app.layout.model import Layout
from app.layout.templates import StreamRef
from app.media.pipeline.layouts import default_layout
from ui.common.banner import ErrorBanner
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.layout_editor.canvas import LayoutCanvas
from ui.layout_editor.document import LayoutDocument
from ui.layout_editor.images import ImagePicker, ServiceImages
from ui.layout_editor.panel import LayoutPanel
from ui.layout_editor.presets import PresetsBar, PresetStore

log = logging.getLogger(__name__)

PICTURE_WIDTH = 480
PREVIEW_DELAY_MS = 500
PICTURES_EVERY_MS = 3000


def starting_layout(room: Room, recording: Recording | None) -> Layout:
    """A running mixed recording's layout, else a grid of the room's streams."""
    if recording is not None and recording.layout is not None:
        return recording.layout
    return default_layout([StreamRef(s.stream_id, s.kind) for s in room.streams])


class LayoutEditor(QWidget):
    """The editor for one room (and its running mixed recording, if any)."""

    applied = Signal(object)  # the Recording after its layout changed

    def __init__(
        self,
        connection: Connection,
        operations: Operations,
        presets: PresetStore,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Layout editor"))
        self.connection = connection
        self.operations = operations
        self.document = LayoutDocument(parent=self)
        self.room: Room | None = None
        self.recording: Recording | None = None
        self.banner = ErrorBanner()
        self.canvas = LayoutCanvas(self.document)
        self.panel = LayoutPanel(self.document)
        self.presets = PresetsBar(presets, self.document)
        self.images = ServiceImages(connection, operations, self)
        section = self.panel.canvas_section
        for picker in (section.background_image, section.watermark):
            self._offer_images(picker)
        self.preview = QLabel(self.tr("The exact preview appears here."))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 180)
        self.preview.setStyleSheet("background: #202020; color: #bbbbbb;")
        self.preview_image: bytes | None = None
        self.preview_button = QPushButton(self.tr("Render preview"))
        self.apply_button = QPushButton(self.tr("Apply to the recording…"))
        self.apply_button.setEnabled(False)
        self._build()
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.render_preview)
        self._pictures_timer = QTimer(self, interval=PICTURES_EVERY_MS)
        self._pictures_timer.timeout.connect(self.refresh_pictures)
        self._pictures: dict[str, QPixmap] = {}
        self.document.changed.connect(lambda _layout: self._preview_timer.start())
        self.preview_button.clicked.connect(self.render_preview)
        self.apply_button.clicked.connect(self.confirm_apply)
        self.presets.failed.connect(
            lambda message: self.banner.show_error(message, self.tr("Pick another preset file."))
        )
        operations.failed.connect(self.banner.show_error)
        self.panel.failed.connect(
            lambda message: self.banner.show_error(message, self.tr("Change the canvas first."))
        )
        self.resize(1280, 820)

    def _build(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.canvas, 3)
        column.addWidget(QLabel(self.tr("<b>Exact preview</b> — rendered by the recorder")))
        column.addWidget(self.preview, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        column.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 1)
        split.setSizes([900, 340])
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.presets)
        layout.addWidget(split, 1)

    def _offer_images(self, picker: ImagePicker) -> None:
        """Let `picker` offer the service's images, and upload into them (then pick the upload)."""
        self.images.changed.connect(picker.set_images)
        picker.upload_requested.connect(lambda path: self.images.upload(path, picker.choose))

    # --- what is edited -----------------------------------------------------------------------

    def open_for(self, room: Room, recording: Recording | None = None) -> None:
        """Edit the layout of `room`'s mixed recording (or a new one) with its streams."""
        self.room = room
        self.recording = recording if recording and recording.mode == "mixed" else None
        self.panel.set_streams(list(room.streams))
        self.document.reset(starting_layout(room, self.recording))
        self.apply_button.setEnabled(self.recording is not None)
        self.setWindowTitle(self.tr("Layout editor — {0}").format(room.name))
        self._pictures.clear()
        self.images.refresh()
        self.refresh_pictures()
        self._pictures_timer.start()
        self.render_preview()

    # --- pictures and the exact preview -------------------------------------------------------

    def refresh_pictures(self) -> None:
        """Fetch each video stream's current picture for its region."""
        room = self.room
        if room is None:
            return
        for stream in room.streams:
            if stream.kind == "audio":
                continue
            self.operations.run(
                self._snapshot(room.room_id, stream.stream_id),
                on_done=partial(self._picture, stream.stream_id),
            )

    async def _snapshot(self, room_id: str, stream_id: str) -> bytes | None:
        try:
            return await self.connection.client.snapshot(room_id, stream_id, width=PICTURE_WIDTH)
        except ClientError as exc:  # a participant that left: keep the last picture
            log.info("no picture of %s/%s: %s", room_id, stream_id, exc)
            return None

    def _picture(self, stream_id: str, data: bytes | None) -> None:
        if data is None:
            return
        pixmap = QPixmap()
        if pixmap.loadFromData(data):
            self._pictures[stream_id] = pixmap
            self.canvas.set_pictures(dict(self._pictures))

    def render_preview(self) -> None:
        """Ask the service's compositor for one frame of the layout as it is now."""
        room = self.room
        if room is None:
            return
        layout = self.document.layout
        try:
            layout.validate()
        except LayoutError:
            return  # the problems list says what to fix; a broken layout has no preview
        self.operations.run(
            self.connection.client.preview_layout(room.room_id, layout),
            on_done=self._show_preview,
        )

    def _show_preview(self, jpeg: bytes) -> None:
        pixmap = QPixmap()
        if not pixmap.loadFromData(jpeg):
            return
        self.preview_image = jpeg
        size = self.preview.size()
        self.preview.setPixmap(
            pixmap.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )

    # --- applying -------------------------------------------------------------------------------

    def confirm_apply(self) -> None:
        """Ask, then apply the layout to the running recording."""
        if self.recording is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Change the recording's layout?"),
            self.tr(
                "The recording of {0} switches to this layout from its next frame. "
                "The file goes on without a break."
            ).format(self.room.name if self.room else ""),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.apply()

    def apply(self) -> None:
        """Apply the layout to the running recording, without asking."""
        recording = self.recording
        if recording is None:
            return
        self.operations.run(
            self.connection.client.set_layout(recording.id, self.document.layout.to_json()),
            on_done=self._applied,
        )

    def _applied(self, recording: Recording) -> None:
        self.recording = recording
        self.applied.emit(recording)

    def hideEvent(self, event: QHideEvent) -> None:
        """Stop fetching pictures and previews while hidden."""
        self._pictures_timer.stop()
        self._preview_timer.stop()
        super().hideEvent(event)


def presets_folder(data_dir: Path) -> Path:
    """Where presets live: the app's data folder."""
    return data_dir / "layouts"
