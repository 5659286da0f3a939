"""What an X11 display shows: its screens and its top-level windows, read with python-xlib.

Top-level windows are those a window manager lists in EWMH's `_NET_CLIENT_LIST` when one runs;
without one, the root window's mapped children (or, under a frame without a name, the titled child
inside it). A window's title is its `_NET_WM_NAME` (UTF-8), else its `WM_NAME`.

Only connecting to the display and reading properties happens here: nothing is captured.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from Xlib import X, Xatom
from Xlib import error as xerror
from Xlib.display import Display
from Xlib.xobject.drawable import Window as XWindow

from app.media.errors import SourceError


class DisplayUnavailable(SourceError):
    """There is no X11 display to read: `$DISPLAY` is not set, or nothing answers there."""


@dataclass(frozen=True)
class Screen:
    """One X11 screen: the display name that captures it, and its size in pixels."""

    display: str
    width: int
    height: int


@dataclass(frozen=True)
class Window:
    """One top-level window; `visible` is False for a minimised or hidden one."""

    id: int
    title: str
    width: int
    height: int
    visible: bool


def display_name() -> str:
    """The display `$DISPLAY` names, or `DisplayUnavailable`."""
    name = os.environ.get("DISPLAY", "")
    if not name:
        raise DisplayUnavailable("no X11 display: $DISPLAY is not set")
    return name


@contextmanager
def connected(name: str | None = None) -> Iterator[Display]:
    """A connection to the display (`$DISPLAY` by default), closed on leaving."""
    name = name or display_name()
    try:
        display = Display(name)
    except (xerror.DisplayError, OSError) as exc:
        raise DisplayUnavailable(f"cannot connect to the X11 display {name}: {exc}") from exc
    try:
        yield display
    finally:
        display.close()


def screens(display: Display, name: str) -> list[Screen]:
    """The display's screens; a display of one screen is captured by its own name (`:0`)."""
    count = display.screen_count()
    host, _, number_part = name.rpartition(":")
    base = f"{host}:{number_part.partition('.')[0]}"
    return [
        Screen(
            name if count == 1 else f"{base}.{number}",
            display.screen(number).width_in_pixels,
            display.screen(number).height_in_pixels,
        )
        for number in range(count)
    ]


def windows(display: Display) -> list[Window]:
    """The display's titled top-level windows, visible ones first, each once."""
    found: dict[int, Window] = {}
    for window in _top_level(display):
        try:  # a window may close while it is read: it is simply not listed
            described = _describe(display, window)
        except xerror.XError:
            continue
        if described is not None:
            found.setdefault(described.id, described)
    return sorted(found.values(), key=lambda w: not w.visible)


def find(title: str, candidates: list[Window]) -> Window:
    """The visible window titled `title`: an exact title first, then one that contains it
    (ignoring case). `SourceError` when none or several match, naming what there is."""
    visible = [w for w in candidates if w.visible]
    matches: list[Window] = []
    for pool in (visible, candidates):  # a hidden window only when no visible one matches
        matches = [w for w in pool if w.title == title] or [
            w for w in pool if title.casefold() in w.title.casefold()
        ]
        if matches:
            break
    if len(matches) > 1:
        names = ", ".join(repr(w.title) for w in matches)
        raise SourceError(f"several windows match {title!r}: {names}; give more of the title")
    if not matches:
        names = ", ".join(repr(w.title) for w in visible) or "none"
        raise SourceError(f"no window titled {title!r}; open windows: {names}")
    if not matches[0].visible:
        raise SourceError(
            f"window {matches[0].title!r} is minimised or hidden: show it to record it"
        )
    return matches[0]


def _top_level(display: Display) -> list[XWindow]:
    root = display.screen().root
    clients = root.get_full_property(display.intern_atom("_NET_CLIENT_LIST"), Xatom.WINDOW)
    if clients is not None and len(clients.value):
        return [display.create_resource_object("window", int(w)) for w in clients.value]
    # No window manager: the root's mapped children (unmapped ones are toolkits' helper windows,
    # such as Qt's clipboard owner), and one level down where a frame has no name.
    found = []
    for child in root.query_tree().children:
        try:  # a window may close while it is read: it is simply not listed
            if child.get_attributes().map_state != X.IsViewable:
                continue
            found.append(child)
            if _title(display, child) is None:
                found.extend(child.query_tree().children)
        except xerror.XError:
            continue
    return found


def _describe(display: Display, window: XWindow) -> Window | None:
    """The window as listed, or None for one a person cannot see or pick: untitled, input-only
    (no picture), or a menu or tooltip that bypasses the window manager."""
    attributes = window.get_attributes()
    if attributes.win_class == X.InputOnly or attributes.override_redirect:
        return None
    title = _title(display, window)
    if not title:
        return None
    geometry = window.get_geometry()
    visible = attributes.map_state == X.IsViewable and geometry.width > 1 and geometry.height > 1
    return Window(window.id, title, geometry.width, geometry.height, visible)


def _title(display: Display, window: XWindow) -> str | None:
    utf8 = window.get_full_text_property(
        display.intern_atom("_NET_WM_NAME"), display.intern_atom("UTF8_STRING")
    )
    title = utf8 if utf8 else window.get_wm_name()
    return title.strip() if isinstance(title, str) and title.strip() else None
