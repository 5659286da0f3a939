"""What the bundled FFmpeg build can open, detected at run time.

PyAV exposes the container formats and codecs but not FFmpeg's URL protocols, so those are read with
`avio_enum_protocols` from the very libavformat that PyAV loaded (through ctypes). Nothing here is a
hard-coded list: a different FFmpeg build reports what it has.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os

import av

# Input formats that behave like protocols (`rtsp://`, `sdp` for RTP sessions): FFmpeg opens them
# with a demuxer rather than a URL protocol, so `avio_enum_protocols` does not list them. (The
# demuxer named `srt` reads SubRip subtitles, not the SRT protocol, so it is not one of them.)
_DEMUXER_PROTOCOLS = ("rtsp", "sdp")


@functools.cache
def _libavformat() -> ctypes.CDLL | None:
    """The libavformat that PyAV uses, or None if it cannot be located."""
    package = os.path.dirname(av.__file__)
    patterns = [
        os.path.join(package, "..", "av.libs", "libavformat*.so*"),  # Linux wheels
        os.path.join(package, ".dylibs", "libavformat*.dylib"),  # macOS wheels
        os.path.join(package, "..", "av.libs", "avformat*.dll"),  # Windows wheels
    ]
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            try:
                return ctypes.CDLL(path)
            except OSError:
                continue
    try:  # PyAV built against a system FFmpeg: the library is already loaded by name.
        return ctypes.CDLL("libavformat.so")
    except OSError:
        return None


@functools.cache
def input_protocols() -> tuple[str, ...]:
    """URL protocols FFmpeg can read from (`file`, `rtmp`, `http`, `udp`, ...), sorted."""
    found: set[str] = set()
    lib = _libavformat()
    if lib is not None:
        enum = lib.avio_enum_protocols
        enum.restype = ctypes.c_char_p
        enum.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int]
        cursor = ctypes.c_void_p(None)
        while (name := enum(ctypes.byref(cursor), 0)) is not None:
            found.add(name.decode())
    found.update(name for name in _DEMUXER_PROTOCOLS if has_input_format(name))
    return tuple(sorted(found))


def has_input_format(name: str) -> bool:
    """Whether FFmpeg has a demuxer (or capture device) of this name."""
    try:
        av.format.ContainerFormat(name, "r")
    except ValueError:
        return False
    return True


def has_encoder(name: str) -> bool:
    """Whether FFmpeg has an encoder of this name."""
    try:
        av.codec.Codec(name, "w")
    except av.codec.codec.UnknownCodecError:
        return False
    return True
