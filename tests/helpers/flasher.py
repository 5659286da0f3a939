"""A window that flashes and beeps at once, for A/V sync on this computer's screen and speakers.

At the start of each wall-clock second the window turns white for `FLASH` seconds and a 1000 Hz
beep of `BEEP` seconds starts in a sink of the sound server, played through a low-latency stream
(10 ms blocks, one block ahead at most): the picture and the sound leave the flasher within a few
milliseconds of each other, so what a recording shows apart is the recording's doing.
`tests.helpers.sync.measure` reads the offsets from the file.

`Flasher` runs it in a child process of its own (`python -m tests.helpers.flasher DISPLAY TITLE
SINK X,Y,W,H`), so that neither its timing nor its CPU is the recorder's: it returns once the
window is shown and the sound plays.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence

import numpy as np

from tests.helpers.sound import BLOCK, RATE, ROOT
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
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.helpers.flasher",
                display,
                title,
                sink,
                ",".join(map(str, geometry)),
            ],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
        )
        assert self._process.stdout is not None
        if self._process.stdout.readline().strip() != b"flashing":
            self.stop()
            raise RuntimeError(f"the flasher on {display} into {sink} did not start")

    def stop(self) -> None:
        """Stop flashing and beeping, and close the window."""
        self._process.terminate()
        self._process.wait(10)

    def __enter__(self) -> Flasher:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _flash(window: TitledWindow) -> None:
    while True:
        second = math.ceil(time.time())
        time.sleep(max(0.0, second - time.time()))
        window.fill(_WHITE)
        time.sleep(FLASH)
        window.fill(_DARK)


def _beep(sink: str, ready: threading.Event) -> None:
    import soundcard

    with soundcard.get_speaker(sink).player(RATE, channels=2, blocksize=BLOCK) as out:
        ready.set()
        while True:
            # This block is heard from about now on (the stream holds a block at most).
            offsets = (time.time() + np.arange(BLOCK) / RATE) % 1.0
            block = np.where(offsets < BEEP, 0.5 * np.sin(2 * np.pi * TONE * offsets), 0.0)
            out.play(np.repeat(block.astype(np.float32)[:, None], 2, axis=1))


def _main(argv: Sequence[str]) -> None:
    display, title, sink, geometry = argv
    x, y, width, height = (int(v) for v in geometry.split(","))
    window = TitledWindow(display, title, rgb=_DARK, geometry=(x, y, width, height))
    ready = threading.Event()
    threading.Thread(target=_beep, args=(sink, ready), daemon=True).start()
    if not ready.wait(10):
        raise SystemExit(f"cannot play into {sink}")
    threading.Thread(target=_flash, args=(window,), daemon=True).start()
    print("flashing", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    _main(sys.argv[1:])
