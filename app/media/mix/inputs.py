"""One participant of a mix: a source decoded into pictures and 48 kHz sound on the mix's timeline.

An input's own time starts at its first picture; `join` places that on the mix's timeline, and
pictures and sound are kept by mix time. Every input is decoded by a thread of its own, so the
inputs decode on every core while the mix composes and encodes. A file input's thread decodes a
little ahead of what the mix asked for (`fill_until` waits for it), so a mix of files runs as
fast as the machine allows and every run gives the same frames; a live input's thread decodes
packets as they come, and the mix takes what has arrived when each output frame is due. A live
input that reconnects (timestamps from zero) goes on from the moment it is back.

**Work that follows what is shown** (`show`): an input the layout does not show, or shows under
another region, decodes only the pictures later ones refer to (B-frames and other unreferenced
pictures are skipped), so it is ready the moment it is shown; one shown in a small tile (a
quarter of its width or less) skips the H.264 loop filter, whose effect a downscale of that
much hides (the mix benchmark reports the PSNR of this path against the full one).

- `frame_at(t)`: the picture shown at mix time `t`: the newest frame presented at or before it; a
  stalled input keeps its last frame, one that has not started or has ended gives None (the
  region shows its placeholder).
- `audio(t, n)`: `n` samples of sound from mix time `t`, silence where the input has none.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from time import time as wall_time

import av
import av.audio
import av.frame

from app.errors import RecDeskError
from app.layout.templates import StreamKind
from app.media.events import Event, SourceBack
from app.media.sources.base import MediaSource, wall_clock_origin

log = logging.getLogger(__name__)

SAMPLE_RATE = 48_000
LAYOUT = "stereo"
SAMPLE_FORMAT = "fltp"
# Live: how much later than its arrival a frame is shown, to absorb network jitter.
LIVE_DELAY = 0.2
_KEEP_FRAMES = 120
# A first packet older than this is not trusted to say when it was captured (a clock that jumped).
MAX_AGE = 1.0
# An input that ended shows its last picture this much longer (a frame's time), then leaves.
_LEFT_AFTER = 0.1
# How far past what the mix asked for a file input's thread decodes (seconds of media): it wakes
# when less than `_LOW` is ready and decodes until `_HIGH` is, so it wakes once every few frames,
# decoding beside the composing, and 25 inputs hold a few frames each.
_LOW, _HIGH = 0.05, 0.15
# A tile this many times narrower than the picture, or more, decodes without the loop filter.
SMALL_TILE = 4


class MixInput:
    """A participant's source, decoded for the compositor."""

    def __init__(self, stream_id: str, source: MediaSource, *, kind: StreamKind = "camera") -> None:
        self.stream_id = stream_id
        self.kind = kind
        self._source = source
        self.join = 0.0
        # An `audio` participant is only heard: its pictures, if it sends any, are not decoded.
        self._video = (
            None
            if kind == "audio"
            else next((s for s in source.streams if s.type == "video"), None)
        )
        self._audio = next((s for s in source.streams if s.type == "audio"), None)
        for stream in (self._video, self._audio):
            if stream is not None:
                stream.codec_context.thread_type = "AUTO"
        self._resampler = av.audio.resampler.AudioResampler(
            format=SAMPLE_FORMAT, layout=LAYOUT, rate=SAMPLE_RATE
        )
        self._fifo = av.AudioFifo()
        self._fifo_time: float | None = None  # mix time of the first sample in the FIFO
        self._frames: deque[tuple[float, av.VideoFrame]] = deque()
        self._origin: float | None = None
        self._origin_is_video = False
        self._packets: Iterator[av.Packet] | None = None
        self._video_time = -1.0  # input time of the newest frame decoded
        self.decoded_pictures = 0
        self._audio_time = -1.0
        self._lock = threading.Lock()
        # A file input's thread and `fill_until` meet here: the mix time wanted, what is decoded.
        self._progress = threading.Condition()
        self._wanted = -1.0
        self._awaited = False  # the mix waits for this input's thread
        self.ended = False
        self.error: RecDeskError | None = None
        self._restarted = False
        self._reader: threading.Thread | None = None
        source.watch(self._source_event)

    @property
    def has_video(self) -> bool:
        """Whether the participant sends pictures."""
        return self._video is not None

    @property
    def picture_size(self) -> tuple[int, int] | None:
        """The size of the participant's pictures, as its source says, or None if unknown."""
        video = self._video
        if video is None:
            return None
        context = video.codec_context
        return (context.width, context.height) if context.width and context.height else None

    @property
    def has_audio(self) -> bool:
        """Whether the participant sends sound."""
        return self._audio is not None

    @property
    def buffered_sound(self) -> float:
        """Seconds of sound decoded and not yet taken by the mix."""
        with self._lock:
            samples: int = self._fifo.samples
        return samples / SAMPLE_RATE

    @property
    def end(self) -> float:
        """Mix time up to which this input has pictures or sound (so far)."""
        return self.join + max(self._video_time, self._audio_time)

    # -- decoding ------------------------------------------------------------------------------

    def decode_with(self, threads: int) -> None:
        """Decode with this many threads each (0: FFmpeg's choice); before decoding starts. A mix
        of more inputs than cores gives each one thread: the inputs' own threads share the cores."""
        for stream in (self._video, self._audio):
            if stream is not None and not stream.codec_context.is_open:
                stream.codec_context.thread_count = threads

    def show(self, tile: tuple[int, int] | None) -> None:
        """Where the mix shows this input now: a tile of (width, height), or None (not shown, or
        covered by another region); any thread. See the module docstring."""
        video = self._video
        if video is None:
            return
        context = video.codec_context
        context.skip_frame = "DEFAULT" if tile is not None else "NONREF"
        size = self.picture_size
        small = (
            tile is not None
            and size is not None
            and tile[0] * SMALL_TILE <= size[0]
            and tile[1] * SMALL_TILE <= size[1]
        )
        if small and not context.is_open:
            context.options = {**context.options, "skip_loop_filter": "all"}

    def _covers(self, local: float) -> bool:
        return (self._video is None or self._video_time > local) and (
            self._audio is None or self._audio_time > local
        )

    def fill_until(self, t: float) -> None:
        """Wait until a file input's pictures and sound cover mix time `t` (or it ended); its
        thread (`run_file`) decodes them, and a little more."""
        with self._progress:
            self._wanted = max(self._wanted, t)
            if not self._covers(self._wanted + _LOW - self.join):
                self._progress.notify_all()
            if not (self.ended or self._covers(t - self.join)):
                self._awaited = True
                self._progress.wait_for(lambda: self.ended or self._covers(t - self.join))
                self._awaited = False

    def run_file(self) -> None:
        """Decode a file input (in a thread of its own) a little ahead of what the mix asked for,
        until it ends or is closed; the thread closes the source, as `run_live`'s does."""
        self._reader = threading.current_thread()
        try:
            while not self.ended:
                with self._progress:
                    self._progress.wait_for(
                        lambda: self.ended or not self._covers(self._wanted + _LOW - self.join)
                    )
                while not self.ended and not self._covers(self._wanted + _HIGH - self.join):
                    self._step()
                    if self._awaited:
                        with self._progress:
                            self._progress.notify_all()
        except Exception:  # a bug: the input ends, and the mix goes on without it
            log.exception("decoding %s failed", self.stream_id)
        finally:
            with self._progress:
                self.ended = True
                self._progress.notify_all()
            self._source.close()

    def run_live(self, now: Callable[[], float]) -> None:
        """Decode a live input as its packets come (in a thread of its own) until it ends.

        The thread that reads the source closes it: closing a container while another thread
        demuxes from it would free what that read is using.
        """
        self._reader = threading.current_thread()
        try:
            while not self.ended:
                self._step(now)
        finally:
            self._source.close()

    def _step(self, now: Callable[[], float] | None = None) -> None:
        if self._packets is None:
            self._packets = self._source.packets()
        try:
            packet = next(self._packets)
        except StopIteration:
            self._flush()
            self.ended = True
            return
        except RecDeskError as exc:
            log.warning("%s left: %s", self.stream_id, exc)
            self._flush()
            self.error, self.ended = exc, True
            return
        # By kind, not by object: a reconnected source's packets come from streams of its own
        # (with the same parameters), and the first connection's decoders go on decoding them.
        kind = packet.stream.type
        stream = self._video if kind == "video" else self._audio if kind == "audio" else None
        if packet.pts is None or stream is None:
            return
        self._set_origin(packet, now)
        try:
            frames = stream.codec_context.decode(packet)
        except av.FFmpegError as exc:
            log.debug("%s: undecodable packet: %s", self.stream_id, exc)
            return
        self._take(frames, stream.time_base)

    def _source_event(self, event: Event) -> None:
        if isinstance(event, SourceBack):  # timestamps start afresh: so does this input's time
            self._restarted = True

    def _set_origin(self, packet: av.Packet, now: Callable[[], float] | None) -> None:
        """The input's time zero: its first picture (sound before it, AAC priming, is earlier)."""
        time = packet.pts * float(packet.time_base)  # not a Fraction: cheaper per packet
        video = packet.stream.type == "video"
        if self._restarted and now is not None:
            # Back after a drop, on a clock of its own: it goes on from now, after what it showed.
            self._restarted, self._origin = False, None
            self._video_time = self._audio_time = -1.0
        if self._origin is None:
            self._origin, self._origin_is_video = time, video
            if now is not None:
                self.join = now() + LIVE_DELAY - self._age(time)
        elif video and not self._origin_is_video:
            moved, self._origin, self._origin_is_video = time - self._origin, time, True
            with self._lock:
                if self._fifo_time is not None:
                    self._fifo_time -= moved
            self._audio_time -= moved

    def _age(self, time: float) -> float:
        """How long ago, by the wall clock, media at source time `time` was captured, for a
        source that can say (else 0: it is placed as it arrives). A screen grabbed as it opened
        or sound read in a burst would otherwise start late by as much, picture against sound."""
        origin = wall_clock_origin(self._source)
        if origin is None:
            return 0.0
        age = wall_time() - (origin + time)
        return age if 0.0 <= age <= MAX_AGE else 0.0

    def _flush(self) -> None:
        """The frames a decoder still holds at the end (B-frames, frame threads)."""
        for stream in (self._video, self._audio):
            if stream is None or self._origin is None:
                continue
            try:
                self._take(stream.codec_context.decode(None), stream.time_base)
            except av.FFmpegError as exc:
                log.debug("%s: flushing the decoder failed: %s", self.stream_id, exc)

    def _take(self, frames: Sequence[av.frame.Frame], base: Fraction | None) -> None:
        assert self._origin is not None
        for frame in frames:
            time_base = frame.time_base or base
            if frame.pts is None or time_base is None:
                continue
            local = frame.pts * float(time_base) - self._origin
            if isinstance(frame, av.VideoFrame):
                self.decoded_pictures += 1
                with self._lock:
                    self._frames.append((self.join + local, frame))
                    if len(self._frames) > _KEEP_FRAMES:
                        self._frames.popleft()
                self._video_time = max(self._video_time, local)
            elif isinstance(frame, av.AudioFrame):
                self._add_audio(frame, local)

    def _add_audio(self, frame: av.AudioFrame, local: float) -> None:
        for out in self._resampler.resample(frame):
            out.pts = None  # the FIFO wants continuous sound; its start time is kept here
            with self._lock:
                if self._fifo_time is None or self._fifo.samples == 0:
                    self._fifo_time = self.join + local
                self._fifo.write(out)
            self._audio_time = local + frame.samples / (frame.sample_rate or SAMPLE_RATE)

    # -- reading -------------------------------------------------------------------------------

    def frame_at(self, t: float) -> av.VideoFrame | None:
        """The picture shown at mix time `t`, or None when there is none (yet, or any more)."""
        with self._lock:
            frames = self._frames
            while len(frames) > 1 and frames[1][0] <= t + 1e-6:
                frames.popleft()
            if not frames or frames[0][0] > t + 1e-6:
                return None
            if self.ended and len(frames) == 1 and t > frames[0][0] + _LEFT_AFTER:
                return None  # left: the placeholder shows
            return frames[0][1]

    def audio(self, t: float, samples: int) -> av.AudioFrame | None:
        """`samples` samples from mix time `t` on, or None where the input has no sound then."""
        with self._lock:
            start = self._fifo_time
            if start is None or self._fifo.samples == 0:
                return None
            late = round((t - start) * SAMPLE_RATE)
            if late > 0:  # sound from before `t` was never taken (a gap, a stall): drop it
                self._fifo.read(min(late, self._fifo.samples))
                start = self._fifo_time = start + late / SAMPLE_RATE
            if start - t > samples / 2 / SAMPLE_RATE or self._fifo.samples < samples:
                return None  # starts later, or not enough yet: silence for this chunk
            frame = self._fifo.read(samples)
            self._fifo_time = start + samples / SAMPLE_RATE
            return frame

    def close(self) -> None:
        """Release the source (an input's thread closes it after its current read)."""
        with self._progress:
            self.ended = True
            self._progress.notify_all()
        if self._reader is None:
            self._source.close()
        else:
            self._source.interrupt()
