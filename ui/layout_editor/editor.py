"""The layout editor: design a mixed recording's picture, see it exactly, apply it while recording.

```
┌ presets: [name ▾] Load · Save as… · Delete · Import… · Export… ───────────────────────────┐
│ LayoutCanvas (the output at its true aspect,  │ LayoutPanel (template, canvas, region,    │
│ each region showing its stream's snapshot)    │ streams, problems)                        │
├ exact preview (the service's compositor) ─────┴── [Apply to the recording] ───────────────┤
│ [Render preview] [Refresh pictures]                                                       │
```

What the canvas shows is drawn by Qt; the exact preview beside it is one frame rendered by the
service's compositor (`POST /v1/layouts/preview`), the same filter graph a recording runs, so what
the operator sees there is what gets recorded. It is rendered again at once after a change, marked
"Updating…" until it comes (`ui.layout_editor.preview`), and fitted to its box at any size. The
snapshots in the regions are taken when the editor opens and then slowly, one stream at a time,
only while it is shown (`ui.layout_editor.pictures`): an editor nobody touches asks the service
for nothing. "Apply" changes a running mixed recording's layout from its next frame, after a
confirmation. The background and watermark images are picked from the service's images area,
where Upload… puts a file of this computer first (`ui.layout_editor.images`): a service draws no
other images.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QHideEvent, QPixmap, QShowEvent
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
from app.layout.model import Layout
from app.layout.templates import StreamRef
from app.media.pipeline.layouts import default_layout
from ui.common.banner import ErrorBanner
from ui.common.formats import room_name
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.layout_editor.canvas import LayoutCanvas
from ui.layout_editor.document import LayoutDocument
from ui.layout_editor.fields import stream_label
from ui.layout_editor.images import ImagePicker, ServiceImages
from ui.layout_editor.panel import LayoutPanel
from ui.layout_editor.pictures import EVERY_S, StreamPictures
from ui.layout_editor.presets import PresetsBar, PresetStore
from ui.layout_editor.preview import QUIET_MS, PreviewPicture, PreviewRenderer


def starting_layout(room: Room, recording: Recording | None) -> Layout:
    """A running mixed recording's layout, else a grid of the room's streams."""
    if recording is not None and recording.layout is not None:
        return recording.layout
    return default_layout([StreamRef(s.stream_id, s.kind) for s in room.streams])


class LayoutEditor(QWidget):
    """The editor for one room (and its running mixed recording, if any).

    `pictures_every` (seconds) paces the regions' snapshots and `preview_quiet_ms` the preview of
    a run of changes (`ui.layout_editor.pictures`, `ui.layout_editor.preview`).
    """

    applied = Signal(object)  # the Recording after its layout changed

    def __init__(
        self,
        connection: Connection,
        operations: Operations,
        presets: PresetStore,
        parent: QWidget | None = None,
        *,
        pictures_every: float = EVERY_S,
        preview_quiet_ms: int = QUIET_MS,
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
        self.preview = PreviewPicture()
        self.preview_image: bytes | None = None
        self.renderer = PreviewRenderer(
            connection, operations, self.document, self.preview, quiet_ms=preview_quiet_ms
        )
        self.renderer.shown.connect(self._shown)
        self.pictures = StreamPictures(connection, operations, every=pictures_every, parent=self)
        self.pictures.taken.connect(self._picture)
        self._pictures: dict[str, QPixmap] = {}
        self.preview_button = QPushButton(self.tr("Render preview"))
        self.pictures_button = QPushButton(self.tr("Refresh pictures"))
        self.pictures_button.setToolTip(
            self.tr("Take each stream's picture for the canvas now (they are refreshed slowly).")
        )
        self.apply_button = QPushButton(self.tr("Apply to the recording…"))
        self.apply_button.setEnabled(False)
        self._build()
        self.preview_button.clicked.connect(self.render_preview)
        self.pictures_button.clicked.connect(self.refresh_pictures)
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
        buttons.addWidget(self.pictures_button)
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
        self.renderer.room_id = room.room_id
        # The reset is a change: the preview of the room's layout is asked for at once.
        self.document.reset(starting_layout(room, self.recording))
        self.apply_button.setEnabled(self.recording is not None)
        self.setWindowTitle(self.tr("Layout editor — {0}").format(room_name(room)))
        self._pictures.clear()
        self.canvas.set_names({s.stream_id: stream_label(s) for s in room.streams})
        self.canvas.set_pictures({})
        self.images.refresh()
        self.pictures.open(room)

    # --- pictures and the exact preview -------------------------------------------------------

    def refresh_pictures(self) -> None:
        """Take each video stream's current picture for its region now."""
        self.pictures.refresh()

    def _picture(self, stream_id: str, pixmap: QPixmap) -> None:
        self._pictures[stream_id] = pixmap
        self.canvas.set_pictures(dict(self._pictures))

    def render_preview(self) -> None:
        """Ask the service's compositor for one frame of the layout as it is now."""
        self.renderer.render()

    def _shown(self, jpeg: bytes) -> None:
        self.preview_image = jpeg

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

    # --- asking nothing while out of sight ------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Take pictures at the pace again, and render what changed while hidden."""
        super().showEvent(event)
        self._follow_sight()

    def hideEvent(self, event: QHideEvent) -> None:
        """Take no pictures and render no preview while hidden."""
        super().hideEvent(event)
        self._follow_sight()

    def changeEvent(self, event: QEvent) -> None:
        """Minimised counts as hidden (not every window system hides a minimised window)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self._follow_sight()

    def _follow_sight(self) -> None:
        if self.isVisible() and not self.window().isMinimized():
            self.pictures.resume()
            self.renderer.resume()
        else:
            self.pictures.pause()
            self.renderer.pause()


def presets_folder(data_dir: Path) -> Path:
    """Where presets live: the app's data folder."""
    return data_dir / "layouts"
