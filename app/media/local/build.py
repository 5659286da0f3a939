"""From a `LocalSpec` to an opened source and the sinks that write its files.

- **One input, not mixed** (a participant through the service's live re-serve): the source's
  packets are copied; only what the container cannot hold is re-encoded (AAC into WebM). What is
  recorded follows what the source has: picture and sound, or the one it has; an `audio` input,
  or an M4A file, records sound only.
- **A device or test source** is always recorded through a mix, even alone: its raw pictures are
  encoded at the quality's size and frame rate, at a constant rate whatever the device delivers.
- **Mixed** (the whole room, the room's sound, screen + camera + microphone): each input is a live
  participant of a `MixSource`, composed on the quality's canvas by the spec's layout, or by one
  arranged for the inputs (`floating` with the screen as the main picture when there is a screen,
  else `grid`); a spec of sound only mixes sound only. Participants who join or leave later are
  opened with `mix_input` (`app.media.local.members`). With `separate_tracks`, each input that
  has sound is an audio track of its own, in input order, titled by its label (a call: the
  microphone and what the computer plays); the inputs in `muted` start muted.

Every input is live: a file is played in real time (the tests' stand-in for a camera).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.layout.model import Layout, TemplateId
from app.layout.templates import StreamRef
from app.media.formats import FORMATS, ContainerFormat
from app.media.local.spec import QUALITIES, LocalInput, LocalSpec
from app.media.mix.images import LocalImageFiles
from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource
from app.media.pipeline.layouts import default_layout
from app.media.pipeline.opening import open_inputs, start_mix
from app.media.pipeline.outputs import OutputRequest, build_outputs
from app.media.plan import OutputPlan, StreamType
from app.media.sinks.base import MediaSink
from app.media.sources import MediaSource, open_source, parse_source

# A participant or device that sends nothing for this long has left: the recording ends.
MAX_IDLE = 30.0

Authorize = Callable[[str], str]  # a URL → the URL to open now (signed anew)


@dataclass
class Opened:
    """A recording's source and sinks, ready for the remuxer."""

    source: MediaSource
    sinks: list[MediaSink]
    plans: list[OutputPlan]


def open_recording(
    spec: LocalSpec, folder: Path, name: str, *, authorize: Authorize | None = None
) -> Opened:
    """Open the spec's inputs and the sinks of its files (`folder/name.ext`); closes on failure.

    `authorize` turns a URL into the one to open (a service's signature, made at each connection:
    it is never kept in the spec, which the journal writes to disk).
    """
    fmt = FORMATS[spec.format]
    source: MediaSource
    if _mixed(spec):
        source, heard = _open_mix(spec, fmt, authorize)
    else:
        source = open_input(spec.inputs[0], authorize)
        heard = any(s.type == "audio" for s in source.streams)
    request = OutputRequest(
        format=fmt,
        stem=folder / name,
        stream_type=_stream_type(spec, source, heard),
        split=spec.split,
    )
    try:
        outputs = build_outputs(source, request)
    except BaseException:
        source.close()
        raise
    return Opened(source, outputs.sinks, outputs.plans)


def _mixed(spec: LocalSpec) -> bool:
    """Mixed, or a device: raw pictures are encoded by the mix, at the quality's size and rate."""
    return spec.mixed or any(
        parse_source(i.source).kind in ("device", "lavfi", "sound", "window") for i in spec.inputs
    )


def open_input(item: LocalInput, authorize: Authorize | None) -> MediaSource:
    """One input, opened live (a URL through `authorize`); it ends after `MAX_IDLE` of nothing."""
    spec = parse_source(item.source)
    return open_source(spec, live=True, max_idle=MAX_IDLE, authorize=authorize)


def _open_mix(
    spec: LocalSpec, fmt: ContainerFormat, authorize: Authorize | None
) -> tuple[MixSource, bool]:
    """The mix, and whether any of its inputs sends sound (else the file gets none)."""
    inputs = open_inputs(spec.inputs, lambda item: mix_input(item, authorize))

    def layout(inputs: Sequence[MixInput]) -> Layout:
        return spec.layout or _arranged(spec, inputs)

    heard = [i for i in inputs if i.has_audio]
    labels = {i.stream_id: i.label or i.stream_id for i in spec.inputs}
    separate = spec.separate_tracks and bool(heard)
    mix = start_mix(
        inputs,
        layout,
        fmt,
        live=True,
        video=not spec.audio_only,
        images=LocalImageFiles(),  # the user's own files, as the layout names them; never a URL
        tracks=[[i.stream_id] for i in heard] if separate else None,
        track_titles=[labels.get(i.stream_id, i.stream_id) for i in heard] if separate else (),
    )
    for stream_id in spec.muted:
        mix.set_muted(stream_id, True)
    return mix, bool(heard)


def mix_input(item: LocalInput, authorize: Authorize | None) -> MixInput:
    """One input of a mix, opened live (`open_input`)."""
    return MixInput(item.stream_id, open_input(item, authorize), kind=item.kind)


def _arranged(spec: LocalSpec, inputs: Sequence[MixInput]) -> Layout:
    refs = [StreamRef(i.stream_id, i.kind if i.has_video else "audio") for i in inputs]
    template: TemplateId = "floating" if any(r.kind == "screen" for r in refs) else "grid"
    shown = [i for i in inputs if i.has_video]
    main = next((i for i in shown if i.kind == "screen"), shown[0] if shown else None)
    canvas = QUALITIES[spec.quality].canvas(None if main is None else main.picture_size)
    return default_layout(refs, canvas, template)


def _stream_type(spec: LocalSpec, source: MediaSource, heard: bool) -> StreamType:
    if spec.audio_only or all(s.type != "video" for s in source.streams):
        return "audio"
    return "av" if heard else "video"
