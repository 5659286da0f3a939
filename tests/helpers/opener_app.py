"""`python -m tests.helpers.opener_app URL DATA_DIR RECORDING_ID`: the main window, on an X screen,
asked to open folders and files; prints what the operator was shown, as one JSON line.

Run in its own process so that Qt opens URLs as on a desktop (the xcb platform runs `xdg-open`
found on PATH; the test platform opens nothing): the test picks the PATH, with or without an
opener. The window runs against the service at URL as the app's own (`embedded`, so recorded files
are on this machine), its data in DATA_DIR (a history of local recordings the test wrote there).
It asks the files panel to open the folder of RECORDING_ID's first file, then the history to show
its first entry's folder and to open its file; after each it notes the banner and the clipboard.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ui.connection.connection import Connection
from ui.window import MainWindow


async def _until(check: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there")
        await asyncio.sleep(0.02)


def _shown(window: MainWindow) -> dict[str, Any]:
    """What the operator sees after an action: the banner and the clipboard; the banner is then
    dismissed for the next one."""
    seen = {
        "banner": window.banner.text() if window.banner.isVisible() else None,
        "clipboard": QApplication.clipboard().text(),
    }
    window.banner.hide()
    QApplication.clipboard().clear()
    return seen


async def _session(url: str, data_dir: Path, recording_id: str) -> dict[str, Any]:
    link = Connection(url, embedded=True, poll=0.5)
    link.start()
    await _until(lambda: link.state == "connected")
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(link, settings, data_dir=data_dir)
    window.show()
    try:
        tasks = window.recordings
        await _until(lambda: tasks.select_recording(recording_id))
        await _until(lambda: tasks.files.files_model.rowCount() > 0)
        tasks.files.files_view.selectRow(0)
        tasks.files.open_folder_action.trigger()
        await asyncio.sleep(0.2)  # a failure is shown at once; an opener runs detached
        seen = {"file_panel": _shown(window)}
        window.show_local()
        history = window.local_history
        history.select_row(0)
        history.folder_button.click()
        await asyncio.sleep(0.2)
        seen["history_folder"] = _shown(window)
        history.open_button.click()
        await asyncio.sleep(0.2)
        seen["history_open"] = _shown(window)
        return seen
    finally:
        window.close_without_asking()
        await link.close()


def main() -> None:
    """Run the session and print what was seen."""
    url, data_dir, recording_id = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        seen = loop.run_until_complete(_session(url, data_dir, recording_id))
    print(json.dumps(seen), flush=True)


if __name__ == "__main__":
    main()
