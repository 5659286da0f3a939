"""Closing the window while something records asks first: stop and quit, keep recording, or stay.

The built-in service's recordings stop with the app, so the question offers to stop them, to
keep recording with the window out of the way, or to cancel; a remote service's go on without
the app, so the question says so and offers only to quit or stay. A recording the app left
active goes on at its next start, and the task list says how long it missed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import pytest
import qasync
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app.api.models import Recording
from app.client.client import RecDeskClient
from tests.ui.conftest import until
from ui.app import DesktopApp
from ui.closing import CloseChoice, CloseQuestion
from ui.connection.connection import Connection
from ui.window import MainWindow


def _app(tmp_path: Path, demo_media: Path) -> DesktopApp:
    """The app with its built-in service, not started: a scenario starts it in its loop."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return DesktopApp(
        settings,
        data_dir=tmp_path / "app",
        service_args=("--demo-media-dir", str(demo_media), "--no-churn"),
    )


def _quit(aloop: qasync.QEventLoop, app: DesktopApp) -> None:
    """Quit as an app that did not ask would (as it did before it asked)."""
    if app.window is not None:
        app.window.close_without_asking()
    aloop.run_until_complete(app.shutdown())


@pytest.fixture
def desktop(aloop: qasync.QEventLoop, tmp_path: Path, demo_media: Path) -> Iterator[DesktopApp]:
    """The app with its built-in service, not started."""
    app = _app(tmp_path, demo_media)
    yield app
    _quit(aloop, app)


async def _recording(window: MainWindow, state: str = "recording") -> Recording:
    """Start a mixed recording of `call` and wait until the task list shows it recording."""
    rec = await window.connection.client.start_recording(
        room_id="call", mode="mixed", stream_type="audio"
    )
    model = window.recordings.model

    def listed() -> bool:
        row = model.row_of(rec.id)
        return row is not None and model.recording_at(row).state == state

    await until(listed)
    return rec


async def _asked(window: MainWindow) -> CloseQuestion:
    """Close the window, as the operator does; the question it shows instead."""
    assert not window.close(), "the window closed while recording"
    await until(lambda: window.close_guard.question is not None)
    question = window.close_guard.question
    assert question is not None
    await until(question.isVisible)
    assert window.isVisible()
    return question


def _choices(question: CloseQuestion) -> set[str]:
    return {b.objectName() for b in question.findChildren(QPushButton) if b.objectName()}


def _answer(question: CloseQuestion, choice: CloseChoice) -> None:
    button = question.findChild(QPushButton, choice.value)
    assert button is not None, f"no {choice} in the question"
    button.click()


def test_closing_while_the_built_in_service_records_asks_and_each_answer_holds(
    desktop: DesktopApp, aloop: qasync.QEventLoop, qtbot: QtBot, tmp_path: Path
):
    app = desktop
    closed: list[bool] = []

    async def scenario() -> Recording:
        window = await app.start()
        window.closed.connect(lambda: closed.append(True))
        await until(lambda: window.connection.state == "connected")
        rec = await _recording(window)

        # Cancel: the window stays as it was.
        question = await _asked(window)
        assert _choices(question) == {
            CloseChoice.STOP_AND_QUIT.value,
            CloseChoice.KEEP.value,
            CloseChoice.CANCEL.value,
        }
        assert "Recordings are still running." in question.text()
        assert "Recordings running on the built-in service: 1." in question.text()
        assert question.grab().save(str(tmp_path / "close-dialog.png"))
        _answer(question, CloseChoice.CANCEL)
        await until(lambda: window.close_guard.question is None)
        assert window.isVisible()
        assert not window.isMinimized()

        # Keep recording: out of the way (the tray, else the taskbar), still recording.
        _answer(await _asked(window), CloseChoice.KEEP)
        await until(lambda: window.isHidden() or window.isMinimized())
        assert window.close_guard.recording_now().service == 1
        assert (await window.connection.client.recording(rec.id)).state == "recording"
        assert not closed

        # Stop recording and quit: the recording ends with its file, then the window closes.
        window.show_again()
        _answer(await _asked(window), CloseChoice.STOP_AND_QUIT)
        await until(lambda: bool(closed), timeout=90)
        assert app.embedded is not None
        assert app.embedded.running
        async with RecDeskClient(app.embedded.url) as api:
            return await api.recording(rec.id)

    done = aloop.run_until_complete(scenario())
    assert done.state == "completed"
    assert done.reason == "stopped"
    [file] = done.files
    assert app.embedded is not None
    with av.open(str(app.embedded.data_dir / file.path)) as container:
        assert [s.type for s in container.streams] == ["audio"]
        decoded = sum(1 for _ in container.decode(audio=0))
    assert decoded > 0


def test_closing_while_a_remote_service_records_says_it_records_on(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    tmp_path: Path,
):
    window = MainWindow(connection, settings, data_dir=tmp_path / "app")
    qtbot.addWidget(window)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    window.show()
    started: list[Recording] = []

    async def scenario() -> Recording:
        started.append(await _recording(window))
        question = await _asked(window)
        assert _choices(question) == {CloseChoice.QUIT.value, CloseChoice.CANCEL.value}
        assert "they go on recording on the service" in question.text()
        _answer(question, CloseChoice.QUIT)
        await until(lambda: bool(closed))
        return await connection.client.recording(started[0].id)

    try:
        still = aloop.run_until_complete(scenario())
        assert still.state == "recording"
        assert not window.isVisible()
    finally:
        for rec in started:  # the session's service records for other tests too
            aloop.run_until_complete(connection.client.stop(rec.id))


def test_a_recording_left_active_goes_on_at_the_next_start_and_the_list_says_what_it_missed(
    aloop: qasync.QEventLoop, tmp_path: Path, demo_media: Path
):
    first = _app(tmp_path, demo_media)
    try:

        async def record() -> Recording:
            window = await first.start()
            await until(lambda: window.connection.state == "connected")
            return await _recording(window)

        rec = aloop.run_until_complete(record())
    finally:
        _quit(aloop, first)
    again = _app(tmp_path, demo_media)
    try:

        async def go_on() -> tuple[str, str, Recording]:
            window = await again.start()
            model = window.recordings.model

            def gap_shown() -> bool:
                row = model.row_of(rec.id)
                return row is not None and bool(model.recording_at(row).gaps)

            await until(gap_shown, timeout=90)
            row = model.row_of(rec.id)
            assert row is not None
            cell = model.index(row, model.REASON)
            text = model.data(cell)
            tip = model.data(cell, Qt.ItemDataRole.ToolTipRole)
            return text, tip, await window.connection.client.stop(rec.id)

        text, tip, done = aloop.run_until_complete(go_on())
    finally:
        _quit(aloop, again)
    [gap] = done.gaps
    assert gap.reason == "service-restarted"
    assert text.endswith("s missing (service restarted)")
    assert tip.startswith(text.split(" · ")[-1] + ": from ")
    assert [f.part for f in done.files] == [1, 2]
