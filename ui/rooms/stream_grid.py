"""`StreamGrid`: a room's stream cards in as many columns as the width holds.

The columns follow the width the grid is given (a scroll area's viewport: it never scrolls
sideways); the cards share each row's width equally, their pictures growing up to 192 px, so no
space is left over on the right and no detail is cut by a scrollbar. The cards' order is the
order given (`set_cards`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLayout, QSizePolicy, QWidget

from ui.rooms.stream_card import MIN_CARD_WIDTH, StreamCard

SPACING = 8


class StreamGrid(QWidget):
    """The cards of a room's streams, row by row, as many per row as the width holds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._cards: list[StreamCard] = []
        self._columns = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(SPACING)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # The width decides the columns, not the columns the width: the cards placed for a wider
        # grid must not hold it wide.
        self._grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)

    @property
    def columns(self) -> int:
        """How many cards a row holds at the present width."""
        return self._columns

    def set_cards(self, cards: Sequence[StreamCard]) -> None:
        """Show these cards, in this order (cards no longer given are taken out, not deleted)."""
        for card in self._cards:
            if card not in cards:
                self._grid.removeWidget(card)
        self._cards = list(cards)
        self._place(force=True)

    def minimumSizeHint(self) -> QSize:
        """One column of the narrowest cards."""
        return QSize(MIN_CARD_WIDTH, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Lay the cards out again for the new width."""
        super().resizeEvent(event)
        self._place()

    def _place(self, *, force: bool = False) -> None:
        width = self.width()
        columns = max(1, (width + SPACING) // (MIN_CARD_WIDTH + SPACING))
        card_width = (width - SPACING * (columns - 1)) // columns
        for card in self._cards:
            card.fit(card_width)
        if columns == self._columns and not force:
            return
        self._columns = columns
        for card in self._cards:
            self._grid.removeWidget(card)
        for position, card in enumerate(self._cards):
            self._grid.addWidget(card, position // columns, position % columns)
            card.show()
