"""The one output builder: from an opened source and what to write, to its sinks and snapshots.

```
source + OutputRequest ─plan_outputs─▶ a file (or parts) per planned output ─▶ Outputs
                                      + a Snapshotter of the video
```

Every front end records through this, so a stream type, a format, a split or an HLS segment
length gives the same files wherever it is asked for. What differs is said in the request:

- **naming**: `replace` writes over what is there (`recdesk-record -y`, the desktop's fresh
  folder); `refuse` raises `OutputsExist` before anything is written (`recdesk-record` without
  `-y`); `next-free` numbers the parts so that none is ever written over (the worker,
  `app.media.pipeline.naming`).
- **snapshots**: every `snapshot_every` seconds, and/or on demand only (`snapshots_on_demand`,
  so that a `snapshot` command works in every recording with a picture); neither, none.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, assert_never

import av.stream

from app.errors import RecDeskError
from app.media.errors import OutputError
from app.media.fileinfo import FileInfo
from app.media.formats import ContainerFormat
from app.media.pipeline.naming import (
    Names,
    PartNames,
    PlainNames,
    existing_outputs,
    free_part,
    part_name,
)
from app.media.plan import OutputPlan, StreamType, plan_outputs
from app.media.sinks.base import MediaSink
from app.media.sinks.container import DEFAULT_SEGMENT_LENGTH, ContainerSink, StreamInput
from app.media.sinks.parts import PartedSink
from app.media.snapshots import Snapshot, Snapshotter
from app.media.sources import MediaSource

Naming = Literal["replace", "refuse", "next-free"]


class OutputsExist(OutputError):
    """Files a `refuse` request would replace are on disk; `paths` lists them."""

    def __init__(self, paths: Sequence[Path]) -> None:
        what = f"{paths[0]} exists" if len(paths) == 1 else f"{paths[0]} and others exist"
        super().__init__(what)
        self.paths = list(paths)


@dataclass(frozen=True)
class OutputRequest:
    """What to write: the files' stem (folder included, no extension) and how."""

    format: ContainerFormat
    stem: Path
    stream_type: StreamType | None = None  # None: what `plan_outputs` picks for the format
    split: float | None = None  # seconds per part
    segment_length: float = DEFAULT_SEGMENT_LENGTH  # HLS
    naming: Naming = "replace"
    first_part: int = 1
    snapshot_every: float | None = None
    snapshots_on_demand: bool = False
    label: str = "the source"  # what errors call the source


class Outputs:
    """The sinks and snapshotter of one recorded source, and the part number of each file."""

    def __init__(
        self,
        sinks: list[MediaSink],
        snapshots: Snapshotter | None,
        plans: list[OutputPlan],
        names: Sequence[Names],
    ) -> None:
        self.sinks = sinks
        self.snapshots = snapshots
        self.plans = plans
        self._names = names

    @property
    def routed(self) -> list[av.stream.Stream]:
        """The source streams some file takes."""
        return [stream for plan in self.plans for stream in plan.streams]

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
    request: OutputRequest,
    *,
    on_snapshot: Callable[[Snapshot], None] = lambda _snapshot: None,
) -> Outputs:
    """Open the files `source` is recorded into; `NoStreamError` when it lacks what the stream
    type needs, `OutputsExist` when a `refuse` request finds its files, `OutputError` when a file
    cannot be written. Nothing stays open when it raises."""
    plans = plan_outputs(
        source.streams, request.stream_type, request.stem, request.format, label=request.label
    )
    split = request.split is not None
    first = request.first_part
    snapshot_stem = request.stem
    names: list[Names]
    match request.naming:
        case "replace" | "refuse":
            names = [PlainNames(plan.path, split=split) for plan in plans]
            if request.naming == "refuse":
                taken = [plan.path for plan in plans]
                wanted = request.snapshot_every is not None
                if existing := existing_outputs(taken, request.stem, split=split, snapshots=wanted):
                    raise OutputsExist(existing)
        case "next-free":
            stem = request.stem.name
            names = [
                PartNames(request.stem.parent, stem, _suffix(plan, stem), numbered=split)
                for plan in plans
            ]
            first = free_part(names, first)
            snapshot_stem = request.stem.parent / part_name(stem, first, split=split)
        case _:
            assert_never(request.naming)
    sinks: list[MediaSink] = []
    try:
        for plan, named in zip(plans, names, strict=True):
            sinks.append(_sink(plan, source, request, named, first))
    except BaseException:
        Outputs(sinks, None, plans, names).close()
        raise
    video = next((s for plan in plans for s in plan.streams if s.type == "video"), None)
    snapshots = None
    if video is not None and (request.snapshot_every is not None or request.snapshots_on_demand):
        snapshots = Snapshotter(
            video, snapshot_stem, every=request.snapshot_every, on_snapshot=on_snapshot
        )
    return Outputs(sinks, snapshots, plans, names)


def _sink(
    plan: OutputPlan, source: MediaSource, request: OutputRequest, names: Names, first: int
) -> MediaSink:
    inputs = [StreamInput(s, source.frame_rate(s)) for s in plan.streams]

    def make(path: Path, fmt: ContainerFormat = plan.format) -> ContainerSink:
        return ContainerSink(
            path, fmt, inputs, segment_length=request.segment_length, live=source.live
        )

    if request.split is None:
        return make(names(first))
    return PartedSink(plan.path, plan.streams, make, split=request.split, name=names, first=first)


def _suffix(plan: OutputPlan, stem: str) -> str:
    """What `plan_outputs` put after the stem (`.mp4`, `.video.mp4`, `.audio.m4a`)."""
    return plan.path.name[len(stem) :]


def check_folder(folder: Path, *, what: str = "folder", advice: str = "") -> None:
    """Create the folder the files go in if needed; `OutputError` when it cannot be written.

    `what` names it in the message, `advice` says what to do instead (`choose another -o`).
    """
    folder = folder if str(folder) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the {what} {folder}: {exc.strerror or exc}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write into {folder}: permission denied" + (f"; {advice}" if advice else "")
        )
