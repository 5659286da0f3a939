"""The Canvas part of the layout editor's side panel: size, frame rate, background, bitrates and
watermark of the output picture.

Every field edits the document (`LayoutDocument.edit`), one merged undo step per visit to the
field, and shows the layout again whenever it changes (undo, a loaded preset), without editing
back. A new size scales the regions and the watermark with it (`scaled`), so a layout keeps its
look at another resolution.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict, TypeVar, Unpack

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QSpinBox, QWidget

from app.layout.model import Canvas, Layout, Region, Watermark
from ui.common.translate import translate
from ui.layout_editor.document import LayoutDocument
from ui.layout_editor.fields import (
    FPS_CHOICES,
    RESOLUTIONS,
    ColorButton,
    EvenSpinBox,
    StepCloser,
    pixel_spin,
)
from ui.layout_editor.images import ImagePicker

_Boxed = TypeVar("_Boxed", Region, Watermark)
_WATERMARK_MARGIN = 16


class _CanvasChange(TypedDict, total=False):
    """The canvas fields one edit of `CanvasSection` may change."""

    fps: int
    background: str
    background_image: str | None
    video_bitrate: int
    audio_bitrate: int
    watermark: Watermark | None


class _WatermarkChange(TypedDict, total=False):
    """The watermark fields one edit of `CanvasSection` may change."""

    x: int
    y: int
    width: int
    height: int
    opacity: float


def _even(value: float) -> int:
    return round(value / 2) * 2


def _scaled_box(box: _Boxed, sx: float, sy: float, width: int, height: int) -> _Boxed:
    """`box` scaled by (sx, sy), with even sides of 2 or more, moved back inside if it spilled."""
    new_width = min(width, max(2, _even(box.width * sx)))
    new_height = min(height, max(2, _even(box.height * sy)))
    x = min(max(0, _even(box.x * sx)), width - new_width)
    y = min(max(0, _even(box.y * sy)), height - new_height)
    return replace(box, x=x, y=y, width=new_width, height=new_height)


def scaled(layout: Layout, width: int, height: int) -> Layout:
    """`layout` on a `width` x `height` canvas, its regions and watermark scaled in proportion."""
    old = layout.canvas
    canvas = replace(old, width=width, height=height)
    if not (isinstance(old.width, int) and isinstance(old.height, int)):
        return layout.with_canvas(canvas)
    if old.width <= 0 or old.height <= 0:
        return layout.with_canvas(canvas)
    sx, sy = width / old.width, height / old.height
    if old.watermark is not None:
        canvas = replace(canvas, watermark=_scaled_box(old.watermark, sx, sy, width, height))
    regions = (_scaled_box(region, sx, sy, width, height) for region in layout.regions)
    return layout.with_canvas(canvas).with_regions(regions)


def _pair(first: QWidget, second: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(4)
    row.addWidget(first, 1)
    row.addWidget(second, 1)
    return row


def _kbits(minimum: int, maximum: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setSuffix(translate("LayoutEditor", " kbit/s"))
    spin.setKeyboardTracking(False)
    return spin


class CanvasSection(QWidget):
    """The canvas fields of the panel, bound to `document`."""

    def __init__(self, document: LayoutDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._quiet = False
        # Scaling starts from the layout before the first of a run of size changes, so stepping
        # through sizes never piles up rounding; any other change starts a new run.
        self._size_base: Layout | None = None
        self._resized: Layout | None = None

        self.resolution = QComboBox()
        for width, height, name in RESOLUTIONS:
            self.resolution.addItem(translate("LayoutEditor", name), (width, height))
        self.resolution.addItem(translate("LayoutEditor", "Custom"), None)
        self.resolution.activated.connect(self._preset_chosen)
        self.width_spin = EvenSpinBox()
        self.width_spin.setPrefix(translate("LayoutEditor", "W "))
        self.height_spin = EvenSpinBox()
        self.height_spin.setPrefix(translate("LayoutEditor", "H "))
        for spin in (self.width_spin, self.height_spin):
            spin.valueChanged.connect(self._size_typed)
        self.fps = QComboBox()
        for fps in FPS_CHOICES:
            self.fps.addItem(translate("LayoutEditor", "{fps} fps").format(fps=fps), fps)
        self.fps.activated.connect(self._fps_chosen)
        self.background = ColorButton(translate("LayoutEditor", "Background colour"))
        self.background.color_changed.connect(
            lambda color: self._set(
                translate("LayoutEditor", "Change background colour"),
                "background",
                background=color,
            )
        )
        self.background_image = ImagePicker(translate("LayoutEditor", "Background image"))
        self.background_image.image_changed.connect(
            lambda name: self._set(
                translate("LayoutEditor", "Change background image"),
                "background_image",
                background_image=name,
            )
        )
        self.video_bitrate = _kbits(50, 200_000)
        self.video_bitrate.valueChanged.connect(
            lambda kbits: self._set(
                translate("LayoutEditor", "Change video bitrate"),
                "video_bitrate",
                video_bitrate=kbits * 1000,
            )
        )
        self.audio_bitrate = _kbits(8, 1024)
        self.audio_bitrate.valueChanged.connect(
            lambda kbits: self._set(
                translate("LayoutEditor", "Change audio bitrate"),
                "audio_bitrate",
                audio_bitrate=kbits * 1000,
            )
        )

        self.watermark = ImagePicker(translate("LayoutEditor", "Watermark image"))
        self.watermark.image_changed.connect(self._watermark_image)
        self.mark_x = pixel_spin()
        self.mark_x.setPrefix(translate("LayoutEditor", "x "))
        self.mark_y = pixel_spin()
        self.mark_y.setPrefix(translate("LayoutEditor", "y "))
        self.mark_width = EvenSpinBox()
        self.mark_width.setPrefix(translate("LayoutEditor", "W "))
        self.mark_height = EvenSpinBox()
        self.mark_height.setPrefix(translate("LayoutEditor", "H "))
        self.mark_opacity = QSpinBox()
        self.mark_opacity.setRange(0, 100)
        self.mark_opacity.setSuffix(translate("LayoutEditor", " %"))
        self.mark_opacity.setKeyboardTracking(False)
        self.mark_x.valueChanged.connect(lambda x: self._set_mark(x=x))
        self.mark_y.valueChanged.connect(lambda y: self._set_mark(y=y))
        self.mark_width.valueChanged.connect(lambda width: self._set_mark(width=width))
        self.mark_height.valueChanged.connect(lambda height: self._set_mark(height=height))
        self.mark_opacity.valueChanged.connect(
            lambda percent: self._set_mark(opacity=percent / 100)
        )

        self.form = form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.addRow(translate("LayoutEditor", "Size"), self.resolution)
        form.addRow("", _pair(self.width_spin, self.height_spin))
        form.addRow(translate("LayoutEditor", "Frame rate"), self.fps)
        form.addRow(translate("LayoutEditor", "Background"), self.background)
        form.addRow(translate("LayoutEditor", "Image"), self.background_image)
        form.addRow(translate("LayoutEditor", "Video bitrate"), self.video_bitrate)
        form.addRow(translate("LayoutEditor", "Audio bitrate"), self.audio_bitrate)
        form.addRow(translate("LayoutEditor", "Watermark"), self.watermark)
        mark_position = _pair(self.mark_x, self.mark_y)
        mark_size = _pair(self.mark_width, self.mark_height)
        form.addRow(translate("LayoutEditor", "Position"), mark_position)
        form.addRow(translate("LayoutEditor", "Size"), mark_size)
        form.addRow(translate("LayoutEditor", "Opacity"), self.mark_opacity)
        self._mark_rows: tuple[QHBoxLayout | QWidget, ...] = (
            mark_position,
            mark_size,
            self.mark_opacity,
        )
        self.video_bitrate.setToolTip(
            translate("LayoutEditor", "Video bitrate of the mixed recording.")
        )
        self.audio_bitrate.setToolTip(
            translate("LayoutEditor", "Audio bitrate of the mixed recording.")
        )
        self.watermark.setToolTip(
            translate("LayoutEditor", "An image drawn over everything, such as a logo.")
        )

        closer = StepCloser(document, self)
        closer.watch(
            self.width_spin,
            self.height_spin,
            self.video_bitrate,
            self.audio_bitrate,
            self.mark_x,
            self.mark_y,
            self.mark_width,
            self.mark_height,
            self.mark_opacity,
        )
        document.changed.connect(self._show)
        self._show(document.layout)

    # --- edits ------------------------------------------------------------------------------------

    def resize_canvas(self, width: int, height: int) -> None:
        """Make the canvas `width` x `height`, scaling the regions with it (one undo step)."""
        layout = self._document.layout
        if (layout.canvas.width, layout.canvas.height) == (width, height):
            return
        base = self._size_base if self._size_base is not None else layout
        self._size_base = base
        self._resized = scaled(base, width, height)
        self._document.edit(
            self._resized,
            translate("LayoutEditor", "Change canvas size"),
            merge="field-canvas-size",
        )

    def _preset_chosen(self, index: int) -> None:
        size = self.resolution.itemData(index)
        if size is None:
            self.width_spin.setFocus()
            return
        self.resize_canvas(*size)
        self._document.close_step()

    def _size_typed(self) -> None:
        if not self._quiet:
            self.resize_canvas(self.width_spin.value(), self.height_spin.value())

    def _fps_chosen(self, index: int) -> None:
        self._set(
            translate("LayoutEditor", "Change frame rate"), "fps", fps=self.fps.itemData(index)
        )

    def _set(self, text: str, name: str, **change: Unpack[_CanvasChange]) -> None:
        if self._quiet:
            return
        layout = self._document.layout
        canvas = replace(layout.canvas, **change)
        self._document.edit(layout.with_canvas(canvas), text, merge=f"field-canvas-{name}")

    def _watermark_image(self, name: str | None) -> None:
        if self._quiet:
            return
        canvas = self._document.layout.canvas
        if name is None:
            mark = None
        elif canvas.watermark is not None:
            mark = replace(canvas.watermark, image=name)
        else:
            mark = self._new_watermark(name, canvas, self.watermark.size_of(name))
        self._set(translate("LayoutEditor", "Change watermark"), "watermark", watermark=mark)

    def _set_mark(self, **change: Unpack[_WatermarkChange]) -> None:
        """One field of the watermark, named by its keyword (`opacity=0.5`)."""
        (name,) = change
        mark = self._document.layout.canvas.watermark
        if self._quiet or mark is None:
            return
        changed = replace(mark, **change)
        self._set(
            translate("LayoutEditor", "Change watermark"), f"watermark-{name}", watermark=changed
        )

    @staticmethod
    def _new_watermark(name: str, canvas: Canvas, size: tuple[int, int] | None) -> Watermark:
        """A watermark an eighth of the canvas wide, at the top right, in the image's shape
        (half as high as wide when its size is not known)."""
        width = max(2, _even(canvas.width / 8))
        aspect = size[1] / size[0] if size is not None and size[0] else 0.5
        height = min(canvas.height, max(2, _even(width * aspect)))
        x = max(0, canvas.width - width - _WATERMARK_MARGIN)
        return Watermark(name, x, min(_WATERMARK_MARGIN, canvas.height - height), width, height)

    # --- showing the layout -----------------------------------------------------------------------

    def _show(self, layout: Layout) -> None:
        if layout is not self._resized:
            self._size_base = None
        canvas = layout.canvas
        self._quiet = True
        try:
            _set_value(self.width_spin, canvas.width)
            _set_value(self.height_spin, canvas.height)
            size = (canvas.width, canvas.height)
            # The last item is "Custom", for any size that is no preset.
            presets = range(self.resolution.count() - 1)
            preset = next((i for i in presets if self.resolution.itemData(i) == size), None)
            self.resolution.setCurrentIndex(
                preset if preset is not None else self.resolution.count() - 1
            )
            if self.fps.findData(canvas.fps) < 0:
                self.fps.addItem(
                    translate("LayoutEditor", "{fps} fps").format(fps=canvas.fps), canvas.fps
                )
            self.fps.setCurrentIndex(self.fps.findData(canvas.fps))
            self.background.set_color(canvas.background)
            self.background_image.set_image(canvas.background_image)
            _set_value(self.video_bitrate, round(canvas.video_bitrate / 1000))
            _set_value(self.audio_bitrate, round(canvas.audio_bitrate / 1000))
            mark = canvas.watermark
            self.watermark.set_image(mark.image if mark is not None else None)
            # The watermark's placement rows show only while there is a watermark.
            for row in self._mark_rows:
                self.form.setRowVisible(row, mark is not None)
            if mark is not None:
                _set_value(self.mark_x, mark.x)
                _set_value(self.mark_y, mark.y)
                _set_value(self.mark_width, mark.width)
                _set_value(self.mark_height, mark.height)
                _set_value(self.mark_opacity, round(mark.opacity * 100))
        finally:
            self._quiet = False


def _set_value(spin: QSpinBox, value: int) -> None:
    # Unchanged values are left alone, so a field being typed in keeps its text and cursor.
    if spin.value() != value:
        spin.setValue(value)
