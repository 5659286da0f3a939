"""What a local recording shows while it runs: frames written and dropped, sound level, a preview.

The `Monitor` is a `MediaSink` that writes nothing: the remuxer hands it every packet the files
get, on the output timeline, before the files do. On the recording's thread it only counts and
copies; decoding (for the level meter and the preview) happens on a thread of its own, behind a
bounded queue, so a slow preview never holds a recording up. When the queue is full, sound
packets are dropped and pictures are skipped up to the next keyframe (a decoder cannot start
elsewhere).

- **Dropped frames**: the video frames that should be in the file at the source's frame rate
  between the first and the newest picture written, minus those written. A mix that fell behind
  the clock and skipped pictures, or a source that sent fewer than its rate, leaves such a gap.
  Pauses do not count: the output timeline runs on across them.
- **Level**: the peak of the sound decoded over the last `LEVEL_WINDOW` seconds, in dBFS (-90
  for silence); any number of readers may ask.
- **Preview**: the newest picture, at most `PREVIEW_WIDTH` pixels wide, as packed RGB, about
  `PREVIEW_RATE` times a second, while someone asks for it (a hidden panel costs no decoding).
  When the recording composes its own pictures (a mix), they are offered to `show` before they
  are encoded, and the preview is made from those: scaling one picture four times a second costs
  far less than decoding every picture the encoder wrote.
"""

from __future__ import annotations

import array
import logging
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import av.audio.resampler
import av.codec
import av.stream

from app.media.fileinfo import FileInfo, codec_name

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 320
PREVIEW_RATE = 4.0
PREVIEW_IDLE = 2.0
SILENCE_DB = -90.0
LEVEL_WINDOW = 0.3
_QUEUE = 256
_RAW = frozenset({"wrapped_avframe", "rawvideo"})


@dataclass(frozen=True)
class Preview:
    """A small picture of what is being recorded: packed RGB rows of `stride` bytes."""

    width: int
    height: int
    data: bytes

    @property
    def stride(self) -> int:
        """Bytes per row."""
        return self.width * 3


class Monitor:
    """Watches the packets a recording writes; see the module docstring."""

    on_file: Callable[[FileInfo], None] | None = None

    def __init__(
        self,
        streams: Sequence[av.stream.Stream],
        frame_rates: dict[int, float | None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._video = next((s for s in streams if s.type == "video"), None)
        self._audio = next((s for s in streams if s.type == "audio"), None)
        self._indexes = frozenset(s.index for s in (self._video, self._audio) if s is not None)
        self._rate = (frame_rates.get(self._video.index) if self._video is not None else None) or 0
        self._video_base = float(self._video.time_base or 0) if self._video is not None else 0.0
        self._audio_base = float(self._audio.time_base or 0) if self._audio is not None else 0.0
        self.frames = 0
        self._first: float | None = None
        self._newest = 0.0
        self._media_time = 0.0
        self._peaks: deque[tuple[float, float]] = deque(maxlen=64)
        self._preview: Preview | None = None
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[str, av.Packet] | None] = queue.Queue(_QUEUE)
        self._skip_to_key = False
        self._video_decoder = _decoder(self._video)
        self._audio_decoder = _decoder(self._audio)
        self._resampler = av.audio.resampler.AudioResampler(format="flt", layout="mono")
        self._next_preview = 0.0
        self._wanted_until = clock() + PREVIEW_IDLE
        self._shown = False  # pictures come through `show`: the video is not decoded
        self._thread = threading.Thread(target=self._decode_loop, name="monitor", daemon=True)
        self._thread.start()

    # --- MediaSink ----------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """No file: the monitor only watches."""
        return Path()

    @property
    def stream_indexes(self) -> frozenset[int]:
        """The video and audio streams recorded."""
        return self._indexes

    def write(self, packet: av.Packet) -> None:
        """Count the packet and hand a copy to the decoding thread."""
        video = self._video is not None and packet.stream_index == self._video.index
        pts = packet.pts if packet.pts is not None else packet.dts
        if pts is not None:
            at = pts * (self._video_base if video else self._audio_base)
            self._media_time = max(self._media_time, at)
            if video:
                self.frames += 1
                if self._first is None or at < self._first:
                    self._first = at
                self._newest = max(self._newest, at)
        kind = "video" if video else "audio"
        if video and self._shown:
            return
        if video and self._clock() > self._wanted_until:
            self._skip_to_key = True  # nobody looks: no decoding, until the next keyframe
            return
        if video and self._skip_to_key:
            if not packet.is_keyframe:
                return
            self._skip_to_key = False
        copy = av.Packet(bytes(packet))
        copy.pts, copy.dts, copy.time_base = packet.pts, packet.dts, packet.time_base
        try:
            self._queue.put_nowait((kind, copy))
        except queue.Full:
            if video:
                self._skip_to_key = True

    def show(self, frame: av.VideoFrame) -> None:
        """A picture as composed, before it is encoded (on the recording's thread): from the first
        one on, the preview is made from these, and the written video is no longer decoded."""
        self._shown = True
        now = self._clock()
        if now > self._wanted_until or now < self._next_preview:
            return
        self._next_preview = now + 1 / PREVIEW_RATE
        self._preview = _small(frame)

    def close(self) -> FileInfo | None:
        """Stop decoding; the figures stay readable."""
        if self._thread.is_alive():
            try:
                self._queue.put_nowait(None)
            except queue.Full:
                self._drain_and_end()
            self._thread.join(5)
        return None

    def _drain_and_end(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put_nowait(None)

    # --- readings -----------------------------------------------------------------------------

    @property
    def has_video(self) -> bool:
        """Whether pictures are recorded."""
        return self._video is not None

    @property
    def has_audio(self) -> bool:
        """Whether sound is recorded."""
        return self._audio is not None

    @property
    def media_time(self) -> float:
        """Seconds of output timeline written so far (pauses excluded)."""
        return self._media_time

    @property
    def dropped(self) -> int:
        """Frames missing between the first and the newest picture written, at the source's rate."""
        if self._first is None or not self._rate:
            return 0
        expected = round((self._newest - self._first) * self._rate) + 1
        return max(0, expected - self.frames)

    @property
    def level(self) -> float:
        """The sound's peak over the last `LEVEL_WINDOW` seconds, in dBFS (`SILENCE_DB`: none)."""
        with self._lock:
            recent = self._clock() - LEVEL_WINDOW
            while self._peaks and self._peaks[0][0] < recent:
                self._peaks.popleft()
            peak = max((p for _, p in self._peaks), default=0.0)
        return SILENCE_DB if peak <= 0 else max(SILENCE_DB, 20 * math.log10(min(peak, 1.0)))

    def preview(self) -> Preview | None:
        """The newest small picture, or None before the first.

        Asking is what keeps the pictures decoded: after `PREVIEW_IDLE` seconds without a call
        (the panel hidden), decoding stops, and starts again at the next keyframe once asked.
        """
        self._wanted_until = self._clock() + PREVIEW_IDLE
        return self._preview

    # --- the decoding thread ------------------------------------------------------------------

    def _decode_loop(self) -> None:
        while (item := self._queue.get()) is not None:
            kind, packet = item
            try:
                if kind == "video":
                    self._show(packet)
                else:
                    self._hear(packet)
            except (av.FFmpegError, ValueError) as exc:  # a preview glitch is not the recording's
                log.debug("monitor: %s packet undecodable: %s", kind, exc)

    def _show(self, packet: av.Packet) -> None:
        if self._video_decoder is None:
            return
        for frame in self._video_decoder.decode(packet):
            now = self._clock()
            if now < self._next_preview:
                continue
            self._next_preview = now + 1 / PREVIEW_RATE
            self._preview = _small(frame)

    def _hear(self, packet: av.Packet) -> None:
        if self._audio_decoder is None:
            return
        peak = 0.0
        for frame in self._audio_decoder.decode(packet):
            for mono in self._resampler.resample(frame):
                samples = array.array("f", bytes(mono.planes[0])[: mono.samples * 4])
                if samples:
                    peak = max(peak, max(samples), -min(samples))  # noqa: PLW3301
        with self._lock:
            self._peaks.append((self._clock(), peak))


def _small(frame: av.VideoFrame) -> Preview:
    """`frame` at most `PREVIEW_WIDTH` wide, keeping its shape, as packed RGB."""
    width = min(PREVIEW_WIDTH, frame.width)
    height = max(2, round(frame.height * width / max(1, frame.width) / 2) * 2)
    small = frame.reformat(width=width, height=height, format="rgb24")
    plane = small.planes[0]
    row = width * 3
    data = bytes(plane)
    if plane.line_size != row:
        data = b"".join(
            data[y * plane.line_size : y * plane.line_size + row] for y in range(height)
        )
    return Preview(width, height, data)


def _decoder(stream: av.stream.Stream | None) -> av.codec.CodecContext | None:
    """A decoder of the stream's codec with its parameters (encoders' templates included)."""
    if stream is None:
        return None
    template = stream.codec_context
    if template.name in _RAW:  # raw pictures travel as pointers to frames: never copy them
        return None
    try:
        ctx = av.codec.CodecContext.create(codec_name(stream), "r")
    except (av.FFmpegError, ValueError) as exc:
        log.debug("monitor: no decoder for %s: %s", stream, exc)
        return None
    if template.extradata:
        ctx.extradata = template.extradata
    if stream.type == "audio":
        ctx.sample_rate = template.sample_rate
        ctx.layout = template.layout
    else:
        ctx.width, ctx.height = template.width, template.height
    ctx.thread_type = "AUTO"
    return ctx
