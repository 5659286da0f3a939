"""What one recording costs, in CPUs: the figure a cluster admits recordings by.

The costs are measured, not guessed: `make bench` records rooms of 1 to 25 inputs into one mix and
ramps how many live streams one worker copies, fits the lines below to what it measured, and writes
them with the date and the machine into `costs.json` beside this module, which the service reads.
A recording's cost is the CPU seconds it spends per second of media:

- single-stream (copies, no re-encoding): `single_base + per_stream x streams`;
- mixed: `mix_base x (pixels x fps of its canvas / those of 1280x720 at 30 fps)
  + per_input x inputs`: the encoder's share grows with what it encodes, the decoders' with the
  inputs (each decoded whole, whatever its tile).

Every cost is at least `FLOOR`, so no recording is free. The figures are this machine's: a
cluster of faster hosts admits more than it could, never fewer than it should on hosts like it.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.worker.protocol import Job

COSTS_FILE = Path(__file__).with_name("costs.json")
# The canvas the mix's costs were measured on.
REFERENCE_CANVAS = (1280, 720, 30)
FLOOR = 0.05


@dataclass(frozen=True)
class CostTable:
    """The fitted costs (CPUs), and where and when they were measured."""

    measured: str  # the date, ISO 8601
    machine: str  # the CPU model and cores it was measured on
    single_base: float
    per_stream: float
    mix_base: float
    per_input: float

    def to_json(self) -> dict[str, Any]:
        """The file's JSON form."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CostTable:
        """A table from the file's JSON form; `ValueError` if a figure is missing or not a
        positive number."""
        fields = {}
        for name in ("single_base", "per_stream", "mix_base", "per_input"):
            value = data.get(name)
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name}: {value!r} is not a cost")
            fields[name] = float(value)
        return cls(str(data.get("measured", "")), str(data.get("machine", "")), **fields)


@functools.cache
def measured_costs(path: Path = COSTS_FILE) -> CostTable:
    """The table `make bench` wrote (read once)."""
    return CostTable.from_json(json.loads(path.read_text()))


def job_cost(job: Job, table: CostTable | None = None) -> float:
    """The CPUs one recording of `job` keeps busy, by the measured table."""
    costs = table if table is not None else measured_costs()
    if job.mode == "single":
        cost = costs.single_base + costs.per_stream * len(job.streams)
    else:
        canvas = job.mix_layout().canvas
        width, height, fps = REFERENCE_CANVAS
        scale = canvas.width * canvas.height * canvas.fps / (width * height * fps)
        inputs = sum(1 for s in job.streams if s.kind != "audio")
        cost = costs.mix_base * scale + costs.per_input * inputs
    return max(FLOOR, round(cost, 3))
