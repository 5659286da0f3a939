"""The local recorder panel records on this computer with the real engine, as an operator would.

Sources are what CI has: lavfi test sources paced in real time (a camera and a microphone
stand-in), the session's Xvfb screen, and the demo service's participants through their live
URLs. Each test records a few seconds, stops, lets the save flow put the file somewhere, and opens
what was saved with PyAV. How recordings end otherwise, and the window's part, are in
`test_local_recorder_ends.py`.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tests.helpers.local_panel import (
    PATTERN_AND_TONE,
    click,
    elapsed,
    probe,
    record,
    starts,
    stop_and_save,
)
from tests.helpers.xvfb import Xvfb
from tests.ui.conftest import until
from ui.common.formats import format_elapsed
from ui.connection.connection import Connection
from ui.local.history import HistoryStore
from ui.local.panel import LocalRecorderPanel


def test_record_pause_resume_and_save_a_camera_and_microphone(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    local_panel: LocalRecorderPanel,
    settings: QSettings,
    history: HistoryStore,
    tmp_path: Path,
) -> None:
    settings.setValue("local/save_mode", "ask")
    choice = local_panel.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)
    target = tmp_path / "chosen" / "take one.mp4"
    target.parent.mkdir()

    async def scenario() -> float:
        assert not local_panel.stop_button.isEnabled()
        await record(qtbot, local_panel, choice.key, 3.0)
        assert not local_panel.picker.isEnabled()  # what records cannot change under it
        assert local_panel.stop_button.isEnabled()

        click(qtbot, local_panel.pause_button)
        await until(lambda: local_panel.state == "paused")
        assert local_panel.status_label.text() == "Paused"
        assert local_panel.resume_button.isVisible()
        assert not local_panel.pause_button.isVisible()
        read = local_panel.stats
        await until(lambda: local_panel.stats is not read)  # figures read since it paused
        at_pause = elapsed(local_panel)
        await asyncio.sleep(1.0)
        assert elapsed(local_panel) < at_pause + 0.2  # nothing is written while paused

        click(qtbot, local_panel.resume_button)
        await until(lambda: local_panel.state == "recording")
        await until(lambda: elapsed(local_panel) >= at_pause + 2.0)
        recorded = elapsed(local_panel)
        click(qtbot, local_panel.stop_button)

        # The save dialog asks where; the operator types a name and saves.
        flow = local_panel.save_flow
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert local_panel.state == "saving"
        assert local_panel.status_label.text() == "Saving…"
        dialog = flow.dialog
        assert dialog is not None
        # Typed, as selectFile() leaves the name alone while its line edit has the focus.
        name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
        assert isinstance(name_edit, QLineEdit)
        name_edit.clear()
        qtbot.keyClicks(name_edit, str(target))
        dialog.accept()
        await until(lambda: local_panel.state == "idle")
        return recorded

    recorded = aloop.run_until_complete(scenario())
    assert local_panel.outcome is not None
    assert local_panel.outcome.action == "saved"
    assert local_panel.outcome.paths == [target]
    assert "take one.mp4" in local_panel.status_label.text()
    assert local_panel.start_button.isEnabled()
    assert [list(e.paths) for e in history.entries()] == [[target]]

    info = probe(target)
    assert [codec for codec, _w, _h in info.video] == ["h264"]
    assert info.audio == [("aac", 48000)]
    # It lasts what was recorded: the pause is not in it.
    assert info.duration == pytest.approx(recorded, abs=1.0)
    # One timeline across the pause: no hole in the pictures or the sound. A machine too busy
    # to keep up skips pictures rather than drift, and counts them: those may leave a hole.
    stats = local_panel.stats
    skipped = (stats.dropped if stats is not None else 0) / 30
    for kind, hole in (("video", 4 / 30 + skipped), ("audio", 0.1)):
        times = starts(target, kind)
        assert max(b - a for a, b in itertools.pairwise(times)) < hole, kind


def test_the_figures_move_while_recording(
    qtbot: QtBot, aloop: qasync.QEventLoop, local_panel: LocalRecorderPanel
) -> None:
    choice = local_panel.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)

    async def scenario() -> None:
        await record(qtbot, local_panel, choice.key, 1.0)
        figures = local_panel.figures
        first_size = local_panel.stats.size if local_panel.stats else 0
        await until(lambda: figures.elapsed_label.text() not in (format_elapsed(0),))
        await until(lambda: local_panel.stats is not None and local_panel.stats.size > first_size)
        await until(lambda: figures.preview.image is not None)
        assert figures.preview.image is not None
        assert figures.preview.image.width() <= 320
        await until(lambda: figures.meter.reading > -90)  # the tone is heard
        assert figures.meter.reading == pytest.approx(-18, abs=3)  # a sine at 1/8 of full scale
        await until(lambda: figures.bitrate_label.text().endswith("bit/s"))
        assert figures.size_label.text().endswith(("kB", "MB"))
        assert local_panel.stats is not None
        assert local_panel.stats.has_audio
        assert local_panel.stats.has_video
        await stop_and_save(qtbot, local_panel)

    aloop.run_until_complete(scenario())


def test_while_recording_full_collections_leave_what_existed_at_the_start(
    qtbot: QtBot, aloop: qasync.QEventLoop, local_panel: LocalRecorderPanel
) -> None:
    """A full pass of the cyclic collector over the app's objects holds the interpreter lock for
    about 100 ms (the GUI stood still that long in the call benchmark): from its start until it
    is over, a recording keeps what existed then out of those passes."""
    choice = local_panel.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)
    gc.unfreeze()

    async def scenario() -> None:
        await record(qtbot, local_panel, choice.key, 1.0)
        assert gc.get_freeze_count() > 10_000  # the app's objects and the pipeline's
        await stop_and_save(qtbot, local_panel)
        await until(lambda: gc.get_freeze_count() == 0)  # handed back with the memory

    aloop.run_until_complete(scenario())


def test_record_the_screen(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    local_panel: LocalRecorderPanel,
    xvfb: Xvfb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISPLAY", xvfb.display)
    key = f"device:x11grab:{xvfb.display}"

    async def scenario() -> Path:
        # The screen is listed by name once the devices are looked for again (when the first
        # listing, made without the display, is done).
        await until(local_panel.picker.rescan.isEnabled)
        local_panel.picker.rescan.click()
        await until(lambda: any(c.key == key for c in local_panel.picker.choices()))
        label = next(c for c in local_panel.picker.choices() if c.key == key).label
        assert label.startswith(f"Screen {xvfb.display} (")  # and its size: "(640x480)"
        await record(qtbot, local_panel, key, 2.0)
        return await stop_and_save(qtbot, local_panel)

    path = aloop.run_until_complete(scenario())
    info = probe(path)
    assert info.audio == []
    [(codec, width, height)] = info.video
    assert codec == "h264"
    # The screen (640x480) is drawn on the quality's canvas, or kept at its own size.
    assert (width, height) in ((640, 480), (1280, 720))
    assert info.duration >= 1.5


def test_record_a_participant_of_the_demo_room(
    qtbot: QtBot, aloop: qasync.QEventLoop, connection: Connection, local_panel: LocalRecorderPanel
) -> None:
    async def scenario() -> tuple[Path, object]:
        room = await connection.client.room("meeting")
        local_panel.set_room(room)
        camera = next(s for s in room.streams if s.kind == "camera")
        key = f"participant:{camera.stream_id}"
        assert any(c.key == key for c in local_panel.picker.choices())
        await record(qtbot, local_panel, key, 2.0)
        assert local_panel.recorder is not None
        [source] = local_panel.recorder.spec.inputs
        assert source.source.endswith(f"/v1/rooms/meeting/streams/{camera.stream_id}/live")
        return await stop_and_save(qtbot, local_panel), camera

    path, camera = aloop.run_until_complete(scenario())
    info = probe(path)
    # Copied as it came: the participant's own codec and size.
    assert info.video == [(camera.codec, camera.width, camera.height)]  # type: ignore[attr-defined]
    assert len(info.audio) == (1 if camera.audio_codec else 0)  # type: ignore[attr-defined]
    assert info.duration >= 1.5


def test_record_the_room_audio_as_m4a(
    qtbot: QtBot, aloop: qasync.QEventLoop, connection: Connection, local_panel: LocalRecorderPanel
) -> None:
    async def scenario() -> Path:
        room = await connection.client.room("meeting")
        local_panel.set_room(room)
        assert local_panel.picker.select("room-audio")
        assert local_panel.picker.format.currentData() == "m4a"  # sound alone goes to M4A
        await record(qtbot, local_panel, "room-audio", 2.0)
        assert local_panel.recorder is not None
        assert local_panel.recorder.spec.mixed
        assert {i.kind for i in local_panel.recorder.spec.inputs} == {"audio"}
        assert local_panel.figures.preview.image is None  # nothing to see
        return await stop_and_save(qtbot, local_panel)

    path = aloop.run_until_complete(scenario())
    assert path.suffix == ".m4a"
    info = probe(path)
    assert info.video == []
    assert info.audio == [("aac", 48000)]
    assert info.duration >= 1.5
    # Back to a picture source, the picture format comes back.
    assert local_panel.picker.select(
        next(c.key for c in local_panel.picker.choices() if c.key != "room-audio")
    )
    assert local_panel.picker.format.currentData() == "mp4"
