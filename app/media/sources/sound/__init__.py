"""Sound through the sound server (PulseAudio, or PipeWire's Pulse server; WASAPI on Windows,
CoreAudio on macOS): what an output plays (`loopback:NAME`) and microphones (`mic:NAME`).

- `open_sound(spec)` opens one as a `MediaSource` (`SoundSource`: raw 48 kHz stereo on the clock).
- `sound_devices()` lists them as a person sees them, or says why there are none.
- `server` is the one module that speaks to the `soundcard` library.
"""

from __future__ import annotations

import sys
from typing import cast

from app.media.errors import SourceError
from app.media.sources.base import Device, SourceSpec
from app.media.sources.sound import server
from app.media.sources.sound.source import SoundSource

__all__ = ["SoundSource", "open_sound", "sound_devices"]

PLAYS = " — what this computer plays"


def open_sound(spec: SourceSpec) -> SoundSource:
    """Open `loopback:NAME` or `mic:NAME`, recording; `SourceError` says what went wrong."""
    kind = spec.input_format
    if kind not in ("loopback", "mic"):
        raise SourceError(f"{spec} is not a sound source")
    microphone, endpoint = server.recorder_of(cast(server.SoundKind, kind), spec.target)
    return SoundSource(spec, microphone, endpoint).start()


def sound_devices() -> tuple[list[Device], str | None]:
    """Outputs to record ("Speakers — what this computer plays") and microphones, and the reason
    there are none when no sound server can be reached (else None)."""
    try:
        outputs = [] if sys.platform == "darwin" else server.outputs()
        microphones = server.microphones()
    except SourceError as exc:
        return [], str(exc)
    found = [
        Device("loopback", f"loopback:{o.id}", "audio", f"{o.description}{PLAYS}") for o in outputs
    ]
    found += [Device("mic", f"mic:{m.id}", "audio", m.description) for m in microphones]
    return found, None
