"""A window that flashes and beeps at once, for A/V sync on this computer's screen and speakers.

At the start of each wall-clock second the window turns white for `FLASH` seconds and a 1000 Hz
beep of `BEEP` seconds starts in a sink of the sound server, played through a low-latency stream
(10 ms blocks, one block ahead at most): the picture and the sound leave this process within a
few milliseconds of each other, so what a recording shows apart is the recording's doing.
`tests.helpers.sync.measure` reads the offsets from the file.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np

from tests.helpers.sound import BLOCK, RATE
from tests.helpers.xvfb import TitledWindow

FLASH = 0.1
BEEP = 0.1
TONE = 1000.0
_DARK, _WHITE = (40, 40, 40), (255, 255, 255)


class Flasher:
    """A titled window that flashes and a sink that beeps, every second, until `stop()`."""

    def __init__(
        self,
        display: str,
        title: str,
        sink: str,
        *,
        geometry: tuple[int, int, int, int] = (0, 0, 320, 240),
    ) -> None:
        self._stop = threading.Event()
        self._window = TitledWindow(display, title, rgb=_DARK, geometry=geometry)
        ready = threading.Event()
        self._threads = [
            threading.Thread(target=self._flash, name="flasher-picture", daemon=True),
            threading.Thread(
                target=self._beep, args=(sink, ready), name="flasher-sound", daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()
        if not ready.wait(10):
            raise RuntimeError(f"cannot play into {sink}")

    def _flash(self) -> None:
        while not self._stop.is_set():
            second = math.ceil(time.time())
            self._stop.wait(max(0.0, second - time.time()))
            self._window.fill(_WHITE)
            self._stop.wait(FLASH)
            self._window.fill(_DARK)

    def _beep(self, sink: str, ready: threading.Event) -> None:
        import soundcard

        with soundcard.get_speaker(sink).player(RATE, channels=2, blocksize=BLOCK) as out:
            ready.set()
            while not self._stop.is_set():
                # This block is heard from about now on (the stream holds a block at most).
                start = time.time()
                offsets = (start + np.arange(BLOCK) / RATE) % 1.0
                block = np.where(
                    offsets < BEEP, 0.5 * np.sin(2 * np.pi * TONE * offsets), 0.0
                ).astype(np.float32)
                out.play(np.repeat(block[:, None], 2, axis=1))

    def stop(self) -> None:
        """Stop flashing and beeping, and close the window."""
        self._stop.set()
        for thread in self._threads:
            thread.join(5)
        self._window.close()

    def __enter__(self) -> Flasher:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
