"""The app's icon, wherever the app runs from: a source tree, an installed wheel or a bundle.

The icon's files live in `resources/icons/` (the SVG and the PNGs rendered from it). A source
tree and an editable install read them there; a wheel installs them as data files
(`share/recdesk/icons`, found through the distribution's file list, so user and venv installs
alike); a PyInstaller bundle carries them under its own `resources/icons`.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from PySide6.QtGui import QIcon

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
_NAME = "recdesk"


def icons_folder() -> Path | None:
    """The folder holding `recdesk-SIZE.png`, or None if this installation has none."""
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        candidates.append(Path(bundle) / "resources" / "icons")
    candidates.append(Path(__file__).resolve().parents[2] / "resources" / "icons")
    candidates.extend(_installed_folders())
    return next((c for c in candidates if (c / f"{_NAME}-48.png").is_file()), None)


def app_icon() -> QIcon:
    """RecDesk's icon at every size it has (an empty icon where none is installed)."""
    icon = QIcon()
    folder = icons_folder()
    if folder is not None:
        for size in SIZES:
            icon.addFile(str(folder / f"{_NAME}-{size}.png"))
    return icon


def _installed_folders() -> list[Path]:
    try:
        files = distribution(_NAME).files or []
    except PackageNotFoundError:
        return []
    wanted = f"{_NAME}-48.png"
    return [Path(str(f.locate())).parent for f in files if f.name == wanted and "share" in f.parts]
