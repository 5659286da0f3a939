"""The View menu's Language choice: System, English, 简体中文 (saved; used from the next start)."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ui.common.choice_menu import ChoiceMenu
from ui.common.language import LANGUAGES, NAMES, SETTING, Language


class LanguageMenu(ChoiceMenu[Language]):
    """The View menu's Language choice: System, English, 简体中文 (saved; used from next start)."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        names: dict[Language, str] = {
            "system": QCoreApplication.translate("LanguageMenu", "Same as the &system"),
            **NAMES,
        }
        saved = settings.value(SETTING)
        current = cast(Language, saved) if saved in LANGUAGES else "system"
        title = QCoreApplication.translate("LanguageMenu", "&Language")
        super().__init__(title, names, current, parent)
        self.setObjectName("languageMenu")
        self._settings = settings
        self.notice: QMessageBox | None = None

    def choose(self, language: Language) -> None:
        """Save `language` and tell the operator it applies when RecDesk starts again."""
        if self._settings.value(SETTING) == language:
            return
        self._settings.setValue(SETTING, language)
        self.choices[language].setChecked(True)
        notice = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Language"),
            self.tr("RecDesk shows the language you chose when it starts again."),
            QMessageBox.StandardButton.Ok,
            self.parentWidget(),
        )
        notice.setObjectName("languageNotice")
        notice.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        notice.open()  # not exec(): the app's event loop goes on
        self.notice = notice
