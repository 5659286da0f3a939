"""What this computer cannot record, and why: greyed lines in the source list and a note under it.

```
This computer
    Screen :0 (1920x1080) · Microphone: ... · Call — screen + microphone + speakers
    System sound — unavailable: no sound server answers            (greyed, not a choice)
ⓘ Call is not offered: no sound server answers.                     (DeviceNotes, under the picker)
ⓘ This is a Wayland session: ...                                     (only in a Wayland session)
```

`DeviceNotes.unavailable_lines(report)` names each group of `app.media.sources.devices.GROUPS`
that the device report found none of, with the engine's reason; `show_report(report, calls)`
fills the note: why no call is offered (a call needs a picture, a microphone and the system
sound), and in a Wayland session what can and cannot be recorded yet.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QLabel, QWidget

from app.media.sources.devices import DeviceReport, wayland_session
from app.media.sources.sound import PLAYS
from ui.common.palette import tint
from ui.common.translate import translate

# What a call needs, in the order a missing part is named.
_CALL_NEEDS = ("system sound", "microphones")


# The device report's own words (app.media.sources.devices), translated when shown; a reason this
# list does not know (an error's text) is shown as the engine wrote it.
ENGINE_WORDS = (
    QT_TRANSLATE_NOOP("DeviceNotes", "no sound server is running (PulseAudio or PipeWire)"),
    QT_TRANSLATE_NOOP("DeviceNotes", "no X11 display: $DISPLAY is not set"),
    QT_TRANSLATE_NOOP("DeviceNotes", "no screen found"),
    QT_TRANSLATE_NOOP("DeviceNotes", "no window with a title is open"),
    QT_TRANSLATE_NOOP("DeviceNotes", "no camera found"),
    QT_TRANSLATE_NOOP("DeviceNotes", "no microphone found"),
    QT_TRANSLATE_NOOP("DeviceNotes", "no sound output found"),
    QT_TRANSLATE_NOOP("DeviceNotes", "default capture device"),
)


def engine_words(text: str) -> str:
    """The device report's reason or device name in the operator's language, where known; an
    output to record ("Speakers — what this computer plays") keeps the system's name for it."""
    if text.endswith(PLAYS):
        output = text.removesuffix(PLAYS)
        return translate("DeviceNotes", "{0} — what this computer plays").format(output)
    return translate("DeviceNotes", text)


class DeviceNotes(QLabel):
    """A greyed note under the source picker: why Call is missing, and the Wayland caveat."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        tint(self, "hint")  # a note, not a control
        self.wayland = wayland_session()
        self.hide()

    def group_name(self, group: str) -> str:
        """A device group's name (one of the device report's `GROUPS`)."""
        names = {
            "screens": self.tr("Screens"),
            "windows": self.tr("Windows"),
            "cameras": self.tr("Cameras"),
            "microphones": self.tr("Microphones"),
            "system sound": self.tr("System sound"),
        }
        return names.get(group, group)

    def unavailable_lines(self, report: DeviceReport) -> list[str]:
        """A line per group of devices the report found none of, saying why."""
        return [
            self.tr("{0} — unavailable: {1}").format(self.group_name(group), engine_words(why))
            for group, why in report.unavailable.items()
        ]

    def show_report(self, report: DeviceReport, calls: int) -> None:
        """Say why no call is offered (`calls` is how many are), and what Wayland allows."""
        lines: list[str] = []
        if calls == 0:
            why = next((report.unavailable[g] for g in _CALL_NEEDS if g in report.unavailable), "")
            if not why and "screens" in report.unavailable and "windows" in report.unavailable:
                why = report.unavailable["screens"]
            if why:
                lines.append(self.tr("ⓘ Call is not offered: {0}.").format(engine_words(why)))
        if self.wayland:
            lines.append(
                self.tr(
                    "ⓘ This is a Wayland session. Windows of X11 programs (XWayland), the system"
                    " sound and microphones can be recorded; the whole screen and native Wayland"
                    " windows cannot yet (they need the desktop's screen-sharing portal)."
                )
            )
        self.setText("\n".join(lines))
        self.setVisible(bool(lines))
