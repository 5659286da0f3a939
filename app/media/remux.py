"""The remuxer: one source's packets copied into one or more files, never re-encoded by choice.

```
source.packets() ─▶ start gate ─▶ rebase ─▶ duration limit ─▶ sinks (one per output file)
```

- **Start gate.** A file must start on a video keyframe. Video packets before the first keyframe are
  dropped (a live stream joined mid-group), and so is the sound from before it: a live recording
  starts with picture and sound together. A file source keeps up to `FILE_AUDIO_LEAD` of sound
  before its first keyframe (AAC priming, audio that starts a little before the picture), so that a
  remuxed file holds every packet of the original.
- **Rebase.** Output timelines start at zero: every stream is shifted by the same amount (the first
  kept presentation time), which keeps the audio/video offset exactly as the source had it.
- **Duration.** `duration` seconds of media, measured on that timeline; each stream ends at its
  first anchor frame presented at or after the limit (see `_reached_limit`), and the recording
  ends when all have.
- **Hot path.** Once the gate is open, a packet costs a dict lookup, a timestamp shift and the
  sinks' writes; `_Timeline.admit` (which repeats the shift) runs only while a start floor or a
  duration limit is in force.
- **Stop.** `stop()` may be called from any thread (a signal handler, a GUI); the loop notices it
  before the next packet, and every file is finished either way: an error in the source or a sink
  ends the recording but keeps what was written.

May import PyAV, `app.media` siblings and the standard library.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import av
import av.stream

from app.errors import RecDeskError
from app.media.errors import RecordingError, SourceIdleError
from app.media.fileinfo import FileInfo
from app.media.sinks.base import MediaSink
from app.media.sources.base import MediaSource

log = logging.getLogger(__name__)

FILE_AUDIO_LEAD = 0.1
# Non-video packets held while waiting for the first keyframe; past this, audio flows without it.
_MAX_HELD = 1000

EndReason = Literal["duration", "stopped", "source-ended", "idle", "error"]


@dataclass
class RemuxResult:
    """How a recording ended and the files it finished."""

    reason: EndReason
    files: list[FileInfo] = field(default_factory=list)
    error: RecDeskError | None = None


class Remuxer:
    """Copies a source's packets into sinks until the source ends, a duration passes or `stop()`."""

    def __init__(
        self,
        source: MediaSource,
        sinks: Sequence[MediaSink],
        *,
        duration: float | None = None,
        audio_lead: float | None = None,
        on_file: Callable[[FileInfo], None] | None = None,
    ) -> None:
        self._source = source
        self._sinks = list(sinks)
        self._duration = duration
        self._audio_lead = (
            audio_lead if audio_lead is not None else (0.0 if source.live else FILE_AUDIO_LEAD)
        )
        self._on_file = on_file
        self._stop_requested = False

    def stop(self) -> None:
        """Ask the recording to finish; thread-safe and idempotent."""
        self._stop_requested = True  # a plain flag: read once per packet, set from any thread

    def run(self) -> RemuxResult:
        """Record until the end; finishes every file whatever happens."""
        result = RemuxResult("source-ended")
        try:
            result.reason = self._pump()
        except SourceIdleError as exc:
            result.reason, result.error = "idle", exc
        except RecDeskError as exc:
            result.reason, result.error = "error", exc
        except av.FFmpegError as exc:
            result.reason = "error"
            result.error = RecordingError(f"recording {self._source.label} failed: {exc}")
        finally:
            for sink in self._sinks:
                try:
                    info = sink.close()
                except RecDeskError as exc:
                    if result.reason != "error":  # the first failure is the one to report
                        result.reason, result.error = "error", exc
                    continue
                if info is not None:
                    result.files.append(info)
                    if self._on_file is not None:
                        self._on_file(info)
        return result

    def _pump(self) -> EndReason:
        routes: dict[int, list[MediaSink]] = {}
        for sink in self._sinks:
            for index in sink.stream_indexes:
                routes.setdefault(index, []).append(sink)
        streams = {s.index: s for s in self._source.streams if s.index in routes}
        bases = {i: float(s.time_base) for i, s in streams.items()}
        video = next((i for i, s in streams.items() if s.type == "video"), None)
        intra = video is not None and _intra_only(streams[video])
        gate = _StartGate(video, bases, self._audio_lead, intra)
        packets = self._source.packets()
        # Until the gate opens: offer packets to it.
        timeline: _Timeline | None = None
        for packet in packets:
            if self._stop_requested:
                return "stopped"
            if packet.stream_index not in routes or not (ready := gate.offer(packet)):
                continue
            timeline = _Timeline(gate, bases, video, self._duration, set(routes))
            for item in ready:
                verdict = timeline.admit(item)
                if verdict is _DONE:
                    return "duration"
                if verdict is _WRITE:
                    for sink in routes[item.stream_index]:
                        sink.write(item)
            break
        if timeline is None:
            return "stopped" if self._stop_requested else "source-ended"
        # The hot loop: one dict lookup, a timestamp shift and the sinks' writes per packet; the
        # start floors and the duration limit are checked only while they are in force.
        shifts = timeline.shifts
        for packet in packets:
            if self._stop_requested:
                return "stopped"
            index = packet.stream_index
            sinks = routes.get(index)
            if sinks is None:
                continue
            if timeline.checking:
                verdict = timeline.admit(packet)
                if verdict is _DONE:
                    return "duration"
                if verdict is _SKIP:
                    continue
            elif shift := shifts[index]:
                if packet.pts is not None:
                    packet.pts -= shift
                if packet.dts is not None:
                    packet.dts -= shift
            for sink in sinks:
                sink.write(packet)
        return "stopped" if self._stop_requested else "source-ended"


_WRITE, _SKIP, _DONE = "write", "skip", "done"


class _Timeline:
    """The output timeline once the gate has opened: shifts, start floors and duration limits."""

    def __init__(
        self,
        gate: _StartGate,
        bases: dict[int, float],
        video: int | None,
        duration: float | None,
        streams: set[int],
    ) -> None:
        origin = gate.origin
        self.shifts = {i: round(origin / b) for i, b in bases.items()}
        # Packets demuxed after the keyframe may still start before it (audio is interleaved by
        # decode time); the gate's floor applies to them too, until each stream has passed it.
        self._floors = {i: gate.floor / b for i, b in bases.items() if i != video}
        self._limits: dict[int, int] = {}
        if duration is not None:
            self._limits = {i: round((origin + duration) / b) for i, b in bases.items()}
        self._anchors: dict[int, int] = {}
        self._open = streams

    @property
    def checking(self) -> bool:
        """Whether packets still need `admit` (a floor or a limit is in force)."""
        return bool(self._floors or self._limits)

    def admit(self, packet: av.Packet) -> str:
        """Shift the packet onto the output timeline; say whether to write it, skip it, or stop."""
        index = packet.stream_index
        floor = self._floors.get(index)
        if floor is not None:
            if packet.pts is not None and packet.pts < floor:
                return _SKIP
            del self._floors[index]
        if self._limits:
            if index not in self._open:
                return _SKIP
            if _reached_limit(packet, self._limits[index], self._anchors):
                self._open.discard(index)
                return _SKIP if self._open else _DONE
        if shift := self.shifts[index]:
            if packet.pts is not None:
                packet.pts -= shift
            if packet.dts is not None:
                packet.dts -= shift
        return _WRITE


def _reached_limit(packet: av.Packet, limit: int, anchors: dict[int, int]) -> bool:
    """Whether a stream reaches the duration limit with this packet.

    With B-frames, packets in decode order do not come in presentation order: a stream may only end
    before an anchor frame (one presented after everything decoded so far), because the frames
    decoded after it may depend on it. A stream ends at the first anchor presented at or after the
    limit, so it lasts the duration to within one frame.
    """
    pts: int | None = packet.pts
    if pts is None:
        return False
    index = packet.stream_index
    last = anchors.get(index)
    if last is not None and pts <= last:
        return False  # presented before an anchor already written: part of its group
    anchors[index] = pts
    return pts >= limit


class _StartGate:
    """Holds packets until the recording can start on a video keyframe; finds the origin."""

    def __init__(
        self, video: int | None, bases: dict[int, float], audio_lead: float, intra: bool
    ) -> None:
        self._video = video
        self._lead = audio_lead
        self._intra = intra
        self._bases = bases
        self._held: list[av.Packet] = []
        self.open = False
        self.origin = 0.0
        self.floor = -math.inf

    def offer(self, packet: av.Packet) -> list[av.Packet]:
        """Take a packet; return the packets to write once the gate opens (else an empty list)."""
        index = packet.stream_index
        if packet.pts is None and packet.dts is None:
            return []
        if self._video is None:
            return self._release(packet, self._time(packet))
        if index == self._video:
            if not (packet.is_keyframe or self._intra):
                return []
            return self._release(packet, self._time(packet))
        self._held.append(packet)
        if len(self._held) > _MAX_HELD:
            log.warning("no video keyframe after %d packets; starting without one", _MAX_HELD)
            self._video = None
            first = self._held.pop(0)
            return self._release(first, self._time(first))
        return []

    def _release(self, first: av.Packet, start: float) -> list[av.Packet]:
        self.floor = start - self._lead if self._video is not None else -math.inf
        kept = [p for p in self._held if self._time(p) >= self.floor]
        self._held = []
        self.open = True
        self.origin = min([start, *(self._time(p) for p in kept)])
        return sorted([first, *kept], key=self._time)

    def _time(self, packet: av.Packet) -> float:
        return _seconds(packet, self._bases[packet.stream_index])


def _intra_only(stream: av.stream.Stream) -> bool:
    """Whether every frame stands alone (raw frames, MJPEG), so that any can start a file."""
    codec = stream.codec_context.codec
    return bool(codec.intra_only or codec.name == "wrapped_avframe")


def _seconds(packet: av.Packet, base: float) -> float:
    ts = packet.pts if packet.pts is not None else packet.dts
    return (ts or 0) * base
