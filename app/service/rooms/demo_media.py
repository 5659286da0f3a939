"""The demo participants' media: real H.264/AAC streams generated with PyAV from lavfi graphs.

Owns what each demo participant looks and sounds like, and the files that hold it:

- a **camera** (640x360, 30 fps, with its voice) is a background of the participant's own colour,
  a lighter square that crosses the picture once per loop (so a picture says how far into the loop
  it is) and a white bar that shows while they talk;
- a **screen** (1280x720, 15 fps, no sound) is a deck of four slides, three seconds each;
- an **audio** stream is the voice alone (AAC in `.m4a`).

A voice is a sine of the participant's own pitch, sounding in syllables during the participant's
turns; the room's participants take turns in one loop, so a speaker-tracking layout switches
between them. Every file is one loop long (`LOOP` seconds), H.264 with a keyframe every second and
48 kHz stereo AAC, in MP4.

Files are generated once into a media folder and reused: `manifest.json` records the recipe that
made each file, and a file whose recipe changed (or a new `VERSION`) is made again. Each file is
written under a temporary name and renamed into place, so a generation killed half-way never leaves
a partial file that a later start would take as done.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, assert_never

import av
import av.container
import av.stream

from app.api.models import StreamKind
from app.errors import RecDeskError
from app.media.fileinfo import codec_name, frame_rate
from app.service.rooms.base import StreamMedia

# Bump when the way files are made changes in a way their recipe does not show.
VERSION = 1
LOOP = 12.0
CAMERA_SIZE, CAMERA_FPS = (640, 360), 30
SCREEN_SIZE, SCREEN_FPS = (1280, 720), 15
SAMPLE_RATE = 48000
# The camera's square: its side, and the margin it keeps from the left and right edges; its left
# edge is at `square_x(t)`.
SQUARE, SQUARE_MARGIN = 120, 40
SLIDE_SECONDS = 3.0
MANIFEST = "manifest.json"

# Backgrounds, one per participant of a room (a class has nine); dark enough for the white bar.
PALETTE = (
    (0x1F, 0x4E, 0x9C),  # blue
    (0xB0, 0x3A, 0x2E),  # brick
    (0x2E, 0x8B, 0x57),  # green
    (0x7D, 0x3C, 0x98),  # purple
    (0xC0, 0x7A, 0x12),  # amber
    (0x16, 0x7D, 0x8A),  # teal
    (0x8E, 0x24, 0x5E),  # plum
    (0x4A, 0x5A, 0x23),  # olive
    (0x5D, 0x40, 0x37),  # brown
    (0x2C, 0x3E, 0x50),  # slate
)
# Pitches (Hz), one per participant of a room: far enough apart to tell voices apart by ear.
PITCHES = (220.0, 277.0, 330.0, 392.0, 440.0, 523.0, 587.0, 659.0, 784.0, 880.0)
# A syllable sounds for this long out of every period, within a turn; a turn leaves a gap at each
# end so that two turns never sound at once. Syllables are longer than the speaker tracker's hold
# (0.3 s) so a turn makes its speaker the speaker.
_SYLLABLE, _SYLLABLE_PERIOD, _TURN_GAP = 0.45, 0.6, 0.2
# The fastest preset: the pictures are flat colours, so quality costs nothing, and every camera of
# every room is encoded before its room appears.
_X264 = {"preset": "ultrafast", "g": "{fps}", "keyint_min": "{fps}", "sc_threshold": "0"}


@dataclass(frozen=True)
class Participant:
    """Someone in a demo room, with the streams they send and their share of the talking."""

    user_id: str
    kinds: tuple[StreamKind, ...]
    share: float = 1.0


@dataclass(frozen=True)
class MediaFile:
    """One generated file: a participant's stream, and the recipe it is made from."""

    room_id: str
    user_id: str
    kind: StreamKind
    name: str  # relative to the media folder: `ROOM/USER-KIND.mp4`
    video_graph: str | None
    audio_graph: str | None
    width: int = 0
    height: int = 0
    fps: int = 0

    @property
    def stream_id(self) -> str:
        """The stream's id in its room: `USER-KIND`."""
        return f"{self.user_id}-{self.kind}"

    def recipe(self) -> dict[str, Any]:
        """Everything that decides the file's content, as recorded in the manifest."""
        x264 = _x264_options(self.fps) if self.video_graph else None
        return {"version": VERSION, "seconds": LOOP, "x264": x264, **asdict(self)}


@dataclass(frozen=True)
class MediaInfo:
    """What a generated file holds, as probed from it."""

    path: Path
    media: StreamMedia = field(default_factory=StreamMedia)


class DemoMediaError(RecDeskError):
    """A demo file could not be made (a codec, a filter or the disk failed)."""


class GenerationCancelled(Exception):
    """`generate` was asked to stop; the file it was writing is removed."""


def square_x(t: float) -> float:
    """Where the camera square's left edge is `t` seconds into the loop."""
    return SQUARE_MARGIN + (CAMERA_SIZE[0] - SQUARE - 2 * SQUARE_MARGIN) * (t % LOOP) / LOOP


def talk_windows(shares: Sequence[float]) -> list[tuple[float, float]]:
    """Each participant's turn in the loop: the loop split in proportion to their shares."""
    total = sum(shares) or 1.0
    windows, start = [], 0.0
    for share in shares:
        end = start + LOOP * share / total
        windows.append((start + _TURN_GAP, end - _TURN_GAP))
        start = end
    return windows


def plan_room(room_id: str, participants: Sequence[Participant]) -> list[MediaFile]:
    """The files of a room's participants: each gets a colour, a pitch and a turn of their own."""
    turns = talk_windows([p.share for p in participants])
    files = []
    for index, (person, turn) in enumerate(zip(participants, turns, strict=True)):
        colour = PALETTE[index % len(PALETTE)]
        voice = _voice(PITCHES[index % len(PITCHES)], turn)
        for kind in person.kinds:
            stem = f"{room_id}/{person.user_id}-{kind}"
            video: str | None
            audio: str | None
            match kind:
                case "camera":
                    (width, height), fps = CAMERA_SIZE, CAMERA_FPS
                    video, audio, name = _camera(colour, turn), voice, f"{stem}.mp4"
                case "screen":
                    (width, height), fps = SCREEN_SIZE, SCREEN_FPS
                    video, audio, name = _slides(colour), None, f"{stem}.mp4"
                case "audio":
                    width = height = fps = 0
                    video, audio, name = None, voice, f"{stem}.m4a"
                case _:
                    assert_never(kind)
            file = MediaFile(room_id, person.user_id, kind, name, video, audio, width, height, fps)
            files.append(file)
    return files


def _hex(colour: tuple[int, int, int]) -> str:
    return "0x" + "".join(f"{c:02X}" for c in colour)


def _lighter(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    r, g, b = colour
    return ((r + 255 * 2) // 3, (g + 255 * 2) // 3, (b + 255 * 2) // 3)


def _talking(turn: tuple[float, float]) -> str:
    start, end = turn
    return f"between(t,{start:.3f},{end:.3f})*lt(mod(t-{start:.3f},{_SYLLABLE_PERIOD}),{_SYLLABLE})"


def _camera(colour: tuple[int, int, int], turn: tuple[float, float]) -> str:
    (width, height), fps = CAMERA_SIZE, CAMERA_FPS
    common = f"r={fps}:d={LOOP:g}"
    travel = width - SQUARE - 2 * SQUARE_MARGIN
    x = f"{SQUARE_MARGIN}+{travel}*t/{LOOP:g}"
    y = "(H-h)/2-20+30*sin(2*PI*t/3)"  # a gentle bob, as a head moves
    bar_w, bar_h = 240, 14
    return (
        f"color=c={_hex(colour)}:s={width}x{height}:{common}[bg];"
        f"color=c={_hex(_lighter(colour))}:s={SQUARE}x{SQUARE}:{common}[face];"
        f"[bg][face]overlay=x='{x}':y='{y}':shortest=1,"
        f"drawbox=x={(width - bar_w) // 2}:y={height - 40}:w={bar_w}:h={bar_h}:color=white:t=fill:"
        f"enable='{_talking(turn)}',format=yuv420p[out0]"
    )


def _slides(accent: tuple[int, int, int]) -> str:
    """Four still slides on a light page under a title bar: bullets, a chart, a grid, a quote."""
    (width, height), fps = SCREEN_SIZE, SCREEN_FPS
    grey = "0x9AA0A6"
    boxes: list[list[tuple[int, int, int, int, str]]] = [
        [(120, 200 + 80 * i, 900 - 120 * (i % 3), 28, grey) for i in range(5)],
        [
            (180 + 220 * i, 620 - h, 140, h, _hex(accent))
            for i, h in enumerate((180, 320, 240, 400))
        ],
        [(120 + 540 * (i % 2), 180 + 260 * (i // 2), 500, 220, grey) for i in range(4)],
        [(240, 300, 800, 36, grey), (240, 360, 640, 36, grey), (560, 460, 320, 24, _hex(accent))],
    ]
    # One picture per slide, repeated to the frame rate by `fps`: drawing the boxes on every frame
    # would cost thirty times as much for the same pictures.
    chain = [f"color=c=0xF4F4F0:s={width}x{height}:r=1/{SLIDE_SECONDS:g}:d={LOOP:g}"]
    chain.append(f"drawbox=x=0:y=0:w={width}:h=110:color={_hex(accent)}:t=fill")
    for slide, shapes in enumerate(boxes):
        on = f"eq(mod(n,{len(boxes)}),{slide})"  # `n` counts slides: one picture each
        chain.append(
            f"drawbox=x=60:y=30:w={200 + 120 * slide}:h=50:color=white:t=fill:enable='{on}'"
        )
        chain.extend(
            f"drawbox=x={x}:y={y}:w={w}:h={h}:color={c}:t=fill:enable='{on}'"
            for x, y, w, h, c in shapes
        )
    return ",".join([*chain, f"fps={fps}", "format=yuv420p"])


def _voice(pitch: float, turn: tuple[float, float]) -> str:
    # A muted sine rather than an aevalsrc expression: evaluating one per sample costs four times
    # as much, and muting whole 21 ms frames is fine enough for syllables. The sine's amplitude
    # (1/8, about -21 dBFS RMS) is loud for the speaker tracker (-30 dB).
    return (
        f"sine=frequency={pitch:g}:sample_rate={SAMPLE_RATE}:duration={LOOP:g},"
        f"volume=volume=0:enable='not({_talking(turn)})',aformat=channel_layouts=stereo"
    )


# --- generation -----------------------------------------------------------------------------------


def generate(
    files: Sequence[MediaFile],
    media_dir: Path,
    *,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[tuple[MediaFile, MediaInfo, bool]]:
    """Make each file that is missing or whose recipe changed; yield (file, what it holds,
    whether it was made now) in order.

    `cancelled` is asked between frames; when it says yes, the file being written is removed and
    `GenerationCancelled` is raised. A file that cannot be made raises `DemoMediaError`.
    """
    media_dir.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(media_dir)
    for file in files:
        path = media_dir / file.name
        info = None
        if manifest.get(file.name) == file.recipe() and path.is_file():
            with contextlib.suppress(av.FFmpegError, OSError):  # a damaged file is made again
                info = probe(path)
        if info is not None:
            yield file, info, False
            continue
        if cancelled():
            raise GenerationCancelled(file.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Same folder and extension (the muxer follows it), a name no plan uses.
        tmp = path.with_name(f".{os.getpid()}.{path.name}")
        try:
            _encode(tmp, file, cancelled)
            os.replace(tmp, path)
            manifest[file.name] = file.recipe()
            _write_manifest(media_dir, manifest)
            info = probe(path)
        except (av.FFmpegError, OSError) as exc:
            raise DemoMediaError(f"cannot make the demo file {path}: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
        yield file, info, True


def probe(path: Path) -> MediaInfo:
    """The codecs and picture and sound parameters of a file."""
    with av.open(str(path)) as container:
        media = StreamMedia()
        for stream in container.streams:
            ctx = stream.codec_context
            if stream.type == "video" and media.codec is None:
                media = replace(
                    media,
                    codec=codec_name(stream),
                    width=ctx.width,
                    height=ctx.height,
                    fps=frame_rate(stream),
                )
            elif stream.type == "audio" and media.audio_codec is None:
                media = replace(
                    media,
                    audio_codec=codec_name(stream),
                    sample_rate=ctx.sample_rate,
                    channels=ctx.channels,
                )
        return MediaInfo(path.resolve(), media)


def _read_manifest(media_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((media_dir / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return dict(files) if isinstance(files, dict) and data.get("version") == VERSION else {}


def _write_manifest(media_dir: Path, files: dict[str, Any]) -> None:
    path = media_dir / MANIFEST
    tmp = path.with_name(f".{os.getpid()}.{MANIFEST}")
    tmp.write_text(json.dumps({"version": VERSION, "files": files}, indent=1, sort_keys=True))
    os.replace(tmp, path)


def _encode(path: Path, file: MediaFile, cancelled: Callable[[], bool]) -> None:
    with av.open(str(path), "w") as out:
        encoders: list[tuple[av.stream.Stream, Iterator[av.frame.Frame]]] = []
        if file.video_graph:
            video: Any = out.add_stream("libx264", rate=file.fps, options=_x264_options(file.fps))
            video.width, video.height, video.pix_fmt = file.width, file.height, "yuv420p"
            encoders.append((video, _frames(file.video_graph, "video")))
        if file.audio_graph:
            audio = out.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
            encoders.append((audio, _frames(file.audio_graph, "audio")))
        _interleave(out, encoders, cancelled)


def _x264_options(fps: int) -> dict[str, str]:
    return {key: value.format(fps=fps) for key, value in _X264.items()}


def _interleave(
    out: av.container.OutputContainer,
    encoders: list[tuple[av.stream.Stream, Iterator[av.frame.Frame]]],
    cancelled: Callable[[], bool],
) -> None:
    """Encode the streams in step, so the file is interleaved as a live sender's would be."""
    sources = dict(encoders)
    pending = {stream: next(frames, None) for stream, frames in encoders}
    while True:
        ready = [(s, f) for s, f in pending.items() if f is not None]
        if not ready:
            break
        if cancelled():
            raise GenerationCancelled(out.name)
        stream, frame = min(ready, key=lambda item: item[1].time or 0.0)
        out.mux(stream.encode(frame))
        pending[stream] = next(sources[stream], None)
    for stream, _ in encoders:
        out.mux(stream.encode(None))


def _frames(graph: str, kind: str) -> Iterator[av.frame.Frame]:
    with av.open(graph, format="lavfi") as src:
        for frame in src.decode(**{kind: 0}):
            if isinstance(frame, av.VideoFrame):
                # lavfi marks raw frames as I-frames, which x264 would obey: let it place them.
                frame.pict_type = av.video.frame.PictureType.NONE
            yield frame
