"""The desktop app's life: which service to use, the main window for it, and a clean exit.

By default the app starts its embedded service (`ui.connection.embedded`) with demo rooms and
connects to it; `--url` or a profile from the connection dialog connects to a remote service
instead. If the embedded service dies, it is started again on the same port and the connection picks
it up; the window and everything typed in it stay. The app ends when its window closes: while
anything records, the window asks first (`ui.closing`), and "keep recording" hides it while the
app, and the embedded service with it, runs on. On exit the embedded service finishes the parts
it writes and stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QGuiApplication

from ui.connection.connection import Connection
from ui.connection.dialog import EMBEDDED, ConnectDialog
from ui.connection.embedded import EmbeddedService
from ui.connection.profiles import Profiles, SecretStore
from ui.window import MainWindow

log = logging.getLogger(__name__)


class DesktopApp(QObject):
    """Owns the connection, the embedded service (if any) and the main window."""

    def __init__(
        self,
        settings: QSettings,
        *,
        data_dir: Path,
        url: str | None = None,
        service_args: tuple[str, ...] = (),
        embedded: EmbeddedService | None = None,
    ) -> None:
        super().__init__()
        qapp = QGuiApplication.instance()
        if isinstance(qapp, QGuiApplication):
            # The app ends when its window closes *and* the service has stopped: `run` decides.
            qapp.setQuitOnLastWindowClosed(False)
        self.settings = settings
        self.data_dir = data_dir
        self.url = url
        self.profiles = Profiles(settings)
        self.secrets = SecretStore()
        # Launched by `ui.main` before the app's imports, where it is the choice.
        self.embedded = embedded
        self.connection: Connection | None = None
        self.window: MainWindow | None = None
        self._service_args = service_args
        self._closed = asyncio.Event()
        self._busy: set[asyncio.Task[None]] = set()

    async def start(self) -> MainWindow:
        """Connect (starting the embedded service if that is the choice) and show the window."""
        if self.url is not None:
            connection = Connection(self.url)
        else:
            connection = await self._embedded_connection()
        return self._show(connection)

    async def run(self) -> None:
        """Start, wait for the window to close, shut down."""
        await self.start()
        await self._closed.wait()
        await self.shutdown()

    async def shutdown(self) -> None:
        """Close the connection and stop the embedded service.

        Quitting never waits on the network for long: a request or stream that does not end
        within `SHUTDOWN_WAIT` seconds is left behind, and the embedded service is stopped anyway.
        """
        if self.window is not None:
            await _bounded(self.window.operations.cancel_all(), "the window's requests")
        if self.connection is not None:
            await _bounded(self.connection.close(), "the connection")
        if self.embedded is not None:
            await self.embedded.stop()

    async def _embedded_connection(self) -> Connection:
        if self.embedded is None:
            self.embedded = EmbeddedService(self.data_dir / "service", extra=self._service_args)
        url = await self.embedded.start()
        return Connection(url, embedded=True)

    def _show(self, connection: Connection) -> MainWindow:
        self.connection = connection
        window = MainWindow(connection, self.settings, self.data_dir)
        window.connect_requested.connect(self._choose)
        window.closed.connect(self._closed.set)
        connection.state_changed.connect(self._state)
        self.window = window
        window.show()
        window.offer_local_recovery()
        connection.start()
        return window

    def _state(self, state: str) -> None:
        embedded = self.embedded
        if state == "lost" and embedded is not None and not embedded.running and not self._busy:
            self._keep(self._restart(embedded))

    async def _restart(self, embedded: EmbeddedService) -> None:
        try:
            log.warning("the embedded service stopped; starting it again")
            await embedded.start()
        except Exception as exc:
            log.error("the embedded service did not start again: %s", exc)

    def _choose(self) -> ConnectDialog:
        # Window-modal but not `exec()`: the dialog checks the service on the app's own loop,
        # which a nested event loop would run only by accident.
        dialog = ConnectDialog(self.profiles, self.secrets, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._keep(self._switch(dialog.chosen())))
        dialog.open()
        return dialog

    def _keep(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._busy.add(task)
        task.add_done_callback(self._busy.discard)

    async def _switch(self, name: str) -> None:
        old_window, old_connection = self.window, self.connection
        if name == EMBEDDED:
            if self.embedded is not None and self.embedded.running:
                connection = Connection(self.embedded.url, embedded=True)
            else:
                connection = await self._embedded_connection()
        else:
            profile = next(p for p in self.profiles.all() if p.name == name)
            connection = Connection(
                profile.url, app_id=profile.app_id or None, secret=self.secrets.get(name) or None
            )
            if self.embedded is not None:
                await self.embedded.stop()
                self.embedded = None
        if old_connection is not None:
            # First, so that no event or resync of the old service starts anything more.
            with contextlib.suppress(Exception):
                await old_connection.close()
        if old_window is not None:
            # Its requests end here, not later against a closed client and a deleted window.
            await _bounded(old_window.operations.cancel_all(), "the old window's requests")
            old_window.closed.disconnect(self._closed.set)
            old_window.close_without_asking()  # the operator chose another service
            old_window.deleteLater()
        self._show(connection)


SHUTDOWN_WAIT = 10.0


async def _bounded(work: Coroutine[Any, Any, None], what: str) -> None:
    try:
        await asyncio.wait_for(work, SHUTDOWN_WAIT)
    except TimeoutError:
        log.warning("%s did not end within %g s; quitting anyway", what, SHUTDOWN_WAIT)
