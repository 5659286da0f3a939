"""The copy path's three rows, old code against new: remux, `--recover` and `--split`, paired.

```
python -m tests.bench.copy_cost --old DIR [--new DIR] [--pairs N] [--quick]
```

Each row is a ratio of steady-state costs, measured as in `remux_cpu` (CPU, user + sys, of a fresh
process from `os.wait4`; the slope between a long input and its short cut, so start-up cancels):

1. **remux**: `recdesk-record SRC -o out.mp4` over `ffmpeg -c copy` into the same MP4 (with the
   engine's muxer options, as `remux_cpu` passes them);
2. **recover**: `recdesk-record --recover COPY` over `ffmpeg -i COPY -c copy out.mp4`, on what a
   recorder killed at the end of each input leaves (`media.killed`), a fresh copy per run;
3. **split**: `recdesk-record SRC -o out.mp4 --split N` over the plain recording of row 1.

Both checkouts (`--old`, a `git worktree` of an older commit, and `--new`, by default this one) run
every command of a pair back to back, the side that goes first alternating from pair to pair, with
the reference (ffmpeg, or the plain recording) run in the same pair: a busy patch of a shared
machine then hits the two sides and their reference alike. Each pair gives each side's ratio; a
row's figure is the median over the pairs, printed with its spread and the load average
(`os.getloadavg()`, one minute) that each pair ran under.

`measure(settings, old, new, pairs)` is what `run` can call; `--quick` (the 60 s input, split every
10 s, 3 pairs) takes about a minute on a quiet 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.media import FFMPEG, REPO, ClipSpec, clip, cut, killed, media_seconds
from tests.bench.paired import Side, child_cpu
from tests.bench.remux_cpu import TARGET_RATIO, ffmpeg_muxer_args
from tests.bench.remux_cpu import child_cpu as reference_cpu
from tests.bench.settings import FULL, QUICK, Settings
from tests.bench.survive import TARGET_PARTS, TARGET_RECOVER

PAIRS = 5
QUICK_PAIRS = 3
SIDES = ("old", "new")
LENGTHS = ("long", "short")


@dataclass(frozen=True)
class Row:
    """One row: what each side's command and its reference are, and the target of their ratio."""

    name: str
    target: float
    # (side or "ref", length) -> the CPU seconds of one run; the side's checkout runs its own.
    run: Callable[[str, str], float]
    shared_reference: bool  # True: one reference run per pair serves both sides


@dataclass
class Pair:
    """One pair of one row: every run's CPU seconds and the load average before it began."""

    first: str
    load: float
    cpu: dict[tuple[str, str], float] = field(default_factory=dict)  # (who, length) -> CPU s


@dataclass
class RowResult:
    """Every pair of one row, and the media seconds of its inputs."""

    row: Row
    long_seconds: float
    short_seconds: float
    pairs: list[Pair] = field(default_factory=list)

    def slope(self, pair: Pair, who: str) -> float:
        """Steady-state CPU seconds per media second of one command in one pair."""
        extra = pair.cpu[who, "long"] - pair.cpu[who, "short"]
        return extra / (self.long_seconds - self.short_seconds)

    def ratios(self, side: str) -> list[float]:
        """The side's ratio to its reference in each pair where both slopes are measurable."""
        reference = "ref" if self.row.shared_reference else f"ref-{side}"
        out = []
        for pair in self.pairs:
            ours, ref = self.slope(pair, side), self.slope(pair, reference)
            if ours > 0 and ref > 0:
                out.append(ours / ref)
        return out

    def figure(self, side: str) -> float:
        """The median of the side's paired ratios (NaN when no pair measured it)."""
        ratios = self.ratios(side)
        return statistics.median(ratios) if ratios else float("nan")


def measure(
    settings: Settings, old: Path, new: Path, pairs: int, *, ffmpeg: str = FFMPEG
) -> list[RowResult]:
    """Measure the three rows, `pairs` pairs each, and print each pair as it ends."""
    sides = {"old": Side("old", old.resolve()), "new": Side("new", new.resolve())}
    for side in sides.values():
        print(f"  {side.name}: {side.root} (import app -> {side.check()})", flush=True)
    long_input = clip(ClipSpec(settings.long_seconds))
    short_input = cut(long_input, settings.short_seconds)
    inputs = {"long": long_input, "short": short_input}
    wrecks = {length: killed(path, ffmpeg=ffmpeg) for length, path in inputs.items()}
    muxer_args, note = ffmpeg_muxer_args(ffmpeg)
    print(f"  FFmpeg: {note}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
        folder = Path(tmp)
        out = folder / "out.mp4"
        copy = folder / "killed.mp4"

        def fresh(path: Path | None = None) -> None:
            # Off the clock: every run starts from an empty folder (and recovery from a new copy).
            for item in folder.iterdir():
                item.unlink()
            if path is not None:
                shutil.copyfile(path, copy)

        def remux(who: str, length: str) -> float:
            fresh()
            if who == "ref":
                head = [ffmpeg, "-nostdin", "-v", "error", "-i", str(inputs[length]), "-c", "copy"]
                return reference_cpu([*head, "-f", "mp4", *muxer_args, "-y", str(out)])
            return child_cpu(sides[who], [str(inputs[length]), "-o", str(out), "-y"])

        def recover(who: str, length: str) -> float:
            fresh(wrecks[length])
            if who == "ref":
                head = [ffmpeg, "-nostdin", "-v", "error", "-i", str(copy), "-c", "copy"]
                return reference_cpu([*head, "-f", "mp4", "-y", str(out)])
            return child_cpu(sides[who], ["--recover", str(copy)])

        def split(who: str, length: str) -> float:
            fresh()
            side, plain = who.removeprefix("ref-"), who.startswith("ref-")
            extra = [] if plain else ["--split", f"{settings.split_seconds:g}"]
            return child_cpu(sides[side], [str(inputs[length]), "-o", str(out), "-y", *extra])

        rows = [
            Row("remux / ffmpeg -c copy", TARGET_RATIO, remux, shared_reference=True),
            Row("--recover / ffmpeg -c copy", TARGET_RECOVER, recover, shared_reference=True),
            Row(
                f"--split {settings.split_seconds:g} / plain",
                TARGET_PARTS,
                split,
                shared_reference=False,
            ),
        ]
        for row in rows:
            print(f"\n  {row.name}: {pairs} pairs", flush=True)
            result = RowResult(row, media_seconds(long_input), media_seconds(short_input))
            whos = _commands(row)
            for length in LENGTHS:  # untimed: bytecode written, inputs in the page cache
                for who in whos:
                    row.run(who, length)
            for k in range(pairs):
                order = whos if k % 2 == 0 else whos[::-1]
                pair = Pair(first=order[0], load=os.getloadavg()[0])
                for length in LENGTHS:
                    for who in order:
                        pair.cpu[who, length] = row.run(who, length)
                result.pairs.append(pair)
                print("  " + _pair_line(result, pair, k + 1), flush=True)
            results.append(result)
    return results


def _commands(row: Row) -> list[str]:
    if row.shared_reference:
        return ["old", "ref", "new"]  # the reference between the sides: neither always follows it
    return ["ref-old", "old", "ref-new", "new"]


def _pair_line(result: RowResult, pair: Pair, number: int) -> str:
    parts = []
    for side in SIDES:
        reference = "ref" if result.row.shared_reference else f"ref-{side}"
        ours, ref = result.slope(pair, side), result.slope(pair, reference)
        ratio = f"{ours / ref:.3f}x" if ours > 0 and ref > 0 else "lost in the noise"
        parts.append(f"{side} {ours * 1e3:.3f} / {ref * 1e3:.3f} ms per s = {ratio}")
    return f"pair {number} (load {pair.load:.2f}, {pair.first} first): " + "; ".join(parts)


def summary(results: Sequence[RowResult]) -> list[str]:
    """One line per row: each side's median ratio, its spread, the target and the loads."""
    lines = []
    for result in results:
        loads = [p.load for p in result.pairs]
        cells = []
        for side in SIDES:
            ratios = result.ratios(side)
            if not ratios:
                cells.append(f"{side}: every pair lost in the noise")
                continue
            verdict = "PASS" if statistics.median(ratios) <= result.row.target else "MISS"
            cells.append(
                f"{side} {statistics.median(ratios):.3f}x "
                f"({min(ratios):.3f}-{max(ratios):.3f}, {len(ratios)} pairs) {verdict}"
            )
        new, old = result.figure("new"), result.figure("old")
        lines.append(
            f"{result.row.name} (target <= {result.row.target}x): "
            + "; ".join(cells)
            + f"; new/old {new / old:.3f}; load {min(loads):.2f}-{max(loads):.2f}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Measure the three rows for two checkouts and print each pair and the summary."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.copy_cost", description=__doc__)
    parser.add_argument("--old", type=Path, required=True, help="the older checkout")
    parser.add_argument("--new", type=Path, default=REPO, help="the newer one (default: this)")
    parser.add_argument("--pairs", type=int, help=f"pairs per row (default {PAIRS}, quick 3)")
    parser.add_argument("--quick", action="store_true", help="the 60 s input: a smoke test")
    parser.add_argument("--ffmpeg", default=FFMPEG, help="the ffmpeg CLI of the references")
    args = parser.parse_args(argv)
    pairs = args.pairs if args.pairs is not None else QUICK_PAIRS if args.quick else PAIRS
    if pairs < 1:
        parser.error("--pairs must be at least 1")
    settings = QUICK if args.quick else FULL
    results = measure(settings, args.old, args.new, pairs, ffmpeg=args.ffmpeg)
    print("\nSummary" + (" (--quick: a smoke test)" if args.quick else ""))
    for line in summary(results):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
