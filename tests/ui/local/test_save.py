"""Saving a local recording once it stops, as the operator answers the one question: saved where
chosen, straight into a folder, kept for later (Cancel, nothing more asked), discarded (confirmed),
an existing file replaced only when asked, a copy across volumes with progress (and cancelled),
parts saved together, the history filled, and no empty working folder left behind."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.helpers.local_panel import PATTERN_AND_TONE, record
from tests.helpers.local_panel import click as click_button
from tests.helpers.local_save import (
    NAME,
    STARTED,
    Flow,
    click,
    digest,
    files_of,
    plays,
    working_folder,
)
from tests.ui.conftest import until
from ui.local.history import HISTORY_FILE, HistoryStore
from ui.local.panel import LocalRecorderPanel
from ui.local.save_dialogs import type_and_accept
from ui.local.save_flow import SaveOutcome
from ui.local.settings import DEFAULT_FOLDER, NAME_TEMPLATE, SAVE_FOLDER, SAVE_MODE


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings of this test's own, whose default folder stands in for Movies."""
    stored = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    stored.setValue(DEFAULT_FOLDER, str(tmp_path / "Movies"))
    return stored


@pytest.fixture
def history(tmp_path: Path) -> HistoryStore:
    """An empty history in this test's data folder."""
    return HistoryStore(tmp_path / "data" / HISTORY_FILE)


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    """The window the dialogs belong to."""
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(900, 640)
    widget.show()
    return widget


@pytest.fixture
def flow(
    settings: QSettings, history: HistoryStore, window: QWidget, aloop: qasync.QEventLoop
) -> Flow:
    """The save flow under test."""
    return Flow(settings, history, window)


def test_the_dialog_saves_where_the_operator_chooses(
    flow: Flow, aloop: qasync.QEventLoop, tmp_path: Path, h264_aac: Path
) -> None:
    folder = working_folder(flow, h264_aac)
    original = digest(files_of(folder)[0])
    chosen = tmp_path / "Talks" / "Weekly sync.mp4"
    chosen.parent.mkdir()

    async def scenario() -> None:
        flow.finish(files_of(folder), folder, NAME, "Team meeting")
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        dialog = flow.dialog
        assert dialog is not None
        assert dialog.objectName() == "localSaveDialog"
        # It starts in the default folder, with the name the template gives.
        assert dialog.directory().absolutePath() == str(tmp_path / "Movies")
        assert Path(dialog.selectedFiles()[0]).name == f"{NAME}.mp4"
        assert not dialog.grab().isNull()
        type_and_accept(dialog, chosen.with_suffix(""))  # the extension is added
        await until(lambda: flow.outcomes)

    aloop.run_until_complete(scenario())
    assert flow.outcomes[0].action == "saved"
    assert flow.outcomes[0].paths == [chosen]
    assert str(chosen) in flow.outcomes[0].message
    assert digest(chosen) == original
    assert 3.5 < plays(chosen) < 4.5
    assert not folder.exists()  # the working folder is gone with its journal
    assert not flow.busy
    [entry] = flow.history.entries()
    assert entry.paths == (chosen,)
    assert entry.label == "Team meeting"
    assert entry.size == chosen.stat().st_size
    assert 3.5 < entry.duration < 4.5  # read from the file: the caller gave none
    assert entry.when == STARTED  # from the journal
    # The history is on disk: a new store reads it back.
    assert HistoryStore(flow.history.path).entries() == [entry]


def test_the_folder_setting_saves_without_a_dialog_and_never_overwrites(
    flow: Flow, settings: QSettings, aloop: qasync.QEventLoop, tmp_path: Path, h264_aac: Path
) -> None:
    target = tmp_path / "Saved"
    settings.setValue(SAVE_MODE, "folder")
    settings.setValue(SAVE_FOLDER, str(target))

    async def save_one() -> SaveOutcome:
        folder = working_folder(flow, h264_aac)
        count = len(flow.outcomes)
        flow.finish(files_of(folder), folder, NAME, "Team meeting", duration=4.0)
        assert flow.dialog is None  # no dialog at all
        await until(lambda: len(flow.outcomes) > count)
        assert not folder.exists()
        return flow.outcomes[-1]

    first = aloop.run_until_complete(save_one())
    second = aloop.run_until_complete(save_one())
    assert first.action == second.action == "saved"
    assert first.paths == [target / f"{NAME}.mp4"]
    assert second.paths == [target / f"{NAME} (2).mp4"]
    assert all(plays(p[0]) > 3.5 for p in (first.paths, second.paths))
    assert [e.paths[0] for e in flow.history.entries()] == [second.paths[0], first.paths[0]]


def test_the_name_template_fills_label_room_date_and_time(flow: Flow, settings: QSettings) -> None:
    assert flow.suggested_name("Team meeting", STARTED) == NAME
    settings.setValue(NAME_TEMPLATE, "{room} - {label} {date}")
    assert flow.suggested_name("a/b: c?", STARTED, room="call") == "call - a-b- c- 2026-11-21"
    assert flow.suggested_name("Talk", STARTED) == "Talk 2026-11-21"  # no room, no dangling dash


def test_cancelling_the_save_keeps_it_and_asks_nothing_more(
    flow: Flow, aloop: qasync.QEventLoop, tmp_path: Path, h264_aac: Path
) -> None:
    folder = working_folder(flow, h264_aac)
    original = digest(files_of(folder)[0])
    kept = tmp_path / "Movies" / f"{NAME}.mp4"

    async def scenario() -> None:
        flow.finish(files_of(folder), folder, NAME, "Team meeting")
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        dialog = flow.dialog
        assert dialog is not None
        # The one question says what each answer does: Cancel reads "Keep for later", and
        # where that puts the recording.
        assert dialog.labelText(QFileDialog.DialogLabel.Reject) == "Keep for later"
        note = dialog.findChild(QLabel, "saveNote")
        assert note is not None
        assert f"in {tmp_path / 'Movies'} as “{kept.name}”" in note.text()
        assert dialog.findChild(QPushButton, "discard") is not None
        dialog.reject()  # Cancel, Esc or the window's close button
        await until(lambda: flow.outcomes or flow.question is not None)
        assert flow.question is None  # no second question

    aloop.run_until_complete(scenario())
    assert flow.outcomes[0].action == "kept"
    assert flow.outcomes[0].paths == [kept]
    assert str(kept) in flow.outcomes[0].message  # the panel's status line says where
    assert digest(kept) == original
    assert 3.5 < plays(kept) < 4.5
    assert not folder.exists()
    assert not flow.workdir().exists()  # no empty hidden folder left beside the recordings
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isModal()]
    assert [e.paths for e in flow.history.entries()] == [(kept,)]


def test_stopping_a_local_recording_and_cancelling_its_save_keeps_it_in_one_step(
    local_panel: LocalRecorderPanel, qtbot: QtBot, aloop: qasync.QEventLoop, tmp_path: Path
) -> None:
    panel, flow = local_panel, local_panel.save_flow
    choice = panel.picker.add_device("Test pattern and tone", PATTERN_AND_TONE)

    async def scenario() -> None:
        await record(qtbot, panel, choice.key, 1.0)
        assert flow.workdir().is_dir()  # the recording is written there while it records
        click_button(qtbot, panel.stop_button)
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert flow.dialog is not None
        flow.dialog.reject()
        await until(lambda: panel.state == "idle" or flow.question is not None)
        assert flow.question is None  # the one question was the only one

    aloop.run_until_complete(scenario())
    outcome = panel.outcome
    assert outcome is not None
    assert outcome.action == "kept"
    [kept] = outcome.paths
    assert kept.parent == tmp_path / "Movies"
    assert plays(kept) > 0.5
    assert str(kept) in panel.status_label.text()
    assert not flow.workdir().exists()  # no empty hidden folder left behind
    assert list((tmp_path / "Movies").iterdir()) == [kept]


def test_discard_in_the_save_dialog_asks_to_confirm_and_deletes_the_recording(
    flow: Flow, aloop: qasync.QEventLoop, tmp_path: Path, h264_aac: Path
) -> None:
    folder = working_folder(flow, h264_aac)

    async def discard_clicked() -> QMessageBox:
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert flow.dialog is not None
        button = flow.dialog.findChild(QPushButton, "discard")
        assert button is not None
        button.click()
        await until(lambda: flow.question is not None and flow.question.isVisible())
        assert flow.question is not None
        assert flow.question.objectName() == "localSaveDiscard"
        return flow.question

    async def scenario() -> None:
        flow.finish(files_of(folder), folder, NAME, "Team meeting")
        confirm = await discard_clicked()
        assert not confirm.grab().isNull()
        click(confirm, "cancel")  # changed my mind: back to the save dialog, nothing kept yet
        confirm = await discard_clicked()
        assert files_of(folder)  # not yet
        assert flow.outcomes == []
        click(confirm, "discard")
        await until(lambda: flow.outcomes)

    aloop.run_until_complete(scenario())
    assert flow.outcomes[0].action == "discarded"
    assert flow.outcomes[0].paths == []
    assert not folder.exists()
    assert not flow.workdir().exists()
    assert not any((tmp_path / "Movies").glob("*.mp4"))
    assert flow.history.entries() == []


def test_an_existing_file_is_replaced_only_when_the_operator_says_so(
    flow: Flow, aloop: qasync.QEventLoop, tmp_path: Path, h264_aac: Path
) -> None:
    folder = working_folder(flow, h264_aac)
    target = tmp_path / "Movies" / "Interview.mp4"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"an older file")

    async def choose(path: Path) -> None:
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert flow.dialog is not None
        type_and_accept(flow.dialog, path)

    async def scenario() -> None:
        flow.finish(files_of(folder), folder, NAME, "Team meeting")
        await choose(target)
        await until(lambda: flow.question is not None and flow.question.isVisible())
        assert flow.question is not None
        assert flow.question.objectName() == "localSaveReplace"
        assert "“Interview.mp4” already exists" in flow.question.text()
        assert not flow.question.grab().isNull()
        click(flow.question, "rename")  # back to the dialog, where the name was
        await choose(target)
        await until(lambda: flow.stage == "replace" and flow.question is not None)
        assert target.read_bytes() == b"an older file"  # still untouched while it asks
        click(flow.question, "replace")
        await until(lambda: flow.outcomes)

    aloop.run_until_complete(scenario())
    assert flow.outcomes[0].paths == [target]
    assert plays(target) > 3.5
    assert not folder.exists()


def test_across_volumes_the_files_are_copied_with_progress(
    flow: Flow, aloop: qasync.QEventLoop, tmp_path: Path, h264_aac: Path
) -> None:
    folder = working_folder(flow, h264_aac, [f"{NAME}-001.mp4", f"{NAME}-002.mp4"])
    sources = files_of(folder)
    digests = [digest(p) for p in sources]
    total = sum(p.stat().st_size for p in sources)
    flow.mover.same_volume = lambda source, folder: False  # another disk, as far as it knows
    flow.mover.chunk_size = 64 * 1024
    flow.mover.report_every = 0  # every chunk
    progress: list[tuple[int, int]] = []
    shown: list[bool] = []

    def progressed(done: int, size: int) -> None:
        progress.append((done, size))
        dialog = flow.progress_dialog
        shown.append(dialog is not None and dialog.isVisible())
        if dialog is not None and len(progress) == 8:
            assert not dialog.grab().isNull()

    flow.progress.connect(progressed)
    chosen = tmp_path / "Elsewhere" / "Copied.mp4"
    chosen.parent.mkdir()

    async def scenario() -> None:
        flow.finish(sources, folder, NAME, "Team meeting", duration=8.0)
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert flow.dialog is not None
        type_and_accept(flow.dialog, chosen)

        await until(lambda: flow.outcomes)

    aloop.run_until_complete(scenario())
    targets = [chosen.with_name("Copied-001.mp4"), chosen.with_name("Copied-002.mp4")]
    assert flow.outcomes[0].paths == targets
    assert [digest(p) for p in targets] == digests
    assert not folder.exists()  # the originals went once the copies were whole
    assert all(shown)  # the progress dialog was up all along, and is gone
    assert flow.progress_dialog is None
    assert progress[0] == (0, total)
    assert progress[-1] == (total, total)
    assert len(progress) > total // flow.mover.chunk_size  # a report per chunk
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert not list(chosen.parent.glob(".*"))  # no temporary file left behind


def test_a_cancelled_copy_leaves_the_recording_as_it_was(
    flow: Flow,
    aloop: qasync.QEventLoop,
    tmp_path: Path,
    h264_aac: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = working_folder(flow, h264_aac)
    sources = files_of(folder)
    original = digest(sources[0])
    flow.mover.same_volume = lambda source, folder: False
    chosen = tmp_path / "Elsewhere" / "Never.mp4"
    chosen.parent.mkdir()
    # The copy waits before flushing its file until the operator has pressed Cancel.
    pressed = threading.Event()
    fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (pressed.wait(60), fsync(fd))[1])

    async def scenario() -> None:
        flow.finish(sources, folder, NAME, "Team meeting")
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert flow.dialog is not None
        type_and_accept(flow.dialog, chosen)
        await until(lambda: flow.progress_dialog is not None and flow.progress_dialog.isVisible())
        assert flow.progress_dialog is not None
        flow.progress_dialog.cancel_button.click()
        assert flow.progress_dialog.label.text() == "Cancelling…"
        pressed.set()
        await until(
            lambda: flow.stage == "asking" and flow.dialog is not None and flow.dialog.isVisible()
        )

    aloop.run_until_complete(scenario())
    assert flow.dialog is not None  # asked again where, and told why
    note = flow.dialog.findChild(QLabel, "saveNote")
    assert note is not None
    assert "The copy was cancelled; nothing was moved." in note.text()
    assert flow.progress_dialog is None
    assert digest(sources[0]) == original
    assert not chosen.exists()
    assert not list(chosen.parent.iterdir())  # the partial copy was removed
    assert flow.outcomes == []  # still to be answered: nothing was lost


def test_parts_are_saved_together_under_the_chosen_name(
    flow: Flow, aloop: qasync.QEventLoop, tmp_path: Path, h264_aac: Path
) -> None:
    folder = working_folder(flow, h264_aac, [f"{NAME}-001.mp4", f"{NAME}-002.mp4"])
    # A part the recorder wrote but did not list (it failed on it) is saved too, never lost.
    shutil.copyfile(h264_aac, folder / f"{NAME}-003.mp4")
    chosen = tmp_path / "Movies" / "Lecture.mp4"

    async def scenario() -> None:
        flow.finish(files_of(folder)[:2], folder, NAME, "Team meeting")
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        dialog = flow.dialog
        assert dialog is not None
        note = dialog.findChild(QLabel, "partsNote")
        assert note is not None
        assert "3 parts" in note.text()
        assert f"“{NAME}-001.mp4” to “{NAME}-003.mp4”" in note.text()
        assert not dialog.grab().isNull()
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        assert edit is not None
        edit.setText("Lecture")  # the note follows the name as it is typed
        assert "“Lecture-001.mp4” to “Lecture-003.mp4”" in note.text()
        type_and_accept(dialog, chosen)
        await until(lambda: flow.outcomes)

    aloop.run_until_complete(scenario())
    parts = [chosen.with_name(f"Lecture-00{n}.mp4") for n in (1, 2, 3)]
    assert flow.outcomes[0].paths == parts
    assert all(3.5 < plays(p) < 4.5 for p in parts)
    assert "2 more parts" in flow.outcomes[0].message
    [entry] = flow.history.entries()
    assert entry.paths == tuple(parts)
    assert 11 < entry.duration < 13
    assert not folder.exists()


def test_recordings_finished_while_one_is_saved_wait_their_turn(
    flow: Flow, aloop: qasync.QEventLoop, tmp_path: Path, h264_aac: Path
) -> None:
    first = working_folder(flow, h264_aac)
    second = first.with_name("20261121-190000-d4e5f6")
    shutil.copytree(first, second)

    async def scenario() -> None:
        flow.finish(files_of(first), first, NAME, "First")
        flow.finish(files_of(second), second, NAME, "Second")
        assert flow.holds(first)
        assert flow.holds(second)
        for expected in (1, 2):
            await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
            assert flow.dialog is not None
            type_and_accept(flow.dialog, tmp_path / f"take {expected}.mp4")
            await until(lambda n=expected: len(flow.outcomes) == n)  # type: ignore[misc]

            # The second one's folder keeps the working directory until it is saved too.
            assert flow.workdir().exists() == (expected == 1)

    aloop.run_until_complete(scenario())
    assert [o.paths for o in flow.outcomes] == [
        [tmp_path / "take 1.mp4"],
        [tmp_path / "take 2.mp4"],
    ]
    assert [e.label for e in flow.history.entries()] == ["Second", "First"]  # newest first


def test_a_save_that_fails_says_why_and_loses_nothing(
    flow: Flow, settings: QSettings, aloop: qasync.QEventLoop, tmp_path: Path, h264_aac: Path
) -> None:
    not_a_folder = tmp_path / "Saved"
    not_a_folder.write_bytes(b"a file where the folder should be")
    settings.setValue(SAVE_MODE, "folder")
    settings.setValue(SAVE_FOLDER, str(not_a_folder))
    folder = working_folder(flow, h264_aac)
    original = digest(files_of(folder)[0])
    failures = iter([OSError(28, "No space left on device")])

    def same_volume(source: Path, target: Path) -> bool:
        error = next(failures, None)
        if error is not None:
            raise error
        return True

    flow.mover.same_volume = same_volume
    chosen = tmp_path / "Movies" / "Second try.mp4"

    async def error_shown() -> QMessageBox:
        await until(
            lambda: (
                flow.stage == "error" and flow.question is not None and flow.question.isVisible()
            )
        )
        assert flow.question is not None
        assert flow.question.objectName() == "localSaveError"
        assert str(folder) in flow.question.informativeText()  # where it still is
        return flow.question

    async def scenario() -> None:
        flow.finish(files_of(folder), folder, NAME, "Team meeting")
        box = await error_shown()  # the folder setting names a file
        assert str(not_a_folder) in box.text()
        assert not box.grab().isNull()
        click(box, "ok")  # choose another place
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert flow.dialog is not None
        type_and_accept(flow.dialog, chosen)
        box = await error_shown()  # the disk fills up
        assert "No space left on device" in box.text()
        assert digest(files_of(folder)[0]) == original
        click(box, "ok")
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert flow.dialog is not None
        type_and_accept(flow.dialog, chosen)
        await until(lambda: flow.outcomes)

    aloop.run_until_complete(scenario())
    assert flow.outcomes[0].paths == [chosen]
    assert digest(chosen) == original
    assert not folder.exists()
