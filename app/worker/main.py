"""`python -m app.worker.main [--background]`: a recorder worker process (see `app.worker.pipes`).

The worker imports the engine that every job needs (PyAV, the sources, the remuxer and the
protocol) before it says `ready`, so a job it is given starts at once; what only one mode needs
(the compositor and NumPy for a mix) is imported when a job of that mode comes
(`app.worker.recorder.recording_mode`), so a copy never pays for it.

`--background` is for a spare started ahead of demand: its imports run in a thread of lower
priority (Linux: a nice value is a thread's own), so a burst of spares warming up in parallel
yields the CPU to the recordings already running. The recording itself runs in the main thread,
at the priority the worker was started with; a thread's priority could not be raised back
without privileges, hence a thread of its own for the warm-up.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import threading
from collections.abc import Sequence

# What a job of either mode needs, imported before `ready`.
ENGINE = ("app.worker.pipes", "app.media.remux")
# The nice value a background warm-up runs at (0 is normal; 19 the lowest priority): 5 weighs a
# third of a normal thread, so a spare still warms on a busy host, only later.
BACKGROUND_NICE = 5


def main(argv: Sequence[str] | None = None) -> int:
    """Import the engine, say `ready`, run one job; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args not in ([], ["--background"]):
        print("usage: python -m app.worker.main [--background]", file=sys.stderr)
        return 2
    if args:
        warm_up = threading.Thread(target=_warm_up, name="warm-up")
        warm_up.start()
        warm_up.join()
    # After a background warm-up this finds the modules loaded; had it failed, this raises why.
    _import_engine(0)
    from app.worker.pipes import serve

    return serve()


def _warm_up() -> None:
    try:
        _import_engine(BACKGROUND_NICE)
    except Exception:  # the main thread imports again, and that import's error is the one seen
        return


def _import_engine(nice: int) -> None:
    if nice and sys.platform == "linux":
        # A sandbox may refuse it: warming up at normal priority is still right.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    for name in ENGINE:
        importlib.import_module(name)


if __name__ == "__main__":
    status = main()
    sys.stderr.flush()
    # Every file is finished by now. A thread still opening a source (a URL, up to its timeout)
    # must not hold the process up, nor meet interpreter shutdown halfway through a PyAV call.
    os._exit(status)
