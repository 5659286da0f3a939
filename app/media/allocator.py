"""Keep a long recording's memory to what its muxers hold (the C allocator's mmap threshold
fixed), keep the cyclic collector's passes short while a recording runs (`spare_from_collection`),
and give back what a finished recording freed (`release_memory`).

An MP4 written with `hybrid_fragmented` (see `app.media.formats`) keeps an index entry for every
packet until the file closes, to write a normal index at its end: about 72 bytes a packet, 19 MiB
an hour for 30 fps video with AAC sound. FFmpeg grows that array by a `realloc` to the exact new
size at every fragment, once a second per file.

glibc serves a block that large by an `mmap` of its own, where growing it only remaps pages, but
its threshold for doing so is *dynamic*: each large block freed (a decoded picture, a keyframe, a
fragment's buffer) raises it to that block's size, up to 32 MiB. The index then stays on the heap,
where a `realloc` that cannot grow it in place copies it elsewhere and leaves the old place as a
hole that only smaller blocks can fill. Measured over a few minutes, a worker recording nine
cameras grew by 1.6 times their index, and one recording a mix by nearly twice it; with the
threshold fixed, workers grow by the index alone (`tests/bench/soak.py`: within 1 % of it).

Fixing the threshold at glibc's own starting value (128 KiB) turns the dynamic rise off. Blocks
past it are few in a recorder (pictures and frames come from FFmpeg's pools), so the extra
`mmap` calls cost nothing measurable. Elsewhere than glibc this does nothing.

Python's cyclic collector, in its full passes, walks every object the process holds, with the
interpreter lock held: in the desktop app, with a call being recorded, about 140,000 objects and
100 ms, during which no other thread runs Python (the GUI froze for 95 ms in `make bench`'s call
group). The objects that exist once a recording has started (the app's own and the pipeline's) live
as long as the recording; `spare_from_collection` moves them out of the collector's passes
(`gc.freeze`), so that a full pass walks only what came after, and `release_memory` hands them back
to it when the recording is over.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import platform

log = logging.getLogger(__name__)

# `M_MMAP_THRESHOLD` in glibc's <malloc.h>, and the value its dynamic threshold starts from.
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD) -> bool:
    """Serve blocks of `threshold` bytes or more by `mmap`, always; True if the allocator took it.

    Call it once, early in a recording process; it applies to the whole process.
    """
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(None)
        taken = libc.mallopt(_M_MMAP_THRESHOLD, threshold)
    except (OSError, AttributeError) as exc:
        log.debug("mallopt is not available: %s", exc)
        return False
    return bool(taken)


def spare_from_collection() -> None:
    """Leave every object that exists now out of the cyclic collector's passes until
    `release_memory` (`gc.freeze`): call it once a long-running pipeline has started."""
    gc.freeze()


def release_memory() -> None:
    """Give the system back what a finished recording freed.

    A recording's pipeline is a web of objects that refer to each other (sinks and the remuxer's
    callbacks, a mix and its preview); the cyclic collector frees them, with the encoders and
    decoders they hold and those codecs' threads, only when it next runs, which an idle program
    may not do for a long time. Collected, their memory stays in the allocator's free lists
    (glibc keeps one arena per thread that allocated): `malloc_trim` returns it. About 50-100 ms
    in the desktop app; call it once a recording is over, not while one runs. What
    `spare_from_collection` left out is collected again from now on.
    """
    gc.unfreeze()
    gc.collect()
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError) as exc:
        log.debug("malloc_trim is not available: %s", exc)
