"""The exact preview: one frame of the edited layout, rendered by the service's compositor, shown
fitted to its box, and marked while a newer one is on its way.

- `PreviewPicture`   the box: the last picture at its aspect, as large as the box allows at any
                     size (smoothly scaled again once a resize has settled; the service is not
                     asked again, its frame is already at the canvas's full size), dimmed under a
                     line of text ("Updating…") while it is not the layout's;
- `PreviewRenderer`  when to ask the service (`POST /v1/layouts/preview`): at once for a change
                     after a quiet spell (a template, a preset, an undo), once more when a run of
                     changes (a drag, typing) has been quiet for `quiet_ms`, and on request; one
                     request at a time, the latest layout next. Nothing runs on a timer: an editor
                     nobody touches costs the service nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QWidget

from app.layout.errors import LayoutError
from app.layout.model import Layout
from ui.common.operations import Operations
from ui.common.translate import translate
from ui.connection.connection import Connection
from ui.layout_editor.document import LayoutDocument

QUIET_MS = 250
"""How long a run of changes must pause before its last layout is rendered."""
SETTLE_MS = 120
"""How long a resize must pause before the picture is scaled again smoothly."""
_BACKGROUND = QColor("#202020")
_TEXT = QColor("#bbbbbb")
_DIM = QColor(0, 0, 0, 150)


class PreviewPicture(QWidget):
    """The preview's box: the latest picture fitted to it, and a note over it while it is stale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 180)
        self._picture: QPixmap | None = None
        self._scaled: QPixmap | None = None
        self._note: str | None = None
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._rescale)

    @property
    def note(self) -> str | None:
        """The line shown over the picture while it is not the layout's (None: it is)."""
        return self._note

    def picture(self) -> QPixmap | None:
        """The picture shown, at the size the service rendered it."""
        return self._picture

    def set_picture(self, data: bytes) -> bool:
        """Show the JPEG `data`; False (and the old picture kept) when it is no picture."""
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            return False
        self._picture = pixmap
        self._rescale()
        return True

    def set_note(self, text: str | None) -> None:
        """Dim the picture under `text`; None shows it as it is."""
        if text != self._note:
            self._note = text
            self.update()

    def picture_rect(self) -> QRect:
        """Where the picture is drawn: the largest box of its aspect that fits, centred."""
        if self._picture is None or self._picture.isNull():
            return QRect()
        size = self._picture.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        rect = QRect(0, 0, size.width(), size.height())
        rect.moveCenter(self.rect().center())
        return rect

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the picture to the new size: at once roughly, smoothly once resizing pauses."""
        super().resizeEvent(event)
        self._settle.start()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The background, the fitted picture, then the note over it (or the placeholder)."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), _BACKGROUND)
        rect = self.picture_rect()
        if self._picture is not None and not rect.isEmpty():
            scaled = self._scaled
            if scaled is not None and scaled.size() == rect.size():
                painter.drawPixmap(rect.topLeft(), scaled)
            else:  # mid-resize: a quick scale now, the smooth one when it settles
                painter.drawPixmap(rect, self._picture)
        text = self._note
        if text is not None and self._picture is not None:
            painter.fillRect(rect, _DIM)
            font = painter.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.3)
            painter.setFont(font)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        elif self._picture is None:
            painter.setPen(_TEXT)
            placeholder = text or translate("LayoutEditor", "The exact preview appears here.")
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, placeholder
            )
        painter.end()

    def sizeHint(self) -> QSize:
        return QSize(480, 270)

    def _rescale(self) -> None:
        rect = self.picture_rect()
        if self._picture is None or rect.isEmpty():
            self._scaled = None
        else:
            self._scaled = self._picture.scaled(
                rect.size(),
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self.update()


class PreviewRenderer(QObject):
    """Asks the service for the preview of `document`'s layout when it changes, into `picture`.

    `shown(bytes)` with each JPEG shown. `room_id` is the room whose streams are drawn; until it
    is set nothing is asked.
    """

    shown = Signal(bytes)

    def __init__(
        self,
        connection: Connection,
        operations: Operations,
        document: LayoutDocument,
        picture: PreviewPicture,
        *,
        quiet_ms: int = QUIET_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.room_id: str | None = None
        self._connection = connection
        self._operations = operations
        self._document = document
        self._picture = picture
        self._asking: Layout | None = None  # the layout of the request in flight
        self._wanted = False  # the layout changed since the last request was sent
        self._quiet = QTimer(self, singleShot=True, interval=quiet_ms)
        self._quiet.timeout.connect(self._quiet_over)
        document.changed.connect(self._changed)

    @property
    def updating(self) -> bool:
        """Whether a newer preview is asked for or on its way."""
        return self._wanted or self._asking is not None

    @property
    def quiet(self) -> bool:
        """Whether the layout has not changed for `quiet_ms`: its next change renders at once."""
        return not self._quiet.isActive()

    def render(self) -> None:
        """Ask for the layout's preview now (after the one in flight, if one is)."""
        if self.room_id is None:
            return
        layout = self._document.layout
        try:
            layout.validate()
        except LayoutError:  # the problems list says what to fix; a broken layout has no preview
            self._wanted = False
            self._picture.set_note(
                translate("LayoutEditor", "Fix the layout's problems to update the preview.")
            )
            return
        self._picture.set_note(translate("LayoutEditor", "Updating…"))
        if self._asking is not None:
            self._wanted = True
            return
        self._wanted = False
        self._asking = layout
        self._operations.run(
            self._connection.client.preview_layout(self.room_id, layout),
            on_done=self._arrived,
            on_error=self._failed,
        )

    def pause(self) -> None:
        """Hidden: a run of changes waits for `resume` to be rendered."""
        self._quiet.stop()

    def resume(self) -> None:
        """Shown again: render what changed meanwhile."""
        if self._wanted and self._asking is None:
            self.render()

    def _changed(self, _layout: Layout) -> None:
        # Marked at once, so the old picture never passes for the new layout.
        self._picture.set_note(translate("LayoutEditor", "Updating…"))
        if self._quiet.isActive() or self._asking is not None:
            self._wanted = True  # in a run of changes: its last one is rendered when it pauses
        else:
            self.render()  # a lone change (a template, a preset): no wait at all
        self._quiet.start()

    def _quiet_over(self) -> None:
        if self._wanted and self._asking is None:
            self.render()

    def _arrived(self, jpeg: bytes) -> None:
        asked, self._asking = self._asking, None
        if self._picture.set_picture(jpeg):
            self.shown.emit(jpeg)
        if self._wanted:
            if not self._quiet.isActive():
                self.render()  # changes came while it rendered, and have paused since
        elif asked == self._document.layout:
            self._picture.set_note(None)

    def _failed(self, _error: BaseException) -> None:
        # The banner says why (the operation's `failed`); the picture says it is not current.
        self._asking = None
        self._picture.set_note(translate("LayoutEditor", "Not updated"))
        if self._wanted and not self._quiet.isActive():
            self.render()
