"""The allocator's mmap threshold stays where a recording process fixed it.

Each case runs in a fresh interpreter (the setting is process-wide): a large block is freed, as a
decoded picture or a fragment's buffer is, and then a block the size of a few minutes of MP4 index
is taken. glibc marks a block it mapped by itself in the size word before it (`IS_MMAPPED`).
"""

from __future__ import annotations

import platform
import subprocess
import sys

# The mmap threshold is glibc's: these tests run where the project runs, Linux with glibc.
assert platform.system() == "Linux", "needs Linux with glibc"
assert platform.libc_ver()[0] == "glibc", "needs Linux with glibc"

_PROBE = """
import ctypes, sys
from app.media.allocator import fix_mmap_threshold
if sys.argv[1] == "fixed":
    assert fix_mmap_threshold()
libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.free(libc.malloc(4 << 20))
index = libc.malloc(512 << 10)
print(bool(ctypes.c_size_t.from_address(index - ctypes.sizeof(ctypes.c_size_t)).value & 2))
"""


def _mapped(mode: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True
    )
    return done.stdout.strip() == "True"


def test_a_large_block_stays_mapped_after_a_larger_one_was_freed() -> None:
    assert _mapped("fixed")


def test_without_it_the_threshold_rises_and_the_block_lands_on_the_heap() -> None:
    """What makes the first case matter: glibc's dynamic threshold."""
    assert not _mapped("dynamic")
