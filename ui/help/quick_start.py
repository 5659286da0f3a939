"""The README's "Quick start", shown in the app from the copy that ships with it.

A source checkout has `README.md` beside `ui/`; an installed wheel or a bundle has the same text
as its distribution's long description (`recdesk-*.dist-info/METADATA`, which the bundle copies
for `--version`). Either way the operator reads it without a network or a browser.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

SOURCE_README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Quick start"


def readme() -> tuple[str, Path | None]:
    """The README's text, and the file it came from (None: the installed distribution's)."""
    if SOURCE_README.is_file():
        return SOURCE_README.read_text(encoding="utf-8"), SOURCE_README
    try:
        meta = importlib.metadata.metadata("recdesk")
    except importlib.metadata.PackageNotFoundError:
        return "", None
    # The long description: a header of its own, or the message's body (which the adapter of
    # `importlib.metadata` gives as "Description" too).
    return "\n".join(meta.get_all("Description") or []), None


def quick_start(text: str) -> str:
    """The "Quick start" section of a README (its heading included), or '' if it has none."""
    start = text.find(SECTION + "\n")
    if start < 0:
        return ""
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end >= 0 else len(text)].strip() + "\n"


class QuickStartDialog(QDialog):
    """The quick start, rendered; its links open in the browser (or the file beside the README)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Quick start"))
        text, self._source = readme()
        section = quick_start(text)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._follow)
        if section:
            self.text.setMarkdown(section)
        else:
            self.text.setPlainText(
                self.tr("This copy of RecDesk carries no README; see the project's home page.")
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(720, 600)

    def _follow(self, url: QUrl) -> None:
        if url.isRelative() and self._source is not None:
            # A link to docs/…: the file of the checkout the README is in.
            target = (self._source.parent / url.path()).resolve()
            url = QUrl.fromLocalFile(str(target))
        if not url.isRelative():
            QDesktopServices.openUrl(url)
