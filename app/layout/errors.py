"""Errors of the layout model.

```
RecDeskError
└── LayoutError         a layout, its JSON or its file is wrong          (caller's fault)
    └── LayoutLimitError  it is beyond a documented limit (canvas, regions)
```

A message is one line that names the bad field by its JSON path and says what to fix
(`regions[2].width: must be a positive even number, got 15`). Validation finds every problem at
once: the message is the first, `problems` holds them all, for an editor that marks each field.

Imports only `app.errors`.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import RecDeskError


class LayoutError(RecDeskError):
    """A layout that cannot be used as it is; `problems` lists every problem found."""

    caller_fault = True

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems: tuple[str, ...] = tuple(problems) or (message,)


class LayoutLimitError(LayoutError):
    """A layout beyond one of the limits of `app.layout.checks` (canvas size, region count).

    Apart from other problems because a service answers it with its own code, and because such a
    layout is refused before anything else about it is looked at.
    """
