"""Open a file or a folder with the system's programs, and say what to do where none can.

`QDesktopServices.openUrl` hands the path to the desktop (on Linux `xdg-open`); without one (no
file manager or player, a bare window manager, a server's session) it only returns False and
prints a line on the terminal, which the operator does not see. Here a path that could not be
opened is put on the clipboard, and what happened and what to do come back as the pair a window's
banner shows (`what, todo`), as an operation's failure does.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from ui.common.translate import translate

Failure = tuple[str, str]  # what happened, what to do


def open_folder(folder: Path) -> Failure | None:
    """Show `folder` in the file manager; None once it is, else why not and what to do."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return None
    QGuiApplication.clipboard().setText(str(folder))
    return (
        translate("Opening", "No file manager could open the folder {0}.").format(folder),
        translate(
            "Opening",
            "Its path is on the clipboard: paste it into a file manager or a terminal. "
            "To open folders from RecDesk, install a file manager (xdg-open opens it).",
        ),
    )


def open_file(path: Path) -> Failure | None:
    """Open `path` in the system's program for it; None once it is, else why not and what to do."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return None
    QGuiApplication.clipboard().setText(str(path))
    return (
        translate("Opening", "No program could open {0}.").format(path),
        translate(
            "Opening",
            "Its path is on the clipboard: open it in a video player. To play recordings from "
            "RecDesk, install a player the desktop opens videos with (xdg-open starts it).",
        ),
    )
