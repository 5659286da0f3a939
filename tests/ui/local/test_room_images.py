"""A whole room recorded on this computer draws the images its layout names from the service's
images area: the panel fetches them first, and the saved file shows the watermark."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import av
import qasync
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.layout.model import Layout, Watermark
from app.layout.templates import StreamRef
from app.media.pipeline.layouts import default_layout
from tests.helpers.images import png
from tests.helpers.local_panel import make_panel, record, stop_and_save
from tests.helpers.mix import near, rgb_at
from ui.connection.connection import Connection
from ui.local.history import HistoryStore

MAGENTA = (255, 0, 255)


def test_a_whole_room_draws_the_services_watermark(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    history: HistoryStore,
) -> None:
    name = "local-room-mark.png"
    layouts: list[Layout] = []

    def layout_for(room_id: str) -> Layout:
        return layouts[0]

    panel = make_panel(qtbot, connection, settings, history, layout_for=layout_for)

    async def scenario() -> Path:
        await connection.client.upload_image(name, png(64, 32, "#ff00ff"))
        try:
            room = await connection.client.room("meeting")
            grid = default_layout([StreamRef(s.stream_id, s.kind) for s in room.streams])
            mark = Watermark(name, 560, 10, 64, 32)
            layouts.append(replace(grid, canvas=replace(grid.canvas, watermark=mark)))
            panel.set_room(room)
            await record(qtbot, panel, "room-mix", 1.0)
            return await stop_and_save(qtbot, panel)
        finally:
            await connection.client.delete_image(name)

    try:
        path = aloop.run_until_complete(scenario())
    finally:
        if panel.recorder is not None:
            panel.recorder.stop()
            panel.recorder.wait(30)
    with av.open(str(path)) as container:
        pictures = list(container.decode(video=0))
    assert len(pictures) > 10
    assert near(rgb_at(pictures[-1], 590, 25), MAGENTA)
