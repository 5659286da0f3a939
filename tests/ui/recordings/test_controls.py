"""The record controls drive real recordings on the demo service, as an operator would."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import av
import pytest
import qasync
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QPushButton
from pytestqt.qtbot import QtBot

from app.api.models import Event
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import until
from ui.common.formats import format_elapsed
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.recordings.controls import RecordControls


class WatchedOperations(Operations):
    """Operations that keep the failures the operator would see, and count what still runs."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[tuple[str, str]] = []
        self.running = 0
        self.failed.connect(lambda what, todo: self.failures.append((what, todo)))
        self.busy.connect(self._count)

    def _count(self, running: int) -> None:
        self.running = running

    async def settled(self) -> None:
        """Wait until no operation runs (so none is left for a later loop run)."""
        await until(lambda: self.running == 0)


@pytest.fixture
def operations() -> WatchedOperations:
    """Operations, watched."""
    return WatchedOperations()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings in a file of this test's own."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def controls(
    qtbot: QtBot, connection: Connection, operations: WatchedOperations, settings: QSettings
) -> RecordControls:
    """Record controls on the demo service, shown."""
    widget = RecordControls(connection, operations, settings)
    qtbot.addWidget(widget)
    widget.resize(420, 360)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def choose(combo: QComboBox, value: str) -> None:
    """Pick the item of a combo box whose data is `value`."""
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def click(qtbot: QtBot, button: QPushButton) -> None:
    """Click an enabled button."""
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


async def recording_state(connection: Connection, recording_id: str, state: str) -> None:
    """Wait until the service says the recording is in `state`."""
    for _ in range(300):
        if (await connection.client.recording(recording_id)).state == state:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"recording {recording_id} never reached {state}")


def test_start_pause_resume_stop_a_mixed_recording(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    controls: RecordControls,
    operations: WatchedOperations,
    settings: QSettings,
    service: ServiceProcess,
    tmp_path: Path,
) -> None:
    async def scenario() -> str:
        controls.set_room(await connection.client.room("meeting"))
        await until(lambda: controls.state_label.text() == "Not recording")
        assert controls.start_button.isEnabled()
        assert not controls.stop_button.isEnabled()
        assert not controls.layout_template.isEnabled()
        choose(controls.mode, "mixed")
        assert controls.layout_template.isEnabled()
        choose(controls.layout_template, "speaker")

        click(qtbot, controls.start_button)
        await until(lambda: controls.state_label.text() == "Recording")
        recording_id = controls.recording_id
        assert recording_id is not None
        assert controls.pause_button.isEnabled()
        assert controls.stop_button.isEnabled()
        assert not controls.start_button.isEnabled()
        assert not controls.resume_button.isEnabled()
        first = controls.elapsed_label.text()
        await until(
            lambda: controls.elapsed_label.text() not in (first, format_elapsed(0)), timeout=5
        )
        # While it runs, the start options give way to what it records.
        assert controls.summary_label.text() == "Mixed · Active speaker · Audio + video · MP4"
        assert not controls.form.isVisible()
        assert controls.grab().save(str(tmp_path / "recording.png"))

        click(qtbot, controls.pause_button)
        await until(lambda: controls.state_label.text() == "Paused")
        # The event may come before the pause's own answer, which enables Resume.
        await until(controls.resume_button.isEnabled, timeout=10)
        assert not controls.pause_button.isEnabled()
        await asyncio.sleep(0.3)
        await operations.settled()  # the service's own count of the time is in
        held = controls.elapsed_label.text()
        await asyncio.sleep(1.5)
        assert controls.elapsed_label.text() == held  # a pause is not counted

        click(qtbot, controls.resume_button)
        await until(lambda: controls.state_label.text() == "Recording")
        await asyncio.sleep(1.0)
        click(qtbot, controls.stop_button)
        await until(lambda: controls.state_label.text() == "Completed", timeout=60)
        await until(controls.start_button.isEnabled)  # once the stop's own answer is in
        assert controls.recording_id is None
        assert controls.form.isVisible()
        await until(lambda: controls.recording is not None and len(controls.recording.files) == 1)
        assert controls.grab().save(str(tmp_path / "completed.png"))
        await operations.settled()
        return recording_id

    recording_id = aloop.run_until_complete(scenario())

    rec = aloop.run_until_complete(connection.client.recording(recording_id))
    assert rec.state == "completed"
    assert rec.mode == "mixed"
    assert len(rec.files) == 1
    with av.open(str(service.data_dir / rec.files[0].path)) as container:
        kinds = {stream.type for stream in container.streams}
        assert kinds == {"video", "audio"}
        assert container.duration is not None
        assert container.duration > 1_000_000
    assert not operations.failures
    # The options used are the next session's defaults.
    assert settings.value("record/mode") == "mixed"
    assert settings.value("record/layout") == "speaker"


def test_a_recording_started_elsewhere_is_shown_and_controlled(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    controls: RecordControls,
    operations: WatchedOperations,
) -> None:
    async def scenario() -> None:
        controls.set_room(await connection.client.room("call"))
        await until(lambda: controls.state_label.text() == "Not recording")
        rec = await connection.client.start_recording(room_id="call", mode="single")
        # Its `recording.state` events bring it to the controls.
        await until(lambda: controls.recording_id == rec.id)
        await until(lambda: controls.state_label.text() == "Recording")
        assert controls.pause_button.isEnabled()
        assert controls.stop_button.isEnabled()
        assert not controls.start_button.isEnabled()
        # Every state the service has reads as words, "uploading" (files going to storage)
        # included; the read that follows brings the real state back.
        uploading = {"recording_id": rec.id, "room_id": "call", "state": "uploading"}
        connection.event_received.emit(
            Event(id=10**9, type="recording.state", at=datetime.now(UTC), data=uploading)
        )
        assert controls.state_label.text() == "Uploading…"
        await until(lambda: controls.state_label.text() == "Recording")

        # Controls opened on a room that already records show that recording at once.
        others = WatchedOperations()
        later = RecordControls(connection, others)
        qtbot.addWidget(later)
        later.set_room(await connection.client.room("call"))
        await until(lambda: later.recording_id == rec.id)
        assert later.pause_button.isEnabled()
        assert later.stop_button.isEnabled()

        click(qtbot, later.stop_button)
        await until(lambda: later.state_label.text() == "Completed", timeout=60)
        await until(lambda: controls.state_label.text() == "Completed", timeout=60)
        await until(controls.start_button.isEnabled)  # once the stop's own answer is in
        assert controls.recording_id is None
        await operations.settled()
        await others.settled()
        assert not others.failures

    aloop.run_until_complete(scenario())
    assert not operations.failures


def test_a_duplicate_start_shows_the_recording_that_runs(
    qtbot: QtBot, aloop: qasync.QEventLoop, connection: Connection, service: ServiceProcess
) -> None:
    # A link that follows no events: the controls learn of the other start only from the 409.
    deaf = Connection(service.url)
    operations = WatchedOperations()
    failures = operations.failures
    controls = RecordControls(deaf, operations)
    qtbot.addWidget(controls)

    async def scenario() -> None:
        controls.set_room(await connection.client.room("webinar"))
        await operations.settled()  # it has looked for the room's recording
        assert controls.state_label.text() == "Not recording"
        rec = await connection.client.start_recording(room_id="webinar", mode="single")
        await recording_state(connection, rec.id, "recording")
        choose(controls.mode, "single")
        click(qtbot, controls.start_button)
        await until(lambda: bool(failures))
        what, todo = failures[0]
        assert "already" in what.lower()
        assert "Stop the room's current recording" in todo
        await until(lambda: controls.recording_id == rec.id)
        assert controls.stop_button.isEnabled()
        click(qtbot, controls.stop_button)
        await until(lambda: controls.state_label.text() == "Completed", timeout=60)
        await operations.settled()

    try:
        aloop.run_until_complete(scenario())
    finally:
        aloop.run_until_complete(deaf.close())


def test_a_refused_start_names_the_problem_and_keeps_the_form(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    controls: RecordControls,
    operations: WatchedOperations,
    tmp_path: Path,
) -> None:
    failures = operations.failures

    async def scenario() -> None:
        controls.set_room(await connection.client.room("class"))
        await until(lambda: controls.state_label.text() == "Not recording")
        choose(controls.mode, "mixed")
        choose(controls.format, "mkv")
        controls.split.setValue(30)
        qtbot.keyClicks(controls.name_rule, "{roomid}_{nope}")
        qtbot.keyClicks(controls.folder, "mine")
        qtbot.keyClicks(controls.user_data, "lesson 4")
        click(qtbot, controls.start_button)
        await until(lambda: bool(failures))
        await until(controls.start_button.isEnabled)
        await operations.settled()

    aloop.run_until_complete(scenario())
    what, todo = failures[0]
    assert "{nope}" in what
    assert "name rule" in todo
    assert controls.recording_id is None
    assert controls.state_label.text() == "Not recording"
    form = controls.form
    assert (form.mode.currentData(), form.format.currentData()) == ("mixed", "mkv")
    assert (form.split.value(), form.folder.text(), form.user_data.text()) == (
        30,
        "mine",
        "lesson 4",
    )
    assert form.name_rule.text() == "{roomid}_{nope}"
    assert form.marked() == ["name_rule"]
    assert form.more.isChecked()
    assert form.name_rule.isVisible()
    assert form.name_rule.toolTip() == what
    assert controls.grab().save(str(tmp_path / "refused.png"))
    # Editing the field is dealing with it: the mark goes.
    qtbot.keyClick(controls.name_rule, Qt.Key.Key_Backspace)
    assert form.marked() == []


def test_the_form_builds_the_request(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    controls: RecordControls,
    operations: WatchedOperations,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    room = aloop.run_until_complete(connection.client.room("meeting"))
    controls.set_room(room)
    aloop.run_until_complete(operations.settled())
    form = controls.form
    assert form.streams.count() == len(room.streams) == 4
    assert "include" not in form.request("meeting").model_fields_set

    # Unchecking someone sends the others as `include`; the choice outlives a stream change.
    form.streams.item(1).setCheckState(Qt.CheckState.Unchecked)
    recorded = [s.stream_id for i, s in enumerate(room.streams) if i != 1]
    assert form.request("meeting").include == recorded
    joined = room.streams[0].model_copy(update={"stream_id": "zoe-camera", "user_id": "zoe"})
    controls.set_room(room.model_copy(update={"streams": [*room.streams, joined]}))
    assert form.streams.item(4).text() == "zoe · camera"
    assert form.request("meeting").include == [*recorded, "zoe-camera"]

    # Nothing checked is refused here, before any request.
    for row in range(form.streams.count()):
        form.streams.item(row).setCheckState(Qt.CheckState.Unchecked)
    controls.start()
    assert operations.failures
    assert form.marked() == ["streams"]
    assert controls.recording_id is None

    # Audio-only formats take audio only; another type goes back to a format that holds it.
    choose(form.format, "m4a")
    assert form.stream_type.currentData() == "audio"
    choose(form.stream_type, "separate")
    # Automatic: the request names no format, and the service picks by the streams' codecs.
    assert form.format.currentData() == "auto"
    assert form.request("call").format is None

    # The layout and the placeholder follow the mode.
    choose(form.mode, "single")
    assert not form.layout_template.isEnabled()
    assert form.name_rule.placeholderText() == "{roomid}_{userid}_{date}_{time}_{random}"
    assert form.request("meeting").layout is None
    choose(form.mode, "mixed")
    assert form.name_rule.placeholderText() == "{roomid}_{date}_{time}_{random}"
    choose(form.layout_template, "grid")
    form.max_duration.setValue(600)
    form.snapshot.setValue(5)
    request = form.request("meeting")
    assert (request.layout, request.max_duration_seconds, request.snapshot_seconds) == (
        "grid",
        600.0,
        5.0,
    )
    assert request.split_seconds is None
    assert request.name_rule is None

    # Remembered options are where the next session starts.
    form.folder.setText("weekly")
    form.remember()
    again = RecordControls(connection, operations, settings)
    qtbot.addWidget(again)
    assert again.mode.currentData() == "mixed"
    assert again.stream_type.currentData() == "separate"
    assert again.max_duration.value() == 600
    assert again.snapshot.value() == 5
    assert again.folder.text() == "weekly"
    assert again.state_label.text() == "No room selected"
    assert not again.start_button.isEnabled()
    again.resize(420, 520)
    again.form.show_more(True)
    again.show()
    qtbot.waitExposed(again)
    assert again.grab().save(str(tmp_path / "idle.png"))


def test_an_unreachable_service_loses_nothing_typed(
    qtbot: QtBot, aloop: qasync.QEventLoop, connection: Connection
) -> None:
    room = aloop.run_until_complete(connection.client.room("podcast"))
    gone = Connection("http://127.0.0.1:9")  # nothing listens on the discard port
    operations = WatchedOperations()
    controls = RecordControls(gone, operations)
    qtbot.addWidget(controls)

    async def scenario() -> None:
        controls.set_room(room)
        await operations.settled()
        choose(controls.format, "ogg")
        qtbot.keyClicks(controls.folder, "shows/ep12")
        click(qtbot, controls.start_button)
        await operations.settled()

    try:
        aloop.run_until_complete(scenario())
    finally:
        aloop.run_until_complete(gone.close())
    assert operations.failures
    for what, todo in operations.failures:
        assert "cannot be reached" in what
        assert "reconnect" in todo
    assert controls.format.currentData() == "ogg"
    assert controls.stream_type.currentData() == "audio"
    assert controls.folder.text() == "shows/ep12"
    assert controls.form.marked() == []
    assert controls.start_button.isEnabled()
    assert controls.state_label.text() == "Not recording"
