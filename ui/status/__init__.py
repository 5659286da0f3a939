"""What the operator sees at a glance: the status bar (connection, what records here and on the
service, free disk space), and the tray icon with its menu and the notifications of recordings
that ended (the error banner is `ui.common.banner`)."""

from ui.status.counts import Counts, RecordingCounter
from ui.status.line import StatusLine
from ui.status.notices import Notice
from ui.status.tray import Tray

__all__ = ["Counts", "Notice", "RecordingCounter", "StatusLine", "Tray"]
