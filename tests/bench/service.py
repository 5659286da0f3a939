"""The service's responsiveness: how soon a recording has media on disk, how soon a stopped one's
files are listed, and what listing recordings costs next to the cheapest endpoint.

A real `recdesk-server --demo` runs in its own process (as users run it), driven over loopback:

1. start → first media byte: from sending `POST /v1/recordings` (single-stream, the `call` room)
   until a file of the recording has its first byte on disk, found by polling the folder every
   2 ms; median of the runs; target <= 1 s;
2. stop → file listed: from sending `POST /v1/recordings/{id}/stop` until its answer, which
   lists the finished files (and they are checked to be in `GET /v1/files`); target <= 1 s;
3. `GET /v1/recordings` (a page of 50, with their files) at a fixed open-loop rate, interleaved
   with `GET /v1/health` at the same rate, so both see the same machine: p50 and p99 latency, and
   their ratios; targets p50 <= 3x and p99 <= 3x health's (a page of recordings is a database
   query and 50 records turned to JSON; health is a few fields).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.helpers.service import ServiceProcess

TARGET_START = 1.0
TARGET_STOP = 1.0
TARGET_LATENCY_RATIO = 3.0


@dataclass
class Result:
    """Every sample, in seconds."""

    start_to_byte: list[float] = field(default_factory=list)
    start_to_recording: list[float] = field(default_factory=list)
    stop_to_listed: list[float] = field(default_factory=list)
    latency: dict[str, list[float]] = field(default_factory=dict)
    rate: float = 0.0
    recordings_listed: int = 0

    def median(self, samples: list[float]) -> float:
        """The median of samples."""
        return statistics.median(samples)

    def percentile(self, name: str, q: float) -> float:
        """The q-th percentile (0-100) of an endpoint's latency."""
        values = sorted(self.latency[name])
        return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]

    def ratio(self, q: float) -> float:
        """`GET /v1/recordings` over `GET /v1/health` at the q-th percentile."""
        return self.percentile("recordings", q) / self.percentile("health", q)

    @property
    def passed(self) -> tuple[bool, bool, bool]:
        """Start, stop and latency targets."""
        return (
            self.median(self.start_to_byte) <= TARGET_START,
            self.median(self.stop_to_listed) <= TARGET_STOP,
            self.ratio(50) <= TARGET_LATENCY_RATIO and self.ratio(99) <= TARGET_LATENCY_RATIO,
        )


def measure(repeats: int, rate: float, seconds: float) -> Result:
    """Run a service and measure it."""
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
        root = Path(tmp)
        media = Path(".bench/demo-media").absolute()
        service = ServiceProcess(root / "data", media).start()
        try:
            service.wait_rooms("call", timeout=120)
            return asyncio.run(_measure(service, repeats, rate, seconds))
        finally:
            service.stop()


async def _measure(service: ServiceProcess, repeats: int, rate: float, seconds: float) -> Result:
    result = Result(rate=rate)
    async with httpx.AsyncClient(base_url=service.url, timeout=30) as http:
        for n in range(repeats):
            folder = service.data_dir / "recordings" / f"run{n}"
            # Let the warm worker pool refill between runs, as between an operator's clicks.
            await asyncio.sleep(1.5)
            began = time.perf_counter()
            answer = await http.post(
                "/v1/recordings", json={"room_id": "call", "folder": f"run{n}"}
            )
            answer.raise_for_status()
            rec_id = answer.json()["id"]
            result.start_to_byte.append(await first_byte(folder, began))
            while (await http.get(f"/v1/recordings/{rec_id}")).json()["state"] != "recording":
                await asyncio.sleep(0.002)
            result.start_to_recording.append(time.perf_counter() - began)
            await asyncio.sleep(2.0)
            began = time.perf_counter()
            stopped = await http.post(f"/v1/recordings/{rec_id}/stop")
            result.stop_to_listed.append(time.perf_counter() - began)
            files = stopped.json()["files"]
            listed = (await http.get("/v1/files", params={"recording_id": rec_id})).json()
            assert files, "a stopped recording has files"
            assert {f["file_id"] for f in files} <= {f["file_id"] for f in listed["items"]}
        page = (await http.get("/v1/recordings")).json()
        result.recordings_listed = len(page["items"])
        result.latency = await _open_loop(http, rate, seconds)
    return result


async def first_byte(folder: Path, began: float, timeout: float = 30.0) -> float:
    while time.perf_counter() - began < timeout:
        if folder.is_dir():
            for path in folder.iterdir():
                if path.suffix != ".jpg" and path.stat().st_size > 0:
                    return time.perf_counter() - began
        await asyncio.sleep(0.002)
    raise TimeoutError(f"no media in {folder} after {timeout} s")


async def _open_loop(
    http: httpx.AsyncClient, rate: float, seconds: float
) -> dict[str, list[float]]:
    """Requests sent on a fixed schedule whatever the answers do (no coordinated omission)."""
    latency: dict[str, list[float]] = {"recordings": [], "health": []}
    paths = {"recordings": "/v1/recordings", "health": "/v1/health"}

    async def one(name: str, due: float) -> None:
        answer = await http.get(paths[name])
        answer.raise_for_status()
        latency[name].append(time.perf_counter() - due)

    start = time.perf_counter() + 0.1
    interval = 1.0 / rate
    pending = []
    for i in range(int(seconds * rate)):
        due = start + i * interval
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        name = "recordings" if i % 2 == 0 else "health"
        pending.append(asyncio.create_task(one(name, due)))
    await asyncio.gather(*pending)
    return latency


def report(result: Result) -> list[str]:
    """The figures, one per line."""
    ms = 1e3
    lines = [
        f"  start → first media byte on disk: median {result.median(result.start_to_byte):.3f} s "
        f"(runs: {', '.join(f'{x:.3f}' for x in result.start_to_byte)}); "
        f"→ state recording: median {result.median(result.start_to_recording):.3f} s",
        f"  stop → files final and listed: median {result.median(result.stop_to_listed):.3f} s "
        f"(runs: {', '.join(f'{x:.3f}' for x in result.stop_to_listed)})",
        f"  open loop, {result.rate:g} requests/s for "
        f"{len(result.latency['health']) + len(result.latency['recordings'])} requests "
        f"({result.recordings_listed} recordings on the page):",
    ]
    for name in ("recordings", "health"):
        lines.append(
            f"    GET /v1/{name}: p50 {result.percentile(name, 50) * ms:.2f} ms, "
            f"p99 {result.percentile(name, 99) * ms:.2f} ms"
        )
    lines.append(
        f"    ratio recordings / health: p50 {result.ratio(50):.2f}x, p99 {result.ratio(99):.2f}x"
    )
    return lines
