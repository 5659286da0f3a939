"""The View menu's Language choice: System, English, 简体中文 (saved; used from the next start)."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from ui.common.language import LANGUAGES, NAMES, SETTING, Language


class LanguageMenu(QMenu):
    """The View menu's Language choice: System, English, 简体中文 (saved; used from next start)."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("&Language"), parent)
        self.setObjectName("languageMenu")
        self._settings = settings
        self.notice: QMessageBox | None = None
        group = QActionGroup(self)
        self.choices: dict[Language, QAction] = {}
        saved = settings.value(SETTING)
        current = cast(Language, saved) if saved in LANGUAGES else "system"
        for language in LANGUAGES:
            text = self.tr("Same as the &system") if language == "system" else NAMES[language]
            action = QAction(text, group)
            action.setCheckable(True)
            action.setChecked(language == current)
            action.triggered.connect(lambda _=False, chosen=language: self.choose(chosen))
            self.addAction(action)
            self.choices[language] = action

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
