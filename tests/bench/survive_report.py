"""The report of the `survive` benchmarks: each figure's runs, medians, ratio and verdict.

The measuring is in `survive`; this turns a `SurviveResult` into the lines `make bench` prints.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from tests.bench.remux_cpu import ToolCost, runs
from tests.bench.survive import (
    PLAIN,
    RECOVER_FFMPEG,
    RECOVER_FLOOR,
    RECOVER_OURS,
    TARGET_PARTS,
    TARGET_RECOVER,
    TARGET_SNAPSHOT,
    SnapshotCase,
    SurviveResult,
)


def report(result: SurviveResult) -> list[str]:
    """The lines that describe the result."""
    long_s, short_s = result.long_seconds, result.short_seconds
    lines = [
        f"  inputs: {long_s:.1f} s and {short_s:.1f} s of media, {result.streams} streams, "
        f"keyframes every 2 s; FFmpeg: {result.ffmpeg_note}",
    ]
    lines += _parts_report(result)
    for case in result.snapshots:
        lines += _snapshot_report(result, case)
    lines += _recover_report(result)
    return lines


def _parts_report(result: SurviveResult) -> list[str]:
    lines = [f"  parts: {result.split_name} ({result.parts} parts) against {PLAIN}:"]
    lines += _cost_lines(result, result.record.values())
    verdict = "PASS" if result.parts_passed else "MISS"
    lines.append(
        f"    ratio split / plain: {result.parts_ratio:.3f}x (target <= {TARGET_PARTS}x) {verdict}"
    )
    return lines


def _snapshot_report(result: SurviveResult, case: SnapshotCase) -> list[str]:
    targeted = case is result.snapshots[0]
    where = "on keyframes" if targeted else "0 to 1.5 s after a keyframe, reported without a target"
    ours, theirs = case.ours(result.plain_long), case.ffmpeg()
    lines = [
        f"  snapshots every {case.every:g} s ({where}), {case.written} per recording:",
        f"    {PLAIN} --snapshot-every {case.every:g}, CPU s: {runs(case.runs)}",
        f"    less {PLAIN}, CPU s: {statistics.median(result.record[PLAIN].long_runs):.3f} "
        f"(median above), over {case.written} snapshots",
    ]
    for moment in case.moments:
        lines += [
            f"    ffmpeg -ss {moment:g} -frames:v 1, CPU s: {runs(case.one[moment])}",
            f"    ffmpeg -ss {moment:g} -frames:v 0, CPU s: {runs(case.none[moment])}"
            f"  -> {case.ffmpeg_at(moment) * 1e3:.1f} ms",
        ]
    share = case.core_share(result.plain_long) * 100
    lines.append(
        f"    per snapshot: ours {ours * 1e3:.1f} ms CPU ({share:.3f}% of a core at one every "
        f"{case.every:g} s), ffmpeg {theirs * 1e3:.1f} ms (start-up removed)"
    )
    ratio = result.snapshot_ratio(case)
    if targeted:
        verdict = "PASS" if result.snapshot_passed else "MISS"
        lines.append(
            f"    ratio ours / ffmpeg: {ratio:.3f}x (target <= {TARGET_SNAPSHOT}x) {verdict}"
        )
    else:
        lines.append(f"    ratio ours / ffmpeg: {ratio:.3f}x")
    return lines


def _recover_report(result: SurviveResult) -> list[str]:
    kept = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.recovered.items())
    lines = [
        f"  recovery of a killed fragmented MP4, a fresh copy each run ({RECOVER_FFMPEG} writes a "
        f"plain MP4, the {RECOVER_FLOOR} the engine's MP4 beside it, --recover replaces it):",
        f"    media kept of the long input: {kept}",
    ]
    lines += _cost_lines(result, result.recover.values())
    floor = result.recover_ratio_of(RECOVER_FLOOR, RECOVER_FFMPEG)
    engine = result.recover_ratio_of(RECOVER_OURS, RECOVER_FLOOR)
    verdict = "PASS" if result.recover_passed else "MISS"
    lines += [
        f"    where the gap is: {RECOVER_FLOOR} / ffmpeg {floor:.2f}x, "
        f"--recover / {RECOVER_FLOOR} {engine:.2f}x",
        f"    ratio ours / ffmpeg: {result.recover_ratio:.3f}x (target <= {TARGET_RECOVER}x) "
        f"{verdict}",
    ]
    return lines


def _cost_lines(result: SurviveResult, costs: Iterable[ToolCost]) -> list[str]:
    lines: list[str] = []
    for cost in costs:
        slope = result.slope(cost)
        lines += [
            f"    {cost.name}:",
            f"      CPU s, long runs:  {runs(cost.long_runs)}",
            f"      CPU s, short runs: {runs(cost.short_runs)}",
            f"      steady state: {slope * 1e3:.3f} ms CPU per media second; "
            f"start-up {result.startup(cost):.3f} s",
        ]
    return lines
