"""The journal of a local recording, and what the next start finds when the app was killed.

Each local recording writes into a working folder of its own under the desktop's working
directory, beside a `journal.json` that says what it records and for whom:

```
{"version": 1, "id": ..., "spec": {...}, "name": "Team meeting 2026-11-21 18-30-05",
 "started": "2026-11-21T18:30:05+00:00", "pid": 4242, "state": "recording" | "finished"}
```

The journal is written (atomically, by rename) when the recording starts and again when it ends.
A folder whose journal says `recording` while its process is gone was killed: `find_unfinished`
reports it with `killed=True`, and `recover_unfinished` makes its files playable (in place, by
`app.media.recover`; a part with no media is removed). A folder whose journal says `finished`
while its process is gone was never saved (the app died in the save dialog): its files are whole.
A folder whose process still runs belongs to that process (this app's own recording waiting in
its save dialog, another RecDesk window) and is not reported. Once the desktop has moved the files
out, `mark_saved` removes the folder, and the working directory with it when that is left empty;
`discard_unfinished` removes it with whatever is left in it. Either raises `OSError` when
the folder cannot be removed, so that nobody believes it gone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.media.errors import NothingRecorded
from app.media.fileinfo import FileInfo
from app.media.local.spec import LocalSpec
from app.media.recover import recover

log = logging.getLogger(__name__)

JOURNAL = "journal.json"
VERSION = 1


@dataclass(frozen=True)
class Unfinished:
    """A local recording found in the working directory that was never saved."""

    folder: Path
    spec: LocalSpec
    name: str
    started: dt.datetime
    killed: bool
    files: tuple[Path, ...]

    @property
    def size(self) -> int:
        """Bytes in its files."""
        return sum(_size(p) for p in self.files)


def write_journal(folder: Path, data: dict[str, Any]) -> None:
    """Write the journal of the recording in `folder` (atomically)."""
    temp = folder / (JOURNAL + ".tmp")
    temp.write_text(json.dumps({"version": VERSION, **data}, indent=1))
    os.replace(temp, folder / JOURNAL)


def read_journal(folder: Path) -> dict[str, Any] | None:
    """The journal in `folder`, or None if it has none or it cannot be read."""
    try:
        data = json.loads((folder / JOURNAL).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def media_files(folder: Path) -> tuple[Path, ...]:
    """The recording's files in its working folder, in name order (parts in their order)."""
    return tuple(
        sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and not p.name.startswith((JOURNAL, ".")) and p.stat().st_size > 0
        )
    )


def find_unfinished(workdir: Path) -> list[Unfinished]:
    """Recordings in `workdir` never saved: killed ones and finished-but-unsaved ones, oldest first.

    A recording whose process still runs (this app's own, another RecDesk window) is not reported.
    """
    found: list[Unfinished] = []
    if not workdir.is_dir():
        return found
    for folder in sorted(p for p in workdir.iterdir() if p.is_dir()):
        data = read_journal(folder)
        if data is None:
            continue
        if _alive(int(data.get("pid", 0))):
            continue
        killed = data.get("state") == "recording"
        try:
            spec = LocalSpec.from_json(data["spec"])
            started = dt.datetime.fromisoformat(data["started"])
            files = media_files(folder)
        except (KeyError, ValueError, TypeError, OSError) as exc:
            log.warning("skipping %s: its journal does not read: %s", folder, exc)
            continue
        if not files:
            continue
        found.append(
            Unfinished(folder, spec, str(data.get("name", folder.name)), started, killed, files)
        )
    found.sort(key=lambda u: u.started)
    return found


def recover_unfinished(item: Unfinished) -> list[FileInfo]:
    """Make a killed recording's files playable, in place, and describe them (blocking).

    A file that cannot be recovered is left as it is, still in `item.files`, and not described: the
    caller keeps it with the others. A file with no media (a part the recorder was killed in before
    it wrote any) is removed, as the service's runner removes one: there is nothing in it to keep.
    When that leaves the recording no file at all, its working folder is removed too (nothing
    was recorded) and nothing is described. A recording that was not killed needs nothing: its
    files are whole (nothing is rewritten, and none is described).
    """
    if not item.killed:
        return []
    infos = []
    for path in item.files:
        try:
            infos.append(recover(path))
        except NothingRecorded:
            log.info("%s holds no media: removed", path)
            path.unlink(missing_ok=True)
        except Exception as exc:  # one bad part must not cost the others
            log.warning("cannot recover %s: %s", path, exc)
    if infos:
        data = read_journal(item.folder) or {}
        write_journal(item.folder, {**data, "state": "finished"})
    elif not media_files(item.folder):
        mark_saved(item.folder)
    return infos


def discard_unfinished(item: Unfinished) -> None:
    """Remove a recording's working folder and everything in it (`OSError` if it cannot be)."""
    mark_saved(item.folder)


def mark_saved(folder: Path) -> None:
    """The files were moved out: remove the working folder (what is left in it, and the journal),
    and the working directory it was in once no other recording's folder is left there.

    `OSError` if the recording's folder cannot be removed; a folder already gone is fine.
    """
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(folder)
    # The recorder made the (hidden) working directory; an empty one left beside the operator's
    # recordings is clutter. Another recording's folder in it keeps it (the rmdir fails).
    with contextlib.suppress(OSError):
        folder.parent.rmdir()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return _not_zombie(pid)


def _not_zombie(pid: int) -> bool:
    """A killed child that nobody reaped yet still answers signal 0; its state says it is dead."""
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[0] != "Z"
    return True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
