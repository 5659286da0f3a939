"""How a local recording ended, as the panel says it, and what is left of an ended one on disk.

`why_ended(ended, disk)` is the status line's reason for an end the operator did not ask for
("" for a stop); `FAILURES` are the ends it shows in red. `written(folder)` lists the media an
ended recording left (a file the recorder could not finish still holds media), and
`remove_empty(folder)` drops a working folder with nothing to save, so that the next start
offers nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from app.media.local import DiskLow, Ended, mark_saved, media_files
from ui.common.formats import format_size
from ui.common.translate import translate

log = logging.getLogger(__name__)

# Ends the status line shows in red; a source that ended, or a stop, is no failure.
FAILURES = ("error", "disk-full", "idle")


def why_ended(ended: Ended, disk: DiskLow | None) -> str:
    """Why the recording stopped, if the operator did not ask for it (`disk`: the last warning)."""
    match ended.reason:
        case "stopped":
            return ""
        case "disk-full":
            free = disk.free if disk is not None else None
            return (
                translate("LocalRecorderPanel", "Stopped: disk almost full ({0} left).").format(
                    format_size(free)
                )
                if free is not None
                else translate("LocalRecorderPanel", "Stopped: disk almost full.")
            )
        case "source-ended":
            return translate("LocalRecorderPanel", "Stopped: the source ended.")
        case "idle":
            return translate("LocalRecorderPanel", "Stopped: the source sent nothing for a while.")
        case "error":
            return translate("LocalRecorderPanel", "Failed: {0}").format(
                ended.message or translate("LocalRecorderPanel", "no reason given")
            )
        case other:
            return translate("LocalRecorderPanel", "Stopped ({0}).").format(ended.message or other)


def written(folder: Path) -> tuple[Path, ...]:
    """The media files in an ended recording's folder (none if it cannot be read)."""
    try:
        return media_files(folder)
    except OSError:
        return ()


def remove_empty(folder: Path) -> None:
    """Remove the folder of a recording that left nothing to save."""
    try:
        mark_saved(folder)
    except OSError as exc:
        log.warning("cannot remove the empty recording folder %s: %s", folder, exc)
