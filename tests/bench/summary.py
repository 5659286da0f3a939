"""The summary table every benchmark group adds its rows to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of the summary table; `passed` is None for a figure without a target."""

    benchmark: str
    figure: str
    target: str
    passed: bool | None


def print_summary(rows: Sequence[Row], seconds: float, *, quick: bool) -> None:
    """Print the rows as a table, with how long the run took."""
    print(f"\nSummary{' (--quick: smoke test, figures not representative)' if quick else ''}")
    table = [("benchmark", "figure", "target", "result")]
    table += [(r.benchmark, r.figure, r.target, _verdict(r.passed)) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(4)]
    for i, line in enumerate(table):
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if i == 0:
            print("  " + "  ".join("-" * width for width in widths))
    print(f"  ({seconds:.0f} s in all)")


def _verdict(passed: bool | None) -> str:
    return "-" if passed is None else "PASS" if passed else "MISS"
