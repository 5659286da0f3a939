"""Capture devices: which kinds this FFmpeg build and platform have, and the devices they list.

Kinds: `x11grab` (X11 screens), `v4l2` (Linux cameras), `alsa` (Linux sound cards), `avfoundation`
(macOS cameras, screens and microphones), `dshow` (Windows cameras and microphones), `gdigrab`
(Windows desktop). Linux devices are listed from the system (`/dev/video*`, `/proc/asound`); macOS
and Windows ones from FFmpeg's own `list_devices` output.

A listed device's `source` is the argument that records it (`v4l2:/dev/video0`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import av.logging

from app.media.capabilities import has_input_format
from app.media.sources.base import DEVICE_FORMATS

# The bundled libasound looks for its configuration under its build prefix: use the system's.
_ALSA_CONFIG = "/usr/share/alsa/alsa.conf"


@dataclass(frozen=True)
class Device:
    """One capture device and the source argument that records it."""

    kind: str
    source: str
    media: str
    description: str


def device_kinds() -> list[str]:
    """Capture device kinds this FFmpeg build has."""
    return [kind for kind, fmt in DEVICE_FORMATS.items() if has_input_format(fmt)]


def prepare_alsa() -> None:
    """Let the bundled libasound find the system's ALSA configuration."""
    if os.path.exists(_ALSA_CONFIG):
        os.environ.setdefault("ALSA_CONFIG_PATH", _ALSA_CONFIG)


def list_devices() -> list[Device]:
    """Devices found for every available kind (a kind that cannot list shows none)."""
    found: list[Device] = []
    for kind in device_kinds():
        lister = _LISTERS.get(kind)
        if lister is not None:
            found.extend(lister())
    return found


def _x11() -> list[Device]:
    display = os.environ.get("DISPLAY")
    if not display:
        return []
    return [Device("x11grab", f"x11grab:{display}", "video", f"X11 screen {display}")]


def _v4l2() -> list[Device]:
    devices = []
    for node in sorted(glob.glob("/dev/video*")):
        name_file = Path("/sys/class/video4linux") / Path(node).name / "name"
        name = name_file.read_text().strip() if name_file.exists() else "camera"
        devices.append(Device("v4l2", f"v4l2:{node}", "video", name))
    return devices


def _alsa() -> list[Device]:
    devices = [Device("alsa", "alsa:default", "audio", "default capture device")]
    with contextlib.suppress(OSError):
        for line in Path("/proc/asound/pcm").read_text().splitlines():
            # "00-00: ALC892 Analog : ALC892 Analog : playback 1 : capture 1"
            match = re.match(r"(\d+)-(\d+): ([^:]*):.*capture", line)
            if match:
                card, dev, name = int(match[1]), int(match[2]), match[3].strip()
                devices.append(Device("alsa", f"alsa:hw:{card},{dev}", "audio", name))
    return devices


def _ffmpeg_listing(kind: str, target: str) -> list[Device]:
    """Devices as FFmpeg's `list_devices` option logs them (macOS, Windows)."""
    with av.logging.Capture() as logs, contextlib.suppress(av.FFmpegError, OSError):
        av.open(target, format=kind, options={"list_devices": "true"}).close()
    devices = []
    media = "video"
    for _level, _name, message in logs:
        text = message.strip()
        if "audio devices" in text.lower():
            media = "audio"
        elif "video devices" in text.lower():
            media = "video"
        match = re.match(r"\[(\d+)\] (.+)$", text) or re.match(r'"(.+)" \((video|audio)\)$', text)
        if match is None:
            continue
        if kind == "avfoundation":
            index, name = match[1], match[2]
            source = f"avfoundation:{index}" if media == "video" else f"avfoundation::{index}"
        else:
            name, media = match[1], match[2]
            source = f"dshow:{media}={name}"
        devices.append(Device(kind, source, media, name))
    return devices


_LISTERS: dict[str, Callable[[], list[Device]]] = {
    "x11grab": _x11,
    "v4l2": _v4l2,
    "alsa": _alsa,
    "avfoundation": lambda: _ffmpeg_listing("avfoundation", ""),
    "dshow": lambda: _ffmpeg_listing("dshow", "dummy"),
    "gdigrab": lambda: (
        [Device("gdigrab", "gdigrab:desktop", "video", "Windows desktop")]
        if sys.platform == "win32"
        else []
    ),
}
