"""The record form offers the service's presets and storage profiles and a callback URL, and
starts real recordings with them, against a real service started with a config that has them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from cryptography.fernet import Fernet
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tests.app.client.loopback import Loopback, Request, error_response
from tests.helpers.media import decodes, probe
from tests.helpers.service import ServiceProcess
from tests.ui.conftest import connected, until
from tests.ui.recordings.test_controls import WatchedOperations, choose, click
from ui.connection.connection import Connection
from ui.recordings.controls import RecordControls
from ui.recordings.form import RecordForm

CONFIG = """
[storage.archive]
vendor = "s3_compatible"
endpoint = "http://127.0.0.1:9"
bucket = "recordings"
prefix = "studio"
access_key = "AKIAEXAMPLE"
secret_key = "sk-form-test"

[presets.lecture]
mode = "mixed"
stream_type = "audio"
format = "ogg"
layout = "speaker"
split_seconds = 600
tags = ["lecture"]

[presets.archived]
stream_type = "audio"
format = "m4a"
storage = "archive"
callback_url = "http://127.0.0.1:9/hooks"
"""


@pytest.fixture(scope="module")
def configured(
    tmp_path_factory: pytest.TempPathFactory, demo_media: Path
) -> Iterator[ServiceProcess]:
    """A real service with the demo rooms, two presets and a storage profile."""
    folder = tmp_path_factory.mktemp("form-presets")
    config = folder / "recdesk.toml"
    config.write_text(CONFIG)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RECDESK_SECRET_KEY", Fernet.generate_key().decode())
        env.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        service = ServiceProcess(folder / "data", demo_media, "--config", str(config)).start()
    service.wait_rooms("podcast")
    yield service
    service.stop()


@pytest.fixture
def link(aloop: qasync.QEventLoop, configured: ServiceProcess) -> Iterator[Connection]:
    """A connection to the configured service."""
    yield from connected(aloop, configured.url)


@pytest.fixture
def form(qtbot: QtBot, aloop: qasync.QEventLoop, link: Connection, tmp_path: Path) -> RecordForm:
    """The form on the configured service, its presets read, "More options" open."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    shown = RecordForm(settings, connection=link)
    qtbot.addWidget(shown)
    shown.show_more(True)
    shown.show()
    aloop.run_until_complete(until(lambda: shown.preset.count() == 3))
    return shown


def test_choosing_a_preset_shows_its_options_and_sends_only_what_changed(
    form: RecordForm,
) -> None:
    assert form.preset.isVisible()
    assert [form.preset.itemText(i) for i in range(3)] == ["None", "lecture", "archived"]
    assert form.storage.isVisible()
    assert [form.storage.itemData(i) for i in range(2)] == ["", "archive"]
    assert form.storage.itemText(1) == "archive (recordings/studio)"

    choose(form.preset, "lecture")
    assert form.mode.currentData() == "mixed"
    assert form.stream_type.currentData() == "audio"
    assert form.format.currentText() == "Ogg"
    assert form.layout_template.currentData() == "speaker"
    assert (form.split.value(), form.max_idle.value()) == (600, 60)
    assert form.storage.currentData() == ""
    request = form.request("podcast")
    assert request.model_fields_set == {"room_id", "preset"}
    assert request.preset == "lecture"

    # What the operator changes is sent, over the preset's; an option cleared is sent cleared.
    form.split.setValue(0)
    choose(form.format, "m4a")
    request = form.request("podcast")
    assert request.model_fields_set == {"room_id", "preset", "split_seconds", "format"}
    assert (request.split_seconds, request.format) == (None, "m4a")

    choose(form.preset, "archived")
    assert form.mode.currentData() == "single"
    assert form.format.currentData() == "m4a"
    assert form.split.value() == 0
    assert form.storage.currentData() == "archive"
    assert form.callback_url.text() == "http://127.0.0.1:9/hooks"
    choose(form.storage, "")
    form.callback_url.clear()
    request = form.request("podcast")
    assert request.model_fields_set == {"room_id", "preset", "storage", "callback_url"}
    assert (request.storage, request.callback_url) == (None, None)

    # No preset: the storage and the callback URL are the form's own.
    choose(form.preset, "")
    choose(form.storage, "archive")
    form.callback_url.setText("https://hooks.example.com/recdesk")
    request = form.request("podcast")
    assert request.preset is None
    assert (request.storage, request.callback_url) == (
        "archive",
        "https://hooks.example.com/recdesk",
    )


def test_a_callback_url_that_is_no_url_is_marked_before_sending(form: RecordForm) -> None:
    form.callback_url.setText("hooks.example.com/recdesk")
    problem = form.problem()
    assert problem is not None
    assert "callback URL" in problem[0]
    assert form.marked() == ["callback_url"]
    form.callback_url.setText("https://hooks.example.com/recdesk")
    assert form.problem() is None


def test_the_record_controls_start_from_a_preset_with_its_storage_and_callback(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    link: Connection,
    configured: ServiceProcess,
    tmp_path: Path,
) -> None:
    operations = WatchedOperations()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    controls = RecordControls(link, operations, settings)
    qtbot.addWidget(controls)
    controls.show()

    async def scenario() -> None:
        controls.set_room(await link.client.room("podcast"))
        await until(lambda: controls.form.preset.count() == 3)
        choose(controls.form.preset, "archived")
        click(qtbot, controls.start_button)
        await until(lambda: controls.state_label.text() == "Recording", timeout=30)
        rec = controls.recording
        assert rec is not None
        assert (rec.preset, rec.format, rec.callback_url) == (
            "archived",
            "m4a",
            "http://127.0.0.1:9/hooks",
        )
        assert rec.storage is not None
        assert rec.storage.profile == "archive"
        assert not operations.failures
        click(qtbot, controls.stop_button)
        # With storage, a stopped recording uploads (here for ever: nothing listens there).
        await until(lambda: controls.recording is not None and controls.recording.files, timeout=30)
        await operations.settled()

    aloop.run_until_complete(scenario())
    rec = controls.recording
    assert rec is not None
    for file in rec.files:
        path = configured.data_dir / file.path
        assert path.suffix == ".m4a"
        assert [s["type"] for s in probe(path).streams] == ["audio"]
        assert decodes(path)["audio"] > 0
    # The next session starts where this one was.
    assert settings.value("record/preset") == "archived"


def test_a_service_without_presets_or_storage_offers_neither(
    qtbot: QtBot, aloop: qasync.QEventLoop, connection: Connection
) -> None:
    form = RecordForm(connection=connection)
    qtbot.addWidget(form)
    form.show_more(True)
    form.show()
    assert form.choices is not None
    read = []
    form.choices.changed.connect(lambda: read.append(True))
    form.choices.refresh()
    aloop.run_until_complete(until(lambda: read))
    assert not form.preset.isVisible()
    assert not form.storage.isVisible()
    assert form.callback_url.isVisible()
    assert form.request("podcast").preset is None


@pytest.mark.parametrize(
    ("answer", "fails"),
    [
        # A service from before presets were listed: nothing to offer, and nothing went wrong.
        (error_response(404, 40405, "not_found", "no such endpoint"), False),
        (error_response(500, 50001, "internal", "the config could not be read"), True),
    ],
    ids=["an-older-service", "a-failing-service"],
)
def test_presets_that_cannot_be_read_are_not_offered_and_a_failure_says_why(
    qtbot: QtBot, aloop: qasync.QEventLoop, answer: bytes, fails: bool
) -> None:
    async def handler(request: Request, _n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(answer)
        await writer.drain()

    with Loopback(handler) as server:
        link = Connection(server.url)  # not started: the form reads its lists when told
        form = RecordForm(connection=link)
        qtbot.addWidget(form)
        form.show()
        assert form.choices is not None
        read: list[bool] = []
        form.choices.changed.connect(lambda: read.append(True))
        form.choices.refresh()
        aloop.run_until_complete(until(lambda: read))
        aloop.run_until_complete(link.close())
    assert {r.path for r in server.requests} == {"/v1/presets", "/v1/storage"}
    assert form.preset.count() == 1
    if not fails:
        assert form.choices.problem is None
        assert not form.preset.isVisible()
    else:
        assert form.preset.isVisible()
        assert "The service's presets could not be read" in form.preset.toolTip()
        assert "the config could not be read" in form.preset.toolTip()
