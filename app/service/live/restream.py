"""A live stream re-served over HTTP as MPEG-TS, FLV or Matroska (`GET .../streams/{s}/live`).

```
worker thread: open_source ─▶ packets ─▶ mpegts/flv muxer ─▶ chunks ─┐
                                                                     ▼ (bounded queue)
event loop:                                       async generator ─▶ StreamingResponse
```

Packets are copied, never re-encoded: the output starts at a keyframe (audio from the same moment
on), its timestamps are moved to start at zero, and each chunk the muxer writes is handed over as
soon as it is written. At most `QUEUE_CHUNKS` chunks wait for a slow client; then the thread
blocks and nothing is dropped, so a client that cannot keep up falls behind live rather than
getting a broken stream. When the client goes away (the generator is closed or cancelled), the
thread is told to stop, wakes from any wait (`MediaSource.interrupt`), closes the source and ends;
the generator waits for it, so nothing is left running. A live file's thread ends within a frame;
a URL's within its source's open or read timeout at worst (a read FFmpeg is blocked in cannot be
woken).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from typing import Literal

import av
import av.container
import av.stream

from app.media.errors import FormatError, SourceError
from app.media.fileinfo import codec_name
from app.media.formats import FORMATS
from app.media.sources import MediaSource, SourceSpec, open_source, parse_source
from app.service.rooms.base import LiveStream

log = logging.getLogger(__name__)

RestreamFormat = Literal["ts", "flv", "mkv"]
MEDIA_TYPES: dict[RestreamFormat, str] = {
    "ts": "video/mp2t",
    "flv": "video/x-flv",
    "mkv": "video/x-matroska",
}
# Options of each muxer for an output that cannot seek back (Matroska's cues need it otherwise).
_LIVE_OPTIONS: dict[RestreamFormat, dict[str, str]] = {"mkv": {"live": "1"}}


def live_format(stream: LiveStream) -> RestreamFormat:
    """MPEG-TS when it holds the stream's codecs as they are (players expect it), else Matroska
    (an SFU's VP8 and Opus, which neither MPEG-TS nor FLV carry)."""
    ts = FORMATS["ts"]
    video, audio = stream.media.codec, stream.media.audio_codec
    if (video is None or ts.holds("video", video)) and (audio is None or ts.holds("audio", audio)):
        return "ts"
    return "mkv"


# A chunk is what the muxer wrote for one packet (about 80 a second for a camera with its sound):
# a few seconds of slack for a client's hiccup before the thread waits for it.
QUEUE_CHUNKS = 256
# How often a thread blocked on a full queue looks whether it should stop.
_POLL = 0.05


async def restream(stream: LiveStream, fmt: RestreamFormat) -> AsyncIterator[bytes]:
    """The stream's packets, muxed as `fmt`, chunk by chunk, live, until the caller stops.

    A source that cannot be opened raises `SourceError`; codecs the format cannot hold raise
    `FormatError`; both before the first chunk.
    """
    pump = _Pump(stream, fmt, asyncio.get_running_loop())
    thread = threading.Thread(target=pump.run, name=f"restream-{stream.stream_id}", daemon=True)
    thread.start()
    try:
        while True:
            item = await pump.queue.get()
            pump.taken()
            if item is None:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        # Told first, without awaiting: if this generator is being torn down the thread still
        # ends on its own.
        pump.stop()
        await asyncio.to_thread(thread.join)


class _Stopped(Exception):
    """The consumer is gone: the thread unwinds."""


class _Pump:
    """The worker thread's side: source → muxer → queue."""

    def __init__(
        self, stream: LiveStream, fmt: RestreamFormat, loop: asyncio.AbstractEventLoop
    ) -> None:
        self._stream = stream
        self._format = FORMATS[fmt]
        self._options = {"flush_packets": "1", **_LIVE_OPTIONS.get(fmt, {})}
        self._loop = loop
        self.queue: asyncio.Queue[bytes | Exception | None] = asyncio.Queue()
        # The queue's bound, kept by the thread: it may block on a semaphore, not on the loop.
        self._room = threading.Semaphore(QUEUE_CHUNKS)
        self._stop = threading.Event()
        self._source: MediaSource | None = None
        self._buffer = bytearray()

    def stop(self) -> None:
        """Ask the thread to end (any thread)."""
        self._stop.set()
        source = self._source
        if source is not None:
            source.interrupt()

    def taken(self) -> None:
        """The consumer took a chunk: room for one more."""
        self._room.release()

    def write(self, data: bytes) -> int:
        """The muxer's output (the file-like object PyAV writes to)."""
        self._buffer += data
        return len(data)

    def run(self) -> None:
        """The thread: copy packets until the source ends or the consumer goes away."""
        try:
            self._pump()
            self._hand(None)
        except _Stopped:
            return
        except (SourceError, FormatError) as exc:
            self._hand_last(exc)
        except av.FFmpegError as exc:
            log.warning("restream of %s failed: %s", self._stream.stream_id, exc)
            self._hand_last(SourceError(f"re-serving {self._stream.stream_id} failed: {exc}"))
        except Exception as exc:
            log.exception("restream of %s failed", self._stream.stream_id)
            self._hand_last(exc)

    def _pump(self) -> None:
        with self._stream.reading("live") as argument:
            self._pump_from(parse_source(argument))

    def _pump_from(self, spec: SourceSpec) -> None:
        source = open_source(spec, live=self._stream.live_file, position=self._stream.position())
        self._source = source
        try:
            if self._stop.is_set():  # stopped while it opened: `interrupt` came too early
                raise _Stopped
            with av.open(
                self, "w", format=self._format.muxer, container_options=self._options
            ) as out:
                self._copy(source, out)
            self._flush()
        finally:
            source.close()

    def _copy(self, source: MediaSource, out: av.container.OutputContainer) -> None:
        picked = _pick(source.streams)
        routes: dict[int, av.stream.Stream] = {}
        for stream in picked:
            media = stream.type
            if not self._format.holds(media, codec_name(stream)):
                raise FormatError(
                    f"{self._format.name} cannot carry {codec_name(stream)} {media} as it is; "
                    f"{self._stream.stream_id} needs another format"
                )
            routes[stream.index] = out.add_stream_from_template(stream)
        video = next((s.index for s in picked if s.type == "video"), None)
        zero: float | None = None  # the live time that becomes 0 in the output
        for packet in source.packets():
            if self._stop.is_set():
                raise _Stopped
            route = routes.get(packet.stream_index)
            ts = packet.dts if packet.dts is not None else packet.pts
            if route is None or ts is None:
                continue
            base = packet.time_base
            if zero is None:
                # A player can start only at a keyframe; the sound before it has no picture.
                if video is not None and not (packet.stream_index == video and packet.is_keyframe):
                    continue
                zero = float(ts * base)
            shift = round(zero / base)
            if ts - shift < 0:
                continue  # sound from just before the first picture
            packet.dts = ts - shift
            if packet.pts is not None:
                packet.pts -= shift
            packet.stream = route
            out.mux_one(packet)
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            chunk = bytes(self._buffer)
            self._buffer.clear()
            self._hand(chunk)

    def _hand(self, item: bytes | None) -> None:
        """Queue an item for the consumer, waiting while the queue is full."""
        while not self._room.acquire(timeout=_POLL):
            if self._stop.is_set():
                raise _Stopped
        if self._stop.is_set():
            raise _Stopped
        try:
            self._loop.call_soon_threadsafe(self.queue.put_nowait, item)
        except RuntimeError as exc:  # the loop is closed: no one is listening
            raise _Stopped from exc

    def _hand_last(self, exc: Exception) -> None:
        try:
            self._loop.call_soon_threadsafe(self.queue.put_nowait, exc)
        except RuntimeError:
            log.warning("restream of %s ended unheard: %s", self._stream.stream_id, exc)


def _pick(streams: Sequence[av.stream.Stream]) -> list[av.stream.Stream]:
    """The first video and the first audio stream."""
    picked: list[av.stream.Stream] = []
    for kind in ("video", "audio"):
        found = next((s for s in streams if s.type == kind), None)
        if found is not None:
            picked.append(found)
    return picked
