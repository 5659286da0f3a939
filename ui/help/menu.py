"""The window's Help menu: the README's quick start, the service's API page, the window's
keyboard shortcuts and About."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from ui.common.banner import ErrorBanner
from ui.common.translate import translate
from ui.help.quick_start import QuickStartDialog
from ui.help.shortcuts import ShortcutsDialog


class HelpMenu(QMenu):
    """Help, for `window`, whose service is at `url()`; failures to open a page go to `banner`."""

    def __init__(self, window: QMainWindow, url: Callable[[], str], banner: ErrorBanner) -> None:
        super().__init__(translate("HelpMenu", "&Help"), window)
        self._window, self._url, self._banner = window, url, banner
        self._add(
            translate("HelpMenu", "&Quick start"),
            QKeySequence.StandardKey.HelpContents,
            self.quick_start,
        )
        self.api_page_action = self._add(
            translate("HelpMenu", "Open the service's &API page"), None, self.open_docs
        )
        self._add(
            translate("HelpMenu", "&Keyboard shortcuts"), QKeySequence("Ctrl+/"), self.shortcuts
        )
        self.addSeparator()
        self._add(translate("HelpMenu", "&About RecDesk"), None, self.about)

    def _add(
        self,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | None,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def open_docs(self) -> None:
        """Open the service's API page in a browser; the banner says so when none opens."""
        url = f"{self._url()}/docs"
        if not QDesktopServices.openUrl(QUrl(url)):
            self._banner.show_error(
                translate("HelpMenu", "No web browser opened {0}.").format(url),
                translate(
                    "HelpMenu",
                    "Open that address in a browser yourself: the service's API page is there.",
                ),
            )

    def quick_start(self) -> QuickStartDialog:
        """Show the README's quick start."""
        dialog = QuickStartDialog(self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def shortcuts(self) -> ShortcutsDialog:
        """List the window's keyboard shortcuts, from its menus' own actions."""
        dialog = ShortcutsDialog(self._window.menuBar(), self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def about(self) -> None:
        """RecDesk, and the service it is connected to."""
        QMessageBox.about(
            self._window,
            translate("HelpMenu", "About RecDesk"),
            translate(
                "HelpMenu",
                "<h3>RecDesk</h3><p>Record real-time audio/video rooms: single-stream or mixed, "
                "in parts, with pause and resume.</p><p>Connected to {0}</p>",
            ).format(self._url()),
        )
