"""`SoundSource`: sound from the sound server as raw 48 kHz stereo float packets, on the clock.

A reader thread takes what the server has delivered, at most 10 ms at a time (a low-latency
stream), and puts it into a bounded queue as packets that `packets()` yields. Their timestamps
follow the clock (samples at 48 kHz since packets were first asked for): the sound a read
returns ends when it was read. Sound is continuous, as a downstream FIFO assumes:

- where the server delivers nothing for `fill_after` seconds (an idle output's monitor delivers
  nothing until something plays; a stall), silence is made up to the present, and each such
  stretch counts in `gaps`;
- sound that follows sound stays continuous while it is within `slack` of the clock; beyond,
  or right after made-up silence (the start, a stall), it is placed where it was heard: silence
  before it, or its head cut where it overlaps what was already made (`trimmed` samples);
- when nobody takes the packets and the queue is full, new ones are dropped (`dropped` samples).
"""

from __future__ import annotations

import contextlib
import io
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import Any

import av
import av.container
import av.stream

from app.media.errors import SourceError
from app.media.events import Event
from app.media.sources.base import SourceSpec
from app.media.sources.sound.server import Endpoint, read_all, wait_readable

RATE = 48_000
CHANNELS = 2
TIME_BASE = Fraction(1, RATE)
BLOCK = RATE // 100  # 10 ms: the most one packet holds
READ_EVERY = 0.01
FILL_AFTER = 0.06
SLACK = 0.04
QUEUE_SECONDS = 2.0
OPEN_TIMEOUT = 10.0
_BYTES_PER_SAMPLE = 4 * CHANNELS
_POLL = 0.01  # how often the reader looks at the clock (and at a stop) while nothing comes
_END = object()
# soundcard makes a stream by polling its state while the server's thread answers: two made at
# once from two threads (a call opens the microphone and the speakers together) can leave one
# that never delivers. One at a time, then.
_opening = threading.Lock()


class SoundSource:
    """Sound recorded from one `soundcard` microphone (or an output's monitor), live."""

    def __init__(
        self,
        spec: SourceSpec,
        microphone: Any,
        endpoint: Endpoint,
        *,
        clock: Callable[[], float] = time.monotonic,
        fill_after: float = FILL_AFTER,
        slack: float = SLACK,
        queue_seconds: float = QUEUE_SECONDS,
    ) -> None:
        self._spec = spec
        self._microphone = microphone
        self.description = endpoint.description
        self._clock = clock
        self._fill_after = round(fill_after * RATE)
        self._slack = round(slack * RATE)
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, int(queue_seconds * 100)))
        self._template = av.open(
            io.BytesIO(b""),
            format="f32le",
            options={"sample_rate": str(RATE), "ch_layout": "stereo"},
        )
        self._stream = self._template.streams.audio[0]
        self._origin = 0.0
        self._wall_origin = time.time()  # `_origin` by the wall clock
        self._next = 0  # the sample the next packet starts at
        self._filling = False
        self.gaps = 0
        self.trimmed = 0
        self.dropped = 0
        self._error: SourceError | None = None
        self._stop = threading.Event()
        self._opened = threading.Event()
        self._wanted = threading.Event()  # set when `packets()` is first asked for
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=f"sound {spec}", daemon=True)

    def start(self) -> SoundSource:
        """Start recording; `SourceError` when the server refuses the stream."""
        self._thread.start()
        if not self._opened.wait(OPEN_TIMEOUT):
            self.close()
            raise SourceError(f"cannot open {self._spec}: the sound server did not answer")
        if self._error is not None:
            error = self._error
            self.close()
            raise error
        return self

    # -- MediaSource ---------------------------------------------------------------------------

    @property
    def streams(self) -> Sequence[av.stream.Stream]:
        """One stream: raw 48 kHz stereo float (`pcm_f32le`), whose decoder takes the packets."""
        return [self._stream]

    @property
    def live(self) -> bool:
        """Sound follows the clock."""
        return True

    @property
    def wall_clock_origin(self) -> float:
        """When, by the wall clock (`time.time()`), the sound at timestamp 0 was heard."""
        return self._wall_origin

    @property
    def label(self) -> str:
        """The source as the user named it."""
        return str(self._spec)

    def packets(self) -> Iterator[av.Packet]:
        """Packets as they are recorded, until the source is interrupted or the server fails.

        The first packet is the sound of the moment it is asked for: what was heard between the
        opening and then is not kept, or a consumer that times a source by the arrival of its
        first packet (a live mix's input) would hear everything that late.
        """
        self._wanted.set()
        while True:
            try:
                item = self._queue.get(timeout=_POLL * 5)
            except queue.Empty:
                if self._stop.is_set():
                    return
                continue
            if item is _END:
                if self._error is not None:
                    raise self._error
                return
            assert isinstance(item, av.Packet)
            yield item

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        """Sound has no frame rate."""
        return None

    def watch(self, listener: Callable[[Event], None]) -> None:
        """Never reconnects: nothing to report."""

    def want_keyframe(self) -> None:
        """Raw sound has no keyframes."""

    def interrupt(self) -> None:
        """Stop recording; `packets()` ends soon after (any thread)."""
        self._stop.set()

    def close(self) -> None:
        """Stop the reader thread and release the server's stream; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)  # a server that hangs must not hang the recording
        self._template.close()

    # -- the reader thread ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            with contextlib.ExitStack() as stack:
                with _opening:  # the library's streams are made one at a time (see `_opening`)
                    recorder = stack.enter_context(
                        self._microphone.recorder(RATE, channels=CHANNELS, blocksize=BLOCK)
                    )
                self._set_origin()
                self._opened.set()
                while not self._stop.is_set():
                    if not self._wanted.is_set():  # nobody takes packets yet: nothing is kept
                        if wait_readable(recorder, _POLL):
                            read_all(recorder)
                        self._set_origin()
                        # The first packet comes at once, silent if need be: its arrival is
                        # when a live mix places the source's start.
                        self._filling = True
                    elif wait_readable(recorder, _POLL):
                        self._take(read_all(recorder), self._clock())
                        # The server delivers in pieces of a few ms whatever is asked: read
                        # them together, `READ_EVERY` at a time, not each as it comes.
                        self._stop.wait(READ_EVERY)
                    else:
                        self._fill(self._clock())
        except Exception as exc:  # the library's errors: the stream failed, the server went away
            verb = "reading" if self._opened.is_set() else "cannot open"
            self._error = SourceError(f"{verb} {self._spec} failed: {exc}")
        finally:
            self._opened.set()
            self._put(_END)

    def _set_origin(self) -> None:
        self._origin, self._wall_origin = self._clock(), time.time()

    def _sample(self, now: float) -> int:
        return round((now - self._origin) * RATE)

    def _take(self, data: bytes, now: float) -> None:
        """Sound that ended at `now`: placed on the clock (see the module's docstring)."""
        samples = len(data) // _BYTES_PER_SAMPLE
        lead = self._sample(now) - samples - self._next
        # Sound after silence was made up (the start, a stall) is placed exactly where it was
        # heard; sound that follows sound is kept continuous within `slack` of the clock. Any
        # leeway at the start would stay for the whole recording, picture against sound.
        slack = 0 if self._filling else self._slack
        if lead > slack:
            self._silence(lead)
        elif lead < -slack:
            late = min(samples, -lead)
            self.trimmed += late
            data, samples = data[late * _BYTES_PER_SAMPLE :], samples - late
        self._filling = False
        self._emit(data, samples)

    def _fill(self, now: float) -> None:
        """Nothing came: silence up to `now`, once the server has been quiet for `fill_after`
        (then at every look, in short packets, until sound comes again)."""
        behind = self._sample(now) - self._next
        if behind > (0 if self._filling else self._fill_after):
            self._silence(behind)

    def _silence(self, samples: int) -> None:
        if not self._filling:
            self._filling = True
            self.gaps += 1
        self._emit(bytes(samples * _BYTES_PER_SAMPLE), samples)

    def _emit(self, data: bytes, samples: int) -> None:
        for start in range(0, samples, BLOCK):
            count = min(BLOCK, samples - start)
            piece = data[start * _BYTES_PER_SAMPLE : (start + count) * _BYTES_PER_SAMPLE]
            packet = av.Packet(piece)
            packet.stream = self._stream
            packet.pts = packet.dts = self._next
            packet.duration = count
            packet.time_base = TIME_BASE
            self._next += count
            try:
                self._queue.put_nowait(packet)
            except queue.Full:
                self.dropped += count

    def _put(self, item: object) -> None:
        """The end marker: it must get in, so an old packet makes room for it."""
        while True:
            try:
                self._queue.put_nowait(item)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self._queue.get_nowait()
