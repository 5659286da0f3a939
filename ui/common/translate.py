"""Words shown to the operator outside a class, extracted under the context they are looked up in.

`pyside6-lupdate` reads `translate("Context", "text")` (a literal context) and `Name.tr("text")`
(the name before `.tr` is the context; `self.tr` in a class means the class's name). A
module-level `tr(text)` wrapper with its context in a variable cannot be read: its messages would
land in an empty context and never be found at run time.

Plural messages outside a class use a `TranslationContext` named like its context
(`SaveFlow = TranslationContext("SaveFlow")`, then `SaveFlow.tr("%n file(s)", "", count)`):
lupdate takes a `translate(...)` call's fourth argument for an old encoding argument when it is a
name, so `translate(context, text, None, count)` would not be extracted as a plural message.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def translate(context: str, text: object, disambiguation: str | None = None, n: int = -1) -> str:
    """`text` in the operator's language, looked up in `context`.

    `text` is `object` because that is what `QT_TRANSLATE_NOOP` is typed to give back, for names
    kept in tables and translated when shown.
    """
    return QCoreApplication.translate(context, str(text), disambiguation, n)


class TranslationContext:
    """A translation context by name, with `tr` as a QObject subclass has it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def tr(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:
        """`text` in the operator's language; `n` picks the plural form of a `%n` message."""
        return QCoreApplication.translate(self.name, text, disambiguation, n)
