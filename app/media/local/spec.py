"""What a local recording records, and how: plain data the desktop builds and the journal keeps.

- `LocalInput`: one source argument (`http://.../live`, `x11grab::0.0`, `alsa:default`,
  `loopback:default`, `lavfi:...`) with the name it has in a layout, its kind (`camera`, `screen`,
  `audio`: an `audio` input is only heard, even when its source has pictures) and the label a
  person knows it by ("Microphone"), which names its audio track when tracks are kept apart.
- `LocalSpec`: the inputs, whether they are mixed (a single input is copied as it comes, never
  re-encoded, unless the container cannot hold it), the container (`mp4` hybrid-fragmented by
  default, `mkv`, `webm`, `m4a`), a quality preset for what is encoded, an optional layout for a
  mix (else one is arranged), an optional split interval; for a mix, whether each input's sound
  is a track of its own (`separate_tracks`, a call's two voices) and which inputs start muted.
- `QUALITIES`: the presets, as canvas size (or the main picture's own), frame rate and bitrates.

`LocalSpec.as_json()` / `LocalSpec.from_json()` round-trip through the journal, so a recording
found after a crash says what it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from app.layout.checks import fitted_size
from app.layout.model import Canvas, Layout
from app.layout.templates import StreamKind

FormatName = Literal["mp4", "mkv", "webm", "m4a"]
LOCAL_FORMATS: tuple[FormatName, ...] = get_args(FormatName)

QualityName = Literal["draft", "standard", "high", "source"]


@dataclass(frozen=True)
class Quality:
    """An encoding preset: the mixed picture's size and rate, and the bitrates."""

    name: QualityName
    label: str
    width: int
    height: int
    fps: int
    video_bitrate: int
    audio_bitrate: int

    def canvas(self, picture: tuple[int, int] | None = None) -> Canvas:
        """The canvas a mix at this quality is drawn on.

        The `source` quality (width 0) takes the size of `picture`, the main input's, made even
        (a screen kept at its own size keeps its text sharp), with a bitrate in proportion to its
        area, as High's for 1080p; without a picture it is High's size. A picture beyond the canvas
        limits (a 5K screen) is drawn at the largest size of its shape within them.
        """
        width, height, bitrate = self.width, self.height, self.video_bitrate
        if not width:
            width, height = fitted_size(*(picture or (1920, 1080)))
            bitrate = max(500_000, round(self.video_bitrate * width * height / (1920 * 1080)))
        return Canvas(
            width=width,
            height=height,
            fps=self.fps,
            video_bitrate=bitrate,
            audio_bitrate=self.audio_bitrate,
        )


QUALITIES: dict[str, Quality] = {
    q.name: q
    for q in (
        Quality("draft", "Draft · 480p15", 854, 480, 15, 800_000, 96_000),
        Quality("standard", "Standard · 720p30", 1280, 720, 30, 2_500_000, 128_000),
        Quality("high", "High · 1080p30", 1920, 1080, 30, 6_000_000, 192_000),
        # Width 0: the main picture's own size (`Quality.canvas`); the bitrate is High's at 1080p.
        Quality("source", "Source size · 30 fps", 0, 0, 30, 6_000_000, 192_000),
    )
}
DEFAULT_QUALITY: QualityName = "standard"


@dataclass(frozen=True)
class LocalInput:
    """One thing to record: a source argument, its name in a layout, its kind and its label."""

    stream_id: str
    source: str
    kind: StreamKind = "camera"
    label: str = ""

    @property
    def audio_only(self) -> bool:
        """Whether only its sound is recorded."""
        return self.kind == "audio"


@dataclass(frozen=True)
class LocalSpec:
    """A local recording: its inputs, mixed or copied, into which container, at which quality."""

    label: str
    inputs: tuple[LocalInput, ...]
    mixed: bool = False
    format: FormatName = "mp4"
    quality: QualityName = DEFAULT_QUALITY
    layout: Layout | None = None
    split: float | None = None
    separate_tracks: bool = False  # mixed: one audio track per input with sound, in input order
    muted: tuple[str, ...] = ()  # stream ids whose sound is dropped from the start (mixed)

    @property
    def audio_only(self) -> bool:
        """Whether the recording is sound only (an M4A file, or only audio inputs)."""
        return self.format == "m4a" or all(i.audio_only for i in self.inputs)

    def as_json(self) -> dict[str, Any]:
        """The JSON object the journal keeps."""
        return {
            "label": self.label,
            "inputs": [
                {"stream_id": i.stream_id, "source": i.source, "kind": i.kind, "label": i.label}
                for i in self.inputs
            ],
            "mixed": self.mixed,
            "format": self.format,
            "quality": self.quality,
            "layout": self.layout.to_json() if self.layout is not None else None,
            "split": self.split,
            "separate_tracks": self.separate_tracks,
            "muted": list(self.muted),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LocalSpec:
        """The spec a journal kept (the inverse of `as_json`)."""
        layout = data.get("layout")
        return cls(
            label=str(data["label"]),
            inputs=tuple(
                LocalInput(
                    str(i["stream_id"]),
                    str(i["source"]),
                    i.get("kind", "camera"),
                    str(i.get("label", "")),
                )
                for i in data["inputs"]
            ),
            mixed=bool(data.get("mixed", False)),
            format=data.get("format", "mp4"),
            quality=data.get("quality", DEFAULT_QUALITY),
            layout=Layout.from_json(layout) if layout else None,
            split=data.get("split"),
            separate_tracks=bool(data.get("separate_tracks", False)),
            muted=tuple(str(m) for m in data.get("muted", ())),
        )
