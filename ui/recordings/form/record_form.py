"""The start options of a recording, as a form: what `RecordControls` sends when Start is clicked.

`RecordForm` turns its option widgets (`FormFields`) into a `RecordingCreate`, remembers them as
defaults in `QSettings` (keys `record/...`), and keeps options that depend on each other in step.
It never clears what the operator typed: a failed request or a dropped connection leaves every
value as it was.

With a connection it offers the service's presets and storage profiles (`StartChoices`). Choosing a
preset shows its options in the form; Start then sends the preset's name and only what the
operator changed since, so the service fills in the rest from the preset itself (a layout object or
tags the form cannot show included).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QWidget

from app.api.models import RecordingCreate
from app.api.presets import Preset
from ui.common.translate import translate
from ui.connection.connection import Connection
from ui.recordings.form.fields import FormFields
from ui.recordings.options import (
    AUDIO_FORMATS,
    AUTO_FORMAT,
    DEFAULT_NAME_RULES,
    is_http_url,
    over_preset,
    preset_values,
)
from ui.recordings.start_choices import StartChoices

# The storage choice that stands for a preset's own storage (a whole table, not a profile).
PRESET_STORAGE = "\x00preset"


class RecordForm(FormFields):
    """Every start option of a recording; `request(room_id)` builds what Start sends."""

    def __init__(
        self,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        connection: Connection | None = None,
    ) -> None:
        super().__init__(settings, parent)
        # The form's fields as the chosen preset filled them in; None: no preset is chosen.
        self._preset_fields: dict[str, Any] | None = None
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.stream_type.currentIndexChanged.connect(self._stream_type_changed)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.restore()
        self._mode_changed()
        self.choices: StartChoices | None = None
        if connection is not None:
            self.choices = StartChoices(connection, self)
            self.choices.changed.connect(self._offer_choices)

    # --- the request --------------------------------------------------------------------------

    def problem(self) -> tuple[str, str] | None:
        """(what, what to do) when the form cannot be sent as it is; the field is marked."""
        url = self.callback_url.text().strip()
        if url and not is_http_url(url):
            what = translate("RecordOptions", "The callback URL is not an http:// or https:// URL.")
            self.mark("callback_url", what)
            return (
                what,
                translate(
                    "RecordOptions",
                    "Type the address that receives the events, or clear the field.",
                ),
            )
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
        fields = self._fields()
        if self._preset_fields is not None:
            fields = {
                "preset": self.preset.currentData(),
                **over_preset(fields, self._preset_fields),
            }
        return RecordingCreate(room_id=room_id, **fields)

    def _fields(self) -> dict[str, Any]:
        """The options as request fields; an empty field or a 0 leaves its option out, so that
        the service's default (or the preset's) applies."""
        mode = self.mode.currentData()
        fields: dict[str, Any] = {
            "mode": mode,
            "stream_type": self.stream_type.currentData(),
            "folder": self.folder.text().strip(),
            "max_idle_seconds": float(self.max_idle.value()),
        }
        if (chosen := self.format.currentData()) != AUTO_FORMAT:
            fields["format"] = chosen
        if mode == "mixed":
            fields["layout"] = self.layout_template.currentData()
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
        if storage := self.storage.currentData():
            fields["storage"] = storage  # PRESET_STORAGE is the preset's: never sent as it is
        if url := self.callback_url.text().strip():
            fields["callback_url"] = url
        return fields

    # --- the service's presets and storage ------------------------------------------------------

    def _offer_choices(self) -> None:
        """List what the service offers; a choice it no longer has goes back to None. A preset
        chosen before is kept with the operator's changes (a reconnection reads the lists again)."""
        assert self.choices is not None
        chosen = self.preset.currentData() or self._remembered("preset")
        storage = self.storage.currentData() or self._remembered("storage")
        applied = self._preset_fields is not None
        self.preset.blockSignals(True)
        self.preset.clear()
        self.preset.addItem(translate("RecordOptions", "None"), "")
        for offered in self.choices.presets:
            self.preset.addItem(offered.name, offered.name)
        self.preset.blockSignals(False)
        problem = self.choices.problem
        self.preset.setToolTip(
            translate("RecordOptions", "The service's presets could not be read: {0}").format(
                problem
            )
            if problem
            else self._tooltips[self.preset]
        )
        self._set_visible(self.preset, bool(self.choices.presets) or problem is not None)
        preset = self.choices.preset(chosen) if chosen else None
        self._list_storage(preset)
        self._choose(self.storage, storage)
        if preset is None:
            self._preset_fields = None
        else:
            self.preset.blockSignals(True)  # chosen again, not by the operator: nothing to fill
            self._choose(self.preset, preset.name)
            self.preset.blockSignals(False)
            if not applied:
                self._apply(preset)
        self.show_more(self._shown_more)

    def _list_storage(self, preset: Preset | None = None) -> None:
        assert self.choices is not None
        self.storage.clear()
        self.storage.addItem(translate("RecordOptions", "None"), "")
        for info in self.choices.profiles:
            where = "/".join(p for p in (info.bucket, info.prefix) if p)
            self.storage.addItem(f"{info.profile} ({where})", info.profile)
        if preset is not None and preset.storage is not None and not preset.storage.profile:
            where = "/".join(p for p in (preset.storage.bucket, preset.storage.prefix) if p)
            label = translate("RecordOptions", "The preset's ({0})").format(where)
            self.storage.addItem(label, PRESET_STORAGE)

    def _preset_chosen(self) -> None:
        name = self.preset.currentData()
        preset = self.choices.preset(name) if self.choices is not None and name else None
        if preset is None:
            self._preset_fields = None
            self._list_storage()
            self.show_more(self._shown_more)
        else:
            self._apply(preset)

    def _apply(self, preset: Preset) -> None:
        """Show the preset's options in the form (the service's defaults where it has none)."""
        values = preset_values(preset)
        self._choose(self.mode, values["mode"])
        self._choose(self.stream_type, values["stream_type"])
        self._choose(self.format, values["format"] or AUTO_FORMAT)
        if isinstance(values["layout"], str):  # a layout object is kept as the preset has it
            self._choose(self.layout_template, values["layout"])
        for key, spin in (
            ("split_seconds", self.split),
            ("max_idle_seconds", self.max_idle),
            ("max_duration_seconds", self.max_duration),
            ("snapshot_seconds", self.snapshot),
        ):
            spin.setValue(round(values[key] or 0))
        user_data = values["user_data"]
        if isinstance(user_data, dict | list):  # a JSON object: its text, as the service keeps it
            as_sent = RecordingCreate.model_validate({"room_id": "-", "user_data": user_data})
            user_data = as_sent.user_data
        self.name_rule.setText(values["name_rule"] or "")
        self.folder.setText(values["folder"] or "")
        self.user_data.setText(user_data or "")
        self.callback_url.setText(values["callback_url"] or "")
        self._list_storage(preset)
        storage = preset.storage
        self._choose(
            self.storage,
            "" if storage is None else storage.profile or PRESET_STORAGE,
        )
        self.unmark()
        self.show_more(self._shown_more)
        self._preset_fields = self._fields()

    @staticmethod
    def _choose(combo: QComboBox, value: object) -> None:
        combo.setCurrentIndex(max(0, combo.findData(value)))

    def _remembered(self, key: str) -> str:
        value = self._settings.value(f"record/{key}") if self._settings is not None else None
        return str(value) if value else ""

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
        s.setValue("record/preset", self.preset.currentData())
        if (storage := self.storage.currentData()) != PRESET_STORAGE:
            s.setValue("record/storage", storage)
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
