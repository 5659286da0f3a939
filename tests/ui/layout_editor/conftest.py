"""The layout editor's side panel on a document holding the room's grid."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.helpers.layouts import grid_layout, streams
from ui.layout_editor.document import LayoutDocument
from ui.layout_editor.panel import LayoutPanel


@pytest.fixture
def document() -> LayoutDocument:
    """A document holding the room's grid."""
    return LayoutDocument(grid_layout())


@pytest.fixture
def panel(qtbot: QtBot, document: LayoutDocument) -> LayoutPanel:
    """The panel on `document`, with the room's streams, shown at its usual width."""
    widget = LayoutPanel(document)
    widget.set_streams(streams())
    qtbot.addWidget(widget)
    widget.resize(320, 900)
    widget.show()
    return widget
