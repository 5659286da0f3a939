"""The next start after a crash: a local recording killed mid-way is offered back, recovered off
the GUI thread and saved; or discarded (after a confirmation), or left for later; a recording
finished but never saved goes straight to the save dialog; one that cannot be recovered stays."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import av
import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.media.fileinfo import FileInfo
from app.media.local import LocalInput, LocalSpec, Unfinished, find_unfinished, recover_unfinished
from app.media.local.journal import write_journal
from tests.helpers.local import SCREEN_AND_MIC, kill_at_header
from tests.helpers.local import record_and_kill as kill_mid_way
from tests.ui.conftest import until
from ui.local.history import HISTORY_FILE, HistoryStore
from ui.local.recovery import RecoveryOffer, offer_recovery
from ui.local.save_dialogs import type_and_accept
from ui.local.save_flow import SaveFlow, SaveOutcome
from ui.local.settings import DEFAULT_FOLDER

RUN_FOR = 3.0
LOSS = 1.0
NAME = "Screen and mic 2026-11-21 18-30-05"


@pytest.fixture
def flow(qtbot: QtBot, tmp_path: Path, aloop: qasync.QEventLoop) -> SaveFlow:
    """A save flow whose default folder is this test's, in a shown window."""
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(900, 640)
    window.show()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(DEFAULT_FOLDER, str(tmp_path / "Movies"))
    return SaveFlow(settings, HistoryStore(tmp_path / "data" / HISTORY_FILE), window)


def outcomes(flow: SaveFlow) -> list[SaveOutcome]:
    """What the flow finishes with, from now on."""
    got: list[SaveOutcome] = []
    flow.finished.connect(got.append)
    return got


def record_and_kill(workdir: Path) -> float:
    """Record screen and mic in a child process, SIGKILL it after RUN_FOR s; seconds recorded."""
    return kill_mid_way(workdir, SCREEN_AND_MIC, NAME, RUN_FOR)


def left_behind(workdir: Path, clip: Path, *, killed: bool, name: str = "a1") -> Path:
    """A working folder as a killed app leaves it (its pid is no process's)."""
    folder = workdir / f"20261121-183005-{name}"
    folder.mkdir(parents=True)
    shutil.copyfile(clip, folder / f"{NAME}.mp4")
    spec = LocalSpec("Screen and mic", (LocalInput("cam", "lavfi:testsrc2"),))
    write_journal(
        folder,
        {
            "id": folder.name,
            "spec": spec.as_json(),
            "name": NAME,
            "started": "2026-11-21T18:30:05+00:00",
            "pid": 0,
            "state": "recording" if killed else "finished",
        },
    )
    return folder


async def asked(offer: RecoveryOffer, name: str) -> QMessageBox:
    """The question `name` once it is shown."""
    await until(
        lambda: (
            offer.question is not None
            and offer.question.objectName() == name
            and offer.question.isVisible()
        )
    )
    assert offer.question is not None
    return offer.question


def click(box: QMessageBox, name: str) -> None:
    """Answer with the button `name`."""
    button = box.findChild(QPushButton, name)
    assert button is not None, f"no button {name!r} in {box.objectName()}"
    button.click()


def test_a_killed_recording_is_recovered_and_saved(
    flow: SaveFlow, aloop: qasync.QEventLoop, tmp_path: Path
) -> None:
    elapsed = record_and_kill(flow.workdir())
    (folder,) = [u.folder for u in find_unfinished(flow.workdir())]
    saved = outcomes(flow)
    chosen = tmp_path / "Movies" / "Recovered.mp4"
    gate = threading.Event()
    busy_seen: list[bool] = []
    done: list[bool] = []

    async def scenario() -> None:
        offer = offer_recovery(flow.parent(), flow)  # type: ignore[arg-type]
        offer.done.connect(lambda: done.append(True))

        def recover(item: Unfinished) -> list[FileInfo]:
            gate.wait(60)  # until the test has seen the busy dialog
            return recover_unfinished(item)

        offer.recover = recover
        question = await asked(offer, "localRecovery")
        text = question.text()
        assert text.startswith("RecDesk was closed while recording “Screen and mic” (started ")
        assert text.endswith("). Recover it?")
        assert not question.grab().isNull()
        click(question, "recover")
        await until(lambda: offer.busy_dialog is not None and offer.busy_dialog.isVisible())
        assert offer.busy_dialog is not None
        assert offer.busy_dialog.objectName() == "localRecoveryBusy"
        assert not offer.busy_dialog.grab().isNull()
        busy_seen.append(True)
        gate.set()
        # Then the normal save flow, with the name the recording was started with.
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert offer.busy_dialog is None
        assert flow.dialog is not None
        assert Path(flow.dialog.selectedFiles()[0]).name == f"{NAME}.mp4"
        type_and_accept(flow.dialog, chosen)
        await until(lambda: saved and done)

    aloop.run_until_complete(scenario())
    assert busy_seen
    assert saved[0].action == "saved"
    assert saved[0].paths == [chosen]
    with av.open(str(chosen)) as container:
        assert container.streams.video
        assert container.streams.audio
        assert container.duration is not None
        assert container.duration / av.time_base >= elapsed - LOSS
        assert sum(1 for _ in container.decode(video=0)) > 0
    assert not folder.exists()
    assert find_unfinished(flow.workdir()) == []
    [entry] = flow.history.entries()
    assert entry.paths == (chosen,)
    assert entry.duration >= elapsed - LOSS


def test_discard_asks_to_confirm_and_later_leaves_it_for_the_next_start(
    flow: SaveFlow, aloop: qasync.QEventLoop, h264_aac: Path
) -> None:
    first = left_behind(flow.workdir(), h264_aac, killed=True, name="a1")
    second = left_behind(flow.workdir(), h264_aac, killed=True, name="b2")
    done: list[bool] = []

    async def scenario() -> None:
        offer = offer_recovery(None, flow)
        offer.done.connect(lambda: done.append(True))
        await until(lambda: len(offer.found) == 2)
        click(await asked(offer, "localRecovery"), "discard")
        confirm = await asked(offer, "localRecoveryDiscard")
        click(confirm, "cancel")  # back to the question, nothing deleted
        click(await asked(offer, "localRecovery"), "discard")
        assert first.exists()
        click(await asked(offer, "localRecoveryDiscard"), "discard")
        await until(lambda: not first.exists())
        click(await asked(offer, "localRecovery"), "later")  # the second one
        await until(lambda: done)

    aloop.run_until_complete(scenario())
    assert second.exists()
    assert [u.folder for u in find_unfinished(flow.workdir())] == [second]  # asked again next time
    assert not flow.busy


def test_a_finished_but_unsaved_recording_goes_straight_to_the_save_flow(
    flow: SaveFlow, aloop: qasync.QEventLoop, tmp_path: Path, h264_aac: Path
) -> None:
    folder = left_behind(flow.workdir(), h264_aac, killed=False)
    original = (folder / f"{NAME}.mp4").read_bytes()
    saved = outcomes(flow)

    async def scenario() -> None:
        offer = offer_recovery(None, flow)
        offer.recover = lambda item: pytest.fail("a finished recording needs no recovery")
        question = await asked(offer, "localRecovery")
        assert "was saved. Save it now?" in question.text()
        click(question, "recover")
        await until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        assert flow.dialog is not None
        flow.dialog.reject()  # kept for later, asking nothing more
        await until(lambda: saved)

    aloop.run_until_complete(scenario())
    kept = tmp_path / "Movies" / f"{NAME}.mp4"
    assert saved[0].action == "kept"
    assert kept.read_bytes() == original
    assert not folder.exists()
    assert not flow.workdir().exists()  # no empty working directory left behind


def test_a_recording_that_cannot_be_recovered_stays_for_later(
    flow: SaveFlow, aloop: qasync.QEventLoop, h264_aac: Path
) -> None:
    folder = left_behind(flow.workdir(), h264_aac, killed=True)
    (folder / f"{NAME}.mp4").write_bytes(b"not a recording at all" * 100)
    done: list[bool] = []

    async def scenario() -> None:
        offer = offer_recovery(None, flow)
        offer.done.connect(lambda: done.append(True))
        click(await asked(offer, "localRecovery"), "recover")
        failed = await asked(offer, "localRecoveryFailed")
        assert str(folder) in failed.informativeText()
        click(failed, "ok")
        await until(lambda: done)

    aloop.run_until_complete(scenario())
    assert (folder / f"{NAME}.mp4").exists()
    assert not flow.busy


def test_a_recording_killed_before_any_media_is_said_to_hold_nothing(
    flow: SaveFlow, aloop: qasync.QEventLoop, h264_aac: Path
) -> None:
    folder = left_behind(flow.workdir(), h264_aac, killed=True)
    kill_at_header(h264_aac, folder / f"{NAME}.mp4")  # the app died at its file's header
    saved = outcomes(flow)
    done: list[bool] = []

    async def scenario() -> None:
        offer = offer_recovery(None, flow)
        offer.done.connect(lambda: done.append(True))
        click(await asked(offer, "localRecovery"), "recover")
        nothing = await asked(offer, "localRecoveryNothing")
        assert nothing.text() == (
            "“Screen and mic” was stopped before anything was recorded: there is nothing to save."
        )
        click(nothing, "ok")
        await until(lambda: done)

    aloop.run_until_complete(scenario())
    assert not folder.exists()
    assert saved == []  # no save dialog for an empty file
    assert find_unfinished(flow.workdir()) == []
    assert not flow.busy
