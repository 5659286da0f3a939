"""The app's colours by meaning, resolved against the palette in use so text stays readable.

```
role        light     dark       drawn as
error       red       pink       failures, refused fields, missing files
warning     amber     yellow     problems that do not stop anything
ok          green     green      completed, connected
recording   red       pink       a recording in progress
paused      amber     yellow     a paused recording
live        green     green      a room where someone publishes
info        blue      blue       uploads
idle, hint  grey      grey       idle rooms, states in between, captions and hints
```

Each colour is a hue per palette (light or dark, `is_dark`), then made darker or lighter until its
contrast with the background it is drawn on reaches `MIN_CONTRAST` (WCAG's 4.5:1 for text;
`readable`), so a platform's own palette (a high-contrast theme, a tinted window) keeps it too.
The error banner and the warning notes are a tint of their hue over the window colour with the
window's text colour on it (`box_colours`).

Widgets take these through `tint(widget, role)`, which sets the widget's own palette and sets it
again on every palette change (`follow_palette`): switching between light and dark while the app
runs restyles them. Style sheets would not follow: Qt freezes a styled widget's palette when it
is polished, and sends it no palette change afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QEvent, QObject, QRectF
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

Role = Literal["error", "warning", "ok", "recording", "paused", "live", "info", "idle", "hint"]

MIN_CONTRAST = 4.5  # WCAG 2 AA for body text

# Hues per palette, before `readable` adjusts them to the background actually drawn on.
_LIGHT: dict[Role, str] = {
    "error": "#c5221f",
    "warning": "#a35200",
    "ok": "#137333",
    "recording": "#c5221f",
    "paused": "#a35200",
    "live": "#137333",
    "info": "#1a5fc8",
    "idle": "#5f6368",
    "hint": "#5f6368",
}
_DARK: dict[Role, str] = {
    "error": "#f28b82",
    "warning": "#fdd663",
    "ok": "#81c995",
    "recording": "#f28b82",
    "paused": "#fdd663",
    "live": "#81c995",
    "info": "#8ab4f8",
    "idle": "#a8abb0",
    "hint": "#a8abb0",
}
_STATE_ROLES: dict[str, Role] = {
    "starting": "idle",
    "recording": "recording",
    "paused": "paused",
    "stopping": "idle",
    "uploading": "info",
    "completed": "ok",
    "failed": "error",
}


def relative_luminance(colour: QColor) -> float:
    """WCAG's relative luminance of an sRGB colour: 0 black, 1 white."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    rgb = colour.toRgb()
    return (
        0.2126 * linear(rgb.redF()) + 0.7152 * linear(rgb.greenF()) + 0.0722 * linear(rgb.blueF())
    )


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    a, b = relative_luminance(first), relative_luminance(second)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def _is_dark_colour(colour: QColor) -> bool:
    # Dark where white text on it reads better than black text.
    return contrast_ratio(colour, QColor("#ffffff")) > contrast_ratio(colour, QColor("#000000"))


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether `palette` (the application's by default) draws windows dark."""
    palette = palette if palette is not None else QGuiApplication.palette()
    return _is_dark_colour(palette.color(QPalette.ColorRole.Window))


def readable(colour: QColor, *backgrounds: QColor, minimum: float = MIN_CONTRAST) -> QColor:
    """`colour`, darkened on light backgrounds or lightened on dark ones just enough to reach
    `minimum` contrast with every one of `backgrounds` (which are all light or all dark)."""
    if not backgrounds:
        return QColor(colour)
    towards = QColor("#000000") if not _is_dark_colour(backgrounds[0]) else QColor("#ffffff")
    found = QColor(colour)
    step = 0
    while min(contrast_ratio(found, bg) for bg in backgrounds) < minimum and step < 20:
        step += 1
        found = _mix(colour, towards, step / 20)
    return found


def _mix(first: QColor, second: QColor, amount: float) -> QColor:
    """`first` moved `amount` (0 to 1) of the way to `second`."""
    a, b = first.toRgb(), second.toRgb()
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def colour(role: Role, palette: QPalette | None = None, *on: QColor) -> QColor:
    """The colour of `role` for text on `on` (the palette's window colour if none is given)."""
    palette = palette if palette is not None else QGuiApplication.palette()
    backgrounds = on or (palette.color(QPalette.ColorRole.Window),)
    hue = (_DARK if is_dark(palette) else _LIGHT)[role]
    return readable(QColor(hue), *backgrounds)


def row_colour(role: Role, palette: QPalette | None = None) -> QColor:
    """The colour of `role` for text in a table's or list's rows (plain and alternate)."""
    palette = palette if palette is not None else QGuiApplication.palette()
    return colour(
        role,
        palette,
        palette.color(QPalette.ColorRole.Base),
        palette.color(QPalette.ColorRole.AlternateBase),
    )


def state_role(state: str) -> Role:
    """The role a recording state is written in: red recording or failed, amber paused, blue
    uploading, green completed, grey otherwise."""
    return _STATE_ROLES.get(state, "idle")


@dataclass(frozen=True)
class BoxColours:
    """A coloured box's background, border and text."""

    background: QColor
    border: QColor
    text: QColor


def box_colours(role: Role, palette: QPalette | None = None) -> BoxColours:
    """A box tinted with `role`'s hue over the window colour (the error banner is `error`, the
    warning notes `warning`), with the window's text colour made readable on it."""
    palette = palette if palette is not None else QGuiApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    hue = QColor((_DARK if is_dark(palette) else _LIGHT)[role])
    dark = is_dark(palette)
    background = _mix(window, hue, 0.22 if dark else 0.12)
    border = _mix(window, hue, 0.6 if dark else 0.45)
    text = readable(palette.color(QPalette.ColorRole.WindowText), background)
    return BoxColours(background, border, text)


def paint_box(widget: QWidget, role: Role, radius: float) -> None:
    """Fill `widget` with `role`'s tinted box and its border (from its `paintEvent`)."""
    colours = box_colours(role, widget.palette())
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colours.border, 1))
    painter.setBrush(colours.background)
    painter.drawRoundedRect(QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    painter.end()


class _PaletteFollower(QObject):
    """Calls `restyle` whenever its widget's palette changes (an event filter on it)."""

    def __init__(self, widget: QWidget, restyle: Callable[[], None]) -> None:
        super().__init__(widget)
        self.restyle = restyle
        self._busy = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Restyle on a palette change (not on the change restyling itself makes)."""
        kind = event.type()
        if kind in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.run()
        return False

    def run(self) -> None:
        """Restyle once; the palette change that restyling makes does not restyle again."""
        if self._busy:
            return
        self._busy = True
        try:
            self.restyle()
        finally:
            self._busy = False


def follow_palette(widget: QWidget, restyle: Callable[[], None], name: str = "") -> None:
    """Call `restyle` now and again whenever `widget`'s palette changes (light to dark, a new
    system theme). One follower per `name` and widget: a second call replaces its `restyle`."""
    key = f"paletteFollower:{name}"
    found = [c for c in widget.children() if isinstance(c, _PaletteFollower)]
    follower = next((c for c in found if c.objectName() == key), None)
    if follower is None:
        follower = _PaletteFollower(widget, restyle)
        follower.setObjectName(key)
    follower.restyle = restyle
    follower.run()


def tint(widget: QWidget, role: Role | None) -> None:
    """Write `widget`'s text in `role`'s colour, readable on the background it is drawn on,
    in any palette; None gives it back the palette's own text colour."""

    def restyle() -> None:
        if role is None:
            widget.setPalette(QPalette())  # nothing of its own: all inherited again
            return
        palette = widget.palette()
        ink = colour(role, palette)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.WindowText, ink)
            palette.setColor(group, QPalette.ColorRole.Text, ink)
        widget.setPalette(palette)

    follow_palette(widget, restyle, "tint")
