"""A remote profile's AppID and secret reach the service as signed requests; wrong ones end in
words the operator can act on, and the window says it is refused rather than connected."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.api.models import Room, Stream
from app.client.errors import Unauthorized
from tests.helpers.local_panel import make_panel, probe, record, stop_and_save
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import until
from ui.common.errors import describe
from ui.connection.connection import Connection
from ui.local.history import HistoryStore
from ui.window import MainWindow

SECRET = "desk-secret-0123456789"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory, demo_media: Path) -> Iterator[ServiceProcess]:
    """A service with the demo rooms that wants credentials from every caller."""
    folder: Path = tmp_path_factory.mktemp("secured-desk")
    config = folder / "recdesk.toml"
    config.write_text(
        f'[auth]\nrequire_on_loopback = true\napps = [{{ app_id = "desk", secret = "{SECRET}" }}]\n'
    )
    service = ServiceProcess(folder / "data", demo_media, "--config", str(config)).start()
    yield service
    service.stop()


def test_a_profiles_credentials_sign_the_connection(
    aloop: qasync.QEventLoop, secured: ServiceProcess
) -> None:
    async def scenario() -> None:
        link = Connection(secured.url, app_id="desk", secret=SECRET, poll=0.5)
        link.start()
        try:
            await until(lambda: link.state == "connected")
            assert "meeting" in {r.room_id for r in await link.client.all_rooms()}
            assert (await link.client.recordings()).items == []
        finally:
            await link.close()

        wrong = Connection(secured.url, app_id="desk", secret="not-the-secret-000", poll=0.5)
        try:
            with pytest.raises(Unauthorized) as caught:
                await wrong.client.all_rooms()
        finally:
            await wrong.close()
        what, todo = describe(caught.value)
        assert "Signature does not match" in what
        assert "AppID and secret" in todo

    aloop.run_until_complete(scenario())


def refusals(service: ServiceProcess) -> int:
    """How many requests the service has refused, by its log."""
    return service.log.read_text().count("refused GET /v1/rooms")


def test_a_wrong_secret_shows_refused_not_connected(
    aloop: qasync.QEventLoop,
    secured: ServiceProcess,
    qtbot: QtBot,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    # Health is open to every caller; the window must not look connected and fail at every click.
    link = Connection(secured.url, app_id="desk", secret="not-the-secret-000", poll=0.3)
    window = MainWindow(link, settings, data_dir=tmp_path / "app")
    qtbot.addWidget(window)
    window.show()

    async def scenario() -> None:
        link.start()
        try:
            await until(lambda: link.state == "refused")
            assert isinstance(link.refusal, Unauthorized)
            assert "Refused by" in window.status.state.text()
            assert window.banner.isVisible()
            assert "refused this app's credentials" in window.banner.text()
            assert "AppID and secret" in window.banner.text()
            # It stays refused, nothing is synced meanwhile, and the refused credentials are not
            # tried again at every poll (each try is a warning in the service's log).
            synced: list[bool] = []
            link.synced.connect(lambda: synced.append(True))
            tries = refusals(secured)
            await asyncio.sleep(1.0)
            assert link.state == "refused"
            assert synced == []
            assert refusals(secured) == tries
        finally:
            await link.close()

    aloop.run_until_complete(scenario())


def test_a_participant_of_a_signed_service_is_recorded_here(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    secured: ServiceProcess,
    settings: QSettings,
    history: HistoryStore,
) -> None:
    # FFmpeg pulls the participant's live re-serve itself: the URL it opens is signed anew at each
    # connection, and the recording's journal on disk keeps no credentials.
    link = Connection(secured.url, app_id="desk", secret=SECRET, poll=0.5)
    panel = make_panel(qtbot, link, settings, history)

    async def scenario() -> tuple[Path, Stream]:
        link.start()
        try:
            await until(lambda: link.state == "connected")

            async def live() -> Room:
                return await link.client.room("meeting")

            room = await live()
            while not room.live:
                await asyncio.sleep(0.2)
                room = await live()
            panel.set_room(room)
            camera = next(s for s in room.streams if s.kind == "camera")
            await record(qtbot, panel, f"participant:{camera.stream_id}", 2.0)
            assert panel.recorder is not None
            [source] = panel.recorder.spec.inputs
            assert "Signature" not in source.source
            journal = (panel.recorder.folder / "journal.json").read_text()
            assert SECRET not in journal
            assert "Signature" not in journal
            return await stop_and_save(qtbot, panel), camera
        finally:
            await link.close()

    path, camera = aloop.run_until_complete(scenario())
    info = probe(path)
    assert info.video == [(camera.codec, camera.width, camera.height)]
    assert info.duration >= 1.5
