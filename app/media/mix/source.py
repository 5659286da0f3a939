"""A mix as a `MediaSource`: the participants composed, mixed and encoded, packet by packet.

```
 decode threads (one per input)  compose thread (the timeline)         encode (packets' caller)
MixInput (N) ─▶ frame_at(t) ─▶ VideoGraph (layout) ─┐                ┌▶ H.264 / VP8 ─┐
            └▶ audio(t, n) ─▶ amix (sum, 48 kHz)  ──┴▶ queue (bounded) ┴▶ AAC / Opus  ─┴▶ packets()
```

Decoding, composing and encoding run on threads of their own, so a mix uses every core: the
inputs decode in theirs (`MixInput`), one thread keeps the timeline (what is shown and heard at
each output frame, pacing, joins, layout changes) and hands each frame and its sound through a
queue of `QUEUE_FRAMES`, and the thread reading `packets()` encodes them. FFmpeg releases the
GIL while it decodes, filters and encodes, so the threads run side by side.

Because the mix is a source, everything the remuxer does for a single stream it does for a mix:
the sinks, parts, pause and resume on one continuous timeline, snapshots, duration and stop.

- **Constant frame rate.** Output frame `k` is at `k / fps` seconds; every participant's current
  picture is composed into it (live, the one nearest to that time). Sound is mixed in chunks of
  `AUDIO_CHUNK` samples.
- **Pace.** With file inputs the mix runs as fast as it can and ends when every input has; with
  live inputs it follows the clock (injectable), and each input is decoded by a thread of its own.
- **Levels.** Sound is summed, not averaged: nobody gets louder or quieter when someone joins or
  leaves.
- **Falling behind.** A live mix more than `MAX_LAG` behind the clock skips the pictures whose
  time has passed and counts them in `dropped_frames`; the sound goes on without a break.
- **Sound only** (`video=False`): no picture is composed or encoded; the one stream is the mix's
  sound (the room's audio recorded on the desktop).
- **Tracks.** By default all the sound is one track. `tracks` (groups of stream ids) makes each
  group a track of its own, in that order, mixed from those inputs only and titled by
  `track_titles` (a call: the microphone's track and the system sound's); an input in no group
  is not heard in any.
- **Mute and levels.** `set_muted` (any thread) drops an input's sound from the next chunk on: it
  is taken all the same, so its track holds silence. `input_levels()` (any thread) gives each
  input's recent peak, measured before mute, and how long nothing has been heard from it
  (`app.media.mix.levels`).
- **Layout changes** (`set_layout`, any thread), joins and leaves apply from the next frame
  composed: live, the next frame due; a mix of files, composed as fast as it goes, is up to
  `QUEUE_FRAMES` frames ahead of the packets read. The encoder runs
  on, so there is no break in the timeline. The new layout's images are read by the caller's
  thread: one that cannot be read is refused there (`ImageError`), and the mix goes on as it was.
- **Images** come from the `ImageSource` given (`app.media.mix.images`); by default there is none,
  and a layout that names an image is refused.
"""

from __future__ import annotations

import io
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction

import av
import av.filter
import av.stream
import av.video.frame

from app.layout.model import Layout
from app.layout.templates import StreamRef, reflow
from app.media.events import Event
from app.media.formats import ContainerFormat
from app.media.mix.graph import VideoGraph
from app.media.mix.images import NO_IMAGES, ImageSource
from app.media.mix.inputs import LAYOUT, SAMPLE_RATE, MixInput
from app.media.mix.levels import InputLevel, LevelMeter
from app.media.mix.sound import SoundSum
from app.media.mix.speakers import SpeakerTracker

AUDIO_CHUNK = 1024
# One output frame as composed: its picture (None: sound only), and each track's chunks of sound.
_Step = tuple[av.VideoFrame | None, list[list[av.AudioFrame]]]
KEYFRAME_SECONDS = 2
# Frames composed and not yet encoded: enough to keep composing while a frame encodes.
QUEUE_FRAMES = 4
# A live mix this far behind the clock skips the pictures whose time has passed (counted in
# `dropped_frames`), as a recorder that cannot keep up must, so that picture and sound stay with
# the clock and what is written stays a second or less behind it.
MAX_LAG = 0.5
# Live, each frame's pictures and sound are read this long after the frame is due: what comes
# just in time (sound read in bursts, a late packet) is still there, as it was when encoding came
# between composing one frame and reading the sound for it.
READ_MARGIN = 0.03


class MixSource:
    """Participants composed by a layout, encoded; see the module docstring."""

    def __init__(
        self,
        inputs: Sequence[MixInput],
        layout: Layout,
        fmt: ContainerFormat,
        *,
        live: bool = False,
        video: bool = True,
        images: ImageSource = NO_IMAGES,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        tracks: Sequence[Sequence[str]] | None = None,
        track_titles: Sequence[str] = (),
        tile_sized: bool = True,
    ) -> None:
        self._inputs = list(inputs)
        self._graph = VideoGraph(layout, images, tile_sized=tile_sized)
        self._pending: tuple[Layout, dict[str, av.VideoFrame]] | None = None
        self._live = live
        self._clock = clock
        self._sleep = sleep
        self._stopping = threading.Event()
        self._queue: queue.Queue[_Step | BaseException | None] = queue.Queue(QUEUE_FRAMES)
        self._unread = threading.Event()  # set when nobody reads `packets()` any more
        self.dropped_frames = 0
        # Called with each picture as composed, before it is encoded, on the thread reading
        # `packets` (a recorder's preview); it must be quick and must not keep the frame.
        self.on_picture: Callable[[av.VideoFrame], None] | None = None
        canvas = layout.canvas
        self._fps = canvas.fps
        # The encoders live in a container that is never written: its streams are the templates
        # the sinks copy, like a demuxed source's.
        self._templates = av.open(io.BytesIO(), "w", format="matroska")
        self._video: av.stream.Stream | None = None
        if video:  # a mix of sound only (`video=False`) composes and encodes no pictures
            picture = self._templates.add_stream(fmt.video_encoder or "libx264", rate=canvas.fps)
            picture.width, picture.height = canvas.width, canvas.height
            picture.pix_fmt = "yuv420p"
            picture.bit_rate = canvas.video_bitrate
            picture.codec_context.gop_size = canvas.fps * KEYFRAME_SECONDS
            picture.options = _video_options(picture.codec_context.name)
            self._video = picture
        # None: one track of everyone; else the stream ids heard in each track.
        self._groups = None if tracks is None else [frozenset(group) for group in tracks]
        self._audio: list[av.stream.Stream] = []
        for at in range(1 if tracks is None else len(tracks)):
            audio = self._templates.add_stream(fmt.audio_encoder or "aac", rate=SAMPLE_RATE)
            audio.layout = LAYOUT
            audio.bit_rate = canvas.audio_bitrate
            if tracks is not None:  # players and ffprobe name the track by its title
                title = track_titles[at] if at < len(track_titles) else ", ".join(tracks[at])
                audio.metadata["title"] = title
            self._audio.append(audio)
        self._templates.start_encoding()
        self._changes = threading.Lock()
        self._joining: list[MixInput] = []
        self._leaving: set[str] = set()
        self._speakers = SpeakerTracker()
        self._keyframe = False
        self._sum = SoundSum(AUDIO_CHUNK)
        # Replaced whole, never changed in place: the mix's thread reads it without the lock.
        self._muted: frozenset[str] = frozenset()
        self._levels = LevelMeter()

    @property
    def streams(self) -> Sequence[av.stream.Stream]:
        """The encoded mix: one video (unless sound only), then one audio stream per track."""
        return self._audio if self._video is None else [self._video, *self._audio]

    @property
    def live(self) -> bool:
        """Whether the participants are live."""
        return self._live

    @property
    def label(self) -> str:
        """The mix, by its participants."""
        return "mix of " + ", ".join(i.stream_id for i in self._inputs)

    def frame_rate(self, stream: av.stream.Stream) -> float | None:
        """The canvas frame rate for the video."""
        return float(self._fps) if stream.type == "video" else None

    def set_layout(self, layout: Layout) -> None:
        """Use `layout` from the next output frame; thread-safe. Its images are read here:
        `ImageError` if one cannot be, and the mix keeps its layout."""
        self._pending = (layout, self._graph.images_for(layout))

    def add_input(self, item: MixInput) -> None:
        """A participant joins: shown from the next frame where the layout has a region for it."""
        with self._changes:
            self._joining.append(item)

    def remove_input(self, stream_id: str) -> None:
        """A participant leaves: its region shows its placeholder from the next frame."""
        with self._changes:
            self._leaving.add(stream_id)

    def set_muted(self, stream_id: str, muted: bool) -> bool:
        """Drop (or hear again) `stream_id`'s sound from the next chunk on; any thread. False
        when no such input is in the mix or joining it (the choice is kept all the same)."""
        with self._changes:
            self._muted = self._muted | {stream_id} if muted else self._muted - {stream_id}
            ids = [i.stream_id for i in (*self._inputs, *self._joining)]
        return stream_id in ids

    def input_levels(self) -> dict[str, InputLevel]:
        """Each input's sound as of the latest chunk mixed: recent peak, silence, mute; any
        thread, cheap. Only inputs that have sound, in the order the mix first heard them."""
        return self._levels.levels(self._muted)

    def _apply_changes(self, now: Callable[[], float]) -> None:
        with self._changes:
            joining, self._joining = self._joining, []
            leaving, self._leaving = self._leaving, set()
        for item in joining:
            self._inputs.append(item)
            if not self._live:
                item.join = now()
            self._start_input(item, now)
        for item in [i for i in self._inputs if i.stream_id in leaving]:
            self._inputs.remove(item)
            self._levels.forget(item.stream_id)
            item.close()
        self._reflow()

    def _reflow(self) -> None:
        """Arrange the layout again for who is in the room now (a custom layout stays)."""
        layout = self._graph.layout
        streams = [StreamRef(i.stream_id, i.kind if i.has_video else "audio") for i in self._inputs]
        self._graph.set_layout(reflow(layout, streams, speaker=self._speakers.current))
        self._follow_layout()

    def _follow_layout(self) -> None:
        """Tell each input where it is shown now, so it decodes only what that needs."""
        shown = self._graph.shown()
        for item in self._inputs:
            item.show(shown.get(item.stream_id))

    def _start_input(self, item: MixInput, now: Callable[[], float]) -> None:
        # More inputs than cores: one decoding thread each (their own threads share the cores).
        item.decode_with(0 if len(self._inputs) < (os.cpu_count() or 1) else 1)
        item.show(self._graph.shown().get(item.stream_id))
        run: Callable[[], None] = (lambda: item.run_live(now)) if self._live else item.run_file
        threading.Thread(target=run, name=f"mix-input-{item.stream_id}", daemon=True).start()

    def watch(self, listener: Callable[[Event], None]) -> None:
        """Participants come and go inside the mix: nothing to report as a source."""

    def want_keyframe(self) -> None:
        """Make the next picture a keyframe (a resume starts on it at once); thread-safe."""
        self._keyframe = True

    def interrupt(self) -> None:
        """Stop waiting for the next frame's time."""
        self._stopping.set()

    def packets(self) -> Iterator[av.Packet]:
        """Encoded packets of the mix, video and audio interleaved by time; composed by a thread
        of the mix's own, encoded by the caller's."""
        composer = threading.Thread(target=self._compose, name="mix-compose", daemon=True)
        composer.start()
        try:
            while (step := self._queue.get()) is not None:
                if isinstance(step, BaseException):
                    raise step
                picture, sound = step
                if picture is not None and self._video is not None:
                    if self._keyframe:  # the next picture encoded, however far composing is
                        self._keyframe = False
                        picture.pict_type = av.video.frame.PictureType.I
                    if (shown := self.on_picture) is not None:
                        shown(picture)
                    yield from self._encoded(self._video, picture)
                for stream, chunks in zip(self._audio, sound, strict=True):
                    for chunk in chunks:
                        yield from self._encoded(stream, chunk)
        finally:
            # A caller that stops reading early stops the composing too.
            self._unread.set()
            self._stopping.set()
        if self._video is not None:
            yield from self._encoded(self._video, None)
        for stream in self._audio:
            yield from self._encoded(stream, None)

    def _compose(self) -> None:
        """The timeline, on the mix's thread: each output frame's picture and sound, in order,
        into the queue; then None (or what went wrong)."""
        try:
            self._timeline()
        except BaseException as exc:  # the reader raises it where the mix is used
            self._put(exc)
        else:
            self._put(None)

    def _put(self, step: _Step | BaseException | None) -> bool:
        """Hand a step to the encoding thread; False once nobody reads any more."""
        while True:
            try:
                self._queue.put(step, timeout=0.1)
                return True
            except queue.Full:
                if self._unread.is_set():
                    return False

    def _timeline(self) -> None:
        start = self._clock()
        base = Fraction(1, self._fps)
        frame_index = 0
        audio_index = 0

        def now() -> float:
            return self._clock() - start if self._live else float(frame_index * base)

        for item in self._inputs:
            self._start_input(item, now)
        while not self._stopping.is_set():
            t = frame_index * base
            if self._joining or self._leaving:
                self._apply_changes(now)
            if self._live:
                if (wait := start + float(t) + READ_MARGIN - self._clock()) > 0:
                    self._sleep(wait)
                elif -wait > MAX_LAG and self._video is not None:
                    behind = int(-wait * self._fps)
                    frame_index += behind
                    self.dropped_frames += behind
                    t = frame_index * base
            else:
                for item in self._inputs:
                    item.fill_until(float(t) + float(base))
                if all(i.ended for i in self._inputs) and t >= max(
                    (i.end for i in self._inputs), default=0.0
                ):
                    break
            if (pending := self._pending) is not None:
                self._pending = None
                self._graph.set_layout(*pending)
                self._follow_layout()
            picture = None if self._video is None else self._picture(frame_index, float(t))
            frame_index += 1
            # Sound up to the end of this frame.
            sound: list[list[av.AudioFrame]] = [[] for _ in self._audio]
            while audio_index * AUDIO_CHUNK < float((t + base) * SAMPLE_RATE):
                chunks = self._mix(audio_index * AUDIO_CHUNK / SAMPLE_RATE)
                for track, chunk in zip(sound, chunks, strict=True):
                    chunk.pts = audio_index * AUDIO_CHUNK
                    chunk.time_base = Fraction(1, SAMPLE_RATE)
                    track.append(chunk)
                audio_index += 1
            if not self._put((picture, sound)):
                return

    def _picture(self, index: int, t: float) -> av.VideoFrame:
        # Live, each participant's picture nearest to the frame's time is shown, not the last one
        # before it: the newest-before rule alone shows pictures half a frame late on average,
        # behind their sound. (Files keep it: their pictures fall on the frame times.)
        at = t + 0.5 / self._fps if self._live else t
        frames = {i.stream_id: i.frame_at(at) for i in self._inputs}
        picture = self._graph.compose(frames, index)
        picture.pts, picture.time_base = index, Fraction(1, self._fps)
        return picture

    def _encoded(
        self, stream: av.stream.Stream, frame: av.VideoFrame | av.AudioFrame | None
    ) -> Iterator[av.Packet]:
        base = stream.time_base
        assert base is not None
        for packet in stream.encode(frame):
            # Packets leave the encoder in its time base; a source's are in its stream's.
            scale = Fraction(packet.time_base) / base
            if packet.pts is not None:
                packet.pts = round(packet.pts * scale)
            if packet.dts is not None:
                packet.dts = round(packet.dts * scale)
            packet.duration = round(packet.duration * scale)
            packet.time_base = base
            if not packet.duration and stream.type == "video":
                packet.duration = round(1 / (self._fps * base))
            yield packet

    def _mix(self, t: float) -> list[av.AudioFrame]:
        """One chunk of sound per track, from mix time `t`."""
        muted = {r.stream_id for r in self._graph.layout.regions if not r.audio} | self._muted
        # A muted participant's sound is taken all the same, and dropped: sound nobody takes piles
        # up in its input, 384 kB a second for as long as the recording lasts.
        taken = [(i.stream_id, i.audio(t, AUDIO_CHUNK)) for i in self._inputs if i.has_audio]
        for stream_id, chunk in taken:
            # Before mute: a person sees that their muted microphone is live.
            self._levels.hear(stream_id, t, t + AUDIO_CHUNK / SAMPLE_RATE, chunk)
        heard = [(stream_id, chunk) for stream_id, chunk in taken if stream_id not in muted]
        if self._graph.layout.template == "speaker" and self._speakers.hear(
            t, {stream_id: chunk for stream_id, chunk in heard if chunk is not None}
        ):
            self._reflow()
        if self._groups is None:
            return [self._sum.summed(0, [c for _, c in heard if c is not None])]
        return [
            self._sum.summed(
                at, [c for stream_id, c in heard if c is not None and stream_id in group]
            )
            for at, group in enumerate(self._groups)
        ]

    def close(self) -> None:
        """Stop the inputs and release the encoders."""
        self._stopping.set()
        self._unread.set()  # a composer waiting for room in the queue gives up
        with self._changes:  # who joined after the last frame was never started: closed here
            joining, self._joining = self._joining, []
        for item in [*self._inputs, *joining]:
            item.close()
        self._templates.close()


def _video_options(encoder: str) -> dict[str, str]:
    if encoder == "libx264":
        # forced-idr: a picture marked I (see `want_keyframe`) starts a group a file can start at.
        return {"preset": "veryfast", "tune": "zerolatency", "forced-idr": "1"}
    if encoder == "libvpx":
        return {"deadline": "realtime", "cpu-used": "8"}
    return {}
