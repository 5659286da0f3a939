"""Tables as the desktop shows them: read-only, whole rows, one selected at a time."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSize, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

DEFAULT_ROWS = 4


class RowsTable(QTableView):
    """A table whose preferred height holds a few rows (`rows`) under its header.

    Qt's default (192 px, whatever the rows) made a panel that scrolls, which lays its widgets out
    at their preferred heights, taller than the screen; a table asks for a few rows and gets the
    rest of the space from its layout's stretch."""

    def __init__(self, rows: int = DEFAULT_ROWS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows

    def sizeHint(self) -> QSize:
        """The default width; the header and `rows` rows high."""
        hint = super().sizeHint()
        header = self.horizontalHeader().sizeHint().height()
        frame = 2 * self.frameWidth()
        height = header + self.rows * self.verticalHeader().defaultSectionSize() + frame
        return QSize(hint.width(), height)

    def minimumSizeHint(self) -> QSize:
        """The header and a row: a table squeezed further shows nothing."""
        hint = super().minimumSizeHint()
        header = self.horizontalHeader().sizeHint().height()
        height = header + self.verticalHeader().defaultSectionSize() + 2 * self.frameWidth()
        return QSize(hint.width(), height)


def table_view(model: QAbstractItemModel, rows: int = DEFAULT_ROWS) -> RowsTable:
    """A read-only table of whole rows, one selected at a time, as the recordings' lists show
    them; `rows` rows high where its layout has no more room to give it."""
    view = RowsTable(rows)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
    return view
