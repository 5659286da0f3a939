"""One X11 window, by its title (`window:TITLE`), captured with x11grab.

`open_window(spec)` finds the window on `$DISPLAY` (see `x11.find`: the exact title, else the one
window whose title contains TITLE, ignoring case) and opens x11grab on that display with FFmpeg's
`window_id` option: the pictures are the window's own, at its size, with the cursor drawn where it
is over the window, as x11grab draws it on a screen. Under Wayland only XWayland windows are X11
windows; native Wayland windows need the desktop portal, which is not used yet.
"""

from __future__ import annotations

from app.media.errors import SourceError
from app.media.sources.base import MediaSource, SourceSpec
from app.media.sources.container import ContainerSource
from app.media.sources.devices import wayland_session
from app.media.sources.x11 import DisplayUnavailable, connected, display_name, find, windows

_WAYLAND_NOTE = "in a Wayland session only XWayland windows can be captured"


def open_window(spec: SourceSpec) -> MediaSource:
    """Open `window:TITLE`, or raise `SourceError` saying which windows there are."""
    if not spec.target:
        raise SourceError("give a window's title: window:TITLE (--list-devices lists them)")
    try:
        name = display_name()
    except DisplayUnavailable:
        message = "window capture needs an X11 display ($DISPLAY is not set)"
        raise SourceError(_in_wayland(message)) from None
    try:
        with connected(name) as display:
            window = find(spec.target, windows(display))
    except DisplayUnavailable as exc:
        raise SourceError(f"cannot capture {spec}: {exc}") from exc
    except SourceError as exc:
        raise SourceError(_in_wayland(str(exc))) from exc
    # H.264 and VP8 take even sizes only (4:2:0 chroma): an odd column or row is left out.
    size = f"{window.width // 2 * 2}x{window.height // 2 * 2}"
    return ContainerSource.open(
        spec, target=name, options={"window_id": str(window.id), "video_size": size}
    )


def _in_wayland(message: str) -> str:
    return f"{message}; {_WAYLAND_NOTE}" if wayland_session() else message
