"""Desktop tests: a qasync loop on pytest-qt's QApplication, and a connection to the real service.

Widgets talk to the service through coroutines on the qasync loop; a test runs its scenario with
`aloop.run_until_complete(...)`, during which Qt events and asyncio callbacks both run, and waits
for what the operator would see with `until(...)`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QSettings, QTimerEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.helpers.service import ServiceProcess
from tests.helpers.translations import build_translations
from ui.common.language import install_language
from ui.connection.connection import Connection
from ui.local.history import HistoryStore
from ui.local.panel import LocalRecorderPanel


class _InLoopTimer(qasync._SimpleTimer):  # type: ignore[misc]
    """qasync's timer, which runs every asyncio callback, running each as inside its loop.

    The app runs its loop for its whole life. A test runs it only inside `run_until_complete`, and
    Qt also delivers events outside it: pytest-qt processes them after each test phase, and
    `qtbot.wait*` spins them. A callback run then (a connection's poll, a socket's wake-up) found
    no running loop, so asyncio and anyio failed half-way through an HTTP request ("service
    lost"), which could leave a connection pool waiting for ever. Here it runs as the app's would.
    """

    loop: asyncio.AbstractEventLoop | None = None

    def timerEvent(self, event: QTimerEvent) -> None:
        if self.loop is None or asyncio._get_running_loop() is not None:
            super().timerEvent(event)
            return
        asyncio._set_running_loop(self.loop)
        try:
            super().timerEvent(event)
        finally:
            asyncio._set_running_loop(None)


@pytest.fixture(scope="session")
def aloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """The qasync event loop of every desktop test.

    One for the session, as the app has one for its life: a new loop per test leaves the old
    loops' timers and notifiers behind, and after enough of them a later loop's timers stopped
    firing in the middle of a run. Its callbacks run as inside it even when Qt delivers them
    outside `run_until_complete` (`_InLoopTimer`).
    """
    simple_timer = qasync._SimpleTimer
    qasync._SimpleTimer = _InLoopTimer
    try:
        loop = qasync.QEventLoop(qapp, already_running=False)
    finally:
        qasync._SimpleTimer = simple_timer
    loop._timer.loop = loop
    asyncio.set_event_loop(loop)
    yield loop
    # Windows a test left shown still have timers (a room view's thumbnails): hidden first, they
    # stop them, so none fires into a loop that is gone while Qt's last events are delivered.
    # (Hidden, not closed: closing may ask about a recording, and nobody is there to answer.)
    for widget in qapp.topLevelWidgets():
        widget.hide()
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture(scope="session", autouse=True)
def english(qapp: QApplication) -> None:
    """The app's English translator, as the app loads it in English (its plural forms: "1 file",
    "2 files"); a test in another language installs that one and puts English back."""
    build_translations()
    install_language("en")


@pytest.fixture(autouse=True)
def current_loop(aloop: qasync.QEventLoop) -> None:
    """Make the session's loop the current one again: a test outside tests/ui run in between
    (with `asyncio.run`) leaves none, and the HTTP client then finds no loop to run on."""
    asyncio.set_event_loop(aloop)


@pytest.fixture
def connection(aloop: qasync.QEventLoop, service: ServiceProcess) -> Iterator[Connection]:
    """A started connection to the session's service, connected."""
    yield from connected(aloop, service.url)


def connected(aloop: qasync.QEventLoop, url: str) -> Iterator[Connection]:
    """A connection to the service at `url`, once connected; closed when the caller is done."""
    link = Connection(url, poll=0.5)

    async def connect() -> None:
        link.start()
        await until(lambda: link.state == "connected")

    aloop.run_until_complete(connect())
    yield link
    aloop.run_until_complete(link.close())


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings of this test's own: local recordings go under tmp_path, saved without a dialog."""
    from tests.helpers.local_panel import local_settings  # it waits with this module's `until`

    return local_settings(tmp_path)


@pytest.fixture
def history(tmp_path: Path) -> HistoryStore:
    """The list of saved local recordings, in a file of this test's own."""
    return HistoryStore(tmp_path / "local-recordings.json")


@pytest.fixture
def local_panel(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    history: HistoryStore,
) -> Iterator[LocalRecorderPanel]:
    """The local recorder panel, on the demo service's connection."""
    from tests.helpers.local_panel import make_panel

    widget = make_panel(qtbot, connection, settings, history)
    yield widget
    leftover = widget.recorder
    if leftover is not None:  # a failed test must not leave a recording running
        leftover.stop()
        leftover.wait(30)


async def until(check: Callable[[], object], timeout: float = 60.0) -> None:
    """Wait (letting Qt and asyncio run) until `check()` is true."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)
