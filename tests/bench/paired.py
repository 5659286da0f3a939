"""Old against new: the engine's steady-state CPU in two checkouts, measured as paired runs.

```
python -m tests.bench.paired --old DIR --new DIR [--pairs N] [--quick]
```

Compares two checkouts of this repository (an older commit checked out with `git worktree add`,
say, and the current tree) on the two engine benchmarks:

1. remux: CPU per media second of `recdesk-record SOURCE -o OUT.mp4` (packets copied, nothing
   re-encoded) on the 720p30 2 Mbit/s H.264 + AAC clip of `remux_cpu`;
2. mix: CPU per output second of a 2x2 grid of four 720p30 inputs into 1280x720 H.264
   (`recdesk-record IN1 IN2 IN3 IN4 --layout grid -o OUT.mp4`), on the inputs of `mix_cpu`;
3. rooms of 9, 16 and 25 (`--rooms`, the sizes `mix_rooms` tabulates): CPU per output second and
   the real-time factor (output seconds over wall seconds, steady state as for CPU) of the grid,
   the inputs of `mix_rooms`.

Each pair also keeps the wall time of every run and the load average after it, printed beside the
figures: a pair measured on a busy machine says so.

Both are steady-state costs, as in `remux_cpu`: each side runs a long input and its short cut, and
the difference in CPU (user + sys of the child, from `os.wait4`) over the difference in media time
is what a second costs once running, start-up cancelled out.

Why pairs: the load of a shared machine changes from minute to minute, so two figures measured
apart differ by more than a small change in the code does. Each pair runs the old checkout's
command and the new one's back to back on the same input, the one that goes first alternating from
pair to pair, so a busy patch hits both sides of a pair alike and their ratio keeps little of it.
Every pair gives a ratio new / old of the two steady-state costs; the median of the ratios is the
figure, their lowest and highest its spread.

Each side runs its own code: `DIR/.venv/bin/python` (else this interpreter) `-m app.media.cli`,
with `PYTHONPATH=DIR` and `cwd=DIR`, so that `import app` finds DIR's package before the editable
install's; that is checked before anything is measured. `--quick` takes the short inputs of
`run --quick` and 2 pairs: a smoke test, not figures.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.media import ClipSpec, clip, cut, media_seconds
from tests.bench.mix_cpu import GRID_INPUTS, ours_command, participants
from tests.bench.remux_cpu import ToolCost, runs
from tests.bench.settings import FULL, QUICK, Settings

CLI = "app.media.cli"  # the module of `recdesk-record`
ROOMS = (9, 16, 25)
PAIRS = 5
QUICK_PAIRS = 2

# (inputs, output) -> the arguments of `recdesk-record` that write them into output.
Arguments = Callable[[Sequence[Path], Path], list[str]]


@dataclass(frozen=True)
class Side:
    """One checkout, and the interpreter that runs its code."""

    name: str
    root: Path

    @property
    def python(self) -> str:
        """The checkout's own venv interpreter if it has one, else the one running this."""
        own = self.root / ".venv" / "bin" / "python"
        return str(own) if own.exists() else sys.executable

    @property
    def env(self) -> dict[str, str]:
        """The environment with the checkout first on `PYTHONPATH`."""
        env = dict(os.environ)
        rest = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(self.root) + (os.pathsep + rest if rest else "")
        return env

    def record(self, args: list[str]) -> list[str]:
        """The command line of this checkout's `recdesk-record` with `args`."""
        return [self.python, "-m", CLI, *args]

    def check(self) -> str:
        """Where this side's `import app` comes from; raise unless it is the checkout's."""
        found = subprocess.run(
            [self.python, "-c", "import app; print(app.__file__)"],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not Path(found).resolve().is_relative_to(self.root):
            raise RuntimeError(f"{self.name}: `import app` found {found}, not {self.root}'s")
        return found


@dataclass(frozen=True)
class Case:
    """One benchmark: its long inputs, their short cuts, and the arguments that process them."""

    name: str
    per: str  # what the cost is per: "media second", "output second"
    unit: str  # the unit its costs are printed in: "ms" or "s"
    long: list[Path]
    short: list[Path]
    arguments: Arguments
    long_seconds: float
    short_seconds: float

    @property
    def scale(self) -> float:
        """Seconds to the printed unit."""
        return 1e3 if self.unit == "ms" else 1.0


@dataclass
class Pair:
    """One pair: both sides' CPU seconds on the long and the short inputs."""

    first: str
    cpu: dict[tuple[str, str], float] = field(default_factory=dict)  # (side, "long"|"short")
    wall: dict[tuple[str, str], float] = field(default_factory=dict)
    load: float = 0.0  # the load average over the last minute, after the pair

    def realtime(self, side: str, case: Case) -> float:
        """The side's steady-state output seconds per wall second in this pair."""
        extra = self.wall[side, "long"] - self.wall[side, "short"]
        return (case.long_seconds - case.short_seconds) / extra if extra > 0 else math.nan

    def slope(self, side: str, case: Case) -> float:
        """The side's steady-state CPU seconds per media second in this pair."""
        extra = self.cpu[side, "long"] - self.cpu[side, "short"]
        return extra / (case.long_seconds - case.short_seconds)

    def ratio(self, case: Case) -> float:
        """New over old, steady state; NaN when a slope is lost in the noise (zero or below)."""
        old, new = self.slope("old", case), self.slope("new", case)
        return new / old if old > 0 and new > 0 else math.nan


@dataclass
class CaseResult:
    """Every pair of one benchmark."""

    case: Case
    pairs: list[Pair]

    def cost(self, side: str) -> ToolCost:
        """The side's runs, for its slope between medians as `remux_cpu` takes it."""
        return ToolCost(
            side,
            long_runs=[p.cpu[side, "long"] for p in self.pairs],
            short_runs=[p.cpu[side, "short"] for p in self.pairs],
        )

    def per_second(self, side: str) -> float:
        """The side's steady-state CPU seconds per media second, from the medians of its runs."""
        return self.cost(side).per_media_second(self.case.long_seconds, self.case.short_seconds)

    def ratios(self) -> list[float]:
        """Each pair's new / old ratio that is a number."""
        return [r for r in (p.ratio(self.case) for p in self.pairs) if not math.isnan(r)]


def main(argv: Sequence[str] | None = None) -> int:
    """Measure both benchmarks as paired runs and print each one's table and figure."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.pairs is not None and args.pairs < 1:
        parser.error("--pairs must be at least 1")
    settings = QUICK if args.quick else FULL
    pairs = args.pairs if args.pairs is not None else QUICK_PAIRS if args.quick else PAIRS
    sides = (Side("old", args.old.resolve()), Side("new", args.new.resolve()))
    for side in sides:
        print(f"{side.name}: {side.root} ({side.python}; import app -> {side.check()})")
    results = []
    cases = [_remux_case(settings), _mix_case(settings)]
    if args.rooms:
        cases += [_room_case(settings, count) for count in ROOMS]
    for case in cases:
        print(
            f"\n{case.name}: {pairs} pairs, inputs of {case.long_seconds:.1f} s and "
            f"{case.short_seconds:.1f} s",
            flush=True,
        )
        result = measure(case, sides, pairs)
        print("\n".join(report(result)))
        results.append(result)
    print(
        "\nSummary" + (" (--quick: a smoke test, figures not representative)" if args.quick else "")
    )
    for result in results:
        print(summary(result))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.paired", description=__doc__)
    parser.add_argument("--old", type=Path, required=True, help="the older checkout")
    parser.add_argument("--new", type=Path, required=True, help="the newer checkout")
    parser.add_argument("--pairs", type=int, help="pairs per benchmark (default 5, quick 2)")
    parser.add_argument("--quick", action="store_true", help="short inputs, 2 pairs: a smoke test")
    parser.add_argument(
        "--rooms", action="store_true", help="also rooms of 9, 16 and 25 inputs (CPU, real time)"
    )
    return parser


def _remux_case(settings: Settings) -> Case:
    long_input = clip(ClipSpec(settings.long_seconds))
    short_input = cut(long_input, settings.short_seconds)
    return Case(
        name="remux",
        per="media second",
        unit="ms",  # a remux costs milliseconds per media second
        long=[long_input],
        short=[short_input],
        arguments=lambda inputs, out: [*map(str, inputs), "-o", str(out), "-y"],
        long_seconds=media_seconds(long_input),
        short_seconds=media_seconds(short_input),
    )


def _mix_case(settings: Settings) -> Case:
    return _grid_case(
        "mix", GRID_INPUTS, settings, settings.mix_long_seconds, settings.mix_short_seconds
    )


def _room_case(settings: Settings, count: int) -> Case:
    long_seconds = 2 * settings.room_seconds
    return _grid_case(f"room of {count}", count, settings, long_seconds, settings.room_seconds)


def _grid_case(
    name: str, count: int, settings: Settings, long_seconds: int, short_seconds: int
) -> Case:
    """`recdesk-record --layout grid` on `count` inputs of `mix_cpu` (and their short cuts)."""
    spec = ClipSpec(settings.mix_clip_seconds)
    long_inputs = participants(spec, count, long_seconds)
    short_inputs = [cut(path, short_seconds) for path in long_inputs]
    return Case(
        name=name,
        per="output second",
        unit="s",
        long=long_inputs,
        short=short_inputs,
        # `mix_cpu`'s command without its console script, which each side replaces with its own.
        arguments=lambda inputs, out: ours_command(inputs, out)[1:],
        long_seconds=max(media_seconds(p) for p in long_inputs),
        short_seconds=max(media_seconds(p) for p in short_inputs),
    )


def measure(case: Case, sides: Sequence[Side], pairs: int) -> CaseResult:
    """One untimed run per side, then `pairs` pairs, the first side alternating."""
    result = CaseResult(case, [])
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
        out = Path(tmp) / "out.mp4"
        # Each checkout's bytecode written and the inputs in the page cache before any timed run.
        for side in sides:
            child_cpu(side, case.arguments(case.short, out))
        for path in case.long:
            path.read_bytes()
        for k in range(pairs):
            order = sides if k % 2 == 0 else sides[::-1]
            pair = Pair(first=order[0].name)
            for length, inputs in (("long", case.long), ("short", case.short)):
                for side in order:
                    began = time.monotonic()
                    pair.cpu[side.name, length] = child_cpu(side, case.arguments(inputs, out))
                    pair.wall[side.name, length] = time.monotonic() - began
            pair.load = os.getloadavg()[0]
            result.pairs.append(pair)
            print(f"  pair {k + 1}/{pairs} done", flush=True)
    return result


def child_cpu(side: Side, args: list[str]) -> float:
    """User + system CPU seconds of one run of the side's `recdesk-record`; raise if it fails.

    As `remux_cpu.child_cpu`, but in the checkout with its environment."""
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            side.record(args),
            cwd=side.root,
            env=side.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            stderr.seek(0)
            message = stderr.read().decode(errors="replace").strip()
            raise RuntimeError(f"{side.name}: {' '.join(args)} exited {proc.returncode}: {message}")
    return usage.ru_utime + usage.ru_stime


def report(result: CaseResult) -> list[str]:
    """A table of the pairs, then each side's runs and steady-state cost."""
    case = result.case
    head = (
        "pair",
        "first",
        "old long",
        "old short",
        "new long",
        "new short",
        "old",
        "new",
        "n/o",
        "rt old",
        "rt new",
        "load",
    )
    table: list[tuple[str, ...]] = [head]
    for k, pair in enumerate(result.pairs, 1):
        cpu = [pair.cpu[side, length] for side in ("old", "new") for length in ("long", "short")]
        slopes = [case.scale * pair.slope(side, case) for side in ("old", "new")]
        table.append(
            (
                str(k),
                pair.first,
                *(f"{c:.3f}" for c in cpu),
                *(f"{s:.3f}" for s in slopes),
                "-" if math.isnan(ratio := pair.ratio(case)) else f"{ratio:.3f}",
                *(f"{pair.realtime(side, case):.2f}x" for side in ("old", "new")),
                f"{pair.load:.2f}",
            )
        )
    lines = _table(table)
    lines.append(
        f"  (CPU s per run; old, new: {case.unit} CPU per {case.per}; n/o: new / old; rt: "
        "output seconds per wall second, steady state; load: 1-minute load average after the pair)"
    )
    for side in ("old", "new"):
        cost = result.cost(side)
        lines += [
            f"  {side}: long {runs(cost.long_runs)}",
            f"  {side}: short {runs(cost.short_runs)}",
        ]
    return lines


def summary(result: CaseResult) -> str:
    """The benchmark's final line: the median paired ratio, its spread, each side's cost."""
    case, ratios = result.case, result.ratios()
    old, new = (case.scale * result.per_second(side) for side in ("old", "new"))
    costs = f"old {old:.3f} {case.unit}, new {new:.3f} {case.unit} CPU per {case.per}"
    if case.per == "output second":
        speed = {
            side: statistics.median(p.realtime(side, case) for p in result.pairs)
            for side in ("old", "new")
        }
        costs += f"; real time old {speed['old']:.2f}x, new {speed['new']:.2f}x"
    loads = [p.load for p in result.pairs]
    costs += f"; load {min(loads):.2f}-{max(loads):.2f}"
    if not ratios:
        return f"{case.name} new/old: every pair's slopes were lost in the noise; {costs}"
    lost = len(result.pairs) - len(ratios)
    noise = f", {lost} lost in the noise" if lost else ""
    return (
        f"{case.name} new/old: median of {len(ratios)} paired ratios "
        f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}){noise}; {costs}"
    )


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]


if __name__ == "__main__":
    sys.exit(main())
