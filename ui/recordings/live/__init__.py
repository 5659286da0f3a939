"""The live view of a running service recording (`LiveView`), under the record buttons."""

from ui.recordings.live.view import LiveView

__all__ = ["LiveView"]
