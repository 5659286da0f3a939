"""The files one recorded source goes into, as a job asks: `app.media.pipeline.outputs` for it.

Single mode builds these for each stream, mixed mode once for the mix. The job gives the stream
type, format, folder, split and snapshot interval; the worker's own rules are its naming, which
never writes over a file (`next-free`: a part whose name is taken gets the next free number), and
a `Snapshotter` for every recording with a picture, so that the `snapshot` command always works.
"""

from __future__ import annotations

from collections.abc import Callable

from app.media.pipeline.outputs import OutputRequest, Outputs
from app.media.pipeline.outputs import build_outputs as build
from app.media.snapshots import Snapshot
from app.media.sources import MediaSource
from app.worker.protocol import Job

__all__ = ["Outputs", "build_outputs"]


def build_outputs(
    source: MediaSource,
    job: Job,
    stem: str,
    *,
    first: int,
    label: str,
    on_snapshot: Callable[[Snapshot], None],
) -> Outputs:
    """Open the files `source` is recorded into, named from `stem` and part `first` on;
    `NoStreamError` when it lacks what the stream type needs, `OutputError` when a file cannot be
    written."""
    request = OutputRequest(
        format=job.format,
        stem=job.folder / stem,
        stream_type=job.stream_type,
        split=job.split_seconds,
        naming="next-free",
        first_part=first,
        snapshot_every=job.snapshot_seconds,
        snapshots_on_demand=True,
        label=label,
    )
    return build(source, request, on_snapshot=on_snapshot)
