"""The free-space guard: recordings stop cleanly before their disk is full, starts wait for space.

Every `disk_check_seconds` the guard reads the free space of the recordings folder's disk and
compares it with the reserve (`--disk-reserve`, `[disk] reserve`):

```
free ≥ 2·reserve      ok
free < 2·reserve      low     one `disk.low` event (`short` false): a warning, nothing stops
free < reserve        short   `disk.low` (`short` true); every active recording is stopped with
                              reason `disk-full` (its worker finishes its files, which are
                              listed), and starts answer 507 `insufficient_storage`
```

An event is published each time the level falls, never twice for the same fall; the guard is
armed again once the free space is back above the level. A start looks at the disk itself, at the
moment it is asked, so starts are accepted again as soon as space is freed. Workers keep a floor
of their own (half the reserve, `Job.disk_reserve`), in case a recording fills the disk between
two of the guard's looks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.api.errors import ApiError, ErrorCode
from app.service.store.eventlog import Publisher

log = logging.getLogger(__name__)

Level = Literal["ok", "low", "short"]
_ORDER: tuple[Level, ...] = ("ok", "low", "short")


@dataclass(frozen=True)
class DiskSpace:
    """The free space of the recordings folder's disk, against the reserve."""

    free: int
    reserve: int

    @property
    def level(self) -> Level:
        """`short` below the reserve, `low` below twice the reserve, else `ok`."""
        if self.free < self.reserve:
            return "short"
        return "low" if self.free < 2 * self.reserve else "ok"

    @property
    def short(self) -> bool:
        """Whether recordings must stop and starts wait."""
        return self.level == "short"

    def describe(self) -> str:
        """`3.2 MiB free, reserve 4.0 MiB`."""
        return f"{size_text(self.free)} free, reserve {size_text(self.reserve)}"


def parse_size(text: str) -> int:
    """`1048576`, `1024K`, `1M` or `1G` (powers of 1024) in bytes; ValueError for anything else."""
    text = text.strip()
    scale = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(text[-1:].upper(), 1)
    size = int(text[:-1] if scale > 1 else text) * scale
    if size < 0:
        raise ValueError(text)
    return size


def read_disk(table: object, error: Callable[[str, str], Exception]) -> int | None:
    """The config's `[disk]` table: its `reserve` in bytes, or None when it gives none."""
    if not isinstance(table, dict):
        raise error("disk", "must be a table ([disk])")
    unknown = sorted(set(table) - {"reserve"})
    if unknown:
        raise error(f"disk.{unknown[0]}", "unknown key; use reserve")
    if "reserve" not in table:
        return None
    value = table["reserve"]
    try:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError
        return parse_size(str(value))
    except ValueError:
        raise error("disk.reserve", f"{value!r}: not a size (268435456, 256M, 1G)") from None


def size_text(size: int) -> str:
    """A size in bytes as people read it, in powers of 1024: `512 B`, `3.2 MiB`, `1.5 GiB`."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


class DiskGuard:
    """Looks at the free space now and then; see the module docstring."""

    def __init__(
        self,
        folder: Path,
        reserve: int,
        *,
        every: float,
        events: Publisher,
        on_checked: Callable[[DiskSpace], None],
    ) -> None:
        self._folder = folder
        self.reserve = reserve
        self._every = every
        self._events = events
        self._on_checked = on_checked
        self._level: Level = "ok"  # the level last published
        self._task: asyncio.Task[None] | None = None

    def space(self) -> DiskSpace:
        """The free space now (a `statvfs`: cheap enough for a request)."""
        return DiskSpace(shutil.disk_usage(self._folder).free, self.reserve)

    def check_start(self) -> None:
        """Refuse a start (507 `insufficient_storage`) while the free space is below the reserve."""
        space = self.space()
        if space.short:
            raise ApiError(
                ErrorCode.insufficient_storage,
                f"the recording folder's disk has {size_text(space.free)} free, less than the "
                f"reserve of {size_text(space.reserve)}; free some space and start again",
            )

    def start(self) -> None:
        """Begin looking, every `every` seconds, from now."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def close(self) -> None:
        """Stop looking."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _watch(self) -> None:
        while True:
            try:
                # Off the event loop: a disk that hangs (a network share) must not hang the API.
                free = (await asyncio.to_thread(shutil.disk_usage, self._folder)).free
            except OSError as exc:
                log.warning("cannot read the free space of %s: %s", self._folder, exc)
            else:
                try:
                    self.checked(DiskSpace(free, self.reserve))
                except Exception:  # the next look tries again; the loop must go on
                    log.exception("the disk guard failed")
            await asyncio.sleep(self._every)

    def checked(self, space: DiskSpace) -> None:
        """Act on one look at the disk: publish a fall, then let the owner act on it."""
        level = space.level
        if _ORDER.index(level) > _ORDER.index(self._level):
            log.warning("the recording folder's disk is %s: %s", level, space.describe())
            self._events.publish(
                "disk.low",
                {
                    "free_bytes": space.free,
                    "reserve_bytes": space.reserve,
                    "short": level == "short",
                },
            )
        elif level != self._level:
            log.info("the recording folder's disk is %s again: %s", level, space.describe())
        self._level = level
        self._on_checked(space)
