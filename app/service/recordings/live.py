"""A running recording as it is now: the files it is writing, and the mix's current picture.

`writing_files` lists what a recording's worker is writing and not yet listed (a part is listed
once closed), with sizes, so that a client sees them grow. `LivePictures` renders a mixed
recording's layout in force from its room's current frames, scaled down, and keeps the answer for
`max_age` seconds: every viewer of one recording within that time shares one render, so the
service's cost follows the refresh rate, not the number of viewers.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from app.api.errors import ApiError, ErrorCode
from app.api.live import WritingFile
from app.layout.model import Layout
from app.service.images.store import ImageStore
from app.service.recordings.layouts import preview_jpeg
from app.service.recordings.task import ActiveTask
from app.service.rooms.base import LiveStream

# A picture this recent is served again rather than rendered: a viewer refreshing a few times a
# second sees every change, and more viewers cost nothing more.
PICTURE_MAX_AGE = 0.25


def writing_files(task: ActiveTask, paths: list[Path], data_dir: Path) -> list[WritingFile]:
    """The files `task` is writing (`paths`, absolute), with their sizes so far."""
    by_stem = {stem.split("{part}", 1)[0]: sid for sid, stem in task.rec.stems.items()}
    found = []
    for path in paths:
        try:
            size = path.stat().st_size
        except OSError:
            continue  # closed and moved meanwhile: it is listed now
        # The longest stem that starts the name says whose file it is ("" is the mix).
        owners = [stem for stem in by_stem if stem and path.name.startswith(stem)]
        owner = by_stem[max(owners, key=len)] if owners else ""
        found.append(
            WritingFile(
                name=path.name,
                path=str(path.relative_to(data_dir))
                if path.is_relative_to(data_dir)
                else path.name,
                size=size,
                stream_id=owner or None,
            )
        )
    return found


class LivePictures:
    """The current pictures of mixed recordings, rendered at most once per `max_age` each."""

    def __init__(self, images: ImageStore, max_age: float = PICTURE_MAX_AGE) -> None:
        self._images = images
        self._max_age = max_age
        self._kept: dict[tuple[str, int | None], tuple[float, bytes]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def picture(
        self, task: ActiveTask, streams: dict[str, LiveStream], width: int | None
    ) -> bytes:
        """The recording's mix as it would look now, as a JPEG at most `width` wide."""
        layout = task.rec.layout
        if task.rec.mode != "mixed" or not isinstance(layout, Layout):
            raise ApiError(
                ErrorCode.recording_state,
                f"recording {task.id} is single-stream: it has no mix; ask for its streams' "
                "snapshots instead",
            )
        key = (task.id, width)
        lock = self._locks.setdefault(task.id, asyncio.Lock())
        async with lock:  # a second viewer waits for the first one's render and shares it
            kept = self._kept.get(key)
            if kept is not None and time.monotonic() - kept[0] < self._max_age:
                return kept[1]
            jpeg = await asyncio.to_thread(
                preview_jpeg, layout, streams, self._images, max_width=width
            )
            self._forget_ended(task.id)
            self._kept[key] = (time.monotonic(), jpeg)
            return jpeg

    def _forget_ended(self, keep: str) -> None:
        # Pictures of other recordings that nobody asked for lately are dropped.
        now = time.monotonic()
        for key in [k for k, (at, _) in self._kept.items() if k[0] != keep and now - at > 60]:
            del self._kept[key]
            if not any(k[0] == key[0] for k in self._kept):
                self._locks.pop(key[0], None)
