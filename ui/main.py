"""`recdesk`: the desktop app's entry point.

```
recdesk [--url URL] [--data-dir DIR]
```

Without `--url` the app starts its embedded service with demo rooms (data in the app's data folder,
or DIR) and connects to it; with it, it connects to that service. The app runs on a qasync event
loop, so the client's coroutines and Qt's events share one thread and the GUI never waits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication

from ui.app import DesktopApp


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="recdesk", description="RecDesk, the desktop app.")
    parser.add_argument(
        "--url", help="connect to this recording service instead of the built-in one"
    )
    parser.add_argument("--data-dir", type=Path, help="the built-in service's data folder")
    # For the start-up benchmark: print when the window is usable (rooms listed), then quit.
    parser.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--service-arg", action="append", default=[], help=argparse.SUPPRESS)
    return parser


def data_dir() -> Path:
    """The app's data folder (`~/.local/share/RecDesk` on Linux)."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def main(argv: Sequence[str] | None = None) -> int:
    """Start the app on a qasync event loop."""
    args = build_parser().parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("RecDesk")
    app.setApplicationName("RecDesk")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    desktop = DesktopApp(
        QSettings(),
        data_dir=args.data_dir or data_dir(),
        url=args.url,
        service_args=tuple(args.service_arg),
    )
    with loop:
        loop.run_until_complete(_ready_once(desktop) if args.exit_when_ready else desktop.run())
    return 0


async def _ready_once(desktop: DesktopApp) -> None:
    window = await desktop.start()
    while window.browser.model.rowCount() == 0:
        await asyncio.sleep(0.005)
    print(json.dumps({"ready": time.time()}), flush=True)
    window.close()
    await desktop.shutdown()


if __name__ == "__main__":
    sys.exit(main())
