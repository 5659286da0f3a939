"""Capture devices: which kinds this FFmpeg build and platform have, and the devices they list.

Kinds: `x11grab` (X11 screens), `window` (one X11 window by its title), `v4l2` (Linux cameras),
`mic` and `loopback` (microphones, and what an output plays, through the sound server), `alsa`
(Linux sound cards), `avfoundation` (macOS cameras, screens and microphones), `dshow` (Windows
cameras and microphones), `gdigrab` (Windows desktop). Linux devices are listed from the system
(the X display, `/dev/video*`, the sound server, `/proc/asound`); macOS and Windows ones from
FFmpeg's own `list_devices` output.

A listed device's `source` is the argument that records it (`v4l2:/dev/video0`). `device_report()`
sorts them into the groups a person knows (`GROUPS`: screens, windows, cameras, microphones,
system sound) and says why a group has none. `wayland_session()` and `WAYLAND_MESSAGE` say what a
Wayland session allows.
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
from app.media.sources import x11
from app.media.sources.base import DEVICE_FORMATS, Device

# The bundled libasound looks for its configuration under its build prefix: use the system's.
_ALSA_DIR = Path("/usr/share/alsa")
# The first hook of the system's alsa.conf: it loads conf.d folders and the user's files.
_ALSA_LOAD = re.compile(r"^@hooks \[\n.*?^\]\n", re.S | re.M)
# A file that defines a hook function loads a plugin library while the configuration is read.
_ALSA_HOOK_FUNC = re.compile(r"^\s*hook_func\.", re.M)


def device_kinds() -> list[str]:
    """Capture device kinds this FFmpeg build has."""
    return [kind for kind, fmt in DEVICE_FORMATS.items() if has_input_format(fmt)]


def prepare_alsa() -> None:
    """Let the bundled libasound read the system's ALSA configuration, less what it cannot load.

    The libasound inside PyAV looks for its configuration under its own build prefix, so it is
    pointed at the system's (`ALSA_CONFIG_DIR`, where `datadir` resolves). It cannot load the
    system's plugin libraries, and one configuration file whose hook loads a library
    (`libasound_module_conf_pulse.so`, from libasound2-plugins) makes the whole configuration
    fail: no PCM at all, not even `null`. The rule: the bundled library reads a copy of the
    system's `alsa.conf` (in the user's cache folder, `recdesk/alsa.conf`) whose first hook loads
    the same files as the system's (`/etc/alsa/conf.d/*.conf`, `/etc/asound.conf`, `~/.asoundrc`,
    ...) except those that define a hook function (`hook_func.NAME`). Everything else they define
    stays; an `ALSA_CONFIG_PATH` the user set wins.
    """
    system = _ALSA_DIR / "alsa.conf"
    if "ALSA_CONFIG_PATH" in os.environ or not system.exists():
        return
    os.environ.setdefault("ALSA_CONFIG_DIR", str(_ALSA_DIR))
    try:
        config = _loadable_alsa_conf(system)
    except OSError:
        config = system  # no cache folder: the system's file, as it is
    os.environ["ALSA_CONFIG_PATH"] = str(config)


def _loadable_alsa_conf(system: Path) -> Path:
    text = system.read_text()
    block = _ALSA_LOAD.search(text)
    if block is None:
        return system
    files = [
        f
        for f in _alsa_files(block[0])
        if not _ALSA_HOOK_FUNC.search(f.read_text(errors="replace"))
    ]
    listed = "".join(f'\t\t\t"{f}"\n' for f in files)
    load = f"@hooks [\n\t{{\n\t\tfunc load\n\t\tfiles [\n{listed}\t\t]\n\t\terrors false\n\t}}\n]\n"
    generated = text[: block.start()] + load + text[block.end() :]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "recdesk"
    target = cache / "alsa.conf"
    if not target.exists() or target.read_text() != generated:
        cache.mkdir(parents=True, exist_ok=True)
        written = target.with_name(f"alsa.conf.{os.getpid()}")  # renamed: readers see it whole
        written.write_text(generated)
        written.replace(target)
    return target


def _alsa_files(block: str) -> list[Path]:
    """The files a `load` hook names: a folder gives its `*.conf`, `A|||B` the first that exists."""
    names = re.findall(r'^\s*"([^"]+)"\s*$', block, re.M)
    names.append(f"{os.environ.get('XDG_CONFIG_HOME') or '~/.config'}/alsa/asoundrc")
    found: list[Path] = []
    for name in names:
        for choice in name.split("|||"):
            path = Path(choice).expanduser()
            if path.is_dir():
                found.extend(sorted(path.glob("*.conf")))
                break
            if path.is_file():
                found.append(path)
                break
    return found


# What a person looks for, in the order they are shown.
GROUPS = ("screens", "windows", "cameras", "microphones", "system sound")

WAYLAND_MESSAGE = (
    "This is a Wayland session. What works: windows of X11 programs (XWayland), the system sound "
    "and microphones. What does not yet: capturing the screen or a native Wayland window, which "
    "needs the desktop's screen-sharing portal."
)


def wayland_session() -> bool:
    """Whether the desktop is a Wayland session (its X11 display, if any, is XWayland's)."""
    return bool(os.environ.get("WAYLAND_DISPLAY")) or (
        os.environ.get("XDG_SESSION_TYPE", "").lower() == "wayland"
    )


@dataclass(frozen=True)
class DeviceReport:
    """The devices found, and for each group in `GROUPS` that has none, why."""

    devices: list[Device]
    unavailable: dict[str, str]

    def group(self, name: str) -> list[Device]:
        """The devices of one group, as listed."""
        return [d for d in self.devices if group_of(d) == name]


def group_of(device: Device) -> str:
    """The group in `GROUPS` a device belongs to."""
    match device.kind:
        case "x11grab" | "gdigrab":
            return "screens"
        case "window":
            return "windows"
        case "loopback":
            return "system sound"
        case "mic" | "alsa":
            return "microphones"
        case _ if device.media == "audio":
            return "microphones"
        case _ if device.description.lower().startswith("capture screen"):  # avfoundation's
            return "screens"
        case _:
            return "cameras"


def list_devices() -> list[Device]:
    """Devices found for every available kind (a kind that cannot list shows none)."""
    return device_report().devices


def device_report() -> DeviceReport:
    """Every device this computer has, by group, with the reason a group has none.

    Only what answers at once is asked (the X display, the sound server, the system's device
    lists): nothing is opened to probe it.
    """
    found: list[Device] = []
    unavailable: dict[str, str] = {}
    kinds = device_kinds()
    if "x11grab" in kinds:
        found.extend(_x11(unavailable))
    else:
        unavailable["windows"] = "capturing one window needs an X11 display (Linux)"
    for kind in kinds:
        lister = _LISTERS.get(kind)
        if lister is not None:
            found.extend(lister())
    sound, sound_problem = _sound()
    found.extend(sound)
    # By group; in a group, the sound server's microphones (what a person knows) before ALSA's.
    found.sort(key=lambda d: (GROUPS.index(group_of(d)), d.kind == "alsa"))
    report = DeviceReport(found, unavailable)
    for group in GROUPS:
        if group not in unavailable and not report.group(group):
            unavailable[group] = _none_found(group, sound_problem)
    return DeviceReport(found, {g: unavailable[g] for g in GROUPS if g in unavailable})


def _none_found(group: str, sound_problem: str | None) -> str:
    if group in ("microphones", "system sound") and sound_problem:
        return sound_problem
    return {
        "screens": "no screen found",
        "windows": "no window with a title is open",
        "cameras": "no camera found",
        "microphones": "no microphone found",
        "system sound": "no sound output found",
    }[group]


def _x11(unavailable: dict[str, str]) -> list[Device]:
    """The display's screens and windows; a display that cannot be read says why for both."""
    try:
        with x11.connected() as display:
            name = x11.display_name()
            shown = x11.screens(display, name)
            titled = [w for w in x11.windows(display) if w.visible]
    except x11.DisplayUnavailable as exc:
        unavailable["screens"] = unavailable["windows"] = str(exc)
        return []
    return [
        Device(
            "x11grab", f"x11grab:{s.display}", "video", f"Screen {s.display} ({s.width}x{s.height})"
        )
        for s in shown
    ] + [Device("window", f"window:{w.title}", "video", w.title) for w in titled]


def _sound() -> tuple[list[Device], str | None]:
    from app.media.sources.sound import sound_devices  # only the listing needs the sound server

    return sound_devices()


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


# Kinds whose devices are listed on their own (X11's screens and windows are listed together).
_LISTERS: dict[str, Callable[[], list[Device]]] = {
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
