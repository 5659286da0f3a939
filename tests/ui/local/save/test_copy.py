"""Saving a local recording onto another disk and in parts: a copy with progress (and cancelled),
parts saved together, recordings that finish meanwhile waiting their turn, and a save that fails
saying why and losing nothing."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMessageBox,
)

from tests.helpers.local_save import (
    NAME,
    Flow,
    click,
    digest,
    files_of,
    plays,
    working_folder,
)
from tests.ui.conftest import until
from ui.local.save_dialogs import type_and_accept
from ui.local.settings import SAVE_FOLDER, SAVE_MODE


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
