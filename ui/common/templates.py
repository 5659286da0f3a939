"""The layout templates' names as the operator reads them, the same in the editor and the record
controls (translated in the layout editor's context, where they were first written)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

TEMPLATE_NAMES = {
    "grid": QT_TRANSLATE_NOOP("LayoutEditor", "Grid"),
    "floating": QT_TRANSLATE_NOOP("LayoutEditor", "Floating (picture in picture)"),
    "vertical": QT_TRANSLATE_NOOP("LayoutEditor", "Side by side: main + column"),
    "horizontal": QT_TRANSLATE_NOOP("LayoutEditor", "Main above a row"),
    "speaker": QT_TRANSLATE_NOOP("LayoutEditor", "Active speaker"),
    "screen_share": QT_TRANSLATE_NOOP("LayoutEditor", "Screen share"),
    "custom": QT_TRANSLATE_NOOP("LayoutEditor", "Custom"),
}


def template_name(template: str) -> str:
    """A template's readable name, the same in the editor and the record controls."""
    return QCoreApplication.translate("LayoutEditor", str(TEMPLATE_NAMES.get(template, template)))
