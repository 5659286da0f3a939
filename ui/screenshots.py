"""`python -m ui.screenshots DIR` (`make screenshots`): PNGs of the main screens, for the README.

The app runs as users run it, against its built-in demo service (offscreen Qt), goes through a
short session (a room selected, its thumbnails in, a mixed recording started, paused, stopped)
and saves each screen as `DIR/<screen>.png`. The demo media is kept in `build/demo-media`, so a
second run starts at once.

May import PySide6, qasync, `ui` siblings and the standard library.
"""

from __future__ import annotations

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
from ui.connect_dialog import ConnectDialog


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
            controls.start()
            await _until(lambda: controls.recording and controls.recording.state == "recording")
            await asyncio.sleep(2.5)
            _save(window, folder, "main-window")
            _save(window.browser, folder, "room-browser")
            _save(window.room_view, folder, "room-streams")
            _save(controls, folder, "record-controls")
            editor = window.edit_layout()
            assert editor is not None
            editor.resize(1400, 860)
            editor.document.select(0)
            await _until(lambda: editor.preview_image is not None)
            await _until(lambda: len(editor._pictures) >= 4)
            await asyncio.sleep(0.3)
            _save(editor, folder, "layout-editor")
            editor.close()
            controls.stop()
            await _until(lambda: controls.recording and controls.recording.state == "completed")
            rec_id = controls.recording.id if controls.recording else ""
            await _until(lambda: window.tasks.select_recording(rec_id))
            await _until(lambda: window.tasks.files_model.rowCount() > 0)
            _save(window.tasks, folder, "task-list")
            dialog = ConnectDialog(app.profiles, app.secrets, window)
            dialog.show()
            await asyncio.sleep(0.2)
            _save(dialog, folder, "connect-dialog")
            dialog.close()
        finally:
            window.close()
            await app.shutdown()


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots into the folder given (default build/screenshots)."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "build/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    media = Path("build/demo-media").absolute()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(_session(folder, media))
    return 0


if __name__ == "__main__":
    sys.exit(main())
