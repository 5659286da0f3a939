"""`python -m ui.screenshots [DIR] [--appearance light|dark] [--language en|zh_CN]`
(`make screenshots`): PNGs of the main screens, for the README.

The app runs as users run it, against its built-in demo service (offscreen Qt), in the light or the
dark palette and in English or Chinese, goes through a short session (a room selected, its
thumbnails in, a mixed recording started with its live view and layout editor, stopped; a
single-stream recording's live view; the window on a 1280x720 screen with every option shown; an
empty search; the connect dialog and its answer for a service that cannot be reached; then a
participant and the whole room recorded on this computer; last the error banner, on a window whose
service does not answer) and
saves each screen as `DIR/<screen>.png`. The demo media is kept in `build/demo-media`, so a second
run starts at once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from ui.app import DesktopApp
from ui.common.appearance import APPEARANCES, apply_appearance
from ui.common.language import install_language
from ui.connection.dialog import ConnectDialog
from ui.window import MainWindow


async def _until(check: Callable[[], object], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there")
        await asyncio.sleep(0.05)


def _save(widget: QWidget, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    print(path)
    return path


async def _session(folder: Path, media: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="recdesk-shots-") as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        # Local recordings are saved straight into a folder of the session's: no dialog to answer.
        settings.setValue("local/default_folder", str(Path(tmp) / "videos"))
        settings.setValue("local/save_mode", "folder")
        settings.setValue("local/save_folder", str(Path(tmp) / "saved"))
        app = DesktopApp(
            settings,
            data_dir=Path(tmp) / "app",
            service_args=("--demo-media-dir", str(media), "--no-churn"),
        )
        window = await app.start()
        try:
            window.resize(1440, 900)
            await _until(lambda: window.browser.model.rowCount() == 6)
            window.browser.select("meeting")
            await _until(window.room_view.stream_ids)
            await _until(
                lambda: all(window.room_view.thumbnail(s) for s in window.room_view.stream_ids())
            )
            controls = window.controls
            controls.form.mode.setCurrentIndex(controls.form.mode.findData("mixed"))
            controls.form.split.setValue(2)
            controls.start()
            await _until(lambda: controls.recording and controls.recording.state == "recording")
            await _until(lambda: controls.live.mix_picture() is not None)
            await _until(lambda: any(done for _, done in controls.live.files.rows()))
            await asyncio.sleep(2.5)
            _save(window, folder, "main-window")
            _save(window.browser, folder, "room-browser")
            _save(window.room_view, folder, "room-streams")
            _save(window.record_tabs, folder, "record-panel-mixed")
            await _editor_session(window, folder)
            controls.stop()
            await _until(lambda: controls.recording and controls.recording.state == "completed")
            rec_id = controls.recording.id if controls.recording else ""
            await _until(lambda: window.recordings.select_recording(rec_id))
            await _until(lambda: window.recordings.files_model.rowCount() > 0)
            _save(window.recordings, folder, "task-list")
            await _single_session(window, folder)
            await _small_screen(window, folder)
            await _connect_session(app, window, folder)
            await _local_session(window, folder)
        finally:
            window.close()
            await app.shutdown()
        await _banner_session(folder, settings)


async def _editor_session(window: MainWindow, folder: Path) -> None:
    """The layout editor of the running mix, settled, then while its preview is updating."""
    editor = window.edit_layout()
    assert editor is not None
    editor.resize(1400, 860)
    editor.document.select(0)
    await _until(lambda: editor.preview_image is not None and len(editor._pictures) >= 4)
    await _until(lambda: not editor.renderer.updating and editor.renderer.quiet)
    _save(editor, folder, "layout-editor")
    editor.panel.choose_template("speaker")
    _save(editor, folder, "layout-editor-updating")
    await _until(lambda: not editor.renderer.updating)
    editor.close()


async def _single_session(window: MainWindow, folder: Path) -> None:
    """The record panel while a single-stream recording of the 1:1 call runs."""
    window.browser.select("call")
    controls = window.controls
    await _until(lambda: controls.room is not None and controls.room.room_id == "call")
    controls.form.mode.setCurrentIndex(controls.form.mode.findData("single"))
    controls.start()
    await _until(lambda: controls.recording and controls.recording.state == "recording")
    tiles = controls.live.tiles.tiles().values
    await _until(lambda: all(t.picture for t in tiles() if t.stream.kind != "audio"))
    await asyncio.sleep(2.0)
    _save(window.record_tabs, folder, "record-panel-single")
    controls.stop()
    await _until(lambda: controls.recording and controls.recording.state == "completed")


async def _small_screen(window: MainWindow, folder: Path) -> None:
    """The window on a 1280x720 screen with the nine people of the class and every option shown."""
    window.browser.select("class")
    await _until(window.room_view.stream_ids)
    window.controls.form.more.setChecked(True)
    window.resize(1280, 720)
    await asyncio.sleep(1.0)
    _save(window, folder, "main-window-1280x720")
    window.controls.form.more.setChecked(False)
    window.resize(1440, 900)
    window.browser.search.setText("xyz")
    await asyncio.sleep(0.2)
    _save(window.browser, folder, "room-search-empty")
    window.browser.search.setText("")
    window.browser.select("meeting")


async def _connect_session(app: DesktopApp, window: MainWindow, folder: Path) -> None:
    """The connect dialog, then its answer for a service that cannot be reached."""
    dialog = ConnectDialog(app.profiles, app.secrets, window)
    dialog.show()
    await asyncio.sleep(0.2)
    _save(dialog, folder, "connect-dialog")
    dialog.url.setText("http://127.0.0.1:9")
    dialog._accept()
    await _until(dialog.problem.isVisible)
    await asyncio.sleep(0.1)
    _save(dialog, folder, "connect-failure")
    dialog.close()


async def _banner_session(folder: Path, settings: QSettings) -> None:
    """The error banner, on a window whose service does not answer (nothing listens on its port)
    and where the layout editor is asked for with no room to edit."""
    with tempfile.TemporaryDirectory(prefix="recdesk-shots-") as tmp:
        app = DesktopApp(settings, data_dir=Path(tmp), url="http://127.0.0.1:9")
        window = await app.start()
        try:
            window.resize(1440, 900)
            assert window.edit_layout() is None
            await _until(window.banner.isVisible)
            await asyncio.sleep(0.2)
            _save(window, folder, "error-banner")
        finally:
            window.close()
            await app.shutdown()


async def _local_session(window: MainWindow, folder: Path) -> None:
    """A participant recorded here and saved (for the history), then the whole room mixed."""
    local = window.local
    window.record_tabs.setCurrentWidget(window.local_tab)
    room = window.controls.room
    assert room is not None
    camera = next(s for s in room.streams if s.kind == "camera")
    assert local.picker.select(f"participant:{camera.stream_id}")
    local.start()
    await _until(lambda: local.stats is not None and local.stats.elapsed >= 2.0)
    local.stop()
    await _until(lambda: local.state == "idle")
    assert local.picker.select("room-mix")
    local.start()
    await _until(lambda: local.state == "recording")
    figures = local.figures
    await _until(lambda: figures.preview.image is not None and figures.meter.reading > -90)
    await asyncio.sleep(2.5)
    _save(local, folder, "local-recorder")
    local.stop()
    await _until(lambda: local.state == "idle")


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots into the folder given (default build/screenshots)."""
    parser = argparse.ArgumentParser(prog="python -m ui.screenshots")
    parser.add_argument("folder", nargs="?", type=Path, default=Path("build/screenshots"))
    parser.add_argument("--appearance", choices=[a for a in APPEARANCES if a != "system"])
    parser.add_argument("--language", choices=["en", "zh_CN"], default="en")
    args = parser.parse_args(argv)
    folder: Path = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    media = Path("build/demo-media").absolute()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if args.appearance:
        apply_appearance(args.appearance)
    translators = install_language(args.language)  # kept: Qt uses them while they live
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(_session(folder, media))
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main())
