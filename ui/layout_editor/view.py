"""The layout as the editor's canvas shows it: the output picture at its true aspect, read only.

The scene is in canvas pixels (0, 0 to the canvas width and height) and the view scales it to fit
with a margin, so every position the view reports is already a canvas position. Each region is a
`RegionItem` (`ui.layout_editor.items`) stacked in drawing order; the canvas frame, the grid, the
selection with its handles, the snapping guides and a drop target are drawn around and over them
in screen pixels. `LayoutCanvas` (`ui.layout_editor.canvas`) adds the editing.

The view follows its `LayoutDocument`: it redraws on `changed` and `selection_changed`, reusing
its items, so a drag over 25 regions stays smooth.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPixmap, QResizeEvent, QTransform
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView, QWidget

from app.layout.geometry import Box
from app.layout.model import Layout, Region
from ui.layout_editor.arrange import drawing_order
from ui.layout_editor.document import LayoutDocument
from ui.layout_editor.items import PROBLEM_COLOUR, RegionItem, colour
from ui.layout_editor.snapping import HANDLES, Guide, Handle, handle_point

HANDLE_PX = 8.0
GRAB_PX = 7.0
"""How near (screen pixels) to a handle's centre a press grabs it."""
MARGIN_PX = 12
SELECTION_COLOUR = QColor("#3d8bfd")
GUIDE_COLOUR = QColor("#ff3df2")


class LayoutView(QGraphicsView):
    """A `LayoutDocument`'s layout at its true aspect, with its selection and problems."""

    problems_changed = Signal(object)
    """The layout's problems changed: {region index or None (the whole layout): [messages]}."""

    def __init__(self, document: LayoutDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform
        )
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)
        # Handles and guides are drawn over the whole view; partial updates would leave trails.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setMinimumSize(320, 180)
        self._items: list[RegionItem] = []
        self._pictures: dict[str, QPixmap] = {}
        self._names: dict[str, str] = {}
        self._grid: int | None = None
        self._guides: list[Guide] = []
        self._problems: dict[int | None, list[str]] = {}
        self._drop_target: int | None = None
        document.changed.connect(self._show_layout)
        document.selection_changed.connect(lambda _index: self.viewport().update())
        self._show_layout(document.layout)

    # --- what is shown ------------------------------------------------------------------------

    @property
    def problems(self) -> dict[int | None, list[str]]:
        """The layout's problems as last shown, by region index (None: the whole layout)."""
        return self._problems

    @property
    def guides(self) -> list[Guide]:
        """The lines the region being dragged has snapped to (none when no drag snaps)."""
        return list(self._guides)

    def set_pictures(self, pictures: Mapping[str, QPixmap]) -> None:
        """The latest picture of each stream, by stream id; regions of other streams show their
        placeholder."""
        self._pictures = dict(pictures)
        self.refresh()

    def set_names(self, names: Mapping[str, str]) -> None:
        """Each stream's name by stream id, as the regions show it."""
        self._names = dict(names)
        self.refresh()

    def set_grid(self, step: int | None) -> None:
        """Show a grid every `step` canvas pixels and snap to it; None hides it."""
        self._grid = step if step is not None and step > 0 else None
        self.viewport().update()

    @property
    def grid(self) -> int | None:
        """The grid step in canvas pixels, None when hidden."""
        return self._grid

    def region_rect(self, index: int) -> QRectF:
        """Region `index`'s box in canvas pixels."""
        region = self.document.layout.regions[index]
        return QRectF(region.x, region.y, region.width, region.height)

    def handle_pos(self, index: int, which: Handle) -> QPointF:
        """Where the resize handle `which` ("tl", "t", ... "l") of region `index` is, in canvas
        pixels."""
        return QPointF(*handle_point(box_of(self.document.layout.regions[index]), which))

    def scene_to_view(self, point: QPointF) -> QPoint:
        """The viewport position that shows canvas point `point` (to aim a pointer at it)."""
        return self.mapFromScene(point)

    def _show_layout(self, layout: Layout) -> None:
        canvas = QRectF(0, 0, layout.canvas.width, layout.canvas.height)
        if canvas != self.sceneRect():
            self.setSceneRect(canvas)
            self._fit()
        problems = self.document.problems()
        if problems != self._problems:
            self._problems = problems
            self.problems_changed.emit(problems)
        count = len(layout.regions)
        while len(self._items) > count:
            self.scene().removeItem(self._items.pop())
        while len(self._items) < count:
            item = RegionItem(len(self._items))
            self.scene().addItem(item)
            self._items.append(item)
        for rank, index in enumerate(drawing_order(layout)):
            self._items[index].setZValue(rank)
        self.refresh()

    def refresh(self) -> None:
        """Redraw every region, after a change that is not an edit (a region locked)."""
        layout = self.document.layout
        background = colour(layout.canvas.background, QColor("#000000"))
        for item, region in zip(self._items, layout.regions, strict=True):
            sid = region.stream_id
            picture = self._pictures.get(sid) if isinstance(sid, str) else None
            item.show_region(
                region,
                picture=picture,
                background=background,
                problems=self._problems.get(item.index, []),
                locked=item.index in self.document.locked,
                name=self._names.get(sid) if isinstance(sid, str) else None,
            )
        self.viewport().update()

    # --- the view -----------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the whole canvas in view at its aspect."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        rect = self.sceneRect()
        width, height = self.viewport().width(), self.viewport().height()
        if rect.isEmpty() or width <= 0 or height <= 0:
            return
        # Like fitInView, but with a margin in screen pixels so the handles at the canvas edge show.
        scale = min(
            (width - 2 * MARGIN_PX) / rect.width(), (height - 2 * MARGIN_PX) / rect.height()
        )
        self.setTransform(QTransform.fromScale(max(scale, 1e-3), max(scale, 1e-3)))
        self.centerOn(rect.center())

    def screen_scale(self) -> float:
        """Screen pixels per canvas pixel."""
        return self.transform().m11() or 1.0

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """Around the canvas the window's colour; on it the canvas background and the grid."""
        painter.fillRect(rect, self.palette().color(QPalette.ColorRole.Window).darker(125))
        canvas = self.sceneRect()
        painter.fillRect(canvas, colour(self.document.layout.canvas.background, QColor("#000")))
        if self._grid is None or self._grid * self.screen_scale() < 4:
            return  # a grid finer than 4 screen pixels would be a grey smear
        pen = QPen(QColor(255, 255, 255, 40), 1)
        pen.setCosmetic(True)
        painter.setPen(pen)
        step = self._grid
        for x in range(step, int(canvas.width()), step):
            painter.drawLine(QPointF(x, 0), QPointF(x, canvas.height()))
        for y in range(step, int(canvas.height()), step):
            painter.drawLine(QPointF(0, y), QPointF(canvas.width(), y))

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """The canvas frame, a drop target, the guides, then the selection and its handles."""
        canvas = self.sceneRect()
        unit = 1 / self.screen_scale()
        frame = QPen(PROBLEM_COLOUR if None in self._problems else QColor(255, 255, 255, 90), 1)
        frame.setCosmetic(True)
        painter.setPen(frame)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(canvas.adjusted(-unit, -unit, unit, unit))
        if self._drop_target is not None and self._drop_target < len(self._items):
            pen = QPen(SELECTION_COLOUR, 3)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.fillRect(self.region_rect(self._drop_target), QColor(61, 139, 253, 70))
            painter.drawRect(self.region_rect(self._drop_target))
        if self._guides:
            pen = QPen(GUIDE_COLOUR, 1, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            for guide in self._guides:
                if guide.axis == "x":
                    painter.drawLine(
                        QPointF(guide.position, 0), QPointF(guide.position, canvas.height())
                    )
                else:
                    painter.drawLine(
                        QPointF(0, guide.position), QPointF(canvas.width(), guide.position)
                    )
        selected = self.document.region()
        if selected is not None:
            pen = QPen(SELECTION_COLOUR, 2)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawRect(rect_of(selected))
            if self.document.selected not in self.document.locked:
                self._draw_handles(painter, box_of(selected), HANDLE_PX * unit)

    def _draw_handles(self, painter: QPainter, box: Box, size: float) -> None:
        pen = QPen(SELECTION_COLOUR, 1)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(QColor("#ffffff"))
        for handle in HANDLES:
            x, y = handle_point(box, handle)
            painter.drawRect(QRectF(x - size / 2, y - size / 2, size, size))

    # --- where things are ---------------------------------------------------------------------

    def region_at(self, point: QPointF) -> int | None:
        """The topmost region under canvas point `point`."""
        layout = self.document.layout
        for index in reversed(drawing_order(layout)):
            if rect_of(layout.regions[index]).contains(point):
                return index
        return None

    def handle_at(self, point: QPointF) -> Handle | None:
        """The selected region's handle under `point`, the nearest if several are; a locked
        region has none."""
        region = self.document.region()
        if region is None or self.document.selected in self.document.locked:
            return None
        reach = GRAB_PX / self.screen_scale()
        near = []
        for handle in HANDLES:
            x, y = handle_point(box_of(region), handle)
            dx, dy = abs(point.x() - x), abs(point.y() - y)
            if dx <= reach and dy <= reach:
                near.append((dx + dy, handle))
        return min(near)[1] if near else None

    def set_guides(self, guides: list[Guide]) -> None:
        """Draw these snapping guides (none: clear them)."""
        if guides != self._guides:
            self._guides = list(guides)
            self.viewport().update()

    def set_drop_target(self, index: int | None) -> None:
        """Highlight the region a drop would fill (None: none)."""
        if index != self._drop_target:
            self._drop_target = index
            self.viewport().update()


def box_of(region: Region) -> Box:
    """A region's box."""
    return Box(region.x, region.y, region.width, region.height)


def rect_of(region: Region) -> QRectF:
    """A region's box as a `QRectF`."""
    return QRectF(region.x, region.y, region.width, region.height)
