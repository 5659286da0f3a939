"""Desktop tests: a qasync loop on pytest-qt's QApplication, and a connection to the real service.

Widgets talk to the service through coroutines on the qasync loop; a test runs its scenario with
`aloop.run_until_complete(...)`, during which Qt events and asyncio callbacks both run, and waits
for what the operator would see with `until(...)`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from tests.helpers.service import ServiceProcess
from ui.connection import Connection


@pytest.fixture(scope="session")
def aloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """The qasync event loop of every desktop test.

    One for the session, as the app has one for its life: a new loop per test leaves the old
    loops' timers and notifiers behind, and after enough of them a later loop's timers stopped
    firing in the middle of a run.
    """
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    yield loop
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def connection(aloop: qasync.QEventLoop, service: ServiceProcess) -> Iterator[Connection]:
    """A started connection to the session's service, connected."""
    link = Connection(service.url, poll=0.5)

    async def connect() -> None:
        link.start()
        await until(lambda: link.state == "connected")

    aloop.run_until_complete(connect())
    yield link
    aloop.run_until_complete(link.close())


async def until(check: Callable[[], object], timeout: float = 60.0) -> None:
    """Wait (letting Qt and asyncio run) until `check()` is true."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)
