"""The `MediaSink` protocol."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import av

from app.media.fileinfo import FileInfo


class MediaSink(Protocol):
    """Takes packets of some of a source's streams and makes finished files of them.

    A sink that finishes files while it runs (parts) reports each through `on_file`, which the
    remuxer sets; the last one, or the only one, is what `close()` returns.
    """

    on_file: Callable[[FileInfo], None] | None

    @property
    def path(self) -> Path: ...

    @property
    def stream_indexes(self) -> frozenset[int]:
        """The indexes of the source streams this sink takes."""
        ...

    def write(self, packet: av.Packet) -> None:
        """Write one packet of a source stream (its `stream_index` says which)."""
        ...

    def close(self) -> FileInfo | None:
        """Finish the file and describe it (None if nothing was written); safe to call twice."""
        ...
