"""A real small filesystem for disk-full tests: a tmpfs mounted for one test, and a filler file.

Mounting needs root (CI runs as root); without it the test fails and says so, rather than skip a
fault that must be proven.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

_CHUNK = 1 << 20


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "40m") -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder` (created) for the block; unmounted after it."""
    if os.geteuid() != 0:
        pytest.fail(
            "this test mounts a small tmpfs to fill it for real, which needs root "
            "(run it as CI does, as root, e.g. in the project's container)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        check=True,
        capture_output=True,
    )
    try:
        yield folder
    finally:
        # Lazy: a process the test could not stop must not leave the mount behind.
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


def free(folder: Path) -> int:
    """Bytes free on the filesystem of `folder`."""
    return shutil.disk_usage(folder).free


def fill(filler: Path, leave: int) -> None:
    """Grow `filler` until its filesystem has about `leave` bytes free (0: until it is full)."""
    with filler.open("ab", buffering=0) as out:
        while (room := free(filler.parent) - leave) > 0:
            try:
                out.write(b"\0" * min(_CHUNK, room))
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                return
