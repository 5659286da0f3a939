"""Render `recdesk.svg` into the PNG sizes beside it: `python resources/icons/render.py`.

The PNGs are committed (the window icon, the .deb's hicolor theme and the bundle use them); run
this again after changing the SVG. It uses QtSvg from PySide6 (the desktop extra) offscreen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    """Where the PNG of one size lives."""
    return HERE / f"recdesk-{size}.png"


def render() -> list[Path]:
    """Write every size; return the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(HERE / "recdesk.svg"))
    if not renderer.isValid():
        raise SystemExit("recdesk.svg does not parse")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        if not image.save(str(png_path(size))):
            raise SystemExit(f"could not write {png_path(size)}")
        written.append(png_path(size))
    del app
    return written


if __name__ == "__main__":
    for path in render():
        print(path.name)
