"""The layout editor's image fields against the real service: they offer the service's images area,
and a file of this computer is uploaded there before the layout names it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import av
import pytest
import qasync
from pytestqt.qtbot import QtBot

from app.layout.model import Watermark
from tests.helpers.images import png
from tests.helpers.mix import near, rgb_at
from tests.ui.conftest import until
from ui.common.operations import Operations
from ui.connection.connection import Connection
from ui.layout_editor.editor import LayoutEditor
from ui.layout_editor.images import upload_name
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
    widget.close()
    aloop.run_until_complete(operations.cancel_all())


def test_upload_names_are_image_names() -> None:
    assert upload_name("My Logo (final).PNG") == "My-Logo-final.png"
    assert upload_name("..hidden.jpeg") == "hidden.jpeg"
    assert upload_name("x" * 100 + ".jpg") == "x" * 60 + ".jpg"
    assert upload_name("logo.gif") is None


def test_an_uploaded_file_is_offered_picked_and_drawn_by_the_preview(
    editor: LayoutEditor, aloop: qasync.QEventLoop, connection: Connection, tmp_path: Path
) -> None:
    stem = f"Brand {secrets.token_hex(3)}"
    local = tmp_path / f"{stem}.png"
    local.write_bytes(png(128, 64, "#ff00ff"))
    name = f"Brand-{stem.split()[1]}.png"
    picker = editor.panel.canvas_section.watermark

    async def scenario() -> None:
        client = connection.client
        editor.open_for(await client.room("call"))
        picker.upload_requested.emit(str(local))  # what the file dialog gives
        await until(lambda: picker.image() == name)
        assert name in {i.name for i in await client.images()}
        assert picker.combo.findData(name) >= 0  # offered from now on
        mark = editor.document.layout.canvas.watermark
        assert mark is not None
        assert mark.image == name
        assert mark.height * 2 == mark.width  # in the image's shape, 2:1
        # The preview the change asked for (an earlier one may still come first) shows it.
        await until(lambda: _shows(editor.preview_image, mark))
        await client.delete_image(name)

    aloop.run_until_complete(scenario())


def _shows(jpeg: bytes | None, mark: Watermark) -> bool:
    """Whether the preview is magenta in the middle of the watermark."""
    if jpeg is None:
        return False
    with av.open(BytesIO(jpeg)) as container:
        picture = next(container.decode(video=0))
    return near(rgb_at(picture, mark.x + mark.width // 2, mark.y + mark.height // 2), (255, 0, 255))


def test_a_file_that_is_no_image_is_refused_with_a_message(
    editor: LayoutEditor, aloop: qasync.QEventLoop, connection: Connection, tmp_path: Path
) -> None:
    local = tmp_path / f"fake-{secrets.token_hex(3)}.png"
    local.write_bytes(b"not a picture")
    picker = editor.panel.canvas_section.background_image
    shown: list[str] = []
    editor.operations.failed.connect(lambda what, _todo: shown.append(what))

    async def scenario() -> None:
        editor.open_for(await connection.client.room("call"))
        picker.upload_requested.emit(str(local))
        await until(lambda: bool(shown))

    aloop.run_until_complete(scenario())
    assert "PNG or JPEG" in shown[0]
    assert picker.image() is None
    assert editor.document.layout.canvas.background_image is None
