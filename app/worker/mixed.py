"""Mixed mode: every stream of the room composed by a layout into one recording.

```
streams ─open (in parallel)─▶ MixInput ─▶ MixSource (layout) ─▶ Remuxer ─▶ the mix's files (parts)
```

The mix is built in a thread of its own once the job's streams are open; commands that come
before it exists are kept and applied when it does (a pause, a layout, streams that join or
leave). Streams that join later are opened in threads of their own, so a slow URL never holds up
the commands behind it. The recording ends when it is stopped, reaches its max duration, or the
mix ends; it cannot start when none of the job's streams opens.

Layout images are read only from the job's images folder, by name (`ImageFolder`); a job without
one draws none. An image that cannot be read fails the start, or, for a layout change, is a
warning and the mix keeps the layout it had.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import assert_never

import av
import av.stream

from app.errors import RecDeskError
from app.layout.model import Layout
from app.media.events import Event
from app.media.fileinfo import FileInfo
from app.media.mix.images import NO_IMAGES, ImageFolder, ImageSource
from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource
from app.media.pipeline.ending import Ending
from app.media.pipeline.members import MixMembers
from app.media.pipeline.opening import open_parallel, start_mix
from app.media.remux import Remuxer
from app.media.sources import MediaSource
from app.media.sources.base import wall_clock_origin
from app.worker.events import Emit, file_event, tagged, warning
from app.worker.outputs import Outputs, build_outputs
from app.worker.protocol import Job, StreamJob

log = logging.getLogger(__name__)


class MixedRecording:
    """Records a mix of a job's streams; see the module docstring."""

    def __init__(self, job: Job, emit: Emit, on_done: Callable[[], None]) -> None:
        self._job = job
        self._emit = emit
        self._on_done = on_done
        self._lock = threading.Lock()
        # Who should be in the mix, who is, and who joined before it existed.
        self._members = MixMembers(job.streams, self._join_input)
        self._layout: Layout | None = None  # asked for before the mix existed
        self._paused = job.paused
        self._stopping = False
        self._live = True
        self._mix: MixSource | None = None
        self._remuxer: Remuxer | None = None
        self._outputs: Outputs | None = None
        self._images: ImageSource = (
            NO_IMAGES if job.images_dir is None else ImageFolder(job.images_dir)
        )
        self.ending: Ending | None = None

    def start(self) -> None:
        """Open the streams and record their mix, in a thread."""
        threading.Thread(target=self._run, name="record-mix", daemon=True).start()

    # -- commands (any thread) -----------------------------------------------------------------

    def pause(self) -> None:
        """Pause the mix; the remuxer reports it."""
        self._set_paused(True)

    def resume(self) -> None:
        """Resume the mix at once, on a fresh keyframe; the remuxer reports it."""
        self._set_paused(False)

    def snapshot(self) -> None:
        """Take a snapshot of the mix."""
        with self._lock:
            remuxer = self._remuxer
        if remuxer is None:
            self._emit(warning("snapshot: the mix has not started yet"))
        else:
            remuxer.snapshot()

    def set_layout(self, layout: Layout) -> None:
        """Draw the mix with `layout` from the next frame; its canvas must stay the same."""
        with self._lock:
            if self._mix is None:
                self._layout = layout
                return
            assert self._layout is not None  # the mix's, once it exists
            if layout.canvas != self._layout.canvas:
                self._emit(
                    warning("layout: the canvas of a mix is fixed once it records; change regions")
                )
                return
            try:
                self._mix.set_layout(layout)
            except RecDeskError as exc:  # an image that cannot be read: the mix keeps its layout
                self._emit(warning(f"layout: {exc}"))
                return
            self._layout = layout
            for text in layout.validate(self._members.wanted()):
                self._emit(warning(f"layout: {text}"))

    def add(self, stream: StreamJob) -> None:
        """Bring a stream into the mix (opened in a thread of its own)."""
        with self._lock:
            ending = self._stopping or self.ending is not None
        match "over" if ending else self._members.add(stream):
            case "over":
                self._emit(warning(f"add {stream.stream_id}: the recording is ending"))
            case "unchanged":
                self._emit(warning(f"add {stream.stream_id}: it is in the mix already"))
            case "done":
                pass
            case unknown:
                assert_never(unknown)

    def remove(self, stream_id: str, *, left: bool = False) -> None:
        """Take a stream out of the mix; its region shows its placeholder, or the layout reflows.

        At once even when it `left`: the mix is one file whatever comes back, and its picture
        should not hold a participant who is gone.
        """
        if self._members.remove(stream_id) == "unchanged":
            self._emit(warning(f"remove {stream_id}: no such stream is in the mix"))

    def stop(self) -> None:
        """Stop the mix; done when its files are finished (at once if it had not started)."""
        with self._lock:
            self._stopping = True
            self._members.detach()  # a newcomer that opens now is closed
            if self._remuxer is not None:
                self._remuxer.stop()
                return
            # Still opening (a URL, up to its timeout): nothing was written, nothing to wait for.
            if self.ending is None:
                self.ending = Ending("stopped")
        self._on_done()

    def tick(self) -> None:
        """Nothing to watch: the mix keeps time itself."""

    # -- the mix's thread ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            ending = self._record()
        except RecDeskError as exc:  # a layout image that cannot be read, say
            ending = Ending("error", str(exc))
        except Exception as exc:  # a bug must still end in a line the service sees
            log.exception("the mix failed")
            ending = Ending("error", f"the mix failed: {exc!r}")
        with self._lock:
            if self.ending is None:
                self.ending = ending
        self._on_done()

    def _record(self) -> Ending:
        opened = self._open_all(self._job.streams)
        if self._job.streams and not opened:
            return Ending("error", "no stream of the mix could be opened; see the warnings")
        lives = {source.live for _, source in opened}
        if len(lives) > 1:
            for _, source in opened:
                source.close()
            return Ending("error", "a mix of live streams and files cannot be recorded")
        mix = self._build(opened, live=lives != {False})
        if mix is None:
            return Ending("stopped")
        assert self._remuxer is not None
        try:
            result = self._remuxer.run()
        finally:
            self._members.detach()  # before the mix closes: nobody joins a closed mix
            mix.close()
        return Ending(result.reason, None if result.error is None else str(result.error))

    def _open_all(self, streams: Sequence[StreamJob]) -> list[tuple[StreamJob, MediaSource]]:
        """Open the streams in parallel; each one that fails is a warning."""
        return open_parallel(streams, self._open)

    def _open(self, stream: StreamJob) -> MediaSource | None:
        try:
            return _Reported(stream.open(self._job.max_idle_seconds), stream, self._emit)
        except RecDeskError as exc:
            self._emit(warning(f"cannot open {stream.stream_id}: {exc}"))
            return None

    def _join_input(self, stream: StreamJob) -> MixInput:
        """A stream that joined the running mix, opened; `_NotJoined` once it is reported."""
        opened = self._open(stream)
        if opened is None:
            raise _NotJoined(stream.stream_id)
        if opened.live != self._live:
            opened.close()
            self._emit(warning(f"add {stream.stream_id}: a mix cannot take live and files"))
            raise _NotJoined(stream.stream_id)
        return MixInput(stream.stream_id, opened, kind=stream.kind)

    def _build(
        self, opened: list[tuple[StreamJob, MediaSource]], *, live: bool
    ) -> MixSource | None:
        """The mix, its files and its remuxer, with what was asked meanwhile; None if stopped."""
        job = self._job
        assert job.mix_stem is not None
        with self._lock:
            ids = self._members.wanted()
            wanted = [(s, source) for s, source in opened if s.stream_id in ids]
            for stream, source in opened:
                if stream.stream_id not in ids:  # left while it opened
                    source.close()
            if self._stopping:
                for _, source in wanted:
                    source.close()
                return None
            layout = self._layout or job.mix_layout()
            self._layout = layout
            for text in layout.validate(ids):
                self._emit(warning(f"layout: {text}"))
            inputs = [MixInput(s.stream_id, source, kind=s.kind) for s, source in wanted]
            self._live = live
            mix = start_mix(inputs, layout, job.format, live=live, images=self._images)
            try:
                outputs = build_outputs(
                    mix,
                    job,
                    job.mix_stem,
                    first=job.first_part,
                    label=mix.label,
                    on_snapshot=lambda snapshot: self._emit(tagged(snapshot, None)),
                )
            except RecDeskError:
                mix.close()
                raise
            remuxer = Remuxer(
                mix,
                outputs.sinks,
                duration=job.max_duration_seconds,
                snapshots=outputs.snapshots,
                on_event=self._engine_event,
            )
            if self._paused:
                remuxer.pause()
            self._mix, self._remuxer, self._outputs = mix, remuxer, outputs
            self._members.attach(mix, (s.stream_id for s, _ in wanted))
            return mix

    def _engine_event(self, event: Event) -> None:
        if isinstance(event, FileInfo):
            outputs = self._outputs
            part = None if outputs is None else outputs.part_of(event)
            self._emit(file_event(event, part, None, None))
        else:
            self._emit(tagged(event, None))

    def _set_paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused
            if self._remuxer is not None:
                if paused:
                    self._remuxer.pause()
                else:
                    self._remuxer.resume()


class _NotJoined(RecDeskError):
    """A stream that joined could not be mixed; a warning said why."""


class _Reported:
    """A stream's source whose drops and returns are reported with its stream id.

    A source reports to one listener, and in a mix that is its `MixInput`; this passes each event
    on to it and to the worker's events.
    """

    def __init__(self, source: MediaSource, stream: StreamJob, emit: Emit) -> None:
        self._source = source
        self._stream_id = stream.stream_id
        self._emit = emit

    @property
    def streams(self) -> Sequence[av.stream.Stream]:
        """The source's streams."""
        return self._source.streams

    @property
    def live(self) -> bool:
        """Whether the source is live."""
        return self._source.live

    @property
    def label(self) -> str:
        """The source's label."""
        return self._source.label

    @property
    def wall_clock_origin(self) -> float | None:
        """The source's, where it knows one (`MediaSource`): the mix places its media by it."""
        return wall_clock_origin(self._source)

    def packets(self) -> Iterator[av.Packet]:
        """The source's packets."""
        return self._source.packets()

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        """The source's frame rate for `stream`."""
        return self._source.frame_rate(stream)

    def watch(self, listener: Callable[[Event], None]) -> None:
        """Report to `listener`, and to the worker's events with the stream id."""

        def both(event: Event) -> None:
            listener(event)
            self._emit(tagged(event, self._stream_id))

        self._source.watch(both)

    def want_keyframe(self) -> None:
        """Passed on."""
        self._source.want_keyframe()

    def interrupt(self) -> None:
        """Passed on."""
        self._source.interrupt()

    def close(self) -> None:
        """Passed on."""
        self._source.close()
