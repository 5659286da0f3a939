"""Instructions per packet of the copy path, old against new: a figure that load cannot blur.

```
python -m tests.bench.copy_instructions --old DIR [--new DIR] [--modes plain,split,recover,floor]
```

CPU seconds on a shared machine swing by more than a few percent from one run to the next, which
is the size of a change to a per-packet loop. Valgrind's callgrind counts the instructions a run
executes instead, the same on an idle machine and a busy one (though it leaves out the kernel's
work, and instructions are not cycles: a figure to compare two versions of the code with, beside
the CPU figures of `copy_cost`, not instead of them).

Each mode copies the 60 s benchmark clip and its first 10 s (for `recover`, what a killed recorder
leaves of each) in a process that imports everything and copies a short clip first, so that
imports, bytecode compiled for files being edited and first-use costs fall outside what differs
between the two runs; `(long - short) / (packets(long) - packets(short))` is the steady-state
count per packet. Modes: `plain` (`recdesk-record SRC -o OUT.mp4`), `split` (with `--split 10`:
five new parts), `recover` (`--recover`) and `floor` (the bare PyAV loop of `pyav_floor`). The
ffmpeg CLI's count is printed for reference. Needs `valgrind` on PATH; a run of each mode takes a
minute or two under callgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import av

from tests.bench.media import FFMPEG, REPO, ClipSpec, clip, cut, killed
from tests.bench.paired import Side
from tests.bench.remux_cpu import ffmpeg_muxer_args

MODES = ("plain", "split", "recover", "floor")
_SPLIT = "10"
# Run in each side's checkout: copy a short clip (imports, first uses), then the measured input.
_DRIVER = """
import contextlib, io, os, shutil, sys
mode, warm, source, folder = sys.argv[1:5]
from app.media import cli
from app.media.recover import recover
def job(path, name):
    out = os.path.join(folder, name)
    os.makedirs(out)
    if mode == "recover":
        shutil.copyfile(path, os.path.join(out, "k.mp4"))
        recover(os.path.join(out, "k.mp4"))
    elif mode == "floor":
        from tests.bench.pyav_floor import remux
        remux(path, os.path.join(out, "o.mp4"))
    else:
        extra = ["--split", "{split}"] if mode == "split" else []
        cli.main([path, "-o", os.path.join(out, "o.mp4"), "-y", *extra])
with contextlib.redirect_stdout(io.StringIO()):
    job(warm, "warm")
    job(source, "run")
""".replace("{split}", _SPLIT)
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> int:
    """The instructions one run of `argv` executes, counted by callgrind."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv]
    # The same dict layouts every run; and no idle BLAS threads (numpy's, imported on the way),
    # whose spinning callgrind would count by however long they happened to spin.
    env = {**(env or os.environ), "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    match = _REFS.search(done.stderr)
    if match is None:
        raise RuntimeError(f"callgrind gave no count: {done.stderr[-500:]}")
    return int(match.group(1).replace(",", ""))


def packets(path: Path) -> int:
    """The audio and video packets with data in a file: what a copy handles."""
    with av.open(str(path)) as container:
        kept = [s for s in container.streams if s.type in ("audio", "video")]
        return sum(1 for p in container.demux(kept) if p.size)


def per_packet(side: Side, mode: str, inputs: dict[str, Path], folder: Path) -> float:
    """The side's steady-state instructions per packet in one mode."""
    warm = inputs["warm"]
    counts = {}
    for length in ("long", "short"):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        argv = [side.python, "-c", _DRIVER, mode, warm, str(inputs[length]), str(folder)]
        counts[length] = instructions(argv, cwd=side.root, env=side.env)
    extra = packets(inputs["long"]) - packets(inputs["short"])
    return (counts["long"] - counts["short"]) / extra


def ffmpeg_per_packet(long_input: Path, short_input: Path, ffmpeg: str = FFMPEG) -> float:
    """`ffmpeg -c copy`'s steady-state instructions per packet, with the engine's mp4 options."""
    args, _ = ffmpeg_muxer_args(ffmpeg)
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
        out = Path(tmp) / "out.mp4"
        head = [ffmpeg, "-nostdin", "-v", "error", "-i"]
        counts = [
            instructions(
                [*head, str(path), "-c", "copy", "-f", "mp4", *args, "-y", str(out)], cwd=REPO
            )
            for path in (long_input, short_input)
        ]
    return (counts[0] - counts[1]) / (packets(long_input) - packets(short_input))


def main(argv: Sequence[str] | None = None) -> int:
    """Count both sides' instructions per packet in each mode and print them side by side."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.copy_instructions", description=__doc__
    )
    parser.add_argument("--old", type=Path, required=True, help="the older checkout")
    parser.add_argument("--new", type=Path, default=REPO, help="the newer one (default: this)")
    parser.add_argument(
        "--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES)
    )
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    if not set(modes) <= set(MODES) or shutil.which("valgrind") is None:
        parser.error(f"modes are {', '.join(MODES)}, and valgrind must be on PATH")
    long_input = clip(ClipSpec(60))
    short_input = cut(long_input, 10)
    warm = cut(long_input, 3)
    sides = [Side("old", args.old.resolve()), Side("new", args.new.resolve())]
    ffmpeg = ffmpeg_per_packet(long_input, short_input)
    print(f"ffmpeg -c copy: {ffmpeg:,.0f} instructions per packet")
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
        for mode in modes:
            if mode == "recover":
                inputs = {"long": killed(long_input), "short": killed(short_input)}
                inputs["warm"] = inputs["short"]
            else:
                inputs = {"long": long_input, "short": short_input, "warm": warm}
            counts = {s.name: per_packet(s, mode, inputs, Path(tmp) / "out") for s in sides}
            old, new = counts["old"], counts["new"]
            print(
                f"{mode}: old {old:,.0f}, new {new:,.0f} instructions per packet "
                f"(new/old {new / old:.3f}; over ffmpeg: old {old / ffmpeg:.3f}x, "
                f"new {new / ffmpeg:.3f}x)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
