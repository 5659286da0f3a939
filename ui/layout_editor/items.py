"""How one region looks on the layout canvas: `RegionItem`, a graphics item in canvas pixels.

The item draws what the compositor (`app.media.mix.graph`) will draw there: the stream's picture
inside the border by the region's fit mode (`fit` with bars of the canvas background, `fill`
cropped to the middle, `stretch`), or the placeholder colour when there is no picture yet, then
the border. Over that, in screen pixels so they read the same at any zoom, it draws the stream's
name, a padlock on a locked region and a red outline on a region with problems (their messages
are its tooltip). The selection, its handles and the guides are drawn over every item by
`ui.layout_editor.view`.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.layout.model import FitMode, Region
from ui.common.translate import translate

PROBLEM_COLOUR = QColor("#e5484d")
_FALLBACK = QColor("#202020")


def colour(value: object, fallback: QColor = _FALLBACK) -> QColor:
    """A `#rrggbb` layout colour; `fallback` when it is not one (the checks will say so)."""
    found = QColor(value) if isinstance(value, str) else QColor()
    return found if found.isValid() else fallback


def draw_picture(
    painter: QPainter, target: QRectF, picture: QPixmap, fit: FitMode, bars: QColor
) -> None:
    """Draw `picture` into `target` the way the compositor scales it for `fit`."""
    width, height = picture.width(), picture.height()
    if width <= 0 or height <= 0 or target.isEmpty():
        return
    source = QRectF(0, 0, width, height)
    if fit == "fill":
        # Scale up until both sides are covered, then crop the middle (ffmpeg's crop default).
        scale = max(target.width() / width, target.height() / height)
        crop = QRectF(0, 0, target.width() / scale, target.height() / scale)
        crop.moveCenter(source.center())
        painter.drawPixmap(target, picture, crop)
    elif fit == "fit":
        painter.fillRect(target, bars)
        scale = min(target.width() / width, target.height() / height)
        shown = QRectF(0, 0, width * scale, height * scale)
        shown.moveCenter(target.center())
        painter.drawPixmap(shown, picture, source)
    else:
        painter.drawPixmap(target, picture, source)


class RegionItem(QGraphicsItem):
    """One region of the layout, drawn at its box in scene (canvas pixel) coordinates."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index
        self.region: Region | None = None
        self.problems: list[str] = []
        self.locked = False
        self.name = ""
        self._picture: QPixmap | None = None
        self._background = _FALLBACK
        self._rect = QRectF()

    def show_region(
        self,
        region: Region,
        *,
        picture: QPixmap | None,
        background: QColor,
        problems: list[str],
        locked: bool,
        name: str | None = None,
    ) -> None:
        """Take the region's current state and repaint; `name` is its stream's as the glossary
        writes it ("grace · camera"; the stream id when the room does not have it)."""
        rect = _rect_of(region)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.region = region
        self._picture = picture
        self._background = background
        self.problems = problems
        self.locked = locked
        self.name = name or region.stream_id or translate("RegionItem", "empty")
        self.setToolTip("\n".join(problems) if problems else _summary(self.name, region, locked))
        self.update()

    def boundingRect(self) -> QRectF:
        """The region's box."""
        return QRectF(self._rect)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        """The picture or placeholder, the border, then the screen-sized marks."""
        region = self.region
        if region is None or self._rect.isEmpty():
            return
        rect = self._rect
        border = region.border.width if region.border is not None else 0
        border = border if isinstance(border, int) and border > 0 else 0
        inner = rect.adjusted(border, border, -border, -border)
        if self._picture is not None and not inner.isEmpty():
            draw_picture(painter, inner, self._picture, region.fit, self._background)
        else:
            painter.fillRect(inner if not inner.isEmpty() else rect, _placeholder(region))
        if region.border is not None and border:
            ring = QPainterPath()
            ring.addRect(rect)
            ring.addRect(inner)  # odd-even fill: only the frame between the two boxes
            painter.fillPath(ring, colour(region.border.color, QColor("#ffffff")))

        # Words and marks in screen pixels: the canvas is usually shown at a fraction of its size.
        device = painter.worldTransform().mapRect(rect)
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.save()
        painter.setClipRect(device, Qt.ClipOperation.IntersectClip)
        self._label(painter, device, region)
        painter.restore()
        if self.locked:
            _padlock(painter, QPointF(device.right() - 14, device.top() + 14))
        if self.problems:
            pen = QPen(PROBLEM_COLOUR, 2)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(device.adjusted(1, 1, -1, -1))
        painter.restore()

    def _label(self, painter: QPainter, device: QRectF, region: Region) -> None:
        name = self.name
        font = QFont(painter.font())
        metrics = QFontMetricsF(font)
        if self._picture is not None:
            # Over a picture: a small dark tag in the corner, so the picture stays visible.
            text = metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, device.width() - 16)
            if not text:
                return
            tag = QRectF(device.left() + 4, device.top() + 4, 0, metrics.height() + 4)
            tag.setWidth(metrics.horizontalAdvance(text) + 10)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 150))
            painter.drawRoundedRect(tag, 3, 3)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
            return
        font.setWeight(QFont.Weight.DemiBold if region.stream_id else QFont.Weight.Normal)
        font.setItalic(region.stream_id is None)
        painter.setFont(font)
        text = QFontMetricsF(font).elidedText(
            name, Qt.TextElideMode.ElideMiddle, device.width() - 8
        )
        ink = QColor("#ffffff") if _placeholder(region).lightnessF() < 0.6 else QColor("#000000")
        ink.setAlphaF(0.85 if region.stream_id else 0.55)
        painter.setPen(ink)
        painter.drawText(device, Qt.AlignmentFlag.AlignCenter, text)


def _rect_of(region: Region) -> QRectF:
    try:
        return QRectF(region.x, region.y, region.width, region.height).normalized()
    except TypeError:  # a field that is not a number: the checks report it, nothing to draw
        return QRectF()


def _placeholder(region: Region) -> QColor:
    return colour(getattr(region.placeholder, "color", None))


def _summary(name: str, region: Region, locked: bool) -> str:
    text = translate("RegionItem", "{name}: {width} x {height} at {x}, {y}").format(
        name=name, width=region.width, height=region.height, x=region.x, y=region.y
    )
    return text + ("\n" + translate("RegionItem", "Locked") if locked else "")


def _padlock(painter: QPainter, centre: QPointF) -> None:
    """A padlock on a dark disc, 20 screen pixels across."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 170))
    painter.drawEllipse(centre, 10, 10)
    white = QColor("#ffffff")
    painter.setBrush(white)
    painter.drawRoundedRect(QRectF(centre.x() - 5, centre.y() - 1, 10, 7), 1.5, 1.5)
    pen = QPen(white, 1.6)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    shackle = QRectF(centre.x() - 3.2, centre.y() - 6, 6.4, 8)
    painter.drawArc(shackle, 0, 180 * 16)
    painter.drawLine(QPointF(shackle.left(), centre.y() - 2), QPointF(shackle.left(), centre.y()))
    painter.drawLine(QPointF(shackle.right(), centre.y() - 2), QPointF(shackle.right(), centre.y()))
