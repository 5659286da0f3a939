"""A virtual X screen (Xvfb) for screen-capture tests, and titled windows on it."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from Xlib import X, Xatom
from Xlib.display import Display


class Xvfb:
    """Xvfb on a free display number; `display` is its name (`:93`)."""

    def __init__(self, width: int = 640, height: int = 480) -> None:
        binary = shutil.which("Xvfb")
        if binary is None:
            raise RuntimeError("Xvfb is missing: run `make deps`")
        number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
        self.display = f":{number}"
        # -noreset: a server that resets when its last client leaves drops a client that
        # connects at that moment (one test's window closes as the next one's capture opens).
        screen = f"{width}x{height}x24"
        self._process = subprocess.Popen(
            [binary, self.display, "-screen", "0", screen, "-nolisten", "tcp", "-noreset"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the X server."""
        self._process.terminate()
        self._process.wait(5)


class TitledWindow:
    """A top-level window on an X display, titled and filled with one colour, as a program's
    window would be (`WM_NAME`, and `_NET_WM_NAME` in UTF-8 for titles beyond Latin-1).

    Opened mapped and shown (unless `shown` is False); `close()` destroys it. `id` is its X
    window id.
    """

    def __init__(
        self,
        display: str,
        title: str,
        *,
        rgb: tuple[int, int, int],
        geometry: tuple[int, int, int, int] = (40, 30, 200, 120),
        shown: bool = True,
    ) -> None:
        self._display = Display(display)
        screen = self._display.screen()
        pixel = screen.default_colormap.alloc_color(*(c * 257 for c in rgb)).pixel
        x, y, width, height = geometry
        self._window = screen.root.create_window(
            x,
            y,
            width,
            height,
            0,
            screen.root_depth,
            X.InputOutput,
            X.CopyFromParent,
            background_pixel=pixel,
            event_mask=X.StructureNotifyMask | X.ExposureMask,
        )
        self.id = self._window.id
        self._window.set_wm_name(title.encode("latin-1", "replace").decode("latin-1"))
        self._window.change_property(
            self._display.intern_atom("_NET_WM_NAME"),
            self._display.intern_atom("UTF8_STRING"),
            8,
            title.encode(),
        )
        if not shown:  # as a minimised window is: listed by the window manager, not mapped
            self._display.sync()
            return
        self._window.map()
        # Shown once the server says so: its background is painted by then.
        while self._display.next_event().type != X.Expose:
            pass

    def fill(self, rgb: tuple[int, int, int]) -> None:
        """Paint the whole window in another colour, now."""
        pixel = self._display.screen().default_colormap.alloc_color(*(c * 257 for c in rgb)).pixel
        self._window.change_attributes(background_pixel=pixel)
        self._window.clear_area()
        self._display.sync()

    def point_at(self, x: int, y: int) -> None:
        """Move the mouse pointer to (x, y) inside the window."""
        self._window.warp_pointer(x, y)
        self._display.sync()

    def close(self) -> None:
        """Destroy the window and close the connection."""
        self._window.destroy()
        self._display.close()

    def __enter__(self) -> TitledWindow:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class ManagedWindows:
    """The list of windows a window manager keeps (EWMH `_NET_CLIENT_LIST` on the root window),
    set as one would set it, and removed on leaving: programs then see only these windows."""

    def __init__(self, display: str, *windows: TitledWindow) -> None:
        self._display = Display(display)
        self._root = self._display.screen().root
        self._atom = self._display.intern_atom("_NET_CLIENT_LIST")
        self._root.change_property(self._atom, Xatom.WINDOW, 32, [w.id for w in windows])
        self._display.sync()

    def __enter__(self) -> ManagedWindows:
        return self

    def __exit__(self, *_: object) -> None:
        self._root.delete_property(self._atom)
        self._display.close()
