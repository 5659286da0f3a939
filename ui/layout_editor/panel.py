"""The layout editor's side panel: template, selected region, room streams, canvas and problems.

`LayoutPanel` sits beside the canvas (about 320 px wide, scrolling) and edits the same
`LayoutDocument`: every change is an undoable `edit`, and every part shows the document again on
`changed` and `selection_changed`. The room's streams come from `set_streams`; templates arrange
them (`app.layout.templates`), the region's stream field offers them, and the stream list lets
them be dragged onto the canvas as `STREAM_MIME` (the stream id, UTF-8) or assigned to the
selected region. The region and canvas fields live in `ui.layout_editor.region_section` and
`ui.layout_editor.canvas_section`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import cast

from PySide6.QtCore import QMimeData, QRect, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Stream
from app.layout.errors import LayoutError
from app.layout.model import TEMPLATES, Layout, TemplateId
from app.layout.templates import StreamRef, arrange, reflow
from ui.common.palette import follow_palette, row_colour, tint
from ui.common.templates import template_name
from ui.common.translate import translate
from ui.layout_editor.canvas_section import CanvasSection
from ui.layout_editor.document import STREAM_MIME, LayoutDocument
from ui.layout_editor.fields import (
    TEMPLATE_HINTS,
    Section,
    WheelGuard,
    align_labels,
    stream_label,
)
from ui.layout_editor.region_section import RegionSection

"""The drag-and-drop type of a stream dragged from the panel; the data is its id in UTF-8."""
PANEL_WIDTH = 320
PROBLEMS_HEIGHT = 110
_STREAM_ID = Qt.ItemDataRole.UserRole
_REGION_INDEX = Qt.ItemDataRole.UserRole


class StreamList(QListWidget):
    """The room's streams; one with a picture can be dragged onto a region of the canvas."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def set_streams(self, streams: Sequence[Stream]) -> None:
        """Show `streams`, keeping the current one if it is still there."""
        current = self.current_stream()
        self.clear()
        for stream in streams:
            item = QListWidgetItem(stream_label(stream))
            item.setData(_STREAM_ID, stream.stream_id)
            if stream.kind == "audio":
                # A sound-only stream has no picture to place; its sound is mixed in anyway.
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
                item.setToolTip(
                    translate("LayoutEditor", "Sound only: always mixed in, it needs no region.")
                )
            else:
                item.setToolTip(translate("LayoutEditor", "Drag onto a region of the canvas."))
            self.addItem(item)
            if stream.stream_id == current:
                self.setCurrentItem(item)
        # As high as its rows (up to six), so a small room leaves no empty box.
        rows = min(max(self.count(), 1), 6)
        self.setFixedHeight(self.sizeHintForRow(0) * rows + 2 * self.frameWidth() + 2)

    def current_stream(self) -> str | None:
        """The id of the current stream, if any."""
        item = self.currentItem()
        return None if item is None else cast("str | None", item.data(_STREAM_ID))

    def mimeTypes(self) -> list[str]:
        return [STREAM_MIME]

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:
        data = QMimeData()
        if items:
            data.setData(STREAM_MIME, str(items[0].data(_STREAM_ID)).encode())
            data.setText(items[0].text())
        return data

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        # Copy only: a move would take the stream out of the list when the canvas accepts it.
        super().startDrag(Qt.DropAction.CopyAction)


class ProblemList(QListWidget):
    """Validation messages, wrapped; as high as they are, up to `PROBLEMS_HEIGHT` (then it
    scrolls), so one message takes little room beside the canvas."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit_height(self) -> None:
        """Take the height the messages need at the present width."""
        frame = 2 * self.frameWidth()
        # The wrapped height is measured here: the list's own size hints assume one line.
        wrap = QRect(0, 0, max(40, self.width() - frame - 8), 10_000)
        metrics = self.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        needed = sum(
            metrics.boundingRect(wrap, flags, self.item(row).text()).height() + 4
            for row in range(self.count())
        )
        self.setFixedHeight(min(PROBLEMS_HEIGHT, needed + frame + 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_height()


class LayoutPanel(QWidget):
    """Everything about the edited layout that is not drawn on the canvas.

    `failed(str)` says why an action could not be done (a template on a broken canvas).
    """

    failed = Signal(str)

    def __init__(self, document: LayoutDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._streams: list[Stream] | None = None

        self.template = QComboBox()
        for template in TEMPLATES:
            self.template.addItem(template_name(template), template)
        self.template.activated.connect(
            lambda index: self.choose_template(self.template.itemData(index))
        )
        self.template_hint = QLabel()
        self.template_hint.setWordWrap(True)
        tint(self.template_hint, "hint")
        template_body = QWidget()
        template_column = QVBoxLayout(template_body)
        template_column.setContentsMargins(0, 0, 0, 0)
        template_column.addWidget(self.template)
        template_column.addWidget(self.template_hint)

        self.region_section = RegionSection(document)
        self.canvas_section = CanvasSection(document)
        align_labels(self.region_section.form, self.canvas_section.form)

        self.streams = StreamList()
        self.streams.currentItemChanged.connect(self._update_assign)
        self.assign = QPushButton(translate("LayoutEditor", "Assign to selected region"))
        self.assign.clicked.connect(self.assign_stream)
        streams_body = QWidget()
        streams_column = QVBoxLayout(streams_body)
        streams_column.setContentsMargins(0, 0, 0, 0)
        streams_column.addWidget(self.streams)
        streams_column.addWidget(self.assign)

        self.problems = ProblemList()
        self.problems.itemDoubleClicked.connect(self._problem_chosen)
        self.no_problems = QLabel(translate("LayoutEditor", "No problems."))
        tint(self.no_problems, "hint")
        problems_body = QWidget()
        problems_column = QVBoxLayout(problems_body)
        problems_column.setContentsMargins(0, 0, 0, 0)
        problems_column.addWidget(self.problems)
        problems_column.addWidget(self.no_problems)

        self.sections = {
            "template": Section(translate("LayoutEditor", "Template"), template_body),
            "region": Section(translate("LayoutEditor", "Region"), self.region_section),
            "streams": Section(translate("LayoutEditor", "Streams"), streams_body),
            "canvas": Section(translate("LayoutEditor", "Canvas"), self.canvas_section),
            "problems": Section(translate("LayoutEditor", "Problems"), problems_body),
        }
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(8, 6, 8, 8)
        column.setSpacing(8)
        for name, section in self.sections.items():
            if name != "problems":
                column.addWidget(section)
        column.addStretch(1)
        guard = WheelGuard(self)
        guard.guard(*content.findChildren(QComboBox), *content.findChildren(QAbstractSpinBox))
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Problems stay in sight below the scrolling parts, however far down one has scrolled.
        pinned = QWidget()
        pinned_column = QVBoxLayout(pinned)
        pinned_column.setContentsMargins(8, 4, 8, 8)
        pinned_column.addWidget(self.sections["problems"])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(scroll, 1)
        outer.addWidget(pinned)
        self.setMinimumWidth(PANEL_WIDTH - 40)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

        document.changed.connect(self._show)
        document.selection_changed.connect(self._update_assign)
        self._show(document.layout)
        # The lines are coloured for the palette in use: again when it changes.
        follow_palette(self.problems, self._show_problems, "problems")

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        hint.setWidth(PANEL_WIDTH)
        return hint

    def set_streams(self, streams: Sequence[Stream]) -> None:
        """The room's streams: arranged by templates, offered to regions, listed for dragging."""
        self._streams = list(streams)
        self.streams.set_streams(self._streams)
        self.region_section.set_streams(self._streams)
        self._show(self._document.layout)

    def stream_ids(self) -> list[str] | None:
        """The ids of the room's streams; None until `set_streams` was called."""
        return None if self._streams is None else [s.stream_id for s in self._streams]

    # --- actions ----------------------------------------------------------------------------------

    def choose_template(self, template: TemplateId) -> None:
        """Arrange the regions by `template` for the room's streams, as one undo step.

        The main stream stays the main one (`reflow`). Choosing custom keeps the regions where
        they are, and starts from the grid only when there are none. Until the room's streams are
        known, the streams already placed are arranged.
        """
        layout = self._document.layout.with_template(template)
        try:
            if template != "custom":
                layout = reflow(layout, self._refs())
            elif not layout.regions:
                layout = layout.with_regions(arrange(template, layout.canvas, self._refs()))
        except LayoutError as exc:
            self.failed.emit(
                translate("LayoutEditor", "Cannot arrange the template: {error}").format(error=exc)
            )
            self._show(self._document.layout)
            return
        name = template_name(template)
        self._document.edit(
            layout, translate("LayoutEditor", "Use template {name}").format(name=name)
        )

    def assign_stream(self) -> None:
        """Put the stream chosen in the list into the selected region (one undo step)."""
        stream_id, region = self.streams.current_stream(), self._document.region()
        index = self._document.selected
        if stream_id is None or region is None or index is None:
            return
        self._document.replace_region(
            index,
            replace(region, stream_id=stream_id),
            translate("LayoutEditor", "Assign stream to region"),
        )

    def _refs(self) -> list[StreamRef]:
        if self._streams is not None:
            return [StreamRef(s.stream_id, s.kind) for s in self._streams]
        placed = dict.fromkeys(r.stream_id for r in self._document.layout.regions if r.stream_id)
        return [StreamRef(stream_id) for stream_id in placed if stream_id]

    def _problem_chosen(self, item: QListWidgetItem) -> None:
        index = item.data(_REGION_INDEX)
        if isinstance(index, int):
            self._document.select(index)

    # --- showing the layout -----------------------------------------------------------------------

    def _show(self, layout: Layout) -> None:
        found = self.template.findData(layout.template)
        if found >= 0:
            self.template.setCurrentIndex(found)
        self.template_hint.setText(
            translate("LayoutEditor", TEMPLATE_HINTS.get(layout.template, ""))
        )
        self._show_problems()
        self._update_assign()

    def _show_problems(self) -> None:
        errors = self._document.problems(None)
        found = self._document.problems(self.stream_ids())
        self.problems.clear()
        count = 0
        for index, messages in sorted(found.items(), key=lambda kv: -1 if kv[0] is None else kv[0]):
            for message in messages:
                item = QListWidgetItem(message)
                is_error = message in errors.get(index, ())
                item.setForeground(row_colour("error" if is_error else "warning"))
                kind = (
                    translate("LayoutEditor", "Error")
                    if is_error
                    else translate("LayoutEditor", "Warning")
                )
                if index is not None:
                    item.setData(_REGION_INDEX, index)
                    kind += " · " + translate("LayoutEditor", "double-click to select the region")
                item.setToolTip(kind)
                self.problems.addItem(item)
                count += 1
        self.problems.setVisible(count > 0)
        self.problems.fit_height()
        self.no_problems.setVisible(count == 0)
        title = (
            translate("LayoutEditor", "Problems ({count})").format(count=count)
            if count
            else translate("LayoutEditor", "Problems")
        )
        self.sections["problems"].set_title(title)

    def _update_assign(self, *_: object) -> None:
        item = self.streams.currentItem()
        draggable = item is not None and bool(item.flags() & Qt.ItemFlag.ItemIsDragEnabled)
        self.assign.setEnabled(draggable and self._document.region() is not None)
