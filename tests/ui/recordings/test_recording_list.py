"""The task list against the real service: a recording appears, ticks, completes with its files,
is filtered, and its file is copied, opened and downloaded as the operator would."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.api.models import RecordedFile, Recording, StreamInfo
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import until
from ui.common.formats import format_duration, format_elapsed, format_size, format_streams
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.recordings.models import RecordingsModel
from ui.recordings.recording_list import RecordingList


class Watched(Operations):
    """Operations whose failures fail the test, and that say when none runs."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[str] = []
        self.running = 0
        self.failed.connect(lambda what, todo: self.failures.append(f"{what} {todo}"))
        self.busy.connect(lambda count: setattr(self, "running", count))

    async def settled(self) -> None:
        """Wait until the events in flight have arrived and their fetches are done."""
        await asyncio.sleep(0.3)
        await until(lambda: self.running == 0)


@pytest.fixture
def operations() -> Iterator[Watched]:
    """Operations that no failure is expected of."""
    ops = Watched()
    yield ops
    assert not ops.failures


@pytest.fixture
def tasks(
    qtbot: QtBot, connection: Connection, operations: Watched, aloop: qasync.QEventLoop
) -> RecordingList:
    """A shown task list that has read the service's recordings."""
    widget = RecordingList(connection, operations)
    qtbot.addWidget(widget)
    widget.resize(1100, 680)
    widget.show()
    loaded: list[bool] = []
    widget.recordings_loaded.connect(lambda: loaded.append(True))
    aloop.run_until_complete(until(lambda: loaded))
    return widget


def row_of(tasks: RecordingList, recording_id: str) -> Recording | None:
    """The recording as its row shows it now."""
    row = tasks.model.row_of(recording_id)
    return None if row is None else tasks.model.recording_at(row)


def cell(tasks: RecordingList, recording_id: str, column: int) -> str:
    """A cell's text, as the view shows it through the filter."""
    row = tasks.model.row_of(recording_id)
    assert row is not None
    return str(tasks.model.index(row, column).data())


async def record(
    tasks: RecordingList, connection: Connection, ops: Watched, folder: str, seconds: float
) -> str:
    """Record the podcast for `seconds` and stop; the row follows by events alone."""
    client = connection.client
    started = await client.start_recording(
        room_id="podcast", stream_type="audio", format="m4a", folder=folder
    )
    await until(lambda: (rec := row_of(tasks, started.id)) is not None and rec.state == "recording")
    await asyncio.sleep(seconds)
    await client.stop(started.id)
    await until(
        lambda: (
            (rec := row_of(tasks, started.id)) is not None
            and rec.state == "completed"
            and len(rec.files) >= 1
        )
    )
    await ops.settled()
    return started.id


def test_a_recording_appears_ticks_and_completes_with_its_file(
    tasks: RecordingList,
    connection: Connection,
    operations: Watched,
    aloop: qasync.QEventLoop,
    tmp_path: Path,
) -> None:
    async def scenario() -> str:
        client = connection.client
        started = await client.start_recording(
            room_id="podcast", stream_type="audio", format="m4a", folder=f"ui/{tmp_path.name}"
        )
        await until(lambda: row_of(tasks, started.id) is not None)
        assert tasks.select_recording(started.id)
        await until(lambda: cell(tasks, started.id, RecordingsModel.STATE) == "recording")
        # Between events the elapsed time counts on by itself.
        first = cell(tasks, started.id, RecordingsModel.ELAPSED)
        await until(lambda: cell(tasks, started.id, RecordingsModel.ELAPSED) != first, 5)
        assert cell(tasks, started.id, RecordingsModel.ELAPSED).startswith("0:00:0")
        assert tasks.grab().save(str(tmp_path / "recording.png"))
        await asyncio.sleep(1.5)
        await client.stop(started.id)
        await until(lambda: cell(tasks, started.id, RecordingsModel.STATE) == "completed")
        await until(lambda: tasks.files_model.rowCount() >= 1)
        await operations.settled()
        return started.id

    recording_id = aloop.run_until_complete(scenario())

    selected = tasks.selected_recording()
    assert selected is not None
    assert selected.id == recording_id
    assert selected.state == "completed"
    assert cell(tasks, recording_id, RecordingsModel.ROOM) == "podcast"
    assert cell(tasks, recording_id, RecordingsModel.FILES) == str(len(selected.files))
    # A single-stream recording of the podcast: a file per participant.
    assert tasks.files_model.rowCount() == len(selected.files) >= 2
    assert all(f.size > 0 and f.duration > 0 for f in selected.files)
    tasks.files_view.clearSelection()
    assert tasks.selected_file() is None
    assert not tasks.files.download_action.isEnabled()
    tasks.files_view.selectRow(1)
    file = tasks.selected_file()
    assert file is not None
    assert file.recording_id == recording_id
    assert file.name.endswith(".m4a")
    assert tasks.files_model.index(0, 1).data().endswith(("B", "kB", "MB"))
    assert tasks.files_model.index(0, 3).data().startswith("aac")
    assert tasks.files.download_action.isEnabled()
    assert tasks.files.copy_path_action.isEnabled()
    # The service is not the app's own: its files are not on this machine.
    assert not tasks.files.open_folder_action.isVisible()
    assert not tasks.files.open_folder_button.isVisible()

    shot = tmp_path / "recording_list.png"
    assert tasks.grab().save(str(shot))
    assert shot.stat().st_size > 0


def test_the_filters_keep_one_room_and_one_state(
    tasks: RecordingList,
    connection: Connection,
    operations: Watched,
    aloop: qasync.QEventLoop,
    tmp_path: Path,
) -> None:
    recording_id = aloop.run_until_complete(
        record(tasks, connection, operations, f"ui/{tmp_path.name}", 0.5)
    )

    def shown() -> bool:
        return tasks.select_recording(recording_id)

    rooms = [tasks.room_filter.itemText(i) for i in range(tasks.room_filter.count())]
    assert rooms[0] == "All rooms"
    assert "podcast" in rooms
    assert shown()

    tasks.room_filter.setCurrentIndex(tasks.room_filter.findData("podcast"))
    assert shown()
    assert all(
        tasks.proxy.index(row, 0).data() == "podcast" for row in range(tasks.proxy.rowCount())
    )
    tasks.state_filter.setCurrentIndex(tasks.state_filter.findData("recording"))
    assert not shown()
    assert tasks.selected_recording() is None
    assert tasks.files_model.rowCount() == 0  # a hidden recording's files are not shown
    tasks.state_filter.setCurrentIndex(tasks.state_filter.findData("completed"))
    assert shown()
    assert "of" in tasks.count_label.text() or tasks.proxy.rowCount() == tasks.model.rowCount()

    tasks.room_filter.addItem("nowhere", "nowhere")  # a room with no recording
    tasks.room_filter.setCurrentIndex(tasks.room_filter.findData("nowhere"))
    assert tasks.proxy.rowCount() == 0
    assert not shown()

    tasks.room_filter.setCurrentIndex(0)
    tasks.state_filter.setCurrentIndex(0)
    assert tasks.proxy.rowCount() == tasks.model.rowCount()
    assert shown()


def first_file(tasks: RecordingList, recording_id: str) -> RecordedFile:
    """Select the recording and its first file."""
    assert tasks.select_recording(recording_id)
    tasks.files_view.selectRow(0)
    file = tasks.selected_file()
    assert file is not None
    return file


def test_copy_path_and_url(
    qtbot: QtBot,
    tasks: RecordingList,
    connection: Connection,
    operations: Watched,
    aloop: qasync.QEventLoop,
    tmp_path: Path,
) -> None:
    recording_id = aloop.run_until_complete(
        record(tasks, connection, operations, f"ui/{tmp_path.name}", 0.5)
    )
    file = first_file(tasks, recording_id)
    clipboard = QApplication.clipboard()

    url = f"{connection.url}/v1/files/{file.file_id}?download=1"

    tasks.files.copy_path_action.trigger()  # the button, or the context menu's entry
    assert clipboard.text() == file.path  # a remote service: its relative path
    tasks.files.copy_url_action.trigger()
    assert clipboard.text() == url
    assert str(url) in tasks.files.status.text()
    menu = [action.text() for action in tasks.files_view.actions()]
    assert menu == ["Open folder", "Copy path", "Copy URL", "Download…"]

    # The keyboard, while the files table has focus.
    clipboard.clear()
    tasks.activateWindow()
    tasks.files_view.setFocus()
    qtbot.keyClick(tasks.files_view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == file.path
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(tasks.files_view, Qt.Key.Key_C, modifiers)
    assert clipboard.text() == url


class Opened(QObject):
    """Stands in for the file manager: keeps the URLs it is asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        """Keep the URL."""
        self.urls.append(url)


def test_the_local_path_and_folder_when_the_app_runs_the_service(
    tasks: RecordingList,
    connection: Connection,
    operations: Watched,
    service: ServiceProcess,
    aloop: qasync.QEventLoop,
    tmp_path: Path,
) -> None:
    recording_id = aloop.run_until_complete(
        record(tasks, connection, operations, f"ui/{tmp_path.name}", 0.5)
    )
    connection.embedded = True  # the session's service is on this machine, as an embedded one is
    file = first_file(tasks, recording_id)
    assert tasks.files.open_folder_action.isVisible()
    assert tasks.files.open_folder_action.isEnabled()

    tasks.files.copy_path_action.trigger()
    local = Path(QApplication.clipboard().text())
    assert local == service.data_dir / file.path
    assert local.is_file()

    opened = Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        tasks.files.open_folder_action.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [url.toLocalFile() for url in opened.urls] == [str(local.parent)]


def test_download_to_writes_the_same_bytes_with_progress(
    tasks: RecordingList,
    connection: Connection,
    operations: Watched,
    service: ServiceProcess,
    aloop: qasync.QEventLoop,
    tmp_path: Path,
) -> None:
    recording_id = aloop.run_until_complete(
        record(tasks, connection, operations, f"ui/{tmp_path.name}", 1.0)
    )
    file = first_file(tasks, recording_id)
    finished: list[str] = []
    tasks.download_finished.connect(finished.append)
    dest = tmp_path / "copy.m4a"

    async def download() -> Path:
        task = tasks.download_to(file.file_id, dest)
        assert tasks.files.download_bar.isVisible()
        assert not tasks.files.download_action.isEnabled()  # one download at a time
        assert tasks.grab().save(str(tmp_path / "downloading.png"))
        return await task

    assert aloop.run_until_complete(download()) == dest
    assert dest.read_bytes() == (service.data_dir / file.path).read_bytes()
    assert tasks.download_progress == (file.size, file.size)
    assert finished == [str(dest)]
    assert not tasks.files.download_bar.isVisible()
    assert tasks.files.download_action.isEnabled()
    assert str(dest) in tasks.files.status.text()


def test_a_cancelled_download_leaves_no_file(
    tasks: RecordingList,
    connection: Connection,
    operations: Watched,
    aloop: qasync.QEventLoop,
    tmp_path: Path,
) -> None:
    recording_id = aloop.run_until_complete(
        record(tasks, connection, operations, f"ui/{tmp_path.name}", 0.5)
    )
    file = first_file(tasks, recording_id)
    dest = tmp_path / "never.m4a"

    async def cancel() -> asyncio.Task[Path]:
        task = tasks.download_to(file.file_id, dest)
        tasks.files.download_bar.cancel_button.click()
        await until(task.done)
        return task

    task = aloop.run_until_complete(cancel())
    assert task.cancelled()
    assert not dest.exists()
    assert not tasks.files.download_bar.isVisible()
    assert tasks.files.download_action.isEnabled()
    assert "cancelled" in tasks.files.status.text()


def test_sizes_durations_and_streams_read_as_people_write_them(qapp: QApplication) -> None:
    assert format_size(812) == "812 B"
    assert format_size(12_345_678) == "12.3 MB"
    assert format_size(2_500_000_000) == "2.5 GB"
    assert format_duration(187.4) == "0:03:07"
    assert format_elapsed(3725.9) == "1:02:05"
    video = StreamInfo(type="video", codec="h264", width=1280, height=720)
    audio = StreamInfo(type="audio", codec="aac", sample_rate=48000, channels=2)
    assert format_streams([video, audio]) == "h264 1280x720 · aac"


def test_an_update_replaces_its_row_only_and_a_new_recording_goes_on_top(
    qapp: QApplication,
) -> None:
    now = datetime.now(UTC)
    older = Recording(
        id="r1",
        room_id="call",
        mode="single",
        stream_type="av",
        format="mp4",
        state="completed",
        created=now,
        started=now,
        elapsed=5.0,
    )
    model = RecordingsModel()
    model.reset([older])
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last: changed.append((first.row(), last.row())))

    newer = older.model_copy(update={"id": "r2", "room_id": "class", "state": "recording"})
    model.update_recording(newer)
    assert [rec.id for rec in model.recordings()] == ["r2", "r1"]
    model.update_recording(newer.model_copy(update={"state": "paused", "elapsed": 61.0}))
    assert changed == [(0, 0)]
    assert model.index(0, RecordingsModel.STATE).data() == "paused"
    assert model.index(0, RecordingsModel.ELAPSED).data() == "0:01:01"
    assert model.index(1, RecordingsModel.STATE).data() == "completed"
