"""Light and dark: every coloured text of the app reads at 4.5:1 or better (WCAG AA) in both.

The widgets are built once, in the light palette, then the appearance is switched as the View
menu switches it; the colours are read back from what the widgets draw (a grab's pixels: the
background is the commonest colour, the text the one that differs most from it), so a widget that
kept its light colours in the dark palette fails here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.media.local import RecorderStats
from ui.common.appearance import (
    SETTING,
    AppearanceMenu,
    apply_appearance,
    chosen_appearance,
    current_appearance,
)
from ui.common.banner import ErrorBanner
from ui.common.formats import state_colour
from ui.common.palette import MIN_CONTRAST, contrast_ratio, is_dark
from ui.local.controls import LocalControls
from ui.local.figures import LocalFigures
from ui.local.history import HistoryList, HistoryStore
from ui.local.settings import LocalSettingsDialog

NOW = datetime(2026, 11, 21, 18, 30, tzinfo=UTC)
STATES = ("starting", "recording", "paused", "stopping", "uploading", "completed", "failed")


def ink_and_ground(image: QImage) -> tuple[QColor, QColor]:
    """The text colour and the background colour of a grab of some text."""
    pixels = image.convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(pixels.constBits())[: pixels.sizeInBytes()]
    counts = Counter(
        int.from_bytes(data[i : i + 4], "little") & 0xFFFFFF for i in range(0, len(data), 4)
    )
    ground = QColor.fromRgb(counts.most_common(1)[0][0])
    ink = max((QColor.fromRgb(value) for value in counts), key=lambda c: contrast_ratio(c, ground))
    return ink, ground


def text_contrast(widget: QWidget, area: QRect | None = None) -> float:
    """The contrast of the text `widget` draws (in `area` of it) with the background under it."""
    QApplication.processEvents()
    ink, ground = ink_and_ground(widget.grab(area or widget.rect()).toImage())
    return contrast_ratio(ink, ground)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def restore_appearance(qapp: QApplication) -> Iterator[None]:
    """Whatever a test switches to, the next test starts in the session's (light) palette."""
    apply_appearance("light")
    yield
    apply_appearance("system")


class Screens:
    """The widgets whose colours are checked, built once in the light palette."""

    def __init__(self, qtbot: QtBot, settings: QSettings, tmp_path: Path) -> None:
        self.banner = ErrorBanner()
        self.banner.resize(640, 60)
        self.banner.show_error(
            "The recording service does not answer.",
            "RecDesk reconnects by itself as soon as it is back; what you typed is kept.",
        )
        self.controls = LocalControls()
        self.controls.resize(640, 120)
        self.controls.warn("Disk space is low: 850 MB left.")
        self.controls.show()
        self.figures = LocalFigures()
        self.figures.show()
        self.dialog = LocalSettingsDialog(settings)
        self.dialog.show()
        self.hints = [
            label
            for label in self.dialog.findChildren(QLabel)
            if label.text().startswith(("{label}", "While it records"))
        ]
        assert len(self.hints) == 2
        store = HistoryStore(tmp_path / "history.json")
        self.history = HistoryList(store)
        self.history.show()
        self.empty_history = HistoryList(HistoryStore(tmp_path / "empty.json"))
        self.empty_history.show()
        store.add([tmp_path / "gone.mp4"], "Gone", 12.0, 1000, NOW)
        shown = (self.banner, self.controls, self.figures, self.dialog, self.history)
        for widget in (*shown, self.empty_history):
            qtbot.addWidget(widget)
            qtbot.waitExposed(widget)


@pytest.mark.usefixtures("restore_appearance")
def test_text_reads_at_4_5_to_1_in_the_light_and_the_dark_palette(
    qtbot: QtBot, settings: QSettings, tmp_path: Path
) -> None:
    screens = Screens(qtbot, settings, tmp_path)
    for appearance in ("light", "dark", "light"):
        apply_appearance(appearance)
        assert is_dark() == (appearance == "dark")
        found: dict[str, float] = {}
        banner = screens.banner
        found["banner"] = text_contrast(banner, banner.message.geometry())
        controls = screens.controls
        found["warning note"] = text_contrast(controls.warning_label)
        for state, failed in (("recording", False), ("paused", False), ("idle", True)):
            controls.show_state(state, f"{state} now", can_start=True, failed=failed)
            found[f"status {state}{' failed' if failed else ''}"] = text_contrast(
                controls.status_label
            )
        for n, hint in enumerate(screens.hints):
            found[f"settings hint {n}"] = text_contrast(hint)
        caption = next(
            label for label in screens.figures.findChildren(QLabel) if label.text() == "elapsed"
        )
        found["caption"] = text_contrast(caption)
        found["no history yet"] = text_contrast(screens.empty_history.empty)
        screens.figures.show_stats(RecorderStats(state="recording", elapsed=3.0, dropped=3))
        found["dropped frames"] = text_contrast(screens.figures.dropped_label)
        view = screens.history.view
        screens.history.model.refresh()
        for column in (0, 4):  # the label in grey, the missing file in red
            cell = view.visualRect(screens.history.model.index(0, column))
            found[f"history column {column}"] = text_contrast(
                view.viewport(), cell.adjusted(2, 2, -2, -2)
            )
        # States drawn in the rows of a table, plain and alternate.
        palette = view.palette()
        for state in STATES:
            for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
                found[f"{state} on {role.name}"] = contrast_ratio(
                    state_colour(state), palette.color(role)
                )
        low = {what: round(ratio, 2) for what, ratio in found.items() if ratio < MIN_CONTRAST}
        assert not low, f"{appearance}: {low}"


@pytest.mark.usefixtures("restore_appearance")
def test_the_view_menu_switches_the_palette_and_keeps_the_choice(
    settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RECDESK_APPEARANCE", raising=False)
    menu = AppearanceMenu(settings)
    menu.choices["dark"].trigger()
    assert is_dark()
    assert current_appearance() == "dark"
    assert settings.value(SETTING) == "dark"
    assert chosen_appearance(settings) == "dark"
    menu.choices["light"].trigger()
    assert not is_dark()
    assert settings.value(SETTING) == "light"
    # The environment overrides the stored choice (tests, screenshots).
    monkeypatch.setenv("RECDESK_APPEARANCE", "dark")
    assert chosen_appearance(settings) == "dark"
