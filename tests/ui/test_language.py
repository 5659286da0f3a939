"""The Language choice: which language a run loads, what it translates (the app's texts, their
plural forms, Qt's own buttons), the View menu's choice, and service errors told by their code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot

from app.api.errors import ErrorCode
from app.client.errors import ServiceError
from ui.common.errors import ADVICE, HAPPENED, describe
from ui.common.language import ENVIRONMENT, SETTING, chosen_language, install_language, resolve
from ui.common.language_menu import LanguageMenu
from ui.common.translate import translate
from ui.connection.connection import Connection
from ui.rooms.model import room_summary


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    """The app in Chinese; English again afterwards."""
    install_language("zh_CN")
    yield
    install_language("en")


def test_the_environment_overrides_the_saved_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    assert chosen_language(settings) == "system"
    settings.setValue(SETTING, "zh_CN")
    assert chosen_language(settings) == "zh_CN"
    monkeypatch.setenv(ENVIRONMENT, "en")
    assert chosen_language(settings) == "en"
    monkeypatch.setenv(ENVIRONMENT, "klingon")  # not a language the app has: the saved one
    assert chosen_language(settings) == "zh_CN"


def test_the_system_locale_picks_chinese_or_english() -> None:
    assert resolve("system", QLocale("zh_CN")) == "zh_CN"
    assert resolve("system", QLocale("zh_SG")) == "zh_CN"
    assert resolve("system", QLocale("de_DE")) == "en"
    assert resolve("en", QLocale("zh_CN")) == "en"


def test_chinese_translates_the_app_and_qts_own_buttons(chinese: None, qtbot: QtBot) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert translate("SaveFlow", "Keep for later").startswith("保留")
    assert translate("RoomSummary", "%n person(s)", None, 3) == "3 人"


def test_english_plural_forms(qapp: QApplication) -> None:
    install_language("en")
    assert translate("RoomSummary", "%n person(s)", None, 1) == "1 person"
    assert translate("RoomSummary", "%n person(s)", None, 4) == "4 people"
    assert translate("SaveFlow", "its %n file(s)", None, 1) == "its file"
    assert translate("SaveFlow", "its %n file(s)", None, 3) == "its 3 files"


def test_the_menu_saves_the_choice_for_the_next_start(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    parent = QMenu()
    qtbot.addWidget(parent)
    menu = LanguageMenu(settings, parent)
    assert menu.choices["system"].isChecked()
    assert menu.choices["zh_CN"].text() == "简体中文"
    menu.choices["zh_CN"].trigger()
    assert settings.value(SETTING) == "zh_CN"
    assert menu.notice is not None
    qtbot.waitUntil(menu.notice.isVisible)
    assert "starts again" in menu.notice.text()
    menu.notice.close()
    # The next start reads it.
    assert LanguageMenu(settings, parent).choices["zh_CN"].isChecked()


def test_every_error_code_has_its_own_words() -> None:
    assert set(HAPPENED) == set(ErrorCode)
    assert set(ADVICE) == set(ErrorCode)


def test_a_service_error_is_told_by_its_code_in_chinese(
    chinese: None, aloop: qasync.QEventLoop, connection: Connection
) -> None:
    async def missing_room() -> ServiceError:
        with pytest.raises(ServiceError) as caught:
            await connection.client.room("no-such-room")
        return caught.value

    error = aloop.run_until_complete(missing_room())
    assert error.code is ErrorCode.room_not_found
    what, todo = describe(error)
    assert what.startswith("服务上没有这个房间。")
    assert error.message in what  # the particulars, as the service said them
    assert todo.startswith("房间已关闭或已改名")
    # A code this app does not know (a newer service): the service's own words.
    newer = ServiceError("the moon is in the way", number=99999, name="moon", status=409)
    assert describe(newer)[0] == "the moon is in the way"


def test_room_summaries_count_people(qapp: QApplication) -> None:
    from app.api.models import Room

    room = Room.model_validate({"room_id": "r", "name": "r", "live": True, "streams": []})
    assert room_summary(room, 1) == "live · 1 person"
    assert room_summary(room, 2) == "live · 2 people"
