"""The least a PyAV remuxer can do: demux, retarget, `mux_one`, nothing else.

`remux_cpu` times this beside `recdesk-record` and `ffmpeg -c copy`, in a fresh process the same
way, so the gap between ffmpeg and the engine splits into what any Python-per-packet loop over
PyAV costs and what the engine adds on top (start gate, rebasing, bookkeeping, the layers between
source, remuxer and sink). It uses the engine's own mp4 muxer options, so the muxer's work is the
same.

    python -m tests.bench.pyav_floor INPUT OUTPUT.mp4
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import av

from app.media.formats import FORMATS


def remux(source: str, target: str) -> None:
    """Copy every audio and video packet of `source` into the mp4 `target`."""
    mp4 = FORMATS["mp4"]
    with av.open(source) as inp, av.open(target, "w", format=mp4.muxer, options=mp4.options) as out:
        streams = {
            s.index: out.add_stream_from_template(s)
            for s in inp.streams
            if s.type in ("audio", "video")
        }
        for packet in inp.demux():
            stream = streams.get(packet.stream_index)
            # Empty packets are the demuxer's end-of-stream markers, not media.
            if stream is None or not packet.size:
                continue
            packet.stream = stream
            out.mux_one(packet)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: `INPUT OUTPUT`."""
    source, target = argv if argv is not None else sys.argv[1:]
    remux(source, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
