"""The option widgets of the record form, laid out, and the marks on a refused field.

`FormFields` makes every start option's widget and puts them in one grid: the basic options on
top, the rest under "More options", two to a row where they are short, so that the open form fits
a 720-pixel screen, and no field stretches across a wide window. It lists a room's streams to check,
and outlines the field a refused request names until the operator edits it. What the options mean
as a request is `ui.recordings.form.RecordForm`'s.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QToolButton,
    QWidget,
)

from app.api.models import Stream
from app.layout.model import TEMPLATES
from ui.common.errors import describe
from ui.common.formats import format_name, mode_name, stream_name
from ui.common.palette import colour
from ui.common.templates import template_name
from ui.common.translate import translate
from ui.recordings.options import AUTO_FORMAT, FORMATS, MODES, STREAM_TYPES, field_for

# Where fields stop growing in a wide window: a choice or a number needs little room, a name or a
# URL more; beyond, the window's space is left empty rather than stretched across the screen.
CHOICE_WIDTH = 320
NUMBER_WIDTH = 150
TEXT_WIDTH = 480


def _invalid_style() -> str:
    """The red outline of a refused field, in the palette's error colour."""
    border = colour("error").name()
    return f"QComboBox, QSpinBox, QLineEdit, QListWidget {{ border: 1px solid {border}; }}"


def _spin(maximum: int, value: int, *, off: str | None = None) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0 if off is not None else 1, maximum)
    spin.setValue(value)
    spin.setSuffix(translate("RecordOptions", " s"))
    spin.setAccelerated(True)
    if off is not None:
        # At 0 the spin box reads "Off" or "No limit" instead of "0 s".
        spin.setSpecialValueText(off)
    return spin


class FormFields(QWidget):
    """Every start option's widget, in one grid; "More options" opens the second part."""

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._streams_room: str | None = None
        self._unchecked: set[str] = set()
        self._tooltips: dict[QWidget, str] = {}

        self.preset = QComboBox()
        self.preset.addItem(translate("RecordOptions", "None"), "")
        self.preset.setToolTip(
            translate(
                "RecordOptions",
                "A preset of the service fills in the options; what you change here wins.",
            )
        )
        self.mode = QComboBox()
        for value in MODES:
            self.mode.addItem(mode_name(value), value)
        self.stream_type = QComboBox()
        for value, name in STREAM_TYPES:
            self.stream_type.addItem(translate("RecordOptions", name), value)
        self.format = QComboBox()
        self.format.addItem(translate("RecordOptions", "Automatic"), AUTO_FORMAT)
        for value in FORMATS:
            self.format.addItem(format_name(value), value)
        self.format.setToolTip(
            translate(
                "RecordOptions",
                "Automatic: the streams' codecs choose (WebM for a WebRTC room's VP8, else MP4).",
            )
        )
        self.layout_template = QComboBox()
        for value in TEMPLATES:
            self.layout_template.addItem(template_name(value), value)
        self.layout_template.setToolTip(
            translate("RecordOptions", "How the streams are placed in a mixed recording.")
        )

        self.split = _spin(24 * 3600, 0, off=translate("RecordOptions", "Off"))
        self.split.setToolTip(translate("RecordOptions", "Start a new file every so many seconds."))
        self.max_idle = _spin(24 * 3600, 60)
        self.max_idle.setToolTip(
            translate("RecordOptions", "Stop when no one has sent anything for this long.")
        )
        self.max_duration = _spin(7 * 24 * 3600, 0, off=translate("RecordOptions", "No limit"))
        self.max_duration.setToolTip(
            translate("RecordOptions", "Stop after recording this long (pauses not counted).")
        )
        self.name_rule = QLineEdit()
        self.name_rule.setToolTip(
            translate(
                "RecordOptions",
                "File name; fields: {random} {date} {time} {roomid} {userid} {taskid} {part}.",
            )
        )
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(translate("RecordOptions", "the recordings folder itself"))
        self.folder.setToolTip(
            translate("RecordOptions", "A folder inside the service's recordings folder.")
        )
        self.streams = QListWidget()
        self.streams.setToolTip(translate("RecordOptions", "Checked streams are recorded."))
        self.streams.setMaximumHeight(96)
        self.snapshot = _spin(3600, 0, off=translate("RecordOptions", "Off"))
        self.snapshot.setToolTip(
            translate("RecordOptions", "Save a picture of each stream every so many seconds.")
        )
        self.user_data = QLineEdit()
        self.user_data.setPlaceholderText(
            translate("RecordOptions", "optional text kept with the recording")
        )

        self.storage = QComboBox()
        self.storage.addItem(translate("RecordOptions", "None"), "")
        self.storage.setToolTip(
            translate("RecordOptions", "Upload the files to this storage of the service.")
        )
        self.callback_url = QLineEdit()
        self.callback_url.setPlaceholderText(translate("RecordOptions", "https://… (optional)"))
        self.callback_url.setToolTip(
            translate("RecordOptions", "The recording's events are also sent to this address.")
        )

        self.more = QToolButton()
        self.more.setText(translate("RecordOptions", "More options"))
        self.more.setCheckable(True)
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more.setArrowType(Qt.ArrowType.RightArrow)
        # A disclosure line, not a button that stays pressed while open.
        self.more.setStyleSheet("QToolButton { border: none; padding: 2px 0; }")

        # One grid for all rows, so that every field starts at the same column; short fields go
        # two to a row (label, field, label, field), the others span the row.
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        # The last column takes the room there is; each field stops at its maximum width, and
        # what it leaves of a wide window stays empty.
        self._grid.setColumnStretch(3, 1)
        self._labels: dict[QWidget, QLabel] = {}
        self._row = 0
        self._add(translate("RecordOptions", "Preset"), self.preset)
        self._add(translate("RecordOptions", "Mode"), self.mode)
        self._add(translate("RecordOptions", "Record"), self.stream_type)
        self._add(translate("RecordOptions", "Format"), self.format)
        self._add(translate("RecordOptions", "Layout"), self.layout_template)
        self._grid.addWidget(self.more, self._row, 0, 1, 4)
        self._row += 1
        self.advanced: tuple[QWidget, ...] = (
            self._add(translate("RecordOptions", "Split every"), self.split),
            self._add(translate("RecordOptions", "Stop after"), self.max_duration, beside=True),
            self._add(translate("RecordOptions", "Stop when idle for"), self.max_idle),
            self._add(translate("RecordOptions", "Snapshot every"), self.snapshot, beside=True),
            self._add(translate("RecordOptions", "File name"), self.name_rule),
            self._add(translate("RecordOptions", "Folder"), self.folder),
            self._add(translate("RecordOptions", "Streams"), self.streams),
            self._add(translate("RecordOptions", "Storage"), self.storage),
            self._add(translate("RecordOptions", "Callback URL"), self.callback_url),
            self._add(translate("RecordOptions", "User data"), self.user_data),
        )
        self._shown_more = False
        self._set_visible(self.preset, False)  # until the service offers presets
        for widget in self.advanced:
            self._set_visible(widget, False)

        self.more.toggled.connect(self.show_more)
        for widget in self.fields().values():
            self._tooltips[widget] = widget.toolTip()
        self._watch_edits()

    def _add(self, label: str, widget: QWidget, *, beside: bool = False) -> QWidget:
        """Put a labelled field on the next row (or `beside` the last one's short field)."""
        width = (
            NUMBER_WIDTH
            if isinstance(widget, QSpinBox)
            else CHOICE_WIDTH
            if isinstance(widget, QComboBox)
            else TEXT_WIDTH
        )
        widget.setMaximumWidth(width)
        title = QLabel(label)
        title.setBuddy(widget)
        self._labels[widget] = title
        if beside:
            self._grid.addWidget(title, self._row - 1, 2)
            self._grid.addWidget(widget, self._row - 1, 3)
        else:
            self._grid.addWidget(title, self._row, 0)
            if isinstance(widget, QListWidget):  # a tall field has its label at its top
                self._grid.setAlignment(title, Qt.AlignmentFlag.AlignTop)
            span = 1 if isinstance(widget, QSpinBox) else 3
            self._grid.addWidget(widget, self._row, 1, 1, span)
            self._row += 1
        return widget

    def _set_visible(self, widget: QWidget, shown: bool) -> None:
        widget.setVisible(shown)
        self._labels[widget].setVisible(shown)

    def fields(self) -> dict[str, QWidget]:
        """The option widgets by field name (the names `field_for` returns)."""
        return {
            "preset": self.preset,
            "mode": self.mode,
            "stream_type": self.stream_type,
            "format": self.format,
            "layout": self.layout_template,
            "split": self.split,
            "max_idle": self.max_idle,
            "max_duration": self.max_duration,
            "name_rule": self.name_rule,
            "folder": self.folder,
            "streams": self.streams,
            "snapshot": self.snapshot,
            "user_data": self.user_data,
            "storage": self.storage,
            "callback_url": self.callback_url,
        }

    def show_more(self, shown: bool) -> None:
        """Open or close "More options"."""
        self.more.setChecked(shown)
        self.more.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self._shown_more = shown
        for widget in self.advanced:
            offered = widget is not self.storage or self.storage.count() > 1
            self._set_visible(widget, shown and offered)

    # --- the room's streams -------------------------------------------------------------------

    def set_streams(self, room_id: str | None, streams: Sequence[Stream]) -> None:
        """List a room's streams; unchecked ones stay unchecked while the room stays the same."""
        if room_id != self._streams_room:
            self._streams_room = room_id
            self._unchecked.clear()
        self.streams.blockSignals(True)
        self.streams.clear()
        for stream in streams:
            item = QListWidgetItem(stream_name(stream.user_id, stream.kind))
            item.setData(Qt.ItemDataRole.UserRole, stream.stream_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            unchecked = stream.stream_id in self._unchecked
            item.setCheckState(Qt.CheckState.Unchecked if unchecked else Qt.CheckState.Checked)
            self.streams.addItem(item)
        self.streams.blockSignals(False)

    def checked_streams(self) -> tuple[list[str], list[str]]:
        """(checked, unchecked) stream ids, in list order."""
        checked: list[str] = []
        unchecked: list[str] = []
        for row in range(self.streams.count()):
            item = self.streams.item(row)
            stream_id = str(item.data(Qt.ItemDataRole.UserRole))
            on = item.checkState() == Qt.CheckState.Checked
            (checked if on else unchecked).append(stream_id)
        return checked, unchecked

    def _stream_toggled(self, item: QListWidgetItem) -> None:
        stream_id = str(item.data(Qt.ItemDataRole.UserRole))
        if item.checkState() == Qt.CheckState.Checked:
            self._unchecked.discard(stream_id)
        else:
            self._unchecked.add(stream_id)

    def _spins(self) -> dict[str, QSpinBox]:
        return {
            "split": self.split,
            "max_idle": self.max_idle,
            "max_duration": self.max_duration,
            "snapshot": self.snapshot,
        }

    def _edits(self) -> dict[str, QLineEdit]:
        return {
            "name_rule": self.name_rule,
            "folder": self.folder,
            "user_data": self.user_data,
            "callback_url": self.callback_url,
        }

    # --- marking a refused field --------------------------------------------------------------

    def mark(self, field: str, message: str) -> None:
        """Outline `field` in red, with `message` as its tooltip, and take the focus to it."""
        widget = self.fields()[field]
        if widget in self.advanced:
            self.show_more(True)
        widget.setProperty("invalid", True)
        widget.setStyleSheet(_invalid_style())
        widget.setToolTip(message)
        widget.setFocus()

    def unmark(self) -> None:
        """Clear every mark."""
        for widget in self.fields().values():
            self._unmark(widget)

    def marked(self) -> list[str]:
        """The fields marked now."""
        return [name for name, widget in self.fields().items() if widget.property("invalid")]

    def mark_error(self, error: BaseException) -> str | None:
        """Mark the field a refused request names; returns it, or None when none is named."""
        field = field_for(error)
        if field is not None:
            self.mark(field, describe(error)[0])  # as the banner tells it
        return field

    def _unmark(self, widget: QWidget) -> None:
        if widget.property("invalid"):
            widget.setProperty("invalid", False)
            widget.setStyleSheet("")
            widget.setToolTip(self._tooltips.get(widget, ""))

    def _watch_edits(self) -> None:
        # Editing a marked field is the operator dealing with it: the mark goes.
        combos = (self.preset, self.mode, self.stream_type, self.format, self.layout_template)
        for combo in (*combos, self.storage):
            combo.currentIndexChanged.connect(lambda _i, w=combo: self._unmark(w))
        for spin in self._spins().values():
            spin.valueChanged.connect(lambda _v, w=spin: self._unmark(w))
        for edit in self._edits().values():
            edit.textEdited.connect(lambda _t, w=edit: self._unmark(w))
        self.streams.itemChanged.connect(self._stream_toggled)
        self.streams.itemChanged.connect(lambda _item: self._unmark(self.streams))
