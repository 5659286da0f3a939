"""English or Chinese: the operator's Language choice (System, English, 简体中文), loaded at start.

"System" follows the system's locale (`QLocale.system()`): Chinese picks zh_CN, anything else
English. The app's own translations are `ui/i18n/recdesk_<language>.qm`, compiled from
`resources/translations/*.ts` by `make qm`; Qt's own `qtbase_<language>.qm` (from the Qt
installation's translations folder) translates Qt's standard dialogs and buttons. English needs a
translator too, for its plural forms ("%n file(s)" → "1 file", "2 files").

The choice is kept in QSettings (`view/language`) and loaded before the first widget is built
(`start_language`); `RECDESK_LANGUAGE=en|zh_CN|system` overrides it for one run (tests,
screenshots). A choice made in the View menu (`ui.common.language_menu`) applies from the next
start: every window builds its texts once. Only QtCore is used here, so the start-up check
(`ui.doctor`) can read the choice where Qt's GUI libraries cannot load.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Literal, cast, get_args

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

log = logging.getLogger(__name__)

Language = Literal["system", "en", "zh_CN"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
SETTING = "view/language"
ENVIRONMENT = "RECDESK_LANGUAGE"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "i18n"
"""Where the compiled `.qm` files are (inside the `ui` package, so a bundle carries them)."""

# Each language's name in itself: someone who cannot read the current language finds their own.
NAMES: dict[Language, str] = {"en": "English", "zh_CN": "简体中文"}


def chosen_language(settings: QSettings) -> Language:
    """The Language choice in force: `RECDESK_LANGUAGE` if set to one, else the saved one."""
    for value in (os.environ.get(ENVIRONMENT), settings.value(SETTING)):
        if value in LANGUAGES:
            return cast(Language, value)
    return "system"


def resolve(choice: Language, system: QLocale | None = None) -> Literal["en", "zh_CN"]:
    """The language a choice means here: "system" becomes zh_CN for a Chinese locale."""
    if choice != "system":
        return choice
    locale = QLocale.system() if system is None else system
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


def install_language(language: Literal["en", "zh_CN"]) -> list[QTranslator]:
    """Install the app's and Qt's translators for `language`; those installed before are removed.

    A missing `.qm` is logged and skipped (the app then shows its English texts), so a checkout
    without `make qm` still starts.
    """
    app = QCoreApplication.instance()
    assert app is not None, "a QApplication comes first"
    for old in app.findChildren(QTranslator, "recdesk-translator"):
        app.removeTranslator(old)
        old.deleteLater()
    QLocale.setDefault(QLocale(language))
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    wanted = [(f"recdesk_{language}", str(TRANSLATIONS))]
    if language != "en":
        wanted.append((f"qtbase_{language}", qt_folder))
    installed = []
    for name, folder in wanted:
        translator = QTranslator(app)  # a child of the app: it lives as long as the app
        translator.setObjectName("recdesk-translator")
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.warning("no translation %s in %s", name, folder)
            translator.deleteLater()
    return installed


def start_language(settings: QSettings) -> Literal["en", "zh_CN"]:
    """Load the chosen language before any widget is built; the language loaded."""
    language = resolve(chosen_language(settings))
    install_language(language)
    return language
