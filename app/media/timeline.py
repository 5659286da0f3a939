"""The output timeline of a recording: where it starts, how it pauses, rejoins and ends.

```
            ┌──────────── pause() ───────────┐
            ▼                                 │
 waiting ──gate opens──▶ running ──pause()──▶ pausing ──every stream at an anchor──▶ paused
   ▲                        │                                                          │
   └──── resume() / the source reconnected (rejoin at the end written so far) ◀───────┘
```

- **Start gate.** A file must start on a video keyframe. Video packets before the first keyframe are
  dropped (a live stream joined mid-group), and so is the sound from before it: a live recording
  starts with picture and sound together. A file source keeps up to `FILE_AUDIO_LEAD` of sound
  before its first keyframe (AAC priming, audio that starts a little before the picture), so that a
  remuxed file holds every packet of the original.
- **Shift.** Every stream is shifted by the same amount of time, so the audio/video offset stays
  exactly as the source had it. The first time the gate opens, its origin (the first kept
  presentation time) goes to zero.
- **Pause.** Each stream stops before its next *anchor*: a packet presented after everything written
  of that stream so far. With B-frames, packets in decode order are not in presentation order, and
  the frames decoded after an anchor may depend on it, so a stream can only end cleanly there.
- **Rejoin** (after a pause, or when a live source reconnects with timestamps of its own): a new
  gate waits for the next keyframe, and the shift changes so that the keyframe lands exactly where
  the video written so far ends. The timeline stays continuous: no frozen gap, no timestamp jump.
  Sound from before the end already written is dropped, so nothing overlaps.
- **Duration.** `duration` seconds of output timeline; each stream ends at its first anchor
  presented at or after the limit, so it lasts the duration to within one frame, and the recording
  ends when all have.

The remuxer's hot loop does the shift itself while `checking` is false, keeping `tops`/`durations`
(the latest anchor of each stream) up to date; everything else happens here, in `admit`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable

import av
import av.stream

log = logging.getLogger(__name__)

FILE_AUDIO_LEAD = 0.1
# Non-video packets held while waiting for the first keyframe; past this, audio flows without it.
_MAX_HELD = 1000
_NONE = -(2**62)  # "nothing written yet", below any timestamp


class Timeline:
    """The state of one recording's output timeline; see the module docstring."""

    def __init__(
        self,
        streams: Iterable[av.stream.Stream],
        *,
        duration: float | None = None,
        audio_lead: float = 0.0,
    ) -> None:
        streams = list(streams)
        self._bases = {s.index: float(s.time_base) for s in streams}
        self._video = next((s.index for s in streams if s.type == "video"), None)
        self._intra = self._video is not None and any(
            _intra_only(s) for s in streams if s.index == self._video
        )
        self.shifts = dict.fromkeys(self._bases, 0)
        self.tops = dict.fromkeys(self._bases, _NONE)
        self.durations = dict.fromkeys(self._bases, 0)
        self._limits: dict[int, int] = {}
        if duration is not None:
            self._limits = {i: round(duration / b) for i, b in self._bases.items()}
        self._closed: set[int] = set()  # streams past the duration limit
        self._floors: dict[int, int] = {}
        self._pausing: set[int] | None = None
        self._pause_end: float | None = None  # where the video stopped, for sound to stop there
        self._resume_at = 0.0
        self._gate: _StartGate | None = _StartGate(
            self._video, self._bases, audio_lead, self._intra
        )
        self.started = False
        self.paused = False
        self.paused_at: float | None = None  # set when a pause takes hold, for the caller to report
        self.checking = True

    @property
    def pausing(self) -> bool:
        """Whether a pause waits for some streams to reach their next anchor."""
        return self._pausing is not None

    # -- controls ------------------------------------------------------------------------------

    def pause(self) -> None:
        """Stop writing at each stream's next anchor; `paused_at` says when that has happened."""
        if self.paused or self._pausing is not None:
            return
        self._pause_end = None
        if self._gate is not None:  # nothing flows yet: pause at once
            self._gate = None
            self._paused()
        else:
            self._pausing = {i for i, top in self.tops.items() if top != _NONE}
            if not self._pausing:
                self._paused()
        self._update()

    def take_paused_at(self) -> float | None:
        """Where a pause took hold since the last call (None: it has not), to report it once."""
        at, self.paused_at = self.paused_at, None
        return at

    def _paused(self) -> None:
        self._pausing = None
        self.paused = True
        self.paused_at = self.end()
        self._update()

    def resume(self) -> float:
        """Start again at the next keyframe, where the output ends; return that output time."""
        if self.paused or self._pausing is not None:
            self._rejoin()
            return self._resume_at
        return self.end()

    def discontinuity(self) -> None:
        """The source's timestamps start afresh (it reconnected): rejoin at the next keyframe."""
        if self._pausing is not None:  # the old stream is gone: what was written is the end
            self._paused()
        if not self.paused:
            self._rejoin()

    def _rejoin(self) -> None:
        # A stream stopped by the pause keeps its last anchor in `tops`: its packets since were
        # skipped, so what was written ends where `_end_of` says.
        ends = {i: self._end_of(i) for i in self._bases}
        self._pausing = None
        self.paused = False
        if self.started:
            self._resume_at = self._seconds_end(ends)
            self._floors = {i: end for i, end in ends.items() if i != self._video and end != _NONE}
        self._gate = _StartGate(self._video, self._bases, 0.0, self._intra)
        self._update()

    def end(self) -> float:
        """The output time written so far (where the video ends, when there is video)."""
        return max(0.0, self._seconds_end({i: self._end_of(i) for i in self._bases}))

    # -- packets -------------------------------------------------------------------------------

    def admit(self, packet: av.Packet) -> list[av.Packet] | None:
        """Shift a packet onto the output timeline: the packets to write now, or None to stop."""
        if self.paused:
            return []
        if self._gate is not None:
            ready = self._gate.offer(packet)
            if not ready:
                return []
            self._open_gate(self._gate)
            out = []
            for item in ready:
                verdict = self._admit_one(item)
                if verdict is _DONE:
                    return None
                if verdict is _WRITE:
                    out.append(item)
            return out
        verdict = self._admit_one(packet)
        if verdict is _DONE:
            return None
        return [packet] if verdict is _WRITE else []

    def _open_gate(self, gate: _StartGate) -> None:
        self._gate = None
        self.started = True
        lead = gate.origin - self._resume_at
        self.shifts.update({i: round(lead / b) for i, b in self._bases.items()})
        if gate.floor > -math.inf:
            for i, b in self._bases.items():
                if i != self._video:
                    floor = round((gate.floor - lead) / b)
                    self._floors[i] = max(floor, self._floors.get(i, _NONE))
        self._update()

    def _admit_one(self, packet: av.Packet) -> str:
        index = packet.stream_index
        if shift := self.shifts[index]:
            if packet.pts is not None:
                packet.pts -= shift
            if packet.dts is not None:
                packet.dts -= shift
        pts = packet.pts
        if pts is None:
            return _WRITE if self._pausing is None else _SKIP
        floor = self._floors.get(index)
        if floor is not None:
            if pts < floor:
                return _SKIP
            del self._floors[index]
            self._update()
        anchor = pts > self.tops[index]
        if self._pausing is not None:
            if index not in self._pausing:
                return _SKIP
            if index == self._video:
                closes = anchor
            elif self._video in self._pausing:
                closes = False  # sound goes on until the picture has paused, then up to its end
            else:
                closes = anchor and (
                    self._pause_end is None or pts >= round(self._pause_end / self._bases[index])
                )
            if closes:
                # What was written ends before the anchor, after the frames it follows.
                if index == self._video:
                    self._pause_end = self._end_of(index) * self._bases[index]
                self._pausing.discard(index)
                if not self._pausing:
                    self._paused()
                return _SKIP
        if index in self._closed:
            return _SKIP
        if self._limits and anchor and pts >= self._limits[index]:
            del self._limits[index]
            self._closed.add(index)
            self._update()
            return _SKIP if self._limits else _DONE
        if anchor:
            self.tops[index] = pts
            self.durations[index] = packet.duration
        return _WRITE

    def _update(self) -> None:
        self.checking = bool(
            self._gate is not None
            or self.paused
            or self._pausing is not None
            or self._floors
            or self._limits
            or self._closed
        )

    def _end_of(self, index: int) -> int:
        top = self.tops[index]
        return top if top == _NONE else top + self.durations[index]

    def _seconds_end(self, ends: dict[int, int]) -> float:
        """The output end in seconds: the video's when there is video, else the latest."""
        if self._video is not None and ends.get(self._video, _NONE) != _NONE:
            return ends[self._video] * self._bases[self._video]
        known = [e * self._bases[i] for i, e in ends.items() if e != _NONE]
        return max(known, default=0.0)


_WRITE, _SKIP, _DONE = "write", "skip", "done"


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
        self.origin = min([start, *(self._time(p) for p in kept)])
        return sorted([first, *kept], key=self._time)

    def _time(self, packet: av.Packet) -> float:
        ts = packet.pts if packet.pts is not None else packet.dts
        return (ts or 0) * self._bases[packet.stream_index]


def _intra_only(stream: av.stream.Stream) -> bool:
    """Whether every frame stands alone (raw frames, MJPEG), so that any can start a file."""
    codec = stream.codec_context.codec
    return bool(codec.intra_only or codec.name == "wrapped_avframe")
