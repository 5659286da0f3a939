"""Local recording on the desktop: the engine behind the desktop's local recorder panel.

```
spec      LocalSpec / LocalInput / QUALITIES: what to record, how (plain data, kept in the journal)
build     LocalSpec → opened source (one input copied, or a MixSource) + sinks
monitor   Monitor: frames written and dropped, sound level, preview (a sink that writes nothing)
recorder  LocalRecorder: the recording's threads, controls, figures, disk-space guard
members   JoinFailed; newcomers join through app.media.pipeline.members
journal   the working folder's journal; find / recover / discard what a killed app left
```

No Qt here: the desktop bridges `on_event` (called on the recorder's threads) to its own thread.
"""

from __future__ import annotations

from app.media.local.journal import (
    Unfinished,
    discard_unfinished,
    find_unfinished,
    mark_saved,
    media_files,
    recover_unfinished,
)
from app.media.local.members import JoinFailed
from app.media.local.monitor import Preview
from app.media.local.recorder import (
    SILENCE_WARNING,
    DiskLow,
    Ended,
    LocalRecorder,
    RecorderStats,
    SourceLevel,
)
from app.media.local.spec import (
    DEFAULT_QUALITY,
    LOCAL_FORMATS,
    QUALITIES,
    LocalInput,
    LocalSpec,
    Quality,
)

__all__ = [
    "DEFAULT_QUALITY",
    "LOCAL_FORMATS",
    "QUALITIES",
    "SILENCE_WARNING",
    "DiskLow",
    "Ended",
    "JoinFailed",
    "LocalInput",
    "LocalRecorder",
    "LocalSpec",
    "Preview",
    "Quality",
    "RecorderStats",
    "SourceLevel",
    "Unfinished",
    "discard_unfinished",
    "find_unfinished",
    "mark_saved",
    "media_files",
    "recover_unfinished",
]
