"""`DownloadBar`: one download of a recorded file at a time, its progress in bytes, and a cancel.

The download runs as an operation (so a failure reaches the operator like any other); the bar
shows itself while it runs and says in `status_changed` what became of it. A cancelled download
leaves its `.part` file, which the next download of the same file to the same place resumes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from app.client.client import RecDeskClient
from ui.common.errors import describe
from ui.common.formats import format_size
from ui.common.operations import Operations

# A QProgressBar holds an int, too small for the bytes of a long file: it counts per mille.
_SCALE = 1000


class DownloadBar(QWidget):
    """A progress bar and a Cancel button, shown while a download runs."""

    started = Signal()
    finished = Signal(str)  # the path written
    ended = Signal()  # finished, failed or cancelled: another download may start
    status_changed = Signal(str)  # a sentence for the operator

    def __init__(self, operations: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._operations = operations
        self._task: asyncio.Task[Path] | None = None
        self.progress: tuple[int, int | None] = (0, None)
        """Bytes done and total of the latest download, as last reported."""
        self.bar = QProgressBar()
        self.bar.setRange(0, _SCALE)
        self.bar.setTextVisible(True)
        self.bar.setMinimumWidth(180)
        self.bar.setMaximumWidth(260)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop the download; starting it again resumes it."))
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    @property
    def busy(self) -> bool:
        """Whether a download runs."""
        return self._task is not None

    def start(self, client: RecDeskClient, file_id: str, path: Path) -> asyncio.Task[Path]:
        """Download `file_id` to `path` through `client`; raises RuntimeError while one runs."""
        if self._task is not None:
            raise RuntimeError("a download is already under way")
        self.progress = (0, None)
        self.bar.setRange(0, _SCALE)
        self.bar.setValue(0)
        self.bar.setFormat(self.tr("starting…"))
        self.show()
        self.status_changed.emit(self.tr("Downloading to {path}…").format(path=path))
        work = client.download(file_id, path, progress=self._progressed)
        task = self._operations.run(work, self._finished, self._failed)
        task.add_done_callback(self._ended)
        self._task = task
        self.started.emit()
        return task

    def cancel(self) -> None:
        """Stop the download that runs, if any."""
        if self._task is not None:
            self._task.cancel()

    def _progressed(self, done: int, total: int | None) -> None:
        self.progress = (done, total)
        if total:
            self.bar.setRange(0, _SCALE)
            self.bar.setValue(done * _SCALE // total)
            self.bar.setFormat(
                self.tr("{done} of {total}").format(
                    done=format_size(done), total=format_size(total)
                )
            )
        else:
            self.bar.setRange(0, 0)  # size unknown: a busy bar

    def _finished(self, path: Path) -> None:
        self.status_changed.emit(self.tr("Saved {path}").format(path=path))
        self.finished.emit(str(path))

    def _failed(self, error: BaseException) -> None:
        what, _todo = describe(error)
        self.status_changed.emit(self.tr("The download failed: {what}").format(what=what))

    def _ended(self, task: asyncio.Task[Path]) -> None:
        if task.cancelled():
            self.status_changed.emit(
                self.tr("Download cancelled; downloading it again goes on from where it stopped.")
            )
        self._task = None
        self.hide()
        self.ended.emit()
