"""The save flow's test helpers: a flow that keeps its outcomes, a working folder as a finished
recording leaves it, answering a question, and what a saved file is (it plays; its digest).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import av
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.media.local import LocalInput, LocalSpec
from app.media.local.journal import write_journal
from ui.local.history import HistoryStore
from ui.local.save_flow import SaveFlow, SaveOutcome

STARTED = datetime(2026, 11, 21, 18, 30, 5).astimezone()
NAME = "Team meeting 2026-11-21 18-30-05"


class Flow(SaveFlow):
    """A save flow that keeps what it finished with."""

    def __init__(self, settings: QSettings, history: HistoryStore, parent: QWidget) -> None:
        super().__init__(settings, history, parent)
        self.outcomes: list[SaveOutcome] = []
        self.finished.connect(self.outcomes.append)


def working_folder(flow: SaveFlow, clip: Path, names: Sequence[str] = (f"{NAME}.mp4",)) -> Path:
    """A finished recording's working folder, as the recorder leaves it: files and a journal."""
    folder = flow.workdir() / "20261121-183005-a1b2c3"
    folder.mkdir(parents=True)
    for name in names:
        shutil.copyfile(clip, folder / name)
    spec = LocalSpec("Team meeting", (LocalInput("cam", "lavfi:testsrc2"),))
    write_journal(
        folder,
        {
            "id": folder.name,
            "spec": spec.as_json(),
            "name": NAME,
            "started": STARTED.isoformat(timespec="seconds"),
            "pid": os.getpid(),
            "state": "finished",
        },
    )
    return folder


def files_of(folder: Path) -> list[Path]:
    """The media files in a working folder."""
    return sorted(p for p in folder.iterdir() if p.suffix == ".mp4")


def click(box: QMessageBox | None, name: str) -> None:
    """Answer a question with its button `name`."""
    assert box is not None
    assert box.isVisible()
    button = box.findChild(QPushButton, name)
    assert button is not None, f"no button {name!r} in {box.objectName()}"
    button.click()


def plays(path: Path) -> float:
    """The file's duration in seconds, after decoding every video frame (it plays)."""
    with av.open(str(path)) as container:
        assert container.streams.video
        assert container.streams.audio
        frames = sum(1 for _ in container.decode(video=0))
        assert frames > 0
        assert container.duration is not None
        return float(container.duration / av.time_base)


def digest(path: Path) -> str:
    """The file's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
