"""How the files of a recording are named, part by part.

Two rules, one per kind of front end:

- **Plain** (`recdesk-record`, the desktop): `STEM.EXT`, or `STEM.EXT` split into
  `STEM-001.EXT`, `STEM-002.EXT`, ... (`app.media.sinks.parts.part_path`). A front end that must
  not replace files checks them first (`existing_outputs`).
- **Numbered** (the worker): a stem may hold the literal `{part}`. Part `k` of a stem is
  `{part}` replaced by `k` in three digits (`room_alice_{part}` → `room_alice_001`); else
  `STEM-NNN` when the output is split or `k` > 1 (a worker restarted into part 3 must not write
  over part 1); else `STEM`; the suffixes of `app.media.plan.plan_outputs` follow. A part whose
  name is taken gets the next free number, and so do the parts after it: a worker never writes
  over a file, not even one a crashed worker left for `app.media.recover`.

Both remember which part each path they gave out is, for the `file` events that say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from app.media.sinks.parts import existing_parts, part_path
from app.media.snapshots import existing_snapshots

PART = "{part}"

# Parts looked at past the one asked for, to find one whose files are all new.
_MAX_SKIPPED_PARTS = 1000


def part_name(stem: str, part: int, *, split: bool) -> str:
    """A part's stem: `{part}` → `007`; else `stem-007` when split or past part 1; else `stem`."""
    if PART in stem:
        return stem.replace(PART, f"{part:03d}")
    if split or part > 1:
        return f"{stem}-{part:03d}"
    return stem


class Names(Protocol):
    """Names the parts of one planned output, and remembers which part each path is."""

    parts: dict[Path, int]

    def path(self, number: int) -> Path:
        """The file of part `number` (without remembering it)."""
        ...

    def __call__(self, number: int) -> Path:
        """The file of part `number` (or a later free one), about to be written."""
        ...


class PlainNames:
    """`path` itself, or its parts `path-001`, ... when split; whatever is on disk."""

    def __init__(self, path: Path, *, split: bool) -> None:
        self._path = path
        self._split = split
        self.parts: dict[Path, int] = {}

    def path(self, number: int) -> Path:
        """The file of part `number` (without remembering it)."""
        return part_path(self._path, number) if self._split else self._path

    def __call__(self, number: int) -> Path:
        """The file of part `number`, about to be written."""
        path = self.path(number)
        self.parts[path] = number
        return path


class PartNames:
    """Numbered names (see the module docstring) that never name a file on disk."""

    def __init__(self, folder: Path, stem: str, suffix: str, *, numbered: bool) -> None:
        self._folder = folder
        self._stem = stem
        self._suffix = suffix
        self._numbered = numbered
        self._skipped = 0
        self.parts: dict[Path, int] = {}

    def path(self, number: int) -> Path:
        """The file of part `number` (without remembering it)."""
        return self._folder / (part_name(self._stem, number, split=self._numbered) + self._suffix)

    def __call__(self, number: int) -> Path:
        """The file of part `number` (or a later free one), about to be written."""
        number += self._skipped
        while (path := self.path(number)).exists():
            number += 1
            self._skipped += 1
        self.parts[path] = number
        return path


def free_part(names: Sequence[Names], first: int) -> int:
    """`first`, or the next part number whose files are all new."""
    for number in range(first, first + _MAX_SKIPPED_PARTS):
        if not any(n.path(number).exists() for n in names):
            return number
    return first + _MAX_SKIPPED_PARTS


def existing_outputs(
    paths: Sequence[Path], stem: Path, *, split: bool, snapshots: bool
) -> list[Path]:
    """The files plainly named outputs of `paths` would replace (any part, any snapshot)."""
    taken: list[Path] = []
    for path in paths:
        taken += existing_parts(path) if split else [path]
    if snapshots:
        taken += existing_snapshots(stem)
    return [p for p in taken if p.exists()]
