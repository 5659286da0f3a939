"""Where a recorder worker's job writes: its folder, checked before anything is opened, and how
its files are named.

The job itself (`Job`, `StreamJob`) is a message of `app.worker.protocol`, read there into typed
objects before anything is opened, so a bad job costs nothing and its error is one line an
operator can act on (`JobError`, the caller's fault); it is named here too for the modules that
run it.

File names: a stem is a file name without folder and extension, and may hold the literal
`{part}`. Part `k` of a stem is named

- `{part}` replaced by `k` in three digits (`room_alice_{part}` → `room_alice_001`);
- else `STEM-NNN` when the output is split or `k` > 1 (a worker restarted into part 3 must not
  write over part 1);
- else `STEM`;

and the suffixes `app.media.plan.plan_outputs` gives (`.mp4`, or `.video.mp4` and `.audio.m4a`)
follow it.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.media.errors import OutputError
from app.worker.fields import JobError
from app.worker.protocol import DEFAULT_MAX_IDLE, Job, Mode, StreamJob, parse_job, parse_stream

__all__ = [
    "DEFAULT_MAX_IDLE",
    "Job",
    "JobError",
    "Mode",
    "StreamJob",
    "check_folder",
    "parse_job",
    "parse_stream",
]


def check_folder(folder: Path) -> None:
    """Create the output folder if needed; `OutputError` when it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder}: {exc.strerror or exc}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into {folder}: permission denied")
