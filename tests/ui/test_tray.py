"""The tray: its menu records the window's selected room, and it tells of recordings that ended.

The menu's actions start, pause, resume and stop a real recording of the demo service, show the
window and quit. The notices are what the tray decides to show (offscreen Qt has no tray, so
they are read from `Tray.notices`): a recording that finished, one that failed (no media in an
empty room, with the reason) and one stopped because the service's disk filled up (a real
tmpfs), each naming the room; and the local recorder's ends that nobody asked for (a source
that cannot open, a disk that fills). The status bar counts what records here and there.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import av
import pytest
import qasync
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.api.models import Recording
from app.media.local import LocalInput, LocalRecorder
from tests.helpers.disk import fill, small_disk
from tests.helpers.local_panel import PATTERN_AND_TONE, make_panel, probe, record
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import connected, until
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.local.history import HistoryStore
from ui.recordings.controls import RecordControls
from ui.recordings.models import RecordingsModel
from ui.status import Notice, RecordingCounter, Tray
from ui.window import MainWindow

MIB = 1024 * 1024


def _window(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    data_dir: Path,
) -> MainWindow:
    shown = MainWindow(connection, settings, data_dir=data_dir)
    qtbot.addWidget(shown)
    shown.show()
    aloop.run_until_complete(until(lambda: shown.browser.model.rowCount() > 0))
    return shown


@pytest.fixture
def window(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    tmp_path: Path,
) -> Iterator[MainWindow]:
    """The main window on the session's demo service, once it lists the rooms."""
    shown = _window(qtbot, aloop, connection, settings, tmp_path / "app")
    yield shown
    shown.close_without_asking()


async def _select_audio_mix(window: MainWindow, room_id: str) -> None:
    """Select a room and ask for a mixed audio recording of it (cheap on two cores)."""
    assert window.browser.select(room_id)
    await until(lambda: (room := window.controls.room) is not None and room.room_id == room_id)
    form = window.controls.form
    form.mode.setCurrentIndex(form.mode.findData("mixed"))
    form.stream_type.setCurrentIndex(form.stream_type.findData("audio"))


def _open_menu(window: MainWindow) -> None:
    """What opening the tray's menu does: it reads the record buttons of the moment."""
    window.tray.menu.aboutToShow.emit()


async def _notice(window: MainWindow, kind: str) -> Notice:
    await until(lambda: any(n.kind == kind for n in window.tray.notices), timeout=90)
    return next(n for n in window.tray.notices if n.kind == kind)


def test_the_tray_menu_records_the_selected_room_and_tells_when_it_finished(
    window: MainWindow, aloop: qasync.QEventLoop, service: ServiceProcess
) -> None:
    tray, api = window.tray, window.connection.client
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))

    async def reported(rec_id: str, state: str, elapsed: float = 0.0) -> None:
        """Wait until the service reports the recording in `state`, with `elapsed` recorded."""
        deadline = time.monotonic() + 60
        while True:
            rec = await api.recording(rec_id)
            if rec.state == state and rec.elapsed >= elapsed:
                return
            assert time.monotonic() < deadline, f"{rec_id} is {rec.state}, not {state}"
            await asyncio.sleep(0.1)

    async def scenario() -> Recording:
        _open_menu(window)
        assert not tray.start_action.isEnabled()  # no room selected yet
        await _select_audio_mix(window, "call")
        await until(window.controls.start_button.isEnabled)
        _open_menu(window)
        assert tray.start_action.text() == "Start recording 1:1 call"
        assert tray.start_action.isEnabled()
        assert not tray.pause_action.isEnabled()
        assert not tray.stop_action.isEnabled()

        tray.start_action.trigger()
        await until(lambda: window.controls.recording_id is not None)
        rec_id = window.controls.recording_id
        assert rec_id is not None
        await reported(rec_id, "recording")
        await until(lambda: window.status.recordings.text() == "1 recording on the service")

        await until(window.controls.pause_button.isEnabled)
        _open_menu(window)
        assert tray.pause_action.text() == "Pause recording 1:1 call"
        tray.pause_action.trigger()
        await reported(rec_id, "paused")
        await until(lambda: window.status.recordings.text() == "1 paused on the service")

        await until(window.controls.resume_button.isEnabled)
        _open_menu(window)
        assert tray.pause_action.text() == "Resume recording 1:1 call"
        tray.pause_action.trigger()
        await reported(rec_id, "recording", elapsed=1.0)
        await until(window.controls.stop_button.isEnabled)
        _open_menu(window)
        assert tray.stop_action.text() == "Stop recording 1:1 call"
        tray.stop_action.trigger()

        finished = await _notice(window, "finished")
        assert finished.title == "Recording of 1:1 call finished"
        assert finished.message == "Its files are in RecDesk's list of recordings."
        assert finished.recording_id == rec_id
        await until(lambda: window.status.recordings.text() == "nothing recording")

        health = window.connection.health
        await until(lambda: health is not window.connection.health)  # one read after the end
        return await api.recording(rec_id)

    done = aloop.run_until_complete(scenario())
    # "Show RecDesk" brings a hidden window back; "Quit" closes it, as nothing records. (Outside
    # the loop: the test's loop would end with the last window, as the app's does not.)
    window.hide()
    tray.show_action.trigger()
    assert window.isVisible()
    tray.quit_action.trigger()
    assert closed
    assert not window.isVisible()
    assert (done.state, done.reason) == ("completed", "stopped")
    [file] = done.files
    with av.open(str(service.data_dir / file.path)) as container:
        assert [s.type for s in container.streams] == ["audio"]
        decoded = sum(frame.samples for frame in container.decode(audio=0))
    assert decoded / 48000 > 0.5


def test_the_status_bar_counts_a_recording_here_and_the_tray_tells_of_a_failed_one(
    window: MainWindow, aloop: qasync.QEventLoop
) -> None:
    local = window.local
    pattern = local.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)
    broken = local.picker.add_device("Missing camera", [LocalInput("cam", "lavfi:nosuchfilter")])
    status = window.status.recordings

    async def scenario() -> None:
        assert status.text() == "nothing recording"
        assert local.picker.select(pattern.key)
        local.start()
        await until(lambda: local.state == "recording")
        assert status.text() == "1 recording here"
        local.toggle_pause()
        await until(lambda: local.state == "paused")
        assert status.text() == "1 paused here"
        local.toggle_pause()
        await until(lambda: local.state == "recording")
        local.stop()  # the operator's own stop: the panel says it, the tray need not
        await until(lambda: local.state == "idle")
        assert status.text() == "nothing recording"
        assert local.picker.select(broken.key)
        local.start()
        await until(lambda: bool(window.tray.notices))

    aloop.run_until_complete(scenario())
    [failed] = window.tray.notices
    assert failed.kind == "failed"
    assert failed.title == "Recording of Missing camera on this computer failed"
    assert failed.message.startswith("Failed: ")
    assert failed.message.endswith("\nCheck the source, then start again.")


def test_the_tray_tells_of_a_recording_here_stopped_by_a_full_disk(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    history: HistoryStore,
) -> None:
    # The engine's free-space seam: this computer's disk "fills" when the test says.
    disk = SimpleNamespace(free=3_000_000_000)
    factory = functools.partial(
        LocalRecorder, disk_usage=lambda _path: disk, watch_every=0.2, stop_below=100_000_000
    )
    panel = make_panel(qtbot, connection, settings, history, recorder_factory=factory)
    controls = RecordControls(connection, Operations())
    qtbot.addWidget(controls)
    counter = RecordingCounter(RecordingsModel(), panel)
    tray = Tray(connection, counter, controls, panel)
    choice = panel.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)

    async def scenario() -> None:
        await record(qtbot, panel, choice.key, 0.5)
        assert counter.counts.summary() == "1 recording here"
        disk.free = 85_000_000
        await until(lambda: panel.state == "idle")

    aloop.run_until_complete(scenario())
    [full] = tray.notices
    assert full.kind == "disk-full"
    assert full.title == "Recording of Test pattern and tone stopped: this computer's disk is full"
    assert full.message == (
        "Every file recorded so far is kept. Free some space on this computer, then start again."
    )
    assert panel.outcome is not None
    assert panel.outcome.action == "saved"  # what was recorded is kept, as the notice says
    assert probe(panel.outcome.paths[0]).duration >= 0.3


@pytest.fixture
def small_service(tmp_path: Path, demo_media: Path) -> Iterator[ServiceProcess]:
    """A demo service whose data folder is a 40 MB tmpfs with a 4 MiB reserve, that fails a
    recording with no media after 3 s (time enough for a real room's first media)."""
    with small_disk(tmp_path / "data") as data:
        running = ServiceProcess(
            data, demo_media, "--disk-reserve", "4M", "--first-media-timeout", "3"
        ).start()
        try:
            running.wait_rooms("call")  # the empty room is never live
            yield running
        finally:
            running.stop()


def test_the_tray_tells_of_a_failed_recording_and_of_one_stopped_by_a_full_disk(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    small_service: ServiceProcess,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    links = connected(aloop, small_service.url)
    link = next(links)
    window = _window(qtbot, aloop, link, settings, tmp_path / "app")

    async def scenario() -> None:
        await _select_audio_mix(window, "empty")
        await until(window.controls.start_button.isEnabled)
        _open_menu(window)
        window.tray.start_action.trigger()
        failed = await _notice(window, "failed")
        assert failed.title == "Recording of Empty room failed"
        assert failed.message == (
            "no media within 3 s of start\nCheck the room and the service, then start again."
        )

        await _select_audio_mix(window, "call")
        await until(window.controls.start_button.isEnabled)
        _open_menu(window)
        window.tray.start_action.trigger()
        await until(lambda: window.controls.recording_id is not None)
        await until(lambda: window.status.recordings.text() == "1 recording on the service")
        await asyncio.to_thread(fill, small_service.data_dir / "filler", 3 * MIB)
        full = await _notice(window, "disk-full")
        assert full.title == "Recording of 1:1 call stopped: the service's disk is full"
        assert "Free some space on the service's disk, then start again." in full.message

    try:
        aloop.run_until_complete(scenario())
    finally:
        window.close_without_asking()
        with pytest.raises(StopIteration):
            next(links)
    assert [n.kind for n in window.tray.notices] == ["failed", "disk-full"]
