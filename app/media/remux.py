"""The remuxer: one source's packets copied into one or more files, never re-encoded by choice.

```
source.packets() ─▶ timeline (start gate, shift, pause, rejoin, duration) ─▶ sinks (one per file)
```

`app.media.timeline` decides which packets are written and where they land on the output timeline;
this module runs the loop, takes the controls and reports what happens.

- **Hot path.** While nothing is in force (no gate, floor, pause or limit), a packet costs a dict
  lookup, a timestamp shift, the bookkeeping of the latest anchor and the sinks' writes; the
  timeline's `admit` (which repeats the shift) runs only otherwise. Keeping the hot loop free of a
  function call is worth a few percent of remux CPU.
- **Controls.** `stop()`, `pause()`, `resume()` and `snapshot()` may be called from any thread (a
  signal handler, a GUI); they set flags that the loop reads before the next packet. A source that
  reconnects reports it through `MediaSource.watch`, and the timeline rejoins at the next keyframe.
- **Driven by a thread or a pump.** `run()` copies the source's packets in the calling thread,
  sleeping where the source sleeps. A paced source's packets can instead be handed over as they
  come due, by `advance(packets)` until it says the recording ended and then `finish()`: one
  thread serves many recordings that way (`app.media.pump`). Both go through the same loop.
- **Snapshots** see the video packets as written (before any file's own part timeline).
- **Ending.** Every file is finished whatever happens: an error in the source or a sink ends the
  recording but keeps what was written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import av

from app.errors import RecDeskError
from app.media.errors import RecordingError, SourceIdleError
from app.media.events import Event, Listener, Paused, Resumed, SourceBack, Started, ignore
from app.media.fileinfo import FileInfo
from app.media.pipeline.ending import EndReason
from app.media.sinks.base import MediaSink
from app.media.snapshots import Snapshotter
from app.media.sources.base import MediaSource
from app.media.timeline import FILE_AUDIO_LEAD, Timeline

log = logging.getLogger(__name__)

# Packets a stop may wait for every stream to reach an anchor before it cuts anyway.
_STOP_PACKETS = 200


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
        snapshots: Snapshotter | None = None,
        on_event: Listener = ignore,
    ) -> None:
        self._source = source
        self._sinks = list(sinks)
        self._duration = duration
        self._audio_lead = (
            audio_lead if audio_lead is not None else (0.0 if source.live else FILE_AUDIO_LEAD)
        )
        self._snapshots = snapshots
        self._on_event = on_event
        self._files: list[FileInfo] = []
        for sink in self._sinks:
            sink.on_file = self._file_finished
        # Controls: plain flags, set from any thread and read by the loop before the next packet.
        self._attention = False
        self._stop_requested = False
        self._stopping = False
        self._stop_left = _STOP_PACKETS
        self._want_paused = False
        self._rejoin = False
        # The copy's state between `advance` calls, and how it ended.
        self._state: _Copy | None = None
        self._reason: EndReason | None = None
        self._error: RecDeskError | None = None
        source.watch(self._source_event)

    @property
    def paused(self) -> bool:
        """Whether a pause was asked for (and not yet undone by `resume()`)."""
        return self._want_paused

    def stop(self) -> None:
        """Ask the recording to finish; thread-safe and idempotent."""
        self._stop_requested = True
        self._attention = True
        self._source.interrupt()

    def pause(self) -> None:
        """Stop writing until `resume()`; the files keep one continuous timeline."""
        self._want_paused = True
        self._attention = True

    def resume(self) -> None:
        """Write again from the source's next keyframe."""
        self._want_paused = False
        self._attention = True

    def toggle_pause(self) -> None:
        """Pause when recording, resume when paused."""
        if self._want_paused:
            self.resume()
        else:
            self.pause()

    def snapshot(self) -> None:
        """Take a JPEG snapshot of the video at the next packet (when snapshots are on)."""
        if self._snapshots is not None:
            self._snapshots.request()

    def run(self) -> RemuxResult:
        """Record in this thread until the end; finishes every file whatever happens."""
        try:
            self.advance(self._source.packets())
        finally:
            result = self.finish()
        return result

    def advance(self, packets: Iterable[av.Packet]) -> bool:
        """Copy `packets` (the source's, in its order) until they run out or the recording ends.

        True when it ended (a stop, the duration, an error; `finish()` comes next); False when the
        packets ran out first, for a caller that hands them over as they come due (`app.media.pump`)
        to call again with the next ones. One thread at a time.
        """
        if self._reason is not None:
            return True
        try:
            reason = self._copy(packets)
        except SourceIdleError as exc:
            self._reason, self._error = "idle", exc
        except RecDeskError as exc:
            self._reason, self._error = "error", exc
        except av.FFmpegError as exc:
            self._reason = "error"
            self._error = RecordingError(f"recording {self._source.label} failed: {exc}")
        else:
            if reason is None:
                return False
            self._reason = reason
        return True

    def finish(self) -> RemuxResult:
        """Finish every file and say how the recording ended; once, after the last `advance`."""
        reason = self._reason or ("stopped" if self._stop_requested else "source-ended")
        result = RemuxResult(reason, error=self._error)
        if self._snapshots is not None:
            self._snapshots.close()
        for sink in self._sinks:
            try:
                info = sink.close()
            except RecDeskError as exc:
                if result.reason != "error":  # the first failure is the one to report
                    result.reason, result.error = "error", exc
                continue
            if info is not None:
                self._file_finished(info)
        result.files = list(self._files)
        return result

    def _file_finished(self, info: FileInfo) -> None:
        self._files.append(info)
        self._emit(info)

    def _emit(self, event: Event) -> None:
        try:
            self._on_event(event)
        except Exception:  # a listener's bug must not end the recording
            log.exception("event listener failed on %s", event)

    def _source_event(self, event: Event) -> None:
        if isinstance(event, SourceBack):
            self._rejoin = True
            self._attention = True
        self._emit(event)

    def _begin(self) -> _Copy:
        """The routes and the timeline, made when the first packets come."""
        routes: dict[int, list[_Writer]] = {}
        for sink in self._sinks:
            for index in sink.stream_indexes:
                routes.setdefault(index, []).append(sink)
        streams = [s for s in self._source.streams if s.index in routes]
        timeline = Timeline(streams, duration=self._duration, audio_lead=self._audio_lead)
        video = next((s for s in streams if s.type == "video"), None)
        if self._snapshots is not None and video is not None:
            feed = _SnapshotFeed(self._snapshots, video.index, float(video.time_base))
            routes[video.index] = [feed, *routes[video.index]]
        self._state = _Copy(routes, timeline)
        return self._state

    def _copy(self, packets: Iterable[av.Packet]) -> EndReason | None:
        """The copy loop: the reason to end, or None when `packets` ran out first."""
        state = self._state or self._begin()
        routes, timeline = state.routes, state.timeline
        shifts, tops, durations = timeline.shifts, timeline.tops, timeline.durations
        for packet in packets:
            if self._attention and self._take_controls(timeline):
                return "stopped"
            index = packet.stream_index
            sinks = routes.get(index)
            if sinks is None:
                continue
            if timeline.checking:
                ready = timeline.admit(packet)
                if ready is None:
                    return "duration"
                if self._stopping:
                    self._stop_left -= 1
                    if timeline.paused or self._stop_left <= 0:
                        return "stopped"
                self._report_pause(timeline)
                if ready and not state.started:
                    state.started = True
                    self._emit(Started())
                for item in ready:
                    for writer in routes[item.stream_index]:
                        writer.write(item)
                continue
            pts = packet.pts
            if shift := shifts[index]:
                if pts is not None:
                    pts -= shift
                    packet.pts = pts
                if packet.dts is not None:
                    packet.dts -= shift
            if pts is not None and pts > tops[index]:
                tops[index] = pts
                durations[index] = packet.duration
            for writer in sinks:
                writer.write(packet)
        return None

    def _take_controls(self, timeline: Timeline) -> bool:
        """Apply the controls set since the last packet; True to stop."""
        self._attention = False  # cleared first: a control set meanwhile is seen next time
        if self._stop_requested:
            # Stop as a pause would, before each stream's next anchor, so that the last group of
            # pictures is whole; a few packets at most, and never more than _STOP_PACKETS.
            if not timeline.started or timeline.paused:
                return True
            self._stopping = True
            timeline.pause()
            return False
        if self._rejoin:
            self._rejoin = False
            timeline.discontinuity()
            self._source.want_keyframe()
        want = self._want_paused
        if want and not (timeline.paused or timeline.pausing):
            timeline.pause()
        elif not want and (timeline.paused or timeline.pausing):
            if timeline.pausing:  # resumed before every stream had paused: say it did
                self._emit(Paused(timeline.end()))
            self._report_pause(timeline)
            self._emit(Resumed(timeline.resume()))
            self._source.want_keyframe()
        self._report_pause(timeline)
        return False

    def _report_pause(self, timeline: Timeline) -> None:
        if (at := timeline.take_paused_at()) is not None:
            self._emit(Paused(at))


class _Writer(Protocol):
    def write(self, packet: av.Packet) -> None: ...


@dataclass
class _Copy:
    """Where each stream's packets go and the timeline that places them; kept between calls."""

    routes: dict[int, list[_Writer]]
    timeline: Timeline
    started: bool = False


class _SnapshotFeed:
    """Hands the snapshotter a copy of each video packet as written, with its output time."""

    def __init__(self, snapshots: Snapshotter, index: int, base: float) -> None:
        self._snapshots = snapshots
        self.index = index
        self._base = base

    def write(self, packet: av.Packet) -> None:
        # A copy: muxing rebases the packet in place, and the snapshotter keeps a group of them.
        copy = av.Packet(bytes(packet))
        copy.pts, copy.dts, copy.time_base = packet.pts, packet.dts, packet.time_base
        copy.is_keyframe = packet.is_keyframe
        at = (packet.pts if packet.pts is not None else packet.dts or 0) * self._base
        self._snapshots.feed(copy, at)
