"""Light or dark: the operator's Appearance choice (System, Light, Dark), applied to the app.

"System" follows the desktop's colour scheme as Qt reports it
(`QStyleHints.colorScheme()`) and follows it again when it changes. Where the platform draws a
scheme itself (Windows, macOS, a Linux desktop with its own Qt theme) its palette is used; where
it has none to give (the Fusion style on most Linux desktops, the offscreen platform) the app
uses its own dark palette, or Fusion's light one, under the Fusion style.

The choice is kept in QSettings (`view/appearance`) and applied before the first window is built
(`start_appearance`); `RECDESK_APPEARANCE=light|dark|system` overrides it for one run (tests,
screenshots). Changing it in the View menu (`AppearanceMenu`) applies it at once: widgets that
colour themselves follow the palette change (`ui.common.palette`).
"""

from __future__ import annotations

import os
from typing import Literal, get_args

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from ui.common.choice_menu import ChoiceMenu
from ui.common.palette import is_dark

Appearance = Literal["system", "light", "dark"]
APPEARANCES: tuple[Appearance, ...] = get_args(Appearance)
SETTING = "view/appearance"
ENVIRONMENT = "RECDESK_APPEARANCE"

_Role = QPalette.ColorRole
_DARK_COLOURS: dict[QPalette.ColorRole, str] = {
    _Role.Window: "#2b2b2b",
    _Role.WindowText: "#e6e6e6",
    _Role.Base: "#1f1f1f",
    _Role.AlternateBase: "#262626",
    _Role.ToolTipBase: "#3a3a3a",
    _Role.ToolTipText: "#e6e6e6",
    _Role.PlaceholderText: "#9a9a9a",
    _Role.Text: "#e6e6e6",
    _Role.Button: "#353535",
    _Role.ButtonText: "#e6e6e6",
    _Role.BrightText: "#ff8a80",
    _Role.Light: "#4a4a4a",
    _Role.Midlight: "#3d3d3d",
    _Role.Mid: "#262626",
    _Role.Dark: "#1a1a1a",
    _Role.Shadow: "#000000",
    _Role.Highlight: "#2f6ec7",
    _Role.HighlightedText: "#ffffff",
    _Role.Link: "#8ab4f8",
    _Role.LinkVisited: "#c58af9",
    _Role.Accent: "#2f6ec7",
}
_DARK_DISABLED: dict[QPalette.ColorRole, str] = {
    _Role.WindowText: "#8c8c8c",
    _Role.Text: "#8c8c8c",
    _Role.ButtonText: "#8c8c8c",
    _Role.Base: "#262626",
    _Role.Highlight: "#4a4a4a",
    _Role.HighlightedText: "#9a9a9a",
}


def dark_palette() -> QPalette:
    """The app's own dark palette, for platforms that give none (drawn with Fusion)."""
    palette = QPalette()
    for role, name in _DARK_COLOURS.items():
        palette.setColor(role, QColor(name))
    for role, name in _DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(name))
    return palette


def parse_appearance(value: object) -> Appearance:
    """An appearance from a setting or the environment; anything else is "system"."""
    text = str(value).strip().lower() if value is not None else ""
    return text if text in APPEARANCES else "system"


def stored_appearance(settings: QSettings) -> Appearance:
    """The choice kept in `settings`."""
    return parse_appearance(settings.value(SETTING, "system"))


def chosen_appearance(settings: QSettings) -> Appearance:
    """The choice for this run: `RECDESK_APPEARANCE` if set, else the stored one."""
    forced = os.environ.get(ENVIRONMENT)
    return parse_appearance(forced) if forced else stored_appearance(settings)


def wants_dark(choice: Appearance) -> bool:
    """Whether `choice` means dark now (for "system": whether the desktop is dark)."""
    if choice == "system":
        return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    return choice == "dark"


class _Applier(QObject):
    """Applies the current choice; again when the desktop's scheme changes under "system"."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.choice: Appearance = "system"
        self.platform_style = app.style().name()  # given back when the platform draws again
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._scheme_changed)

    def apply(self, choice: Appearance) -> None:
        self.choice = choice
        hints = QGuiApplication.styleHints()
        dark = wants_dark(choice)
        # Where the platform draws light and dark itself (Qt 6.8+ on Windows and macOS), asking
        # it for the scheme gives its own palette; elsewhere the request changes nothing.
        if choice == "system":
            hints.unsetColorScheme()
        else:
            hints.setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
        self._set_style(self.platform_style)
        self.app.setPalette(QPalette())  # the platform's own, for the scheme asked
        if is_dark(self.app.palette()) != dark:
            self._set_style("fusion")
            style = self.app.style()
            self.app.setPalette(dark_palette() if dark else style.standardPalette())

    def _set_style(self, name: str) -> None:
        if self.app.style().name().lower() != name.lower() and name in _style_keys():
            self.app.setStyle(QStyleFactory.create(name))

    def _scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.choice == "system":
            self.apply("system")


def _style_keys() -> list[str]:
    names: list[str] = QStyleFactory.keys()
    return [name.lower() for name in names]


def _applier() -> _Applier:
    app = QApplication.instance()
    assert isinstance(app, QApplication), "the appearance needs a QApplication"
    found = app.findChild(_Applier)
    return found if isinstance(found, _Applier) else _Applier(app)


def apply_appearance(choice: Appearance) -> None:
    """Make the app light or dark now, as `choice` says."""
    _applier().apply(choice)


def current_appearance() -> Appearance:
    """The choice applied last ("system" before any)."""
    app = QApplication.instance()
    found = app.findChild(_Applier) if app is not None else None
    return found.choice if isinstance(found, _Applier) else "system"


def start_appearance(settings: QSettings) -> Appearance:
    """Apply this run's choice (call before the first window is built); returns it."""
    choice = chosen_appearance(settings)
    apply_appearance(choice)
    return choice


class AppearanceMenu(ChoiceMenu[Appearance]):
    """View ▸ Appearance: System, Light, Dark; a choice is stored and applied at once."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        names: dict[Appearance, str] = {
            "system": QCoreApplication.translate("AppearanceMenu", "Same as the &system"),
            "light": QCoreApplication.translate("AppearanceMenu", "&Light"),
            "dark": QCoreApplication.translate("AppearanceMenu", "&Dark"),
        }
        title = QCoreApplication.translate("AppearanceMenu", "&Appearance")
        super().__init__(title, names, current_appearance(), parent)
        self._settings = settings

    def choose(self, choice: Appearance) -> None:
        """Keep `choice` in the settings and apply it."""
        self._settings.setValue(SETTING, choice)
        self.choices[choice].setChecked(True)
        apply_appearance(choice)
