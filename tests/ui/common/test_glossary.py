"""One name per thing: the glossary (`ui.common.formats`) names each mode, format, stream, room
and time one way, and the main window, walked through a session (a room's recording started and
listed, a local recording made and saved), writes each of them that way wherever it shows one:
in its labels, buttons, table cells and combo items."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

import qasync
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QListView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.api.models import OutputFormat, Recording, Room
from app.media.local.spec import LOCAL_FORMATS
from tests.helpers.local_panel import PATTERN_AND_TONE, record
from tests.ui.conftest import until
from ui.common.formats import (
    format_duration,
    format_elapsed,
    format_name,
    mode_name,
    reason_name,
    room_name,
    stream_name,
)
from ui.connection.connection import Connection
from ui.recordings.models import RecordingsModel
from ui.window import MainWindow

MODES = {"Single-stream", "Mixed"}
FORMATS = {"MP4", "MKV", "WebM", "FLV", "MPEG-TS", "HLS", "M4A", "Ogg"}

# A format's code as a word of its own, not a file's extension ("talk.mp4") nor a path's part.
_FORMAT_CODE = re.compile(r"(?<![\w./\\-])(mp4|mkv|webm|flv|ts|hls|m4a|ogg|Mp4|Webm)(?![\w.-])")
# A stream written another way than "grace · camera": "grace-camera", "grace (camera)".
_STREAM_OTHERWISE = re.compile(
    r"(?<![\w./\\-])[a-z]+(?:-| \()(camera|screen|audio)\)?(?![\w.-])", re.IGNORECASE
)
# A time of m:ss (or mm:ss) standing alone: durations are always h:mm:ss.
_SHORT_TIME = re.compile(r"(?<![\d:])\d{1,2}:\d\d(?![\d:])")
# A time of day is a moment, not a duration: with its date ("2026-11-21 18:30"), after "since",
# or with AM/PM.
_MOMENT = re.compile(
    r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d)?|since \d{1,2}:\d\d|\d{1,2}:\d\d(?::\d\d)?\s?[AP]M"
)
# A mode's name in any case, as a whole text or one part of a "Mixed · Grid · ..." line.
_MODE_WORD = re.compile(r"^(single|mixed|single-stream|single stream)$", re.IGNORECASE)


def test_the_glossary_names_each_thing_one_way() -> None:
    assert [mode_name(m) for m in ("single", "mixed")] == ["Single-stream", "Mixed"]
    assert {format_name(f) for f in get_args(OutputFormat)} == FORMATS
    assert {format_name(f) for f in LOCAL_FORMATS} <= FORMATS
    assert format_name("ts") == "MPEG-TS"
    assert stream_name("grace", "camera") == "grace · camera"
    assert stream_name("grace", None) == "grace"
    assert room_name(Room(room_id="class", name="Class", live=True)) == "Class"
    assert room_name(Room(room_id="class", name="", live=True)) == "class"
    assert format_elapsed(24.9) == "0:00:24"  # a clock: a second shows once it has passed
    assert format_duration(24.6) == "0:00:25"  # a length: to the nearest second
    assert format_duration(187.4) == "0:03:07"
    assert format_elapsed(3725) == format_duration(3725) == "1:02:05"
    assert reason_name("max-duration") == "stopped at its maximum duration"
    assert reason_name("worker exited with status 1") == "worker exited with status 1"
    assert reason_name(None) == ""


def test_the_recording_list_names_a_room_as_the_room_list_does(qapp: QApplication) -> None:
    now = datetime.now(UTC)
    mixed = Recording(
        id="r1",
        room_id="class",
        mode="mixed",
        stream_type="av",
        format="mp4",
        state="recording",
        created=now,
        elapsed=24.0,
    )
    model = RecordingsModel()
    model.reset([mixed, mixed.model_copy(update={"id": "r2", "room_id": "gone"})])
    changed: list[tuple[int, int, int]] = []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row(), a.column())))
    assert model.index(0, RecordingsModel.ROOM).data() == "class"  # no room list read yet
    model.set_rooms([Room(room_id="class", name="Class", live=True)])
    assert changed == [(0, 1, RecordingsModel.ROOM)]
    assert model.index(0, RecordingsModel.ROOM).data() == "Class"
    assert model.index(1, RecordingsModel.ROOM).data() == "gone"  # a room no longer listed
    assert model.index(0, RecordingsModel.MODE).data() == "Mixed"
    model.set_rooms([Room(room_id="class", name="Class", live=False)])
    assert len(changed) == 1  # the same names: nothing to repaint


def misnamed(text: str) -> list[str]:
    """What in `text` names a mode, format, stream or duration another way than the glossary."""
    found = []
    for part in (p.strip() for p in text.split("·")):
        if _MODE_WORD.match(part) and part not in MODES:
            found.append(f"mode {part!r}")
    found += [f"format {m.group(0)!r}" for m in _FORMAT_CODE.finditer(text)]
    found += [f"stream {m.group(0)!r}" for m in _STREAM_OTHERWISE.finditer(text)]
    found += [f"time {m.group(0)!r}" for m in _SHORT_TIME.finditer(_MOMENT.sub(" ", text))]
    return found


def test_the_checker_finds_each_other_way_of_writing() -> None:
    assert misnamed("Mixed · Grid · Audio + video · MP4 · 0:00:24 · grace · camera") == []
    assert misnamed("Saved as /home/a/talk.mp4 on 2026-11-21 18:30") == []
    assert misnamed("since 1:45\u202fAM") == misnamed("since 13:45") == []
    assert misnamed("single") == ["mode 'single'"]
    assert misnamed("mixed · Grid · mp4") == ["mode 'mixed'", "format 'mp4'"]
    assert misnamed("grace-camera") == ["stream 'grace-camera'"]
    assert misnamed("Class — grace (camera)") == ["stream 'grace (camera)'"]
    assert misnamed("0:26") == ["time '0:26'"]


def shown_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for each label, button, combo item and table cell visible under `root`."""
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) or isinstance(widget, QHeaderView):
            continue  # a header's model is its table's: its cells are the table's own
        where = f"{type(widget).__name__} {widget.objectName()!r}"
        match widget:
            case QLabel() | QAbstractButton():
                yield where, widget.text()
            case QComboBox():
                for index in range(widget.count()):
                    yield f"{where} item {index}", widget.itemText(index)
            case QAbstractItemView():
                model = widget.model()
                if model is None:
                    continue
                top = QModelIndex()
                # A list's model keeps its column count private: a list has one.
                columns = 1 if isinstance(widget, QListView) else model.columnCount(top)
                for row in range(model.rowCount(top)):
                    for column in range(columns):
                        text = model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
                        yield f"{where} cell {row},{column}", str(text or "")


def test_the_window_writes_each_name_the_glossary_way(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    window = MainWindow(connection, settings, data_dir=tmp_path / "app")
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    shown: list[tuple[str, str]] = []
    recording_id: list[str] = []

    def listed_recording() -> bool:
        model = window.recordings.model
        row = model.row_of(recording_id[0]) if recording_id else None
        return row is not None and model.recording_at(row).state == "recording"

    async def scenario() -> None:
        await until(lambda: window.browser.model.rowCount() == 6)
        assert window.browser.select("call")
        controls = window.controls
        await until(lambda: controls.room is not None)
        await until(window.room_view.stream_ids)
        form = controls.form
        form.show_more(True)  # every option in sight: the mode, the format, the streams
        shown.extend(shown_texts(window))
        form.mode.setCurrentIndex(form.mode.findData("mixed"))
        shown.extend(shown_texts(window))
        form.mode.setCurrentIndex(form.mode.findData("single"))
        await until(controls.start_button.isEnabled)
        controls.start_button.click()
        await until(lambda: controls.recording_id is not None)
        assert controls.recording_id is not None
        recording_id.append(controls.recording_id)
        await until(listed_recording)
        shown.extend(shown_texts(window))
        await until(controls.stop_button.isEnabled)
        controls.stop_button.click()
        # A local recording, saved (the settings save it into a folder), listed with its length.
        window.record_tabs.setCurrentWidget(window.local_tab)
        choice = window.local.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)
        await record(qtbot, window.local, choice.key, 1.5)
        shown.extend(shown_texts(window))
        window.local.stop_button.click()
        await until(lambda: window.local.state == "idle" and window.history.entries())
        await until(lambda: window.local_history.model.rowCount() == 1)
        shown.extend(shown_texts(window))

    aloop.run_until_complete(scenario())
    window.close_without_asking()
    aloop.run_until_complete(window.operations.cancel_all())
    texts = {text for _, text in shown}
    # The walk saw each kind of name it checks.
    assert {"Single-stream", "Mixed"} <= texts
    assert any(re.fullmatch(r"\d+:\d\d:\d\d", t) for t in texts)
    assert any(stream_name("alice", "camera") in t for t in texts)
    wrong = sorted(
        {
            f"{where}: {text!r}: {', '.join(misnamed(text))}"
            for where, text in shown
            if misnamed(text)
        }
    )
    assert wrong == [], "named another way than the glossary:\n" + "\n".join(wrong)
