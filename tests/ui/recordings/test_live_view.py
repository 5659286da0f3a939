"""The record panel's live view, on real recordings of the demo service, as an operator sees it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QTabWidget
from pytestqt.qtbot import QtBot

from tests.helpers.service import ServiceProcess
from tests.ui.conftest import until
from tests.ui.recordings.test_controls import WatchedOperations, choose, click
from ui.common.palette import row_colour
from ui.connection.connection import Connection
from ui.recordings.controls import RecordControls
from ui.rooms.browser import RoomBrowser
from ui.rooms.model import status_colour


@pytest.fixture
def operations() -> WatchedOperations:
    """Operations, watched."""
    return WatchedOperations()


@pytest.fixture
def tabs(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    operations: WatchedOperations,
    tmp_path: Path,
) -> Iterator[QTabWidget]:
    """The record controls as the window has them: one tab of two, shown; fast refreshes."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    widget = QTabWidget()
    qtbot.addWidget(widget)
    controls = RecordControls(connection, operations, settings)
    controls.live.poller.picture_interval_ms = 150
    controls.live.poller.files_interval_ms = 200
    widget.addTab(controls, "On the service")
    widget.addTab(QLabel("elsewhere"), "On this computer")
    widget.resize(520, 900)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    running = controls.recording_id
    if running is not None:  # a failed test must not leave its room recording
        aloop.run_until_complete(connection.client.stop(running))


def requests_to(service: ServiceProcess, recording_id: str) -> int:
    """How many live reads (picture, files) of a recording the service has answered."""
    pattern = re.compile(rf"GET /v1/recordings/{recording_id}/(picture|live)")
    return len(pattern.findall(service.log.read_text(errors="replace")))


def test_a_mixed_recording_shows_its_picture_files_layout_and_pause(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    operations: WatchedOperations,
    tabs: QTabWidget,
    service: ServiceProcess,
    tmp_path: Path,
) -> None:
    controls = tabs.widget(0)
    assert isinstance(controls, RecordControls)
    live = controls.live
    browser = RoomBrowser(connection, operations)
    qtbot.addWidget(browser)

    async def scenario() -> str:
        controls.set_room(await connection.client.room("meeting"))
        await until(lambda: controls.state_label.text() == "Not recording")
        assert not live.isVisible()  # nothing runs: no live view, no reads
        choose(controls.mode, "mixed")
        choose(controls.layout_template, "grid")
        controls.split.setValue(2)  # parts close every 2 s: files are listed while it runs
        click(qtbot, controls.start_button)
        await until(lambda: controls.state_label.text() == "Recording")
        rec_id = controls.recording_id
        assert rec_id is not None
        assert live.isVisible()

        # The mix's picture arrives, then changes as the room moves.
        await until(lambda: live.mix_picture() is not None, timeout=20)
        first = live.mix_picture()
        await until(lambda: live.mix_picture() != first, timeout=20)
        assert not live.picture.pixmap().isNull()
        # Who is in it, by the glossary's names.
        room = await connection.client.room("meeting")
        names = [tile.name.text() for tile in live.tiles.tiles().values()]
        assert names == [f"{s.user_id} · {s.kind}" for s in room.streams]

        # Its files grow while being written, and finished parts are listed with their sizes.
        def writing() -> list[str]:
            return [detail for _, detail in live.files.rows() if detail.endswith("writing")]

        await until(lambda: writing() and not writing()[0].startswith("0 B"), timeout=20)
        grown = writing()
        await until(lambda: writing() and writing() != grown, timeout=20)
        await until(lambda: any(not d.endswith("writing") for _, d in live.files.rows()), 30)
        await until(lambda: "bit/s" in live.rate_label.text(), timeout=20)

        # A layout applied live is named at once, in the live view and the summary line.
        assert live.layout_label.text() == "Layout: Grid"
        await connection.client.set_layout(rec_id, "speaker")
        await until(lambda: live.layout_label.text() == "Layout: Active speaker", timeout=10)
        await until(lambda: "Active speaker" in controls.summary_label.text(), timeout=10)
        assert controls.live.layout_name() == "Active speaker"

        # Paused shows as paused: the panel, and the room's dot in the room list.
        await until(lambda: browser.model.row_of("meeting") is not None)
        row = browser.model.row_of("meeting")
        assert row is not None
        red = row_colour("recording").name()
        await until(lambda: status_colour(browser.model.room_at(row)) == red)
        click(qtbot, controls.pause_button)
        await until(lambda: controls.state_label.text() == "Paused")
        amber = row_colour("paused").name()
        await until(lambda: status_colour(browser.model.room_at(row)) == amber, timeout=10)
        summary = browser.model.data(browser.model.index(row, 0), browser.model.SummaryRole)
        assert summary.endswith("· paused")
        assert tabs.grab().save(str(tmp_path / "live-mixed.png"))

        # Hidden (the other tab shown), the panel asks the service for nothing.
        click(qtbot, controls.resume_button)
        await until(lambda: controls.state_label.text() == "Recording")
        tabs.setCurrentIndex(1)
        await until(lambda: not live.isVisible())
        await operations.settled()
        before = requests_to(service, rec_id)
        ticks: list[int] = []
        live.poller.ticked.connect(lambda: ticks.append(1))
        await until(lambda: len(ticks) >= 8, timeout=20)  # eight refresh periods
        assert requests_to(service, rec_id) == before
        tabs.setCurrentIndex(0)  # shown again: it reads at once
        await until(lambda: requests_to(service, rec_id) > before, timeout=10)

        click(qtbot, controls.stop_button)
        await until(lambda: controls.state_label.text() == "Completed", timeout=60)
        assert not live.isVisible()
        await operations.settled()
        return rec_id

    rec_id = aloop.run_until_complete(scenario())
    rec = aloop.run_until_complete(connection.client.recording(rec_id))
    assert len(rec.files) >= 2
    for file in rec.files:
        with av.open(str(service.data_dir / file.path)) as container:
            frames = sum(1 for _ in container.decode(video=0))
            assert frames > 0
    assert not operations.failures


def test_a_single_stream_recording_shows_each_streams_picture(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    operations: WatchedOperations,
    tabs: QTabWidget,
    tmp_path: Path,
) -> None:
    controls = tabs.widget(0)
    assert isinstance(controls, RecordControls)
    live = controls.live

    async def scenario() -> None:
        room = await connection.client.room("call")
        controls.set_room(room)
        await until(lambda: controls.state_label.text() == "Not recording")
        choose(controls.mode, "single")
        click(qtbot, controls.start_button)
        await until(lambda: controls.state_label.text() == "Recording")
        tiles = live.tiles.tiles()
        assert list(tiles) == [s.stream_id for s in room.streams]
        assert not live.picture.isVisible()  # no mix: each stream's own picture instead
        video = [sid for sid, tile in tiles.items() if tile.stream.kind != "audio"]
        await until(lambda: all(tiles[sid].picture is not None for sid in video), timeout=20)
        await until(lambda: sum(d.endswith("writing") for _, d in live.files.rows()) >= 1, 20)
        assert tabs.grab().save(str(tmp_path / "live-single.png"))
        click(qtbot, controls.stop_button)
        await until(lambda: controls.state_label.text() == "Completed", timeout=60)
        await operations.settled()

    aloop.run_until_complete(scenario())
    assert not operations.failures


def test_an_empty_room_says_so_at_once_and_shows_the_wait(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    operations: WatchedOperations,
    tabs: QTabWidget,
    service: ServiceProcess,
) -> None:
    controls = tabs.widget(0)
    assert isinstance(controls, RecordControls)
    notice = controls.notice_label

    async def scenario(demo: httpx.AsyncClient, users: list[str]) -> None:
        for user in users:
            (await demo.post(f"/v1/demo/rooms/podcast/users/{user}/leave")).raise_for_status()
        controls.set_room(await connection.client.room("podcast"))
        assert notice.isVisible()
        assert notice.text().startswith("No one is in this room right now.")
        assert controls.start_button.isEnabled()  # starting is still allowed
        click(qtbot, controls.start_button)
        await until(lambda: controls.state_label.text() == "Starting…")
        await until(lambda: "waiting for someone to publish" in notice.text())
        first = notice.text()
        await until(lambda: notice.text() != first, timeout=10)  # the seconds pass
        assert re.search(r"\(0:00:0[1-9]\)", notice.text())
        # Someone publishes: the recording starts and the notice goes.
        (await demo.post(f"/v1/demo/rooms/podcast/users/{users[0]}/join")).raise_for_status()
        await until(lambda: controls.state_label.text() == "Recording", timeout=30)
        assert not notice.isVisible()
        click(qtbot, controls.stop_button)
        await until(lambda: controls.state_label.text() == "Completed", timeout=60)
        await operations.settled()

    async def run() -> None:
        users = sorted({s.user_id for s in (await connection.client.room("podcast")).streams})
        assert users
        async with httpx.AsyncClient(base_url=service.url, timeout=30) as demo:
            try:
                await scenario(demo, users)
            finally:
                for user in users:  # the room as the other tests expect it
                    await demo.post(f"/v1/demo/rooms/podcast/users/{user}/join")

    aloop.run_until_complete(run())
    assert not operations.failures
