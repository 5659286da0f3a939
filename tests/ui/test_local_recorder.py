"""The local recorder panel records on this computer with the real engine, as an operator would.

Sources are what CI has: lavfi test sources paced in real time (a camera and a microphone
stand-in), the session's Xvfb screen, and the demo service's participants through their live
URLs. Each test records a few seconds, stops, lets the save flow put the file somewhere, and opens
what was saved with PyAV. How recordings end otherwise, and the window's part, are in
`test_local_recorder_ends.py`.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
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
    local_settings,
    make_panel,
    probe,
    record,
    starts,
    stop_and_save,
)
from tests.helpers.xvfb import Xvfb
from tests.ui.conftest import until
from ui.connection import Connection
from ui.formats import format_elapsed
from ui.local_history import HistoryStore
from ui.local_recorder import LocalRecorderPanel


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings of this test's own: recordings go under tmp_path, saved without a dialog."""
    return local_settings(tmp_path)


@pytest.fixture
def history(tmp_path: Path) -> HistoryStore:
    """The list of saved recordings, in a file of this test's own."""
    return HistoryStore(tmp_path / "local-recordings.json")


@pytest.fixture
def panel(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    history: HistoryStore,
) -> Iterator[LocalRecorderPanel]:
    """The local recorder panel, on the demo service's connection."""
    widget = make_panel(qtbot, connection, settings, history)
    yield widget
    leftover = widget.recorder
    if leftover is not None:  # a failed test must not leave a recording running
        leftover.stop()
        leftover.wait(30)


def test_record_pause_resume_and_save_a_camera_and_microphone(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    panel: LocalRecorderPanel,
    settings: QSettings,
    history: HistoryStore,
    tmp_path: Path,
) -> None:
    settings.setValue("local/save_mode", "ask")
    choice = panel.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)
    target = tmp_path / "chosen" / "take one.mp4"
    target.parent.mkdir()

    async def scenario() -> float:
        assert not panel.stop_button.isEnabled()
        await record(qtbot, panel, choice.key, 3.0)
        assert not panel.picker.isEnabled()  # what records cannot change under it
        assert panel.stop_button.isEnabled()

        click(qtbot, panel.pause_button)
        await until(lambda: panel.state == "paused")
        assert panel.status_label.text() == "Paused"
        assert panel.resume_button.isVisible()
        assert not panel.pause_button.isVisible()
        read = panel.stats
        await until(lambda: panel.stats is not read)  # figures read since it paused
        at_pause = elapsed(panel)
        await asyncio.sleep(1.0)
        assert elapsed(panel) < at_pause + 0.2  # nothing is written while paused

        click(qtbot, panel.resume_button)
        await until(lambda: panel.state == "recording")
        await until(lambda: elapsed(panel) >= at_pause + 2.0)
        recorded = elapsed(panel)
        click(qtbot, panel.stop_button)

        # The save dialog asks where; the operator types a name and saves.
        flow = panel.save_flow
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert panel.state == "saving"
        assert panel.status_label.text() == "Saving…"
        dialog = flow.dialog
        assert dialog is not None
        # Typed, as selectFile() leaves the name alone while its line edit has the focus.
        name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
        assert isinstance(name_edit, QLineEdit)
        name_edit.clear()
        qtbot.keyClicks(name_edit, str(target))
        dialog.accept()
        await until(lambda: panel.state == "idle")
        return recorded

    recorded = aloop.run_until_complete(scenario())
    assert panel.outcome is not None
    assert panel.outcome.action == "saved"
    assert panel.outcome.paths == [target]
    assert "take one.mp4" in panel.status_label.text()
    assert panel.start_button.isEnabled()
    assert [list(e.paths) for e in history.entries()] == [[target]]

    info = probe(target)
    assert [codec for codec, _w, _h in info.video] == ["h264"]
    assert info.audio == [("aac", 48000)]
    # It lasts what was recorded: the pause is not in it.
    assert info.duration == pytest.approx(recorded, abs=1.0)
    # One timeline across the pause: no hole in the pictures or the sound.
    for kind, hole in (("video", 4 / 30), ("audio", 0.1)):
        times = starts(target, kind)
        assert max(b - a for a, b in itertools.pairwise(times)) < hole, kind


def test_the_figures_move_while_recording(
    qtbot: QtBot, aloop: qasync.QEventLoop, panel: LocalRecorderPanel
) -> None:
    choice = panel.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)

    async def scenario() -> None:
        await record(qtbot, panel, choice.key, 1.0)
        figures = panel.figures
        first_size = panel.stats.size if panel.stats else 0
        await until(lambda: figures.elapsed_label.text() not in (format_elapsed(0),))
        await until(lambda: panel.stats is not None and panel.stats.size > first_size)
        await until(lambda: figures.preview.image is not None)
        assert figures.preview.image is not None
        assert figures.preview.image.width() <= 320
        await until(lambda: figures.meter.reading > -90)  # the tone is heard
        assert figures.meter.reading == pytest.approx(-18, abs=3)  # a sine at 1/8 of full scale
        await until(lambda: figures.bitrate_label.text().endswith("bit/s"))
        assert figures.size_label.text().endswith(("kB", "MB"))
        assert panel.stats is not None
        assert panel.stats.has_audio
        assert panel.stats.has_video
        await stop_and_save(qtbot, panel)

    aloop.run_until_complete(scenario())


def test_record_the_screen(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    panel: LocalRecorderPanel,
    xvfb: Xvfb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISPLAY", xvfb.display)
    key = f"device:x11grab:{xvfb.display}"

    async def scenario() -> Path:
        # The screen is listed by name once the devices are looked for again.
        panel.picker.rescan.click()
        await until(lambda: any(c.key == key for c in panel.picker.choices()))
        label = next(c for c in panel.picker.choices() if c.key == key).label
        assert label == f"Screen: X11 screen {xvfb.display}"
        await record(qtbot, panel, key, 2.0)
        return await stop_and_save(qtbot, panel)

    path = aloop.run_until_complete(scenario())
    info = probe(path)
    assert info.audio == []
    [(codec, width, height)] = info.video
    assert codec == "h264"
    # The screen (640x480) is drawn on the quality's canvas, or kept at its own size.
    assert (width, height) in ((640, 480), (1280, 720))
    assert info.duration >= 1.5


def test_record_a_participant_of_the_demo_room(
    qtbot: QtBot, aloop: qasync.QEventLoop, connection: Connection, panel: LocalRecorderPanel
) -> None:
    async def scenario() -> tuple[Path, object]:
        room = await connection.client.room("meeting")
        panel.set_room(room)
        camera = next(s for s in room.streams if s.kind == "camera")
        key = f"participant:{camera.stream_id}"
        assert any(c.key == key for c in panel.picker.choices())
        await record(qtbot, panel, key, 2.0)
        assert panel.recorder is not None
        [source] = panel.recorder.spec.inputs
        assert source.source.endswith(
            f"/v1/rooms/meeting/streams/{camera.stream_id}/live?format=ts"
        )
        return await stop_and_save(qtbot, panel), camera

    path, camera = aloop.run_until_complete(scenario())
    info = probe(path)
    # Copied as it came: the participant's own codec and size.
    assert info.video == [(camera.codec, camera.width, camera.height)]  # type: ignore[attr-defined]
    assert len(info.audio) == (1 if camera.audio_codec else 0)  # type: ignore[attr-defined]
    assert info.duration >= 1.5


def test_record_the_room_audio_as_m4a(
    qtbot: QtBot, aloop: qasync.QEventLoop, connection: Connection, panel: LocalRecorderPanel
) -> None:
    async def scenario() -> Path:
        room = await connection.client.room("meeting")
        panel.set_room(room)
        assert panel.picker.select("room-audio")
        assert panel.picker.format.currentData() == "m4a"  # sound alone goes to M4A
        await record(qtbot, panel, "room-audio", 2.0)
        assert panel.recorder is not None
        assert panel.recorder.spec.mixed
        assert {i.kind for i in panel.recorder.spec.inputs} == {"audio"}
        assert panel.figures.preview.image is None  # nothing to see
        return await stop_and_save(qtbot, panel)

    path = aloop.run_until_complete(scenario())
    assert path.suffix == ".m4a"
    info = probe(path)
    assert info.video == []
    assert info.audio == [("aac", 48000)]
    assert info.duration >= 1.5
    # Back to a picture source, the picture format comes back.
    assert panel.picker.select(next(c.key for c in panel.picker.choices() if c.key != "room-audio"))
    assert panel.picker.format.currentData() == "mp4"
