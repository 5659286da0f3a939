"""A room's stream cards in a grid: as many columns as the width holds, each card as wide as its
column, and a detail too long for its card cut short with "…" and whole in its tooltip."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.api.models import Stream
from ui.rooms.stream_card import CARD_MARGIN, MIN_CARD_WIDTH, THUMB_WIDTH, StreamCard
from ui.rooms.stream_grid import SPACING, StreamGrid


def _streams(count: int, user: str = "u") -> list[Stream]:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        Stream(
            stream_id=f"{user}{i}-camera",
            user_id=f"{user}{i}",
            kind="camera",
            since=since,
            codec="h264",
            width=640,
            height=360,
            fps=30,
        )
        for i in range(count)
    ]


def test_columns_follow_the_width(qtbot: QtBot) -> None:
    grid = StreamGrid()
    qtbot.addWidget(grid)
    cards = [StreamCard(stream) for stream in _streams(9)]
    grid.set_cards(cards)
    grid.show()
    wide = 2 * (THUMB_WIDTH + 2 * CARD_MARGIN) + SPACING  # two cards whose pictures are whole
    for width, columns in (
        (MIN_CARD_WIDTH, 1),
        (wide, 2),
        (3 * MIN_CARD_WIDTH + 2 * SPACING, 3),
        (900, 5),
    ):
        grid.resize(width, 800)
        QApplication.processEvents()
        assert grid.columns == columns
        rows = {card.y() for card in cards}
        assert len(rows) == -(-9 // columns)  # 9 cards, `columns` to a row
        for card in cards:
            assert card.x() + card.width() <= width
        # The row's cards share its width: no more than a few pixels left over.
        top = [card for card in cards if card.y() == min(rows)]
        assert width - sum(c.width() for c in top) - SPACING * (columns - 1) < columns
        # The pictures grow with the cards, up to the snapshots' own width.
        picture = cards[0]._thumb.width()
        assert picture == min(cards[0].width() - 2 * CARD_MARGIN, THUMB_WIDTH)
        if width == wide:
            assert picture == THUMB_WIDTH


def test_a_long_name_is_cut_short_and_whole_in_its_tooltip(qtbot: QtBot) -> None:
    long = _streams(1, user="a-participant-with-a-very-long-name-")[0]
    card = StreamCard(long)
    qtbot.addWidget(card)
    card.fit(MIN_CARD_WIDTH)
    card.show()
    QApplication.processEvents()
    title = card._title
    assert card.title() == "a-participant-with-a-very-long-name-0 · camera"
    assert title.text().endswith("…")
    assert title.toolTip() == card.title()
    assert title.fontMetrics().horizontalAdvance(title.text()) <= title.width()
    # Wide enough, the name is whole and needs no tooltip.
    card.fit(2000)
    QApplication.processEvents()
    assert title.text() == card.title()
    assert title.toolTip() == ""
