"""The sound server, through the `soundcard` library: its outputs, its microphones, and names.

`soundcard` speaks to PulseAudio (and PipeWire's Pulse server) through libpulse on Linux, to WASAPI
on Windows and to CoreAudio on macOS. On Linux it connects when it is first imported, and fails
there when no server runs, so it is imported here, on first use, and its failures become
`SourceError`s. Every other module reaches the library through this one.

A name (`loopback:NAME`, `mic:NAME`) is `default`, the server's id of the device (`speakers`, or
`speakers.monitor` for a loopback) or the description a person sees ("Speakers"), in any case.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

from app.media.errors import SourceError

NO_SERVER = "no sound server is running (PulseAudio or PipeWire)"
LOOPBACK_ON_MACOS = "recording what this computer plays (loopback:) is not yet on macOS"

SoundKind = Literal["loopback", "mic"]

_MONITOR = ".monitor"
_NO_SIZE = 2**63  # libpulse's (size_t) -1: the stream failed


@dataclass(frozen=True)
class Endpoint:
    """One output or microphone of the sound server: its id and the name a person sees."""

    id: str
    description: str


def soundcard() -> ModuleType:
    """The `soundcard` module, connected to the sound server; `SourceError` when it cannot be."""
    try:
        return importlib.import_module("soundcard")
    except AssertionError as exc:  # libpulse's context never became ready: nobody answered
        raise SourceError(NO_SERVER) from exc
    except (OSError, ImportError) as exc:  # libpulse (or the system's sound library) is missing
        raise SourceError(f"the sound library cannot be loaded: {exc}") from exc
    except Exception as exc:  # the library's own errors, whatever they are, reach the user
        raise SourceError(f"{NO_SERVER}: {exc}") from exc


def outputs() -> list[Endpoint]:
    """The server's outputs (sinks, speakers)."""
    return [Endpoint(str(s.id), str(s.name)) for s in _call(soundcard().all_speakers)]


def microphones() -> list[Endpoint]:
    """The server's microphones, without the monitors of outputs."""
    return [Endpoint(str(m.id), str(m.name)) for m in _call(soundcard().all_microphones)]


def recorder_of(kind: SoundKind, name: str) -> tuple[Any, Endpoint]:
    """The `soundcard` microphone that records `kind:name`, and the endpoint it was found as.

    A loopback records the monitor of an output (on Windows, the WASAPI loopback of a speaker).
    """
    module = soundcard()
    if kind == "loopback":
        if sys.platform == "darwin":
            raise SourceError(LOOPBACK_ON_MACOS)
        default = str(_call(module.default_speaker).id)
        found = _match(name, outputs(), default, "output", strip=_MONITOR)
        # PulseAudio names an output's monitor after it; WASAPI gives the speaker's own id.
        monitor = f"{found.id}{_MONITOR}" if sys.platform == "linux" else found.id
        return _call(module.get_microphone, monitor, include_loopback=True), found
    default = str(_call(module.default_microphone).id)
    found = _match(name, microphones(), default, "microphone")
    return _call(module.get_microphone, found.id), found


def _match(
    name: str, endpoints: list[Endpoint], default: str, what: str, *, strip: str = ""
) -> Endpoint:
    wanted = default if name == "default" else name
    if strip and wanted.endswith(strip):
        wanted = wanted[: -len(strip)]
    for endpoint in endpoints:
        if endpoint.id == wanted:
            return endpoint
    for endpoint in endpoints:
        if endpoint.description.casefold() == wanted.casefold():
            return endpoint
    if name == "default":
        raise SourceError(f"the sound server has no default {what}")
    known = ", ".join(f"{e.id} ({e.description})" for e in endpoints) or "none"
    raise SourceError(f"no {what} named {name!r}; the sound server has: {known}")


def _call(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call into the library; its failures (the server gone, say) become `SourceError`s."""
    try:
        return function(*args, **kwargs)
    except SourceError:
        raise
    except Exception as exc:
        raise SourceError(f"the sound server failed: {exc}") from exc


def read_all(recorder: Any) -> bytes:
    """Everything `recorder` has to read now (maybe nothing), as packed float samples.

    The server delivers sound in pieces as small as a millisecond, and the library reads one
    piece per call, each through a few locked calls into libpulse: 1300 calls a second, a third
    of a core, for one microphone. On PulseAudio the pieces are taken here in one pass under
    one lock of the library's main loop (its own calls, pinned with it in pyproject.toml); on
    the other systems the library's read gives what there is.
    """
    if sys.platform != "linux":
        return bytes(recorder.record(None).tobytes())
    module = importlib.import_module("soundcard.pulseaudio")
    pa, ffi, mainloop = module._pa, module._ffi, module._pulse.mainloop
    data, size = ffi.new("void**"), ffi.new("size_t*")
    pieces = []
    pa.pa_threaded_mainloop_lock(mainloop)
    try:
        while 0 < pa.pa_stream_readable_size(recorder.stream) < _NO_SIZE:
            if pa.pa_stream_peek(recorder.stream, data, size) < 0 or not size[0]:
                break
            # A hole in the stream (no data, a size) is silence.
            hole = data[0] == ffi.NULL
            pieces.append(bytes(size[0]) if hole else bytes(ffi.buffer(data[0], size[0])))
            pa.pa_stream_drop(recorder.stream)
    finally:
        pa.pa_threaded_mainloop_unlock(mainloop)
    return b"".join(pieces)


def wait_readable(recorder: Any, timeout: float) -> bool:
    """Whether `recorder` has sound to read now, after waiting up to `timeout` seconds for some.

    On PulseAudio the library's read blocks until the server delivers, and the monitor of an idle
    output delivers nothing until something plays, so a read could block a recording's stop for
    ever: the stream's readable size is asked first. The library has no public call for it; this
    reaches into its PulseAudio module (pinned in pyproject.toml). WASAPI and CoreAudio reads
    return by themselves (WASAPI makes silence up when the device sends none).
    """
    if sys.platform != "linux":
        return True
    pulse = importlib.import_module("soundcard.pulseaudio")._pulse
    if pulse._pa_stream_readable_size(recorder.stream):
        return True
    recorder._record_event.wait(timeout)
    recorder._record_event.clear()
    return bool(pulse._pa_stream_readable_size(recorder.stream))
