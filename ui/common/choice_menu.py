"""`ChoiceMenu`: a menu of exclusive, checkable choices (View ▸ Appearance, View ▸ Language)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, TypeVar

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

Choice = TypeVar("Choice", bound=str)


class ChoiceMenu(QMenu, Generic[Choice]):
    """One checkable action per choice, the current one checked; picking one calls `choose`."""

    def __init__(
        self, title: str, names: Mapping[Choice, str], current: Choice, parent: QWidget | None
    ) -> None:
        super().__init__(title, parent)
        group = QActionGroup(self)
        group.setExclusive(True)
        self.choices: dict[Choice, QAction] = {}
        for choice, name in names.items():
            action = QAction(name, group)
            action.setCheckable(True)
            action.setChecked(choice == current)
            action.triggered.connect(lambda _checked=False, c=choice: self.choose(c))
            self.addAction(action)
            self.choices[choice] = action

    def choose(self, choice: Choice) -> None:
        """What picking `choice` does (the menus below say)."""
        raise NotImplementedError
