"""The Region part of the layout editor's side panel: the exact box, look and stream of the
selected region.

Every field edits the document (`LayoutDocument.replace_region`), one merged undo step per visit
to the field, and the fields follow the selection and the layout (undo, a drag on the canvas)
without editing back. Moving or resizing a region by hand makes the layout `custom`: a template
would put the region back where it was at the next join or leave.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TypedDict, Unpack

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from app.api.models import Stream
from app.layout.model import FIT_MODES, Border, FitMode, Layout, Region
from ui.common.palette import tint
from ui.common.translate import translate
from ui.layout_editor.document import LayoutDocument
from ui.layout_editor.fields import (
    FIT_NAMES,
    MAX_PIXELS,
    ColorButton,
    EvenSpinBox,
    StepCloser,
    pixel_spin,
    stream_label,
)


class _RegionChange(TypedDict, total=False):
    """The region fields one edit of `RegionSection` may change."""

    x: int
    y: int
    width: int
    height: int
    z: int
    fit: FitMode
    stream_id: str | None
    audio: bool


class _BorderChange(TypedDict, total=False):
    """The border fields one edit of `RegionSection` may change."""

    width: int
    color: str


def _pair(first: QWidget, second: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(4)
    row.addWidget(first, 1)
    row.addWidget(second, 1)
    return row


class RegionSection(QWidget):
    """The fields of the selected region, bound to `document`; disabled while none is selected."""

    def __init__(self, document: LayoutDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._streams: list[Stream] = []
        self._quiet = False

        self.hint = QLabel(translate("LayoutEditor", "Select a region on the canvas to edit it."))
        self.hint.setWordWrap(True)
        tint(self.hint, "hint")
        self.x_spin = pixel_spin()
        self.x_spin.setPrefix(translate("LayoutEditor", "x "))
        self.y_spin = pixel_spin()
        self.y_spin.setPrefix(translate("LayoutEditor", "y "))
        self.width_spin = EvenSpinBox()
        self.width_spin.setPrefix(translate("LayoutEditor", "W "))
        self.height_spin = EvenSpinBox()
        self.height_spin.setPrefix(translate("LayoutEditor", "H "))
        self.z = QSpinBox()
        self.z.setRange(-99, 99)
        self.z.setKeyboardTracking(False)
        self.z.setToolTip(
            translate("LayoutEditor", "Regions with a higher layer are drawn over lower ones.")
        )
        self.x_spin.valueChanged.connect(lambda x: self._change(x=x))
        self.y_spin.valueChanged.connect(lambda y: self._change(y=y))
        self.width_spin.valueChanged.connect(lambda width: self._change(width=width))
        self.height_spin.valueChanged.connect(lambda height: self._change(height=height))
        self.z.valueChanged.connect(lambda z: self._change(z=z))
        self.fit = QComboBox()
        for mode in FIT_MODES:
            self.fit.addItem(translate("LayoutEditor", FIT_NAMES[mode]), mode)
        self.fit.activated.connect(lambda i: self._change(fit=self.fit.itemData(i)))
        self.stream = QComboBox()
        self.stream.activated.connect(lambda i: self._change(stream_id=self.stream.itemData(i)))
        self.audio = QCheckBox(translate("LayoutEditor", "Mix its sound"))
        self.audio.toggled.connect(lambda on: self._change(audio=on))
        self.placeholder = ColorButton(translate("LayoutEditor", "Placeholder colour"))
        self.placeholder.setToolTip(
            translate("LayoutEditor", "Shown while the stream has no picture.")
        )
        self.placeholder.color_changed.connect(self._placeholder_color)
        self.border = QCheckBox()
        self.border.setToolTip(translate("LayoutEditor", "Draw a border inside the region."))
        self.border.toggled.connect(self._border_toggled)
        self.border_width = QSpinBox()
        self.border_width.setRange(1, MAX_PIXELS // 2)
        self.border_width.setSuffix(translate("LayoutEditor", " px"))
        self.border_width.setKeyboardTracking(False)
        self.border_width.valueChanged.connect(lambda width: self._change_border(width=width))
        self.border_color = ColorButton(translate("LayoutEditor", "Border colour"))
        self.border_color.color_changed.connect(lambda color: self._change_border(color=color))
        self.fields: tuple[QWidget, ...] = (
            self.x_spin,
            self.y_spin,
            self.width_spin,
            self.height_spin,
            self.z,
            self.fit,
            self.stream,
            self.audio,
            self.placeholder,
            self.border,
            self.border_width,
            self.border_color,
        )

        border_row = QHBoxLayout()
        border_row.setSpacing(4)
        border_row.addWidget(self.border)
        border_row.addWidget(self.border_width, 1)
        border_row.addWidget(self.border_color, 1)
        self.form = form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.hint)
        form.addRow(translate("LayoutEditor", "Stream"), self.stream)
        form.addRow(translate("LayoutEditor", "Position"), _pair(self.x_spin, self.y_spin))
        form.addRow(translate("LayoutEditor", "Size"), _pair(self.width_spin, self.height_spin))
        form.addRow(translate("LayoutEditor", "Layer"), self.z)
        form.addRow(translate("LayoutEditor", "Picture"), self.fit)
        form.addRow(translate("LayoutEditor", "Sound"), self.audio)
        form.addRow(translate("LayoutEditor", "Placeholder"), self.placeholder)
        form.addRow(translate("LayoutEditor", "Border"), border_row)

        StepCloser(document, self).watch(*self.fields)
        document.changed.connect(self._show)
        document.selection_changed.connect(self._show)
        self._show()

    def set_streams(self, streams: Sequence[Stream]) -> None:
        """The room's streams, offered in the stream field."""
        self._streams = list(streams)
        self._show()

    # --- edits ------------------------------------------------------------------------------------

    def _edit(self, region: Region, text: str, name: str) -> None:
        index = self._document.selected
        if self._quiet or index is None:
            return
        self._document.replace_region(index, region, text, merge=f"field-region{index}-{name}")

    def _change(self, **change: Unpack[_RegionChange]) -> None:
        """One field of the selected region, named by its keyword (`x=10`)."""
        (name,) = change
        region = self._document.region()
        if self._quiet or region is None:
            return
        changed = replace(region, **change)
        if changed == region:
            return
        texts = {
            "x": translate("LayoutEditor", "Move region"),
            "y": translate("LayoutEditor", "Move region"),
            "width": translate("LayoutEditor", "Resize region"),
            "height": translate("LayoutEditor", "Resize region"),
            "z": translate("LayoutEditor", "Change region layer"),
            "fit": translate("LayoutEditor", "Change picture fit"),
            "stream_id": translate("LayoutEditor", "Change region stream"),
            "audio": translate("LayoutEditor", "Change region sound"),
        }
        self._edit(changed, texts[name], name)

    def _placeholder_color(self, color: str) -> None:
        region = self._document.region()
        if region is not None:
            placeholder = replace(region.placeholder, color=color)
            changed = replace(region, placeholder=placeholder)
            self._edit(
                changed, translate("LayoutEditor", "Change placeholder colour"), "placeholder"
            )

    def _border_toggled(self, on: bool) -> None:
        region = self._document.region()
        if self._quiet or region is None:
            return
        border = Border(self.border_width.value(), self.border_color.color()) if on else None
        self._edit(
            replace(region, border=border),
            translate("LayoutEditor", "Change region border"),
            "border",
        )

    def _change_border(self, **change: Unpack[_BorderChange]) -> None:
        region = self._document.region()
        if self._quiet or region is None or region.border is None:
            return
        border = replace(region.border, **change)
        self._edit(
            replace(region, border=border),
            translate("LayoutEditor", "Change region border"),
            "border",
        )

    # --- showing the layout -----------------------------------------------------------------------

    def _show(self, *_: object) -> None:
        region = self._document.region()
        self._quiet = True
        try:
            self.hint.setVisible(region is None)
            for field in self.fields:
                field.setEnabled(region is not None)
            self._show_streams(region)
            if region is not None:
                self._show_region(region, self._document.layout)
        finally:
            self._quiet = False

    def _show_region(self, region: Region, layout: Layout) -> None:
        for spin, value in (
            (self.x_spin, region.x),
            (self.y_spin, region.y),
            (self.width_spin, region.width),
            (self.height_spin, region.height),
            (self.z, region.z),
        ):
            # Unchanged values are left alone, so a field being typed in keeps its text.
            if spin.value() != value:
                spin.setValue(value)
        # The canvas bounds the position, so the arrows stop at its edge.
        self.x_spin.setMaximum(max(0, layout.canvas.width - 2, region.x))
        self.y_spin.setMaximum(max(0, layout.canvas.height - 2, region.y))
        self.fit.setCurrentIndex(max(0, self.fit.findData(region.fit)))
        self.audio.setChecked(region.audio)
        self.placeholder.set_color(region.placeholder.color)
        self.border.setChecked(region.border is not None)
        self.border_width.setEnabled(region.border is not None)
        self.border_color.setEnabled(region.border is not None)
        # Without a border, the fields offer the default one that ticking the box adds.
        border = region.border or Border()
        self.border_width.setValue(border.width)
        self.border_color.set_color(border.color)

    def _show_streams(self, region: Region | None) -> None:
        wanted: list[tuple[str, str | None]] = [(translate("LayoutEditor", "(empty)"), None)]
        wanted += [(stream_label(s), s.stream_id) for s in self._streams]
        current = region.stream_id if region is not None else None
        if current is not None and all(sid != current for _, sid in wanted):
            wanted.append(
                (translate("LayoutEditor", "{id} (not in the room)").format(id=current), current)
            )
        shown = [
            (self.stream.itemText(i), self.stream.itemData(i)) for i in range(self.stream.count())
        ]
        if shown != wanted:
            self.stream.clear()
            for text, stream_id in wanted:
                self.stream.addItem(text, stream_id)
        index = next(i for i, (_, sid) in enumerate(wanted) if sid == current)
        self.stream.setCurrentIndex(index)
