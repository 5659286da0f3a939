"""What keeping a recording whole costs in CPU: parts, snapshots and recovery.

Owns the third group of `make bench` (`--only survive`). Each figure is measured the way
`remux_cpu` measures the remuxer: every command runs in a fresh process whose CPU (user + sys)
comes from `os.wait4`, the runs of all commands are interleaved so that a slow patch of the machine
hits them all, each figure is taken from medians of repeats, and the inputs are the same cached
720p30 2 Mbit/s H.264 + AAC clip (keyframes every 2 s) and its short cut. Every run starts with an
empty output folder, so no run pays for deleting what the one before wrote.

1. **Parts**: steady-state CPU per media second of `recdesk-record SRC -o out.mp4 --split 60` over
   that of the plain `recdesk-record SRC -o out.mp4` (target <= 1.05x). Each is the slope between
   the long input and its short cut, so start-up is left out and what remains is routing each
   packet to its part, and finishing one file and opening the next every minute. (`--quick` splits
   every 10 s, so that its 60 s input crosses boundaries.)
2. **Snapshots**: CPU per JPEG: (recording the long input with `--snapshot-every 10`) less (the
   plain recording of it), over the snapshots written. Both pay the same start-up, so it cancels;
   what remains is holding each group of pictures and, per snapshot, decoding it and encoding one
   JPEG. The reference is `ffmpeg -ss T -i SRC -frames:v 1 -q:v 3 out.jpg` at moments T where the
   engine takes its own, less the same command with `-frames:v 0`, which opens, probes and seeks
   the input and opens the output but reads no packet: what is left is what ffmpeg spends on
   reading, decoding and encoding the one picture (target <= 2x). A snapshot every 10 s always
   falls on one of the input's keyframes: a group of one frame to decode. A second case,
   every 10.5 s, falls evenly 0, 0.5, 1 and 1.5 s after a keyframe; there both tools decode from
   the keyframe up to the moment, the engine at recording time, ffmpeg after seeking. It is
   reported without a target: it shows the cost of longer groups, not a different method.
3. **Recovery**: steady-state CPU per media second of `recdesk-record --recover COPY` over that of
   `ffmpeg -i COPY -c copy -f mp4 out.mp4` (target <= 1.5x, as for remuxing), on what a recorder
   killed at the end of each input leaves (`media.killed`: one-second fragments, the last cut
   short), start-up removed by the same slope. Each run gets a fresh copy, made before its clock
   starts. Recovery works in place, so replacing the copy is part of its cost; ffmpeg writes a
   plain MP4 beside it, the least a tool can write to make the file whole. As in `remux_cpu`, the
   bare PyAV loop of `pyav_floor` copies the same file too, to tell what any Python loop over PyAV
   costs from what recovery adds.
"""

from __future__ import annotations

import math
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import av

from app.media.snapshots import JPEG_QSCALE
from tests.bench.media import FFMPEG, killed, media_seconds, stream_count
from tests.bench.remux_cpu import ToolCost, child_cpu

TARGET_PARTS = 1.05


TARGET_SNAPSHOT = 2.0


TARGET_RECOVER = 1.5


SNAPSHOT_EVERY = 10.0
# Not a multiple of the input's 2 s keyframe interval: successive snapshots land 0, 0.5, 1 and
# 1.5 s after a keyframe, so the groups decoded are 1 to 46 frames long.


SNAPSHOT_EVERY_OFF_KEYFRAME = 10.5
# ffmpeg's snapshots per case and repeat, at consecutive snapshot moments of the engine's, so the
# off-keyframe case covers each of its offsets twice. Each is a difference of two ffmpeg runs whose
# start-up alone varies by more than a snapshot costs: the mean over several moments steadies it.


REFERENCE_MOMENTS = 8

# The venv's console script, beside the interpreter running the benchmark.


RECORD = str(Path(sys.executable).parent / "recdesk-record")


PLAIN = "recdesk-record"


RECOVER_OURS = "recdesk-record --recover"


RECOVER_FFMPEG = "ffmpeg -c copy"


RECOVER_FLOOR = "bare PyAV loop"


@dataclass
class SnapshotCase:
    """Snapshots every `every` seconds: the engine's recordings and ffmpeg's reference runs."""

    every: float
    moments: tuple[float, ...]
    runs: list[float] = field(default_factory=list)  # CPU s, the long input with snapshots
    written: int = 0  # snapshots each of those runs writes
    # CPU s of ffmpeg at each moment, taking the picture (one) and stopping before it (none).
    one: dict[float, list[float]] = field(default_factory=dict)
    none: dict[float, list[float]] = field(default_factory=dict)

    def ours(self, plain: float) -> float:
        """CPU seconds per snapshot, given the median CPU of the plain recording."""
        return (statistics.median(self.runs) - plain) / self.written

    def core_share(self, plain: float) -> float:
        """The share of one core that snapshots at this interval take."""
        return self.ours(plain) / self.every

    def ffmpeg(self) -> float:
        """ffmpeg's CPU seconds per snapshot, start-up removed, averaged over the moments (as the
        engine's figure is over its snapshots)."""
        return statistics.fmean(self.ffmpeg_at(t) for t in self.moments)

    def ffmpeg_at(self, moment: float) -> float:
        """ffmpeg's CPU seconds for the snapshot at one moment, start-up removed."""
        return statistics.median(self.one[moment]) - statistics.median(self.none[moment])


@dataclass
class SurviveResult:
    """Every command's costs on the same inputs."""

    long_seconds: float
    short_seconds: float
    streams: int
    split: float
    parts: int  # how many parts the long input makes
    record: dict[str, ToolCost]  # plain and split
    snapshots: list[SnapshotCase]
    recover: dict[str, ToolCost]  # ffmpeg, the bare PyAV loop and ours
    recovered: dict[str, float]  # media seconds each recovery keeps of the long input
    ffmpeg_note: str  # the FFmpeg versions compared

    @property
    def split_name(self) -> str:
        """The split recording's label."""
        return _split_name(self.split)

    def slope(self, cost: ToolCost) -> float:
        """Steady-state CPU seconds per media second of one command."""
        return cost.per_media_second(self.long_seconds, self.short_seconds)

    def startup(self, cost: ToolCost) -> float:
        """CPU seconds one command spends before its first packet."""
        return cost.startup(self.long_seconds, self.short_seconds)

    @property
    def parts_ratio(self) -> float:
        """Split over plain recording, steady state: the parts figure."""
        return self.slope(self.record[self.split_name]) / self.slope(self.record[PLAIN])

    @property
    def plain_long(self) -> float:
        """Median CPU seconds of the plain recording of the long input."""
        return statistics.median(self.record[PLAIN].long_runs)

    def snapshot_ratio(self, case: SnapshotCase) -> float:
        """The engine's CPU per snapshot over ffmpeg's."""
        return case.ours(self.plain_long) / case.ffmpeg()

    @property
    def recover_ratio(self) -> float:
        """Ours over ffmpeg, steady state: the recovery figure."""
        return self.recover_ratio_of(RECOVER_OURS, RECOVER_FFMPEG)

    @property
    def parts_passed(self) -> bool:
        """Whether parts cost within the target of a plain recording."""
        costs = (self.record[PLAIN], self.record[self.split_name])
        return _measured(self.slope(c) for c in costs) and self.parts_ratio <= TARGET_PARTS

    @property
    def snapshot_passed(self) -> bool:
        """Whether a snapshot every 10 s (the case with the target) is within it."""
        case = self.snapshots[0]
        return (
            _measured((case.ours(self.plain_long), case.ffmpeg()))
            and self.snapshot_ratio(case) <= TARGET_SNAPSHOT
        )

    def recover_ratio_of(self, name: str, base: str) -> float:
        """One recovery tool's steady-state cost over another's."""
        return self.slope(self.recover[name]) / self.slope(self.recover[base])

    @property
    def recover_passed(self) -> bool:
        """Whether recovery is within the target of ffmpeg."""
        costs = (self.recover[RECOVER_OURS], self.recover[RECOVER_FFMPEG])
        return _measured(self.slope(c) for c in costs) and self.recover_ratio <= TARGET_RECOVER


def _measured(costs: Iterable[float]) -> bool:
    # A cost lost in the noise (a short input on a busy machine) comes out at zero or below, and a
    # ratio of such costs means nothing: it must not pass.
    return all(cost > 0 for cost in costs)


@dataclass(frozen=True)
class _Step:
    """One command of a pass: where its CPU goes, what to prepare before its clock starts, and
    what to read from its output after the untimed pass."""

    argv: list[str]
    runs: list[float]
    before: Callable[[], object] | None = None
    check: Callable[[], None] | None = None


def measure(
    long_input: Path, short_input: Path, repeats: int, *, split: float, ffmpeg: str = FFMPEG
) -> SurviveResult:
    """Run every command `repeats` times (after one untimed pass) and collect their CPU."""
    long_seconds = media_seconds(long_input)
    record = {PLAIN: ToolCost(PLAIN), _split_name(split): ToolCost(_split_name(split))}
    recover = {name: ToolCost(name) for name in (RECOVER_FFMPEG, RECOVER_FLOOR, RECOVER_OURS)}
    cases = [
        SnapshotCase(every, _moments(every, long_seconds))
        for every in (SNAPSHOT_EVERY, SNAPSHOT_EVERY_OFF_KEYFRAME)
    ]
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
        folder = Path(tmp)
        steps: list[_Step] = []
        for short, source in ((False, long_input), (True, short_input)):
            wreck = killed(source, ffmpeg=ffmpeg)
            steps += _record_steps(record, split, source, folder, short=short, found=found)
            if not short:
                for case in cases:
                    steps += _snapshot_steps(case, source, folder, ffmpeg, found=found)
            steps += _recover_steps(recover, wreck, folder, ffmpeg, short=short, found=found)
        # The untimed pass puts every input in the page cache, checks that every command runs and
        # reads what they write.
        for step in steps:
            _run(step, folder, timed=False)
        for run in range(repeats):
            for step in steps:
                _run(step, folder, timed=True)
            print(f"  run {run + 1}/{repeats} done", flush=True)
    for case in cases:
        case.written = int(found[f"snapshots {case.every:g}"])
    return SurviveResult(
        long_seconds=long_seconds,
        short_seconds=media_seconds(short_input),
        streams=stream_count(long_input),
        split=split,
        parts=int(found["parts"]),
        record=record,
        snapshots=cases,
        recover=recover,
        recovered={name: found[name] for name in recover},
        ffmpeg_note=_versions(ffmpeg),
    )


def _record_steps(
    record: dict[str, ToolCost],
    split: float,
    source: Path,
    folder: Path,
    *,
    short: bool,
    found: dict[str, float],
) -> list[_Step]:
    output = folder / "rec.mp4"
    plain = [RECORD, str(source), "-o", str(output), "-y"]

    def count_parts() -> None:
        found["parts"] = len(list(folder.glob(f"{output.stem}-[0-9][0-9][0-9]{output.suffix}")))

    split_cost = record[_split_name(split)]
    return [
        _Step(plain, _runs_of(record[PLAIN], short=short)),
        _Step(
            [*plain, "--split", f"{split:g}"],
            _runs_of(split_cost, short=short),
            check=None if short else count_parts,
        ),
    ]


def _snapshot_steps(
    case: SnapshotCase, source: Path, folder: Path, ffmpeg: str, *, found: dict[str, float]
) -> list[_Step]:
    output = folder / "rec.mp4"

    def count() -> None:
        found[f"snapshots {case.every:g}"] = len(list(folder.glob(f"{output.stem}-snap-*.jpg")))

    every = ["--snapshot-every", f"{case.every:g}"]
    steps = [_Step([RECORD, str(source), "-o", str(output), "-y", *every], case.runs, check=count)]
    jpeg = folder / "ffmpeg.jpg"
    for moment in case.moments:
        for frames, store in (("1", case.one), ("0", case.none)):
            argv = [ffmpeg, "-nostdin", "-v", "error", "-ss", f"{moment:g}", "-i", str(source)]
            argv += ["-frames:v", frames, "-q:v", str(JPEG_QSCALE), "-y", str(jpeg)]
            steps.append(_Step(argv, store.setdefault(moment, [])))
    return steps


def _recover_steps(
    recover: dict[str, ToolCost],
    wreck: Path,
    folder: Path,
    ffmpeg: str,
    *,
    short: bool,
    found: dict[str, float],
) -> list[_Step]:
    copy = folder / "killed.mp4"
    result = folder / "recovered.mp4"
    ffmpeg_argv = [ffmpeg, "-nostdin", "-v", "error", "-i", str(copy), "-c", "copy", "-f", "mp4"]

    def fresh_copy() -> None:
        shutil.copyfile(wreck, copy)

    def kept(name: str, path: Path) -> Callable[[], None] | None:
        if short:
            return None

        def check() -> None:
            found[name] = media_seconds(path)

        return check

    floor_argv = [sys.executable, "-m", "tests.bench.pyav_floor", str(copy), str(result)]
    return [
        _Step(
            [*ffmpeg_argv, "-y", str(result)],
            _runs_of(recover[RECOVER_FFMPEG], short=short),
            before=fresh_copy,
            check=kept(RECOVER_FFMPEG, result),
        ),
        _Step(
            floor_argv,
            _runs_of(recover[RECOVER_FLOOR], short=short),
            before=fresh_copy,
            check=kept(RECOVER_FLOOR, result),
        ),
        _Step(
            [RECORD, "--recover", str(copy)],
            _runs_of(recover[RECOVER_OURS], short=short),
            before=fresh_copy,
            check=kept(RECOVER_OURS, copy),
        ),
    ]


def _run(step: _Step, folder: Path, *, timed: bool) -> None:
    # What the step before wrote is deleted here, off the clock: every run starts from the same
    # empty folder instead of paying to replace the last run's files.
    for path in folder.iterdir():
        path.unlink()
    if step.before is not None:
        step.before()
    cpu = child_cpu(step.argv)
    if timed:
        step.runs.append(cpu)
    elif step.check is not None:
        step.check()


def _runs_of(cost: ToolCost, *, short: bool) -> list[float]:
    return cost.short_runs if short else cost.long_runs


def _split_name(split: float) -> str:
    return f"{PLAIN} --split {split:g}"


def _moments(every: float, seconds: float) -> tuple[float, ...]:
    """Consecutive snapshot moments of the engine's from the middle of the input, where ffmpeg
    takes its reference snapshots."""
    count = math.floor(seconds / every)  # k * every for k < count: within the input
    n = max(1, min(REFERENCE_MOMENTS, count - 1))
    first = max(1, min(count // 2 - n // 2, count - n))
    return tuple(k * every for k in range(first, first + n))


def _versions(ffmpeg: str) -> str:
    version = subprocess.run(
        [ffmpeg, "-hide_banner", "-version"], capture_output=True, text=True, check=True
    ).stdout.split()[2]
    return f"CLI {version}, PyAV's {av.ffmpeg_version_info}"
