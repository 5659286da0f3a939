"""The local recorder's source picker and file options, from which Start's `LocalSpec` is built.

```
Source   [▾                                  ] ⟳
           Participants of Meeting                 (a bold heading: not a choice)
               alice (camera)
           This room
               Room audio, mixed (M4A)
               Whole room, mixed (current layout)
           This computer
               Screen: X11 screen :0 · Microphone: ... · Screen + microphone · ...
               Call — screen + microphone + speakers · Call — <window> + microphone + speakers
Format   [MP4 ▾]   Quality [Standard · 720p30 ▾]
Split    [No split]
Voices   [One mixed track ▾]      (a mix of two sound sources or more: or separate tracks)
```

The choices themselves are `ui.local.choices`; the room's are set with `set_room`, the
computer's are listed off the GUI thread (FFmpeg's listing can take a moment on some platforms)
when the picker is made and when ⟳ is clicked. `add_device` offers any source arguments (a
`lavfi:` test source, a device that is not listed). A choice of sound only switches the format to
M4A, and back to the last picture format after. The options are remembered in `QSettings` (keys
`local/...`, `local/separate_tracks` for Voices) when a recording starts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QWidget,
)

from app.api.models import Room
from app.layout.model import Layout
from app.media.local import DEFAULT_QUALITY, LOCAL_FORMATS, QUALITIES, LocalInput, LocalSpec
from app.media.sources.devices import DeviceReport, device_report
from ui.common.formats import room_name
from ui.local.choices import (
    FORMAT_NAMES,
    QUALITY_NAMES,
    SourceChoice,
    build_spec,
    device_choices,
    room_choices,
)
from ui.local.device_notes import DeviceNotes, engine_words

log = logging.getLogger(__name__)

_KEY_ROLE = Qt.ItemDataRole.UserRole
_INDENT = 16  # a choice sits under its group's heading


class _GroupedDelegate(QStyledItemDelegate):
    """Draws headings (items without a choice) in bold, flush left, and choices indented."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Indent the choices."""
        shifted = QStyleOptionViewItem(option)
        if index.data(_KEY_ROLE) is not None or not index.data(Qt.ItemDataRole.FontRole):
            shifted.rect = option.rect.adjusted(_INDENT, 0, 0, 0)
        super().paint(painter, shifted, index)


class LocalSourcePicker(QWidget):
    """The source list (grouped: participants, this room, this computer) and the file options."""

    choice_changed = Signal(object)  # the SourceChoice picked, or None
    _devices_listed = Signal(object)  # DeviceReport, from the listing thread

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._room: Room | None = None
        self._base_url = ""
        self._room_choices: list[SourceChoice] = []
        self._device_choices: list[SourceChoice] = []
        self._unavailable: list[str] = []  # greyed lines: device groups found missing, and why
        self._added: list[SourceChoice] = []
        self._choices: dict[str, SourceChoice] = {}
        self._wanted = str(settings.value("local/source", "")) if settings is not None else ""
        # Until the operator picks (now or in an earlier run), the whole room is the default
        # where there is a room, else the first source listed.
        self._default = not self._wanted

        self.source = QComboBox()
        self.source.setModel(QStandardItemModel(self.source))
        self.source.setItemDelegate(_GroupedDelegate(self.source))
        self.source.setMinimumContentsLength(24)
        self.source.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source.setToolTip(self.tr("What to record on this computer."))
        self.rescan = QToolButton()
        self.rescan.setText("⟳")
        self.rescan.setToolTip(self.tr("Look for screens, cameras and microphones again."))
        self.format = QComboBox()
        for name in LOCAL_FORMATS:
            self.format.addItem(self.tr(str(FORMAT_NAMES.get(name, name))), name)
        self.format.setToolTip(
            self.tr("MP4 plays everywhere and survives a crash; M4A keeps the sound only.")
        )
        self.quality = QComboBox()
        for preset in QUALITIES.values():
            self.quality.addItem(
                self.tr(str(QUALITY_NAMES.get(preset.name, preset.label))), preset.name
            )
        self.quality.setCurrentIndex(self.quality.findData(DEFAULT_QUALITY))
        self.quality.setToolTip(
            self.tr("Picture size, frame rate and bitrate of what is encoded (mixes, devices).")
        )
        self.split = QSpinBox()
        self.split.setRange(0, 24 * 60)
        self.split.setSuffix(self.tr(" min"))
        self.split.setSpecialValueText(self.tr("No split"))
        self.split.setToolTip(self.tr("Start a new file every so many minutes."))
        self.voices = QComboBox()
        self.voices.addItem(self.tr("One mixed track"), False)
        self.voices.addItem(self.tr("Separate tracks (microphone and speakers apart)"), True)
        self.voices.setToolTip(
            self.tr(
                "Mix every sound source into one track, or keep each on a track of its own"
                " (to edit or balance them later)."
            )
        )
        self.voices_label = QLabel(self.tr("Voices"))
        self.notes = DeviceNotes()
        self.notes.show_report(DeviceReport([], {}), calls=1)  # Wayland's note, before a listing
        self._video_format: str = "mp4"
        self._restore()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(self.tr("Source")), 0, 0)
        grid.addWidget(self.source, 0, 1, 1, 4)
        grid.addWidget(self.rescan, 0, 5)
        grid.addWidget(QLabel(self.tr("Format")), 1, 0)
        grid.addWidget(self.format, 1, 1)
        grid.addWidget(QLabel(self.tr("Quality")), 1, 2)
        grid.addWidget(self.quality, 1, 3, 1, 3)
        grid.addWidget(QLabel(self.tr("Split")), 2, 0)
        grid.addWidget(self.split, 2, 1)
        grid.addWidget(self.voices_label, 3, 0)
        grid.addWidget(self.voices, 3, 1, 1, 5)
        grid.addWidget(self.notes, 4, 0, 1, 6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 2)

        self.source.currentIndexChanged.connect(self._picked)
        self.source.activated.connect(self._chosen)
        self.format.currentIndexChanged.connect(self._format_picked)
        self.rescan.clicked.connect(self.refresh_devices)
        self._devices_listed.connect(self.show_devices, Qt.ConnectionType.QueuedConnection)
        self.voices.hide()  # until a choice with two sound sources or more is picked
        self.voices_label.hide()
        self._fill()

    # --- the choices --------------------------------------------------------------------------

    def set_room(self, room: Room | None, base_url: str) -> None:
        """Offer `room`'s participants and mixes (None: no room), as the service re-serves them."""
        choices = room_choices(room, base_url) if room is not None else []
        same_name = (room.name if room else None) == (self._room.name if self._room else None)
        self._room, self._base_url = room, base_url
        if choices == self._room_choices and same_name:
            return  # the room list updates often; an open list must not be rebuilt under the mouse
        self._room_choices = choices
        self._fill()

    def refresh_devices(self) -> None:
        """List this computer's capture devices again (in a thread; the list updates after)."""
        self.rescan.setEnabled(False)

        def work() -> None:
            try:
                report = device_report()
            except Exception as exc:  # say it, and offer what else there is (added sources)
                log.exception("listing this computer's devices failed")
                report = DeviceReport([], {"screens": str(exc)})
            self._devices_listed.emit(report)

        threading.Thread(target=work, name="list-devices", daemon=True).start()

    def show_devices(self, report: DeviceReport) -> None:
        """Offer the devices of `report` (what `refresh_devices` lists), and say what is missing."""
        self.rescan.setEnabled(True)
        self._device_choices = device_choices(report.devices)
        self._unavailable = self.notes.unavailable_lines(report)
        calls = sum(c.role == "call" for c in self._device_choices)
        self.notes.show_report(report, calls)
        self._fill()

    def add_device(self, label: str, inputs: Sequence[LocalInput]) -> SourceChoice:
        """Offer any source arguments under This computer (a test source, an unlisted device)."""
        choice = SourceChoice(f"added:{label}", label, tuple(inputs))
        self._added = [c for c in self._added if c.key != choice.key] + [choice]
        self._fill()
        return choice

    def choices(self) -> list[SourceChoice]:
        """Every choice offered, in the list's order."""
        return list(self._choices.values())

    def select(self, key: str) -> bool:
        """Pick the choice with `key`; False if there is none."""
        row = self._row(key)
        if row < 0:
            return False
        self._default = False
        self.source.setCurrentIndex(row)
        return True

    def _chosen(self, _row: int) -> None:
        self._default = False

    def current(self) -> SourceChoice | None:
        """The choice picked, or None."""
        return self._choices.get(str(self.source.currentData(_KEY_ROLE) or ""))

    def _fill(self) -> None:
        current = self.current()
        wanted = current.key if current is not None else self._wanted
        model = self.source.model()
        assert isinstance(model, QStandardItemModel)
        self.source.blockSignals(True)
        model.clear()
        self._choices = {}
        room = self._room
        if room is not None:
            participants = [c for c in self._room_choices if c.key.startswith("participant:")]
            self._group(model, self.tr("Participants of {0}").format(room_name(room)), participants)
            self._group(
                model,
                self.tr("This room"),
                [c for c in self._room_choices if c not in participants],
                names={
                    "room-audio": self.tr("Room audio, mixed (M4A)"),
                    "room-mix": self.tr("Whole room, mixed (current layout)"),
                },
            )
        computer = self._device_choices + self._added
        self._group(
            model,
            self.tr("This computer"),
            computer,
            names=self._device_names(computer),
            notes=self._unavailable,
        )
        row = -1 if self._default else self._row(wanted)
        if row < 0:
            row = self._row("room-mix")
        if row < 0:
            row = next((r for r in range(model.rowCount()) if model.item(r).isEnabled()), -1)
        self.source.setCurrentIndex(row)
        self.source.blockSignals(False)
        if self.current() != current:
            self._picked()

    def _group(
        self,
        model: QStandardItemModel,
        title: str,
        choices: Sequence[SourceChoice],
        names: dict[str, str] | None = None,
        notes: Sequence[str] = (),
    ) -> None:
        header = QStandardItem(title)
        header.setEnabled(False)
        font = QFont(self.font())
        font.setBold(True)
        header.setFont(font)
        model.appendRow(header)
        if not choices and not notes:
            empty = QStandardItem(self.tr("(none)"))
            empty.setEnabled(False)
            model.appendRow(empty)
        for choice in choices:
            label = (names or {}).get(choice.key) or choice.label
            if choice.key.startswith("participant:"):
                label = label.removeprefix(f"{room_name(self._room)} — " if self._room else "")
            item = QStandardItem(label)
            item.setData(choice.key, _KEY_ROLE)
            item.setToolTip("\n".join(i.source for i in choice.inputs))
            model.appendRow(item)
            self._choices[choice.key] = choice
        for note in notes:  # greyed, not a choice: why a kind of device is missing
            line = QStandardItem(note)
            line.setEnabled(False)
            line.setToolTip(note)
            model.appendRow(line)

    def _device_names(self, choices: Sequence[SourceChoice]) -> dict[str, str]:
        """This computer's choices as the list shows them."""
        roles = {
            "screen": self.tr("Screen: {0}"),
            "window": self.tr("Window: {0}"),
            "camera": self.tr("Camera: {0}"),
            "mic": self.tr("Microphone: {0}"),
            "speakers": self.tr("System sound: {0}"),
        }
        combos = {
            "Screen + microphone": self.tr("Screen + microphone"),
            "Screen + microphone + camera": self.tr("Screen + microphone + camera"),
            "Camera + microphone": self.tr("Camera + microphone"),
        }
        names: dict[str, str] = {}
        for choice in choices:
            if choice.role == "call":
                what = choice.subject or self.tr("screen")
                names[choice.key] = self.tr("Call — {0} + microphone + speakers").format(what)
            elif choice.role == "screen" and choice.label == choice.subject:
                names[choice.key] = choice.subject  # the system's own name: "Screen :0 (…)"
            elif choice.role in roles:
                names[choice.key] = roles[choice.role].format(engine_words(choice.subject))
            elif choice.role == "combo":
                names[choice.key] = combos.get(choice.label, choice.label)
        return names

    def _row(self, key: str) -> int:
        return self.source.findData(key, _KEY_ROLE) if key else -1

    # --- the options --------------------------------------------------------------------------

    def _picked(self, *_: object) -> None:
        choice = self.current()
        if choice is not None:
            # Sound alone goes to M4A; back to the last picture format for anything else.
            fmt = "m4a" if choice.audio_only else self._video_format
            self.format.blockSignals(True)
            self.format.setCurrentIndex(max(0, self.format.findData(fmt)))
            self.format.blockSignals(False)
        separable = choice is not None and choice.separable
        self.voices.setVisible(separable)
        self.voices_label.setVisible(separable)
        self.choice_changed.emit(choice)

    def _format_picked(self, *_: object) -> None:
        choice = self.current()
        fmt = str(self.format.currentData())
        if fmt != "m4a" and (choice is None or not choice.audio_only):
            self._video_format = fmt

    def spec(self, layout: Layout | None = None, muted: Sequence[str] = ()) -> LocalSpec | None:
        """What Start records: the choice with the options (None: nothing is picked); `muted`
        names the voices that start muted."""
        choice = self.current()
        if choice is None:
            return None
        minutes = self.split.value()
        spec = build_spec(
            choice,
            self.format.currentData(),
            self.quality.currentData(),
            split=minutes * 60.0 if minutes else None,
            layout=layout,
            separate_tracks=bool(self.voices.currentData()),
            muted=muted,
        )
        return spec

    def remember(self) -> None:
        """Keep the options (and the choice) as the next start's defaults."""
        if self._settings is None:
            return
        choice = self.current()
        self._settings.setValue("local/source", choice.key if choice else "")
        self._settings.setValue("local/format", self._video_format)
        self._settings.setValue("local/quality", self.quality.currentData())
        self._settings.setValue("local/split", self.split.value())
        self._settings.setValue("local/separate_tracks", bool(self.voices.currentData()))

    def _restore(self) -> None:
        s = self._settings
        if s is None:
            return
        fmt = str(s.value("local/format", "mp4"))
        if fmt in LOCAL_FORMATS and fmt != "m4a":
            self._video_format = fmt
        self.format.setCurrentIndex(max(0, self.format.findData(self._video_format)))
        quality = self.quality.findData(str(s.value("local/quality", DEFAULT_QUALITY)))
        self.quality.setCurrentIndex(max(0, quality))
        try:
            self.split.setValue(int(str(s.value("local/split", 0))))
        except ValueError:
            self.split.setValue(0)
        separate = str(s.value("local/separate_tracks", "false")).lower() == "true"
        self.voices.setCurrentIndex(self.voices.findData(separate))
