"""`recdesk`: the desktop app's entry point.

```
recdesk [--url URL] [--data-dir DIR] [--version]
```

Without `--url` the app starts its embedded service with demo rooms (data in the app's data folder,
or DIR) and connects to it; with it, it connects to that service. The app runs on a qasync event
loop, so the client's coroutines and Qt's events share one thread and the GUI never waits.
The `recdesk` command reaches this module through `ui.launcher`, which answers `--version` and
checks for the desktop extra before Qt is imported.

The embedded service is launched first thing, before the app imports its window (about as long as
the service takes to start): the two start-ups run side by side rather than one after the other.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths

from app.version import version_line
from ui.connection.embedded import EmbeddedService

if TYPE_CHECKING:
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
    # For the bundle's smoke test: record a demo room for SECONDS from the window, print, quit.
    parser.add_argument("--self-test", type=float, metavar="SECONDS", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=version_line("recdesk"))
    return parser


def data_dir() -> Path:
    """The app's data folder (`~/.local/share/RecDesk` on Linux)."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def main(argv: Sequence[str] | None = None) -> int:
    """Start the app on a qasync event loop."""
    args = build_parser().parse_args(argv)
    QCoreApplication.setOrganizationName("RecDesk")
    QCoreApplication.setApplicationName("RecDesk")
    folder: Path = args.data_dir or data_dir()
    embedded = None
    if args.url is None:
        service = EmbeddedService(folder / "service", extra=tuple(args.service_arg))
        embedded = service.launch()
    # The window's modules (Qt widgets, the client, the local recorder's engine) load meanwhile.
    import qasync
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from ui.app import DesktopApp
    from ui.common.appearance import start_appearance
    from ui.common.icons import app_icon
    from ui.common.language import start_language

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QGuiApplication.setWindowIcon(app_icon())
    # Desktops match the window to `recdesk.desktop` (its icon and name) by this name.
    QGuiApplication.setDesktopFileName("recdesk")
    settings = QSettings()
    # Light or dark before the first window, so nothing is drawn in the wrong palette first.
    start_appearance(settings)
    # The language too: every widget reads its texts once, when it is built.
    start_language(settings)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    desktop = DesktopApp(
        settings,
        data_dir=folder,
        url=args.url,
        service_args=tuple(args.service_arg),
        embedded=embedded,
    )
    with loop:
        if args.self_test is not None:
            code: int = loop.run_until_complete(_self_test_once(desktop, args.self_test))
            return code
        loop.run_until_complete(_ready_once(desktop) if args.exit_when_ready else desktop.run())
    return 0


async def _ready_once(desktop: DesktopApp) -> None:
    window = await desktop.start()
    while window.browser.model.rowCount() == 0:
        await asyncio.sleep(0.005)
    print(json.dumps({"ready": time.time()}), flush=True)
    window.close()
    await desktop.shutdown()


async def _self_test_once(desktop: DesktopApp, seconds: float) -> int:
    from ui.selftest import self_test

    outcome = await self_test(desktop, seconds)
    print(json.dumps(outcome), flush=True)
    if desktop.window is not None:
        desktop.window.close_without_asking()
    await desktop.shutdown()
    return 1 if "error" in outcome else 0


if __name__ == "__main__":
    sys.exit(main())
