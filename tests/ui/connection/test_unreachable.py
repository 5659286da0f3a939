"""The connect dialog uses the URL typed and says why a service cannot be used; a service lost
leaves the window's panes as they were, marked stale, until it is back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from tests.helpers.relay import Relay, closed_port, foreign_http_server, silent_listener
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import until
from ui.app import DesktopApp
from ui.connection.connection import Connection
from ui.connection.dialog import EMBEDDED, ConnectDialog
from ui.connection.profiles import Profiles, SecretStore
from ui.window import MainWindow


@pytest.fixture(autouse=True)
def keep_running(qapp: QApplication) -> Iterator[None]:
    """As in the app, closing the dialog (the only window shown) does not quit the loop."""
    before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(before)


def click(qtbot: QtBot, button: QPushButton) -> None:
    """Click a button the operator can click."""
    assert button.isVisible(), button.text()
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def dialog_for(qtbot: QtBot, tmp_path: Path, url: str) -> tuple[ConnectDialog, Profiles]:
    """The dialog as it opens on a fresh computer (the built-in service selected), `url` typed."""
    profiles = Profiles(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    dialog = ConnectDialog(profiles, SecretStore(), check_timeout=1.0)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.chosen() == EMBEDDED
    qtbot.keyClicks(dialog.url, url)
    return dialog, profiles


def test_a_url_typed_without_a_name_is_the_service_connected_to(
    qtbot: QtBot, aloop: qasync.QEventLoop, service: ServiceProcess, tmp_path: Path
) -> None:
    dialog, profiles = dialog_for(qtbot, tmp_path, service.url)

    async def scenario() -> None:
        click(qtbot, dialog.connect_button)
        await until(lambda: not dialog.isVisible(), timeout=30)

    aloop.run_until_complete(scenario())
    assert dialog.result() == ConnectDialog.DialogCode.Accepted
    host_port = service.url.removeprefix("http://")
    assert dialog.chosen() == host_port
    [profile] = profiles.all()
    assert (profile.name, profile.url) == (host_port, service.url)
    assert profiles.last == host_port


@pytest.fixture
def faults(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A URL for each way a service can fail to be one, all real and on this computer."""
    with ExitStack() as stack:
        silent = stack.enter_context(silent_listener())
        (tmp_path / "www").mkdir()
        foreign = stack.enter_context(foreign_http_server(str(tmp_path / "www")))
        yield {
            "refused": f"http://127.0.0.1:{closed_port()}",
            "no_host": "http://recdesk-test.invalid:8080",
            "timeout": f"http://127.0.0.1:{silent}",
            "not_recdesk": f"http://127.0.0.1:{foreign}",
            "tls": f"https://127.0.0.1:{foreign}",
        }


SAYS = {
    "refused": "the connection was refused",
    "no_host": "No computer named recdesk-test.invalid was found",
    "timeout": "did not answer within 1 s",
    "not_recdesk": "it is not a RecDesk service",
    "tls": "The secure connection to 127.0.0.1",
}


@pytest.mark.parametrize("fault", list(SAYS))
def test_the_dialog_says_why_a_service_cannot_be_used(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    tmp_path: Path,
    faults: dict[str, str],
    fault: str,
) -> None:
    dialog, profiles = dialog_for(qtbot, tmp_path, faults[fault])

    async def scenario() -> None:
        click(qtbot, dialog.connect_button)
        await until(dialog.problem.isVisible, timeout=30)

    aloop.run_until_complete(scenario())
    assert SAYS[fault] in dialog.problem.text()
    assert dialog.isVisible()  # the operator corrects the URL, or connects anyway
    assert dialog.connect_button.isEnabled()
    assert profiles.all() == []  # nothing kept of a URL that did not work
    if fault == "refused":
        click(qtbot, dialog.anyway_button)
        assert dialog.result() == ConnectDialog.DialogCode.Accepted
        assert [p.url for p in profiles.all()] == [faults[fault]]


def test_a_service_never_reached_says_why_in_the_window(
    qtbot: QtBot, aloop: qasync.QEventLoop, settings: QSettings, tmp_path: Path
) -> None:
    with silent_listener() as port:
        link = Connection(f"http://127.0.0.1:{port}", poll=0.2, check_timeout=1.0)
        window = MainWindow(link, settings, data_dir=tmp_path / "app")
        qtbot.addWidget(window)
        window.show()

        async def scenario() -> None:
            link.start()
            try:
                await until(window.banner.isVisible, timeout=30)
            finally:
                await link.close()

        aloop.run_until_complete(scenario())
    assert "did not answer within 1 s" in window.banner.text()
    assert "once the service answers" in window.browser.empty_text.text()
    assert window.browser.pages.currentWidget() is window.browser.empty
    assert not window.start_action.isEnabled()


def test_a_lost_service_leaves_the_panes_marked_stale_until_it_is_back(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    service: ServiceProcess,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    relay = Relay(service.url.removeprefix("http://"))
    link = Connection(relay.url, poll=0.2, check_timeout=1.0)
    window = MainWindow(link, settings, data_dir=tmp_path / "app")
    qtbot.addWidget(window)
    window.show()
    browser = window.browser

    async def scenario() -> None:
        link.start()
        try:
            await until(lambda: link.state == "connected" and browser.model.rowCount() >= 5)
            assert browser.select("meeting")
            rooms = browser.model.rowCount()
            assert window.start_action.isEnabled()
            assert window.controls.isEnabled()
            assert not browser.stale.isVisible()

            relay.cut()
            await until(lambda: link.state == "lost")
            assert browser.model.rowCount() == rooms  # what was listed stays
            assert browser.selected_room() == "meeting"
            assert browser.stale.isVisible()
            assert link.stale_since is not None
            since = link.stale_since.strftime("%H:%M")
            assert browser.stale.text().endswith(f"Not up to date since {since}")
            assert "the connection was refused" in window.banner.text()
            assert f"not up to date since {since}" in window.banner.text()
            assert not window.start_action.isEnabled()
            assert not window.controls.isEnabled()

            relay.restore()
            await until(lambda: link.state == "connected")
            await until(lambda: not browser.stale.isVisible())
            assert not window.banner.isVisible()
            assert window.start_action.isEnabled()
            assert window.controls.isEnabled()
            assert browser.model.rowCount() == rooms
        finally:
            await window.operations.cancel_all()  # as the app does before it closes the link
            await link.close()
            relay.cut()

    aloop.run_until_complete(scenario())


def test_the_app_switches_to_the_url_typed(
    qtbot: QtBot, aloop: qasync.QEventLoop, service: ServiceProcess, tmp_path: Path
) -> None:
    relay = Relay(service.url.removeprefix("http://"))  # the same service under another URL
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    app = DesktopApp(settings, data_dir=tmp_path / "app", url=service.url)

    async def scenario() -> None:
        first = await app.start()
        dialog = app._choose()
        qtbot.keyClicks(dialog.url, relay.url)
        click(qtbot, dialog.connect_button)
        await until(lambda: app.window is not first and app.window is not None)
        assert app.connection is not None
        assert app.connection.url == relay.url
        assert not app.connection.embedded
        window = app.window
        await until(lambda: window.browser.model.rowCount() >= 5)

    try:
        aloop.run_until_complete(scenario())
    finally:
        if app.window is not None:
            app.window.close()
        aloop.run_until_complete(app.shutdown())
        relay.cut()
    assert app.embedded is None  # no built-in service was started behind the operator's back
