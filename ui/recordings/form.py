"""The start options of a recording, as a form: what `RecordControls` sends when Start is clicked.

`RecordForm` owns the option widgets (basic ones on top, the rest under "More options"), turns them
into a `RecordingCreate`, remembers them as defaults in `QSettings` (keys `record/...`), and marks
the field a refused request names. It never clears what the operator typed: a failed request or a
dropped connection leaves every value as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QToolButton,
    QWidget,
)

from app.api.models import RecordingCreate, Stream
from app.layout.model import TEMPLATES
from ui.common.errors import describe
from ui.common.palette import colour
from ui.common.templates import template_name
from ui.common.translate import translate
from ui.recordings.options import (
    AUDIO_FORMATS,
    AUTO_FORMAT,
    DEFAULT_NAME_RULES,
    FORMATS,
    MODES,
    STREAM_KINDS,
    STREAM_TYPES,
    field_for,
)


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


class RecordForm(QWidget):
    """Every start option of a recording; `request(room_id)` builds what Start sends."""

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._streams_room: str | None = None
        self._unchecked: set[str] = set()
        self._tooltips: dict[QWidget, str] = {}

        self.mode = QComboBox()
        for value, name in MODES:
            self.mode.addItem(translate("RecordOptions", name), value)
        self.stream_type = QComboBox()
        for value, name in STREAM_TYPES:
            self.stream_type.addItem(translate("RecordOptions", name), value)
        self.format = QComboBox()
        self.format.addItem(translate("RecordOptions", "Automatic"), AUTO_FORMAT)
        for value in FORMATS:
            self.format.addItem(value, value)
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

        self.more = QToolButton()
        self.more.setText(translate("RecordOptions", "More options"))
        self.more.setCheckable(True)
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more.setArrowType(Qt.ArrowType.RightArrow)
        # A disclosure line, not a button that stays pressed while open.
        self.more.setStyleSheet("QToolButton { border: none; padding: 2px 0; }")
        advanced_rows = (
            (translate("RecordOptions", "Split every"), self.split),
            (translate("RecordOptions", "Stop when idle for"), self.max_idle),
            (translate("RecordOptions", "Stop after"), self.max_duration),
            (translate("RecordOptions", "File name"), self.name_rule),
            (translate("RecordOptions", "Folder"), self.folder),
            (translate("RecordOptions", "Streams"), self.streams),
            (translate("RecordOptions", "Snapshot every"), self.snapshot),
            (translate("RecordOptions", "User data"), self.user_data),
        )
        self.advanced: tuple[QWidget, ...] = tuple(widget for _, widget in advanced_rows)

        # One form for all rows, so that every field starts at the same column.
        self._rows = QFormLayout(self)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.addRow(translate("RecordOptions", "Mode"), self.mode)
        self._rows.addRow(translate("RecordOptions", "Record"), self.stream_type)
        self._rows.addRow(translate("RecordOptions", "Format"), self.format)
        self._rows.addRow(translate("RecordOptions", "Layout"), self.layout_template)
        self._rows.addRow(self.more)
        for label, row in advanced_rows:
            self._rows.addRow(label, row)
            self._rows.setRowVisible(row, False)

        self.more.toggled.connect(self.show_more)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.stream_type.currentIndexChanged.connect(self._stream_type_changed)
        for widget in self.fields().values():
            self._tooltips[widget] = widget.toolTip()
        self._watch_edits()
        self.restore()
        self._mode_changed()

    def fields(self) -> dict[str, QWidget]:
        """The option widgets by field name (the names `field_for` returns)."""
        return {
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
        }

    def show_more(self, shown: bool) -> None:
        """Open or close "More options"."""
        self.more.setChecked(shown)
        self.more.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        for widget in self.advanced:
            self._rows.setRowVisible(widget, shown)

    # --- the room's streams -------------------------------------------------------------------

    def set_streams(self, room_id: str | None, streams: Sequence[Stream]) -> None:
        """List a room's streams; unchecked ones stay unchecked while the room stays the same."""
        if room_id != self._streams_room:
            self._streams_room = room_id
            self._unchecked.clear()
        self.streams.blockSignals(True)
        self.streams.clear()
        for stream in streams:
            kind = translate("RecordOptions", STREAM_KINDS.get(stream.kind, stream.kind))
            item = QListWidgetItem(f"{stream.user_id} · {kind}")
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

    # --- the request --------------------------------------------------------------------------

    def problem(self) -> tuple[str, str] | None:
        """(what, what to do) when the form cannot be sent as it is; the field is marked."""
        checked, unchecked = self.checked_streams()
        if unchecked and not checked:
            self.mark("streams", translate("RecordOptions", "No stream is checked."))
            return (
                translate(
                    "RecordOptions", "No stream is checked, so there would be nothing to record."
                ),
                translate(
                    "RecordOptions", "Check at least one stream under More options, Streams."
                ),
            )
        return None

    def request(self, room_id: str) -> RecordingCreate:
        """The start request the form describes, for `room_id`."""
        mode = self.mode.currentData()
        fields: dict[str, Any] = {
            "room_id": room_id,
            "mode": mode,
            "stream_type": self.stream_type.currentData(),
            "folder": self.folder.text().strip(),
            "max_idle_seconds": float(self.max_idle.value()),
        }
        if (chosen := self.format.currentData()) != AUTO_FORMAT:
            fields["format"] = chosen
        if mode == "mixed":
            fields["layout"] = self.layout_template.currentData()
        # An empty field or a 0 leaves the option out, so the service's default applies.
        if rule := self.name_rule.text().strip():
            fields["name_rule"] = rule
        for key, spin in (
            ("split_seconds", self.split),
            ("max_duration_seconds", self.max_duration),
            ("snapshot_seconds", self.snapshot),
        ):
            if spin.value():
                fields[key] = float(spin.value())
        checked, unchecked = self.checked_streams()
        if unchecked:
            # Only a partial choice is sent: with every stream checked, people who join later
            # are recorded too.
            fields["include"] = checked
        if text := self.user_data.text().strip():
            fields["user_data"] = text
        return RecordingCreate(**fields)

    # --- defaults -----------------------------------------------------------------------------

    def remember(self) -> None:
        """Keep the current options as the defaults of the next session."""
        if self._settings is None:
            return
        s = self._settings
        s.setValue("record/mode", self.mode.currentData())
        s.setValue("record/stream_type", self.stream_type.currentData())
        s.setValue("record/format", self.format.currentData())
        s.setValue("record/layout", self.layout_template.currentData())
        for key, spin in self._spins().items():
            s.setValue(f"record/{key}", spin.value())
        for key, edit in self._edits().items():
            s.setValue(f"record/{key}", edit.text())
        s.sync()

    def restore(self) -> None:
        """Load the remembered defaults, if any; values that no longer fit are skipped."""
        if self._settings is None:
            return
        s = self._settings
        for key, combo in (
            ("mode", self.mode),
            ("stream_type", self.stream_type),
            ("format", self.format),
            ("layout", self.layout_template),
        ):
            index = combo.findData(s.value(f"record/{key}"))
            if index >= 0:
                combo.setCurrentIndex(index)
        for key, spin in self._spins().items():
            value = s.value(f"record/{key}")
            # INI files give text back; a value that is not a number is left as the default.
            if value is not None and str(value).isdigit():
                spin.setValue(int(value))
        for key, edit in self._edits().items():
            value = s.value(f"record/{key}")
            if value is not None:
                edit.setText(str(value))

    def _spins(self) -> dict[str, QSpinBox]:
        return {
            "split": self.split,
            "max_idle": self.max_idle,
            "max_duration": self.max_duration,
            "snapshot": self.snapshot,
        }

    def _edits(self) -> dict[str, QLineEdit]:
        return {"name_rule": self.name_rule, "folder": self.folder, "user_data": self.user_data}

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
        for combo in (self.mode, self.stream_type, self.format, self.layout_template):
            combo.currentIndexChanged.connect(lambda _i, w=combo: self._unmark(w))
        for spin in self._spins().values():
            spin.valueChanged.connect(lambda _v, w=spin: self._unmark(w))
        for edit in self._edits().values():
            edit.textEdited.connect(lambda _t, w=edit: self._unmark(w))
        self.streams.itemChanged.connect(self._stream_toggled)
        self.streams.itemChanged.connect(lambda _item: self._unmark(self.streams))

    # --- options that depend on each other ----------------------------------------------------

    def _mode_changed(self) -> None:
        mode = self.mode.currentData()
        self.layout_template.setEnabled(mode == "mixed")
        self.name_rule.setPlaceholderText(DEFAULT_NAME_RULES.get(mode, ""))

    def _format_changed(self) -> None:
        if self.format.currentData() in AUDIO_FORMATS:
            # These formats hold sound only; the service would refuse any other stream type.
            self.stream_type.setCurrentIndex(self.stream_type.findData("audio"))

    def _stream_type_changed(self) -> None:
        if self.stream_type.currentData() != "audio" and self.format.currentData() in AUDIO_FORMATS:
            self.format.setCurrentIndex(self.format.findData(AUTO_FORMAT))
