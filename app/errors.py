"""The root of RecDesk's error tree.

Every error RecDesk raises on purpose derives from `RecDeskError`; each layer adds its own subtree
(`app.media.errors` for the engine, ...). An error knows whose fault it is: `caller_fault` is true
when the input was wrong (a missing file, an unknown format) and false when the system failed (a
disk, a network, a codec). Front ends map that to an exit status or an HTTP status and print
`str(error)`, which is always one line that says what to fix.

This module imports nothing of ours.
"""

from __future__ import annotations


class RecDeskError(Exception):
    """Base of every error RecDesk raises on purpose."""

    caller_fault: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
