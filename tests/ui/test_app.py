"""The whole app against its real embedded service: what an operator does in a day, in minutes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import av
import pytest
import qasync
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.api.models import Recording
from tests.ui.conftest import until
from ui.app import DesktopApp


@pytest.fixture
def desktop(aloop: qasync.QEventLoop, tmp_path: Path, demo_media: Path) -> Iterator[DesktopApp]:
    """The app, not started: a scenario starts it inside the loop it runs on."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    app = DesktopApp(
        settings,
        data_dir=tmp_path / "app",
        service_args=("--demo-media-dir", str(demo_media), "--no-churn"),
    )
    yield app
    if app.window is not None:
        app.window.close()
    aloop.run_until_complete(app.shutdown())
    assert app.embedded is not None
    assert not app.embedded.running


def test_record_a_room_from_the_window(desktop: DesktopApp, aloop: qasync.QEventLoop, qtbot: QtBot):
    app = desktop

    async def scenario() -> None:
        window = await app.start()
        await until(lambda: window.browser.model.rowCount() == 6)
        # The search filter narrows the list as the operator types.
        qtbot.keyClicks(window.browser.search, "meet")
        await until(lambda: window.browser.proxy.rowCount() == 1)
        window.browser.search.clear()
        await until(lambda: window.browser.proxy.rowCount() == 6)
        assert window.browser.select("meeting")
        await until(lambda: window.controls.room is not None)
        controls = window.controls
        controls.form.mode.setCurrentIndex(controls.form.mode.findData("mixed"))
        await until(controls.start_button.isEnabled)
        qtbot.mouseClick(controls.start_button, Qt.MouseButton.LeftButton)
        await until(
            lambda: controls.recording is not None and controls.recording.state == "recording"
        )
        await until(controls.pause_button.isEnabled)
        qtbot.mouseClick(controls.pause_button, Qt.MouseButton.LeftButton)
        await until(lambda: controls.recording is not None and controls.recording.state == "paused")
        await until(controls.resume_button.isEnabled)
        qtbot.mouseClick(controls.resume_button, Qt.MouseButton.LeftButton)
        await until(
            lambda: controls.recording is not None and controls.recording.state == "recording"
        )
        await asyncio.sleep(1.5)  # media time to record: the file must last what was recorded
        rec_id = controls.recording_id
        await until(controls.stop_button.isEnabled)
        qtbot.mouseClick(controls.stop_button, Qt.MouseButton.LeftButton)

        def in_tasks() -> Recording | None:
            row = window.recordings.model.row_of(rec_id) if rec_id else None
            return None if row is None else window.recordings.model.recording_at(row)

        def completed_with_file() -> bool:
            rec = in_tasks()
            return rec is not None and rec.state == "completed" and len(rec.files) == 1

        await until(completed_with_file)
        rec = in_tasks()
        assert rec is not None
        data_dir = app.data_dir / "service"
        with av.open(str(data_dir / rec.files[0].path)) as container:
            assert {s.type for s in container.streams} == {"video", "audio"}
            assert container.duration is not None
            assert container.duration > 1.0e6

    aloop.run_until_complete(scenario())


def test_service_killed_is_restarted_and_nothing_typed_is_lost(
    desktop: DesktopApp, aloop: qasync.QEventLoop, qtbot: QtBot
):
    app = desktop

    async def scenario() -> None:
        window = await app.start()
        await until(lambda: window.browser.model.rowCount() == 6)
        window.browser.select("call")
        qtbot.keyClicks(window.controls.form.user_data, "kept while the service is away")
        assert app.embedded is not None
        app.embedded.kill()
        await until(lambda: window.connection.state == "lost")
        assert not window.banner.isHidden()
        await until(lambda: window.connection.state == "connected", timeout=60)
        assert app.embedded.running
        assert window.controls.form.user_data.text() == "kept while the service is away"
        await until(lambda: window.browser.model.rowCount() == 6)

    aloop.run_until_complete(scenario())
