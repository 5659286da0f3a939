"""The record form: the start options of a recording (`RecordForm`), on their widgets
(`FormFields`)."""

from ui.recordings.form.record_form import PRESET_STORAGE, RecordForm

__all__ = ["PRESET_STORAGE", "RecordForm"]
