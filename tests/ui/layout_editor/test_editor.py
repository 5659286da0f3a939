"""The layout editor against the real service: templates, a change applied to a running mixed
recording (checked in the recorded file's pixels), and an exact preview that matches the recording.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import datetime
from io import BytesIO
from pathlib import Path

import av
import numpy as np
import pytest
import qasync
from pytestqt.qtbot import QtBot

from app.api.models import Recording
from app.layout.model import Canvas, Layout, Region
from tests.helpers.mix import psnr
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import until
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.layout_editor.editor import LayoutEditor
from ui.layout_editor.presets import PresetStore


@pytest.fixture
def editor(
    connection: Connection, qtbot: QtBot, tmp_path: Path, aloop: qasync.QEventLoop
) -> Iterator[LayoutEditor]:
    operations = Operations()
    widget = LayoutEditor(connection, operations, PresetStore(tmp_path / "layouts"))
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    # Its timers and requests end inside the loop, not after it, when no loop would run them.
    widget.close()
    aloop.run_until_complete(operations.cancel_all())


def _frames(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [
            (float(frame.time or 0.0), frame.to_ndarray(format="rgb24"))
            for frame in container.decode(stream)
        ]


def test_templates_switch_and_undo(editor: LayoutEditor, aloop: qasync.QEventLoop, connection):
    async def scenario() -> None:
        room = await connection.client.room("meeting")
        editor.open_for(room)
        assert editor.document.layout.template == "grid"
        assert len(editor.document.layout.regions) == 4
        before = editor.document.layout
        editor.panel.choose_template("speaker")
        assert editor.document.layout.template == "speaker"
        assert editor.document.layout != before
        editor.document.undo_stack.undo()
        assert editor.document.layout == before

    aloop.run_until_complete(scenario())


def test_apply_to_a_running_recording_changes_the_file(
    editor: LayoutEditor, aloop: qasync.QEventLoop, connection: Connection, service: ServiceProcess
):
    async def scenario() -> tuple[Recording, float]:
        client = connection.client
        rec = await client.start_recording(room_id="meeting", mode="mixed", layout="grid")
        while (await client.recording(rec.id)).state != "recording":
            await asyncio.sleep(0.05)
        room = await client.room("meeting")
        editor.open_for(room, await client.recording(rec.id))
        await asyncio.sleep(1.5)
        # One region over the whole canvas: the first person (top left in the grid) only.
        first = editor.document.layout.regions[0]
        whole = Region(0, 0, 1280, 720, stream_id=first.stream_id)
        editor.document.edit(
            Layout(template="custom", canvas=Canvas(), regions=(whole,)), "one region"
        )
        applied_at = time.time()
        editor.apply()
        await until(
            lambda: (
                editor.recording is not None
                and editor.recording.layout is not None
                and editor.recording.layout.template == "custom"
            )
        )
        await asyncio.sleep(1.5)
        done = await client.stop(rec.id)
        return done, applied_at

    done, applied_at = aloop.run_until_complete(scenario())
    assert done.layout is not None
    assert done.layout.template == "custom"
    frames = _frames(service.data_dir / done.files[0].path)
    started = done.started.timestamp() if isinstance(done.started, datetime) else 0.0
    change = applied_at - started
    # Top right of the picture: the second person in the grid, then the first one everywhere.
    early = [f for t, f in frames if t < change - 0.3]
    late = [f for t, f in frames if t > change + 0.5]
    assert early
    assert late
    # Row 40 (row, column) is above the square each person's picture moves across (rows 70-250
    # of a tile, twice that when one picture fills the canvas) and its speaking bar (near the foot).
    probe = (40, 960)  # inside the grid's top-right tile
    before_pixel = early[len(early) // 2][probe].astype(int)
    after_pixel = late[-1][probe].astype(int)
    top_left = early[len(early) // 2][(40, 320)].astype(int)
    assert np.abs(before_pixel - after_pixel).sum() > 60  # the tile changed
    # ... to the colour the first person's picture has.
    assert np.abs(after_pixel - late[-1][(600, 1200)].astype(int)).sum() < 60
    assert np.abs(top_left - late[-1][(40, 40)].astype(int)).sum() < 60


def test_exact_preview_matches_the_recording(
    editor: LayoutEditor, aloop: qasync.QEventLoop, connection: Connection, service: ServiceProcess
):
    # The webinar's screen is a deck of still slides, three seconds each, so the same layout
    # rendered by the preview and by a recording of the same moment must give the same picture.
    # A recording's frames are not timed exactly on the wall clock (it opens the streams after its
    # `started` time, which on a busy machine takes seconds), so it goes on for four seconds after
    # the preview, and the best match is looked for from a second before the preview's moment on.
    screen = Region(0, 0, 1280, 720, stream_id="peggy-screen")
    corner = Region(960, 520, 320, 200, stream_id=None, z=1)
    layout = Layout(template="custom", canvas=Canvas(), regions=(screen, corner))

    async def scenario() -> tuple[bytes, Recording, float]:
        client = connection.client
        room = await client.room("webinar")
        editor.open_for(room)
        editor.document.edit(layout, "screen and a placeholder")
        rec = await client.start_recording(room_id="webinar", mode="mixed", layout=layout.to_json())
        while (await client.recording(rec.id)).state != "recording":
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
        editor.preview_image = None
        rendered_at = time.time()
        editor.render_preview()
        await until(lambda: editor.preview_image is not None)
        await asyncio.sleep(4.0)
        done = await client.stop(rec.id)
        assert editor.preview_image is not None
        return editor.preview_image, done, rendered_at

    jpeg, done, rendered_at = aloop.run_until_complete(scenario())
    with av.open(BytesIO(jpeg)) as picture:
        preview = next(picture.decode(video=0)).to_ndarray(format="rgb24")
    frames = _frames(service.data_dir / done.files[0].path)
    started = done.started.timestamp() if done.started else 0.0
    moment = rendered_at - started
    later = [(t, f) for t, f in frames if t > moment - 1.0]
    assert later
    best = max(psnr(preview, f) for _, f in later)
    print(f"exact preview against the recording: PSNR {best:.1f} dB, best of {len(later)} frames")
    assert best >= 30.0, best
