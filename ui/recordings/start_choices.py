"""What the service's config offers a start: its presets and storage profiles, kept up to date.

`StartChoices` reads `GET /v1/presets` and `GET /v1/storage` each time the connection is (re)made
and says `changed`; the record form offers them. A service older than these endpoints answers 404:
it has none to offer. Any other failure keeps the last lists and says why in `problem`, which the
form shows on the preset choice (the connection's own banner already tells a lost service).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from PySide6.QtCore import QObject, Signal

from app.api.models import StorageInfo
from app.api.presets import Preset
from app.client.client import RecDeskClient
from app.client.errors import NotFound
from ui.common.errors import describe
from ui.connection.connection import Connection

log = logging.getLogger(__name__)


class StartChoices(QObject):
    """The presets and storage profiles of the connected service, read on each (re)connection."""

    changed = Signal()

    def __init__(self, connection: Connection, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._connection = connection
        self.presets: list[Preset] = []
        self.profiles: list[StorageInfo] = []
        self.problem: str | None = None  # why the last read failed; None when it worked
        self._reading: asyncio.Task[None] | None = None
        connection.synced.connect(self.refresh)
        connection.state_changed.connect(self._state)
        if connection.state == "connected":  # synced before this existed
            self.refresh()

    def preset(self, name: str) -> Preset | None:
        """The preset of this name, if the service has one."""
        return next((p for p in self.presets if p.name == name), None)

    def refresh(self) -> None:
        """Read both lists again (once at a time), then say `changed`."""
        if self._reading is None or self._reading.done():
            self._reading = asyncio.ensure_future(self._read(self._connection.client))

    def _state(self, state: str) -> None:
        # A closed connection's client answers nothing more: the read goes with it.
        if state == "closed" and self._reading is not None:
            self._reading.cancel()

    async def _read(self, client: RecDeskClient) -> None:
        try:
            presets, profiles = await asyncio.gather(client.presets(), client.storage_profiles())
        except NotFound:  # a service from before presets were listed
            self.presets, self.profiles, self.problem = [], [], None
        except Exception as exc:  # kept as they were; the form says why
            log.info("the service's presets could not be read: %s", exc)
            self.problem = describe(exc)[0]
        else:
            self.presets, self.profiles, self.problem = presets, profiles, None
        with contextlib.suppress(RuntimeError):  # its form was closed while the lists were read
            self.changed.emit()
