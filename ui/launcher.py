"""`recdesk`: the desktop app's command, which checks for its extra before it imports Qt.

The desktop needs the `desktop` extra (PySide6, qasync). Installed without it, `recdesk` says in
one line how to install it and exits with status 1, rather than ending in an import traceback;
`recdesk --version` answers without starting Qt at all. Everything else is `ui.main`.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Sequence

from app.version import version_line

# The desktop extra's modules that `ui.main` imports before anything can be shown.
DESKTOP_MODULES = ("PySide6", "qasync")
INSTALL_HINT = "pip install 'recdesk[desktop]'"


def missing_modules() -> list[str]:
    """The desktop extra's modules this Python cannot import."""
    return [name for name in DESKTOP_MODULES if importlib.util.find_spec(name) is None]


def main(argv: Sequence[str] | None = None) -> int:
    """Answer `--version`, or check the extra and run the app."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--version" in args:
        print(version_line("recdesk"))
        return 0
    if missing := missing_modules():
        _tell(
            f"recdesk: the desktop app needs {' and '.join(missing)}; "
            f"install it with: {INSTALL_HINT}"
        )
        return 1
    from ui.main import main as run_app

    return run_app(args)


def _tell(line: str) -> None:
    # A GUI script on Windows has no console (stderr is None): the line goes to a message box.
    if sys.stderr is None and os.name == "nt":
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, line, "RecDesk", 0x10)  # type: ignore[attr-defined]
        return
    print(line, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
