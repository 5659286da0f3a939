"""The layout of mixed recordings: the canvas, the regions streams fill, the templates placing them.

- `model`      Canvas, Region, Layout and their parts: frozen data, the names others code against;
- `checks`     validation, with a message per broken rule that names the JSON path of the field;
- `jsonform`   the versioned JSON form and layout files;
- `geometry`   grids, columns, rows and floating windows in even pixels;
- `templates`  StreamRef, `arrange` (a template's regions for the streams in a room) and
               `reflow` (a layout after people join or leave).

Pure Python: the compositor (PyAV), the service (pydantic) and the desktop editor (Qt) build on it.
Imports nothing of ours but `app.errors`.
"""

from __future__ import annotations

from app.layout.errors import LayoutError, LayoutLimitError
from app.layout.model import (
    FIT_MODES,
    TEMPLATES,
    Border,
    Canvas,
    FitMode,
    Layout,
    Placeholder,
    Region,
    TemplateId,
    Watermark,
)
from app.layout.templates import StreamKind, StreamRef, arrange, reflow

__all__ = [
    "FIT_MODES",
    "TEMPLATES",
    "Border",
    "Canvas",
    "FitMode",
    "Layout",
    "LayoutError",
    "LayoutLimitError",
    "Placeholder",
    "Region",
    "StreamKind",
    "StreamRef",
    "TemplateId",
    "Watermark",
    "arrange",
    "reflow",
]
