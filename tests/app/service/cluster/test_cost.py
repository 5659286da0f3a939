"""What a recording costs a cluster: the table `make bench` measured, as the service reads it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from app.layout.model import Canvas, Layout
from app.service.cluster.cost import COSTS_FILE, FLOOR, CostTable, job_cost, measured_costs
from app.worker.protocol import Job, StreamJob


def _job(mode: str, streams: int, canvas: Canvas | None = None) -> Job:
    kinds = ["camera", "audio"] * streams
    parts = tuple(
        StreamJob(f"s{i}", f"u{i // 2}", kind, f"demo://{i}")  # type: ignore[arg-type]
        for i, kind in enumerate(kinds[: streams * 2])
    )
    layout = None if canvas is None else dataclasses.replace(Layout(), canvas=canvas)
    return Job("t1", mode, "av", "mp4", Path("/tmp"), parts, layout=layout)  # type: ignore[arg-type]


def test_the_shipped_table_says_when_and_where_it_was_measured() -> None:
    data = json.loads(COSTS_FILE.read_text())
    table = measured_costs()
    assert table.measured == data["measured"]
    assert table.measured.startswith("20")
    assert len(table.machine) > 5
    assert min(table.per_stream, table.per_input, table.mix_base) > 0


def test_a_mix_costs_by_its_inputs_and_its_canvas_a_copy_by_its_streams() -> None:
    small, big = job_cost(_job("mixed", 4)), job_cost(_job("mixed", 25))
    assert big > small
    hd = job_cost(_job("mixed", 4, Canvas(1920, 1080, 30)))
    half_rate = job_cost(_job("mixed", 4, Canvas(1280, 720, 15)))
    assert half_rate < small < hd
    copy = job_cost(_job("single", 4))
    assert FLOOR <= copy < small
    assert job_cost(_job("single", 100)) > copy


def test_costs_follow_the_table() -> None:
    table = CostTable("2026-12-07", "test", 0.02, 0.01, 0.5, 0.1)
    assert job_cost(_job("single", 10), table) == pytest.approx(0.02 + 0.01 * 20)
    assert job_cost(_job("mixed", 9), table) == pytest.approx(0.5 + 0.1 * 9)
    with pytest.raises(ValueError, match="per_input"):
        CostTable.from_json({**table.to_json(), "per_input": -1})
