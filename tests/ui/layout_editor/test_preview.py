"""What the layout editor asks of the real service, and how its exact preview looks: nothing while
it is idle, hidden or minimised; a preview fitted to its box at any size; "Updating…" over the old
picture from the moment the layout changes until the new one comes.

Requests are counted where they land: in the service's access log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.api.models import Room
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import until
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.layout_editor.editor import LayoutEditor
from ui.layout_editor.pictures import EVERY_S
from ui.layout_editor.presets import PresetStore


class AccessLog:
    """The service's requests from the moment it is made on."""

    def __init__(self, service: ServiceProcess) -> None:
        self._path = service.log
        self._start = self._path.stat().st_size

    def count(self, part: str) -> int:
        """How many requests since then have `part` in their line."""
        with self._path.open("rb") as file:
            file.seek(self._start)
            lines = file.read().decode(errors="replace").splitlines()
        return sum("uvicorn.access" in line and part in line for line in lines)


def _make(
    connection: Connection, qtbot: QtBot, tmp_path: Path, pictures_every: float = EVERY_S
) -> tuple[LayoutEditor, Operations]:
    operations = Operations()
    store = PresetStore(tmp_path / "layouts")
    widget = LayoutEditor(connection, operations, store, pictures_every=pictures_every)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    return widget, operations


@pytest.fixture
def made(
    connection: Connection, qtbot: QtBot, tmp_path: Path, aloop: qasync.QEventLoop
) -> Iterator[list[tuple[LayoutEditor, Operations]]]:
    """Editors a test makes (`_make`), closed inside the loop when it ends."""
    editors: list[tuple[LayoutEditor, Operations]] = []
    yield editors
    for widget, operations in editors:
        widget.close()
        aloop.run_until_complete(operations.cancel_all())


async def _settled(editor: LayoutEditor, pictures: int) -> None:
    """Wait until the editor shows its preview, current, and `pictures` stream pictures, and the
    layout has been left alone long enough that its next change is rendered at once."""
    await until(
        lambda: (
            editor.preview_image is not None
            and not editor.renderer.updating
            and editor.renderer.quiet
            and len(editor._pictures) >= pictures
        )
    )


def _videos(room: Room) -> int:
    return sum(s.kind != "audio" for s in room.streams)


def _brightness(image: QImage, rect: QRect) -> float:
    total, count = 0, 0
    for y in range(rect.top(), rect.bottom(), 7):
        for x in range(rect.left(), rect.right(), 7):
            colour = image.pixelColor(x, y)
            total += colour.red() + colour.green() + colour.blue()
            count += 1
    return total / max(count, 1) / 3


def _difference(shown: QImage, rect: QRect, picture: QImage) -> float:
    """The mean difference (0-255) between the picture scaled to `rect` and what `rect` shows."""
    expected = picture.scaled(
        rect.size(),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    total, count = 0, 0
    for y in range(2, rect.height() - 2, 5):
        for x in range(2, rect.width() - 2, 5):
            a = expected.pixelColor(x, y)
            b = shown.pixelColor(rect.left() + x, rect.top() + y)
            total += abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())
            count += 3
    return total / max(count, 1)


def test_an_idle_editor_asks_the_service_for_nothing(
    made: list[tuple[LayoutEditor, Operations]],
    connection: Connection,
    qtbot: QtBot,
    tmp_path: Path,
    aloop: qasync.QEventLoop,
    service: ServiceProcess,
) -> None:
    editor, operations = _make(connection, qtbot, tmp_path)
    made.append((editor, operations))

    async def scenario() -> AccessLog:
        room = await connection.client.room("class")
        editor.open_for(room)
        editor.show()
        await _settled(editor, _videos(room))
        log = AccessLog(service)
        # Longer than the editor once waited between two rounds of pictures (3 s).
        await asyncio.sleep(4.0)
        return log

    log = aloop.run_until_complete(scenario())
    assert log.count("/snapshot") == 0
    assert log.count("/v1/layouts/preview") == 0


def test_pictures_are_paced_and_none_taken_while_hidden_or_minimised(
    made: list[tuple[LayoutEditor, Operations]],
    connection: Connection,
    qtbot: QtBot,
    tmp_path: Path,
    aloop: qasync.QEventLoop,
    service: ServiceProcess,
) -> None:
    editor, operations = _make(connection, qtbot, tmp_path, pictures_every=0.8)
    made.append((editor, operations))

    async def out_of_sight(hide: Callable[[], None], show: Callable[[], None]) -> int:
        """Snapshots while hidden by `hide`, for longer than two rounds; then, shown by `show`,
        the pace resumes."""
        hide()
        assert not editor.pictures.paced
        await asyncio.sleep(0.5)  # a snapshot asked for as it was hidden may still be answered
        log = AccessLog(service)
        await asyncio.sleep(2.0)
        hidden = log.count("/snapshot")
        show()
        await until(lambda: log.count("/snapshot") > hidden)
        return hidden

    async def scenario() -> tuple[int, int]:
        room = await connection.client.room("meeting")
        log = AccessLog(service)
        editor.open_for(room)
        editor.show()
        await _settled(editor, _videos(room))
        # Once all at the opening, then at the pace, one stream at a time.
        await until(lambda: log.count("/snapshot") > _videos(room))
        hidden = await out_of_sight(editor.hide, editor.show)
        minimised = await out_of_sight(editor.showMinimized, editor.showNormal)
        return hidden, minimised

    hidden, minimised = aloop.run_until_complete(scenario())
    assert hidden == 0
    assert minimised == 0


def test_the_preview_fits_its_box_after_a_resize_without_asking_again(
    made: list[tuple[LayoutEditor, Operations]],
    connection: Connection,
    qtbot: QtBot,
    tmp_path: Path,
    aloop: qasync.QEventLoop,
    service: ServiceProcess,
) -> None:
    editor, operations = _make(connection, qtbot, tmp_path)
    made.append((editor, operations))
    box = editor.preview

    async def fits(size: QSize) -> float:
        editor.resize(size)
        await until(lambda: editor.size() == size and box.width() > 0)
        picture = box.picture()
        assert picture is not None
        rect = box.picture_rect()
        # The whole picture, as large as the box allows: it fills the box's width or height.
        assert rect.width() == box.width() or rect.height() == box.height()
        assert box.rect().contains(rect)
        return _difference(box.grab().toImage(), rect, picture.toImage())

    async def scenario() -> tuple[list[float], AccessLog]:
        room = await connection.client.room("meeting")
        editor.open_for(room)
        editor.show()
        await _settled(editor, _videos(room))
        log = AccessLog(service)
        differences = [await fits(QSize(1500, 1000)), await fits(QSize(900, 640))]
        return differences, log

    differences, log = aloop.run_until_complete(scenario())
    assert all(d < 12 for d in differences), differences
    assert log.count("/v1/layouts/preview") == 0  # the frame is the canvas's; it is scaled here


def test_a_template_change_shows_updating_at_once_then_the_new_preview(
    made: list[tuple[LayoutEditor, Operations]],
    connection: Connection,
    qtbot: QtBot,
    tmp_path: Path,
    aloop: qasync.QEventLoop,
    service: ServiceProcess,
) -> None:
    editor, operations = _make(connection, qtbot, tmp_path)
    made.append((editor, operations))
    box = editor.preview
    running: list[int] = []
    operations.busy.connect(running.append)

    async def scenario() -> tuple[float, float, bytes | None, AccessLog]:
        room = await connection.client.room("meeting")
        editor.open_for(room)
        editor.show()
        await _settled(editor, _videos(room))
        old = editor.preview_image
        before = _brightness(box.grab().toImage(), box.picture_rect())
        log = AccessLog(service)
        running.clear()
        editor.panel.choose_template("speaker")
        # Before the loop runs again: marked, and already asked for (no wait for more changes).
        assert box.note == "Updating…"
        assert running
        assert running[-1] > 0
        during = _brightness(box.grab().toImage(), box.picture_rect())
        await until(lambda: box.note is None)
        return before, during, old, log

    before, during, old, log = aloop.run_until_complete(scenario())
    assert during < before * 0.7  # dimmed under the note
    assert editor.preview_image is not None
    assert editor.preview_image != old
    assert not editor.renderer.updating
    assert log.count("/v1/layouts/preview") == 1
