"""The files one recorded source goes into: a file (or parts) per planned output, and snapshots.

Single mode builds these for each stream, mixed mode once for the mix. The outputs follow
`app.media.plan.plan_outputs` for the job's stream type and format, are named by the job's rule
(`part_name`), and are split into parts when the job says so. The part
numbers start at the number asked for, moved past any file already on disk: a worker never writes
over a file, not even one a crashed worker left for `app.media.recover` (a part whose name is
taken gets the next free number).

Video always gets a `Snapshotter` (every `snapshot_seconds`, or only when asked), so the
`snapshot` command works in every recording with a picture.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path

from app.errors import RecDeskError
from app.media.fileinfo import FileInfo
from app.media.formats import ContainerFormat
from app.media.plan import OutputPlan, plan_outputs
from app.media.sinks.base import MediaSink
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sinks.parts import PartedSink
from app.media.snapshots import Snapshot, Snapshotter
from app.media.sources import MediaSource
from app.worker.job import Job

# Parts looked at past the one asked for, to find one whose files are all new.
_MAX_SKIPPED_PARTS = 1000


PART = "{part}"


def part_name(stem: str, part: int, *, split: bool) -> str:
    """A part's stem: `{part}` → `007`; else `stem-007` when split or past part 1; else `stem`."""
    if PART in stem:
        return stem.replace(PART, f"{part:03d}")
    if split or part > 1:
        return f"{stem}-{part:03d}"
    return stem


class PartNames:
    """Names the parts of one planned output, and remembers which part each path is.

    A part whose file exists already takes the next free number, and so do the parts after it.
    """

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


class Outputs:
    """The sinks and snapshotter of one recorded source, and the part number of each file."""

    def __init__(
        self, sinks: list[MediaSink], snapshots: Snapshotter | None, names: list[PartNames]
    ) -> None:
        self.sinks = sinks
        self.snapshots = snapshots
        self._names = names

    def part_of(self, info: FileInfo) -> int | None:
        """The part number of a finished file."""
        for names in self._names:
            if (number := names.parts.get(info.path)) is not None:
                return number
        return None

    @property
    def next_part(self) -> int:
        """The first part number none of these outputs used."""
        return max((n for names in self._names for n in names.parts.values()), default=0) + 1

    def close(self) -> None:
        """Close every sink (when the recording could not start): files that got nothing go."""
        for sink in self.sinks:
            with contextlib.suppress(RecDeskError):  # the error that stopped the start is reported
                sink.close()
        if self.snapshots is not None:
            self.snapshots.close()


def build_outputs(
    source: MediaSource,
    job: Job,
    stem: str,
    *,
    first: int,
    label: str,
    on_snapshot: Callable[[Snapshot], None],
) -> Outputs:
    """Open the files `source` is recorded into; `NoStreamError` when it lacks what the stream
    type needs, `OutputError` when a file cannot be written."""
    plans = plan_outputs(
        source.streams, job.stream_type, job.folder / stem, job.format, label=label
    )
    numbered = job.split_seconds is not None
    names = [PartNames(job.folder, stem, _suffix(plan, stem), numbered=numbered) for plan in plans]
    first = _free_part(names, first)
    sinks: list[MediaSink] = []
    try:
        for plan, named in zip(plans, names, strict=True):
            sinks.append(_sink(plan, source, job, named, first))
    except RecDeskError:
        Outputs(sinks, None, names).close()
        raise
    video = next((s for plan in plans for s in plan.streams if s.type == "video"), None)
    snapshots = None
    if video is not None:
        snapshots = Snapshotter(
            video,
            job.folder / part_name(stem, first, split=numbered),
            every=job.snapshot_seconds,
            on_snapshot=on_snapshot,
        )
    return Outputs(sinks, snapshots, names)


def _sink(
    plan: OutputPlan, source: MediaSource, job: Job, names: PartNames, first: int
) -> MediaSink:
    inputs = [StreamInput(s, source.frame_rate(s)) for s in plan.streams]

    def make(path: Path, fmt: ContainerFormat = plan.format) -> ContainerSink:
        return ContainerSink(path, fmt, inputs, live=source.live)

    if job.split_seconds is None:
        return make(names(first))
    return PartedSink(
        plan.path, plan.streams, make, split=job.split_seconds, name=names, first=first
    )


def _suffix(plan: OutputPlan, stem: str) -> str:
    """What `plan_outputs` put after the stem (`.mp4`, `.video.mp4`, `.audio.m4a`)."""
    return plan.path.name[len(stem) :]


def _free_part(names: Sequence[PartNames], first: int) -> int:
    """`first`, or the next part number whose files are all new."""
    for number in range(first, first + _MAX_SKIPPED_PARTS):
        if not any(n.path(number).exists() for n in names):
            return number
    return first + _MAX_SKIPPED_PARTS
