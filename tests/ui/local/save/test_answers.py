"""Saving a local recording once it stops, as the operator answers the one question: saved where
chosen, straight into a folder, kept for later (Cancel, nothing more asked), discarded (confirmed),
an existing file replaced only when asked, and no empty working folder left behind."""

from __future__ import annotations

from pathlib import Path

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
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
from ui.local.history import HistoryStore
from ui.local.panel import LocalRecorderPanel
from ui.local.save_dialogs import type_and_accept
from ui.local.save_flow import SaveOutcome
from ui.local.settings import NAME_TEMPLATE, SAVE_FOLDER, SAVE_MODE


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
