"""`recdesk`: the desktop app's entry point and its first window.

The window grows into the room browser, record controls and task list with the desktop issue; for
now it shows what the engine can record on this machine.
"""

from __future__ import annotations

import asyncio
import sys

import qasync
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QMainWindow, QVBoxLayout, QWidget

from app.media.capabilities import input_protocols
from app.media.sources.devices import list_devices


class MainWindow(QMainWindow):
    """RecDesk's main window."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("RecDesk")
        self.resize(900, 600)
        body = QWidget()
        layout = QVBoxLayout(body)
        title = QLabel("<h2>RecDesk</h2><p>Record real-time audio/video rooms.</p>")
        layout.addWidget(title)
        layout.addWidget(QLabel("<b>Capture devices on this machine</b>"))
        self.devices = QListWidget()
        for device in list_devices():
            self.devices.addItem(f"{device.media}: {device.description} ({device.source})")
        if not self.devices.count():
            self.devices.addItem("no capture device found")
        layout.addWidget(self.devices)
        layout.addWidget(QLabel("<b>Input protocols</b>"))
        protocols = QLabel(", ".join(input_protocols()))
        protocols.setWordWrap(True)
        layout.addWidget(protocols)
        self.setCentralWidget(body)
        QShortcut(QKeySequence.StandardKey.Quit, self, activated=self.close)


def main() -> int:
    """Start the app on a qasync event loop."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("RecDesk")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    window.show()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
    return 0
