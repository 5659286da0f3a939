"""What a recorder worker reports: its events, and how a recording ended.

The media engine's events (`app.media.events`, `FileInfo`, `Snapshot`) become the worker's
events here (`app.worker.protocol`), tagged with the stream they are about (`stream_id`, and for
files `user_id` and the part number); a mix's are about no one stream (None). Times are rounded
as the lines carry them, so an event read back from its line equals the one sent.
"""

from __future__ import annotations

from collections.abc import Callable

from app.media import events as engine
from app.media.fileinfo import FileInfo
from app.media.pipeline.ending import Ending
from app.media.snapshots import Snapshot
from app.worker import protocol
from app.worker.protocol import Ended, FileWritten, StreamEnded, Warned, WorkerEvent

Emit = Callable[[WorkerEvent], None]
"""Writes one event; called from any thread."""


def ended(ending: Ending) -> Ended:
    """The `ended` event: the last one a worker sends."""
    return Ended(ending.reason, ending.message)


def warning(message: str) -> Warned:
    """A `warning` event: something the recording outlives."""
    return Warned(message)


def stream_ended(stream_id: str, reason: str, message: str | None) -> StreamEnded:
    """A `stream-ended` event: one stream of a single-mode task ended, the others go on."""
    return StreamEnded(stream_id, reason, message)


def tagged(event: engine.Event, stream_id: str | None) -> WorkerEvent:
    """An engine event as the worker reports it, about `stream_id` (None: the mix).

    `started`, `paused` and `resumed` are about the whole recording: they name no stream.
    """
    match event:
        case engine.Started():
            return protocol.Started()
        case engine.Paused(at):
            return protocol.Paused(round(at, 3))
        case engine.Resumed(at):
            return protocol.Resumed(round(at, 3))
        case engine.SourceLost(reason):
            return protocol.SourceLost(reason, stream_id)
        case engine.SourceBack(gap, attempts):
            return protocol.SourceBack(round(gap, 3), attempts, stream_id)
        case Snapshot(path, at):
            return protocol.SnapshotTaken(path, round(at, 3), stream_id)
        case FileInfo():
            return file_event(event, None, stream_id, None)
        case _:
            # An engine newer than this worker: said rather than lost.
            return Warned(f"{stream_id or 'the mix'}: {event.as_event()}")


def file_event(
    info: FileInfo, part: int | None, stream_id: str | None, user_id: str | None
) -> FileWritten:
    """A finished file: what `FileInfo` says, its other files, whose it is, which part."""
    # An HLS playlist's segments are files of the recording too: whoever uploads or lists the
    # files needs them.
    return FileWritten.of(info, part, stream_id, user_id)
