"""The local recorder panel's test helpers: sources CI has, a panel to drive, files to probe."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import av
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app.media.local import LocalInput
from tests.ui.conftest import until
from ui.connection.connection import Connection
from ui.local.history import HistoryList, HistoryStore
from ui.local.panel import LocalRecorderPanel
from ui.local.save_flow import SaveFlow

PATTERN = "lavfi:testsrc2=size=640x360:rate=30,realtime"
TONE = "lavfi:sine=frequency=440:sample_rate=48000,arealtime"
PATTERN_AND_TONE = (LocalInput("pattern", PATTERN, "camera"), LocalInput("tone", TONE, "audio"))


def local_settings(tmp_path: Path) -> QSettings:
    """Settings of a test's own: recordings go under tmp_path, saved without a dialog."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("local/default_folder", str(tmp_path / "videos"))
    settings.setValue("local/save_mode", "folder")
    settings.setValue("local/save_folder", str(tmp_path / "saved"))
    return settings


def make_panel(
    qtbot: QtBot,
    connection: Connection,
    settings: QSettings,
    history: HistoryStore,
    **options: object,
) -> LocalRecorderPanel:
    """A panel with its save flow and history, shown."""
    panel = LocalRecorderPanel(
        connection, settings, SaveFlow(settings, history), HistoryList(history), **options
    )  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.resize(480, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def click(qtbot: QtBot, button: QPushButton) -> None:
    """Click an enabled button."""
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def elapsed(panel: LocalRecorderPanel) -> float:
    """Seconds of media written, as the panel last read them."""
    return panel.stats.elapsed if panel.stats is not None else 0.0


async def record(qtbot: QtBot, panel: LocalRecorderPanel, key: str, seconds: float) -> None:
    """Start recording the choice `key`, and wait until `seconds` of media are written."""
    assert panel.picker.select(key), key
    click(qtbot, panel.start_button)
    await until(lambda: panel.state == "recording")
    await until(lambda: elapsed(panel) >= seconds)


async def stop_and_save(qtbot: QtBot, panel: LocalRecorderPanel) -> Path:
    """Stop, let the save flow save straight into the settings' folder, and return the file."""
    click(qtbot, panel.stop_button)
    await until(lambda: panel.state == "idle")
    outcome = panel.outcome
    assert outcome is not None, panel.status_label.text()
    assert outcome.action == "saved"
    assert len(outcome.paths) == 1
    return outcome.paths[0]


def starts(path: Path, kind: str) -> list[float]:
    """Every packet's start time (s) of the file's first stream of `kind`, in order."""
    with av.open(str(path)) as container:
        stream = next(s for s in container.streams if s.type == kind)
        base = stream.time_base
        assert base is not None
        times = [
            float(p.pts * base) for p in container.demux(stream) if p.pts is not None and p.size
        ]
    return sorted(times)


def probe(path: Path) -> SimpleNamespace:
    """Streams and duration of a file."""
    with av.open(str(path)) as container:
        video = list(container.streams.video)
        audio = list(container.streams.audio)
        assert container.duration is not None
        return SimpleNamespace(
            duration=container.duration / av.time_base,
            video=[
                (s.codec_context.name, s.codec_context.width, s.codec_context.height) for s in video
            ],
            audio=[(s.codec_context.name, s.codec_context.sample_rate) for s in audio],
        )
