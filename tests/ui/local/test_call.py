"""A call in the local recorder: the Call choice, Voices kept apart, a meter and a mute per sound
source, and the warning when a source is silent.

The picker is shown a device report as `device_report()` makes it (windows, a sound-server
microphone, the system sound); the recordings use lavfi stand-ins for the microphone (a tone) and
the speakers (`anullsrc`: silence), recorded by the real engine and saved by the save flow.
"""

from __future__ import annotations

from pathlib import Path

import av
import qasync
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.media.local import LocalInput, SourceLevel
from app.media.sources.base import Device
from app.media.sources.devices import DeviceReport
from tests.helpers.local_panel import PATTERN, TONE, click, elapsed, stop_and_save
from tests.ui.conftest import until
from ui.local.panel import LocalRecorderPanel
from ui.local.sources import LocalSourcePicker

SILENCE = "lavfi:anullsrc=channel_layout=stereo:sample_rate=48000,arealtime"
CALL_INPUTS = (
    LocalInput("picture", PATTERN, "screen", label="Screen"),
    LocalInput("mic", TONE, "audio", label="Microphone"),
    LocalInput("speakers", SILENCE, "audio", label="Speakers"),
)
REPORT = DeviceReport(
    [
        Device("x11grab", "x11grab::0", "video", "Screen :0 (1280x720)"),
        Device("window", "window:Weekly call — Firefox", "video", "Weekly call — Firefox"),
        Device("mic", "mic:virtmic", "audio", "Virtual Microphone"),
        Device("loopback", "loopback:speakers", "audio", "Speakers — what this computer plays"),
    ],
    {"cameras": "no camera found"},
)


def test_the_picker_offers_a_call_per_window_and_keeps_its_voices_apart(
    qtbot: QtBot, aloop: qasync.QEventLoop, settings: QSettings
) -> None:
    picker = LocalSourcePicker(settings)
    qtbot.addWidget(picker)
    picker.show()
    picker.show_devices(REPORT)
    model = picker.source.model()
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert shown[shown.index("This computer") :] == [
        "This computer",
        "Screen :0 (1280x720)",
        "Window: Weekly call — Firefox",
        "Microphone: Virtual Microphone",
        "System sound: Speakers — what this computer plays",
        "Screen + microphone",
        "Call — screen + microphone + speakers",
        "Call — Weekly call — Firefox + microphone + speakers",
        "Cameras — unavailable: no camera found",  # greyed: why there is no camera
    ]
    unavailable = model.index(len(shown) - 1, 0)
    assert not (model.flags(unavailable) & Qt.ItemFlag.ItemIsEnabled)
    assert picker.notes.isHidden()  # a call is offered: nothing to explain

    # A single source has one voice: nothing to keep apart.
    assert picker.select("device:mic:virtmic")
    assert picker.voices.isHidden()
    assert picker.select("call:window:Weekly call — Firefox")
    assert picker.voices.isVisibleTo(picker)
    picker.voices.setCurrentIndex(picker.voices.findData(True))
    spec = picker.spec(muted=["speakers"])
    assert spec is not None
    assert [(i.source, i.kind, i.label) for i in spec.inputs] == [
        ("window:Weekly call — Firefox", "screen", "Weekly call — Firefox"),
        ("mic:virtmic", "audio", "Microphone"),
        ("loopback:speakers", "audio", "Speakers"),
    ]
    assert spec.mixed
    assert spec.separate_tracks
    assert spec.muted == ("speakers",)
    assert spec.format == "mp4"

    # The choice of tracks is remembered for the next start.
    picker.remember()
    again = LocalSourcePicker(settings)
    qtbot.addWidget(again)
    assert again.voices.currentData() is True


def test_the_picker_says_why_there_is_no_call(
    qtbot: QtBot, aloop: qasync.QEventLoop, settings: QSettings
) -> None:
    picker = LocalSourcePicker(settings)
    qtbot.addWidget(picker)
    picker.show()
    why = "no sound server answers (PULSE_SERVER=unix:/run/missing)"
    picker.show_devices(
        DeviceReport(
            [REPORT.devices[0]],
            {"microphones": why, "system sound": why},
        )
    )
    assert not any(c.role == "call" for c in picker.choices())
    assert picker.notes.isVisible()
    assert picker.notes.text() == f"ⓘ Call is not offered: {why}."
    model = picker.source.model()
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert f"System sound — unavailable: {why}" in shown


def levels(panel: LocalRecorderPanel) -> dict[str, SourceLevel]:
    """Each sound source as the recorder last reported it."""
    return {s.stream_id: s for s in panel.stats.sources} if panel.stats is not None else {}


def test_a_meter_and_a_mute_per_voice_and_a_warning_for_silence(
    qtbot: QtBot, aloop: qasync.QEventLoop, local_panel: LocalRecorderPanel
) -> None:
    panel = local_panel
    panel.voices.silence_after = 1.0  # the engine's 10 s, shortened
    choice = panel.picker.add_device("Call stand-in", CALL_INPUTS)
    assert panel.picker.select(choice.key)
    rows = panel.voices.rows
    assert [r.label.text() for r in rows.values()] == ["Microphone", "Speakers"]
    assert rows["mic"].mute.accessibleName() == "Mute Microphone"
    panel.picker.voices.setCurrentIndex(panel.picker.voices.findData(True))
    click(qtbot, rows["speakers"].mute)  # muted before it starts: from the first sample

    async def scenario() -> Path:
        click(qtbot, panel.start_button)
        await until(lambda: panel.state == "recording")
        await until(lambda: {"mic", "speakers"} <= set(levels(panel)))
        assert levels(panel)["speakers"].muted
        await until(lambda: rows["mic"].meter.reading > -30)  # the tone is heard
        # Silent, but muted: no warning.
        await until(lambda: levels(panel)["speakers"].silent_for >= 2.0)
        assert panel.voices.warning_label.isHidden()

        click(qtbot, rows["speakers"].mute)  # heard again: and nothing is
        await until(lambda: not levels(panel)["speakers"].muted)
        await until(panel.voices.warning_label.isVisible)
        assert panel.voices.warning_label.text() == "⚠ Nothing is heard from Speakers"

        click(qtbot, rows["mic"].mute)
        await until(lambda: levels(panel)["mic"].muted)
        assert rows["mic"].mute.isChecked()
        assert "is muted" in rows["mic"].mute.toolTip()
        at = elapsed(panel)
        await until(lambda: elapsed(panel) >= at + 1.0)
        return await stop_and_save(qtbot, panel)

    saved = aloop.run_until_complete(scenario())
    assert panel.voices.warning_label.isHidden()  # nothing records: nothing to warn about
    # The voices kept apart: a track each, titled, decoding to the end.
    with av.open(str(saved)) as container:
        assert len(container.streams.audio) == 2
        assert len(container.streams.video) == 1
    assert decoded_seconds(saved, 0) > 2.0
    assert decoded_seconds(saved, 1) > 2.0


def decoded_seconds(path: Path, track: int) -> float:
    """Seconds of sound decoded from the file's audio track `track`, to its end."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[track]
        return sum(f.samples for f in container.decode(stream)) / (stream.sample_rate or 1)
