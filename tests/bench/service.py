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
4. 8 simultaneous starts (`measure_starts`): eight `POST /v1/recordings` sent at once to a service
   just started (one warm worker, as after a quiet spell): the five live rooms copied (single) and
   three of them mixed, the most the demo allows at once (one recording per room and mode); each
   start's time to its first media byte on disk; p95 of every start of every round; target <= 1 s;
5. 8 starts in a row: the same eight on another fresh service, each sent as soon as the one before
   has its first byte (an operator clicking through rooms); p95 likewise.

Rounds 4 and 5 each start a service of their own, so a burst meets the pool as it is after a quiet
spell, not one grown by the burst before. `python -m tests.bench.service [--quick] [--rounds N]`
runs them alone (`--quick`: one round, well under 2 minutes); the load average is printed beside
each figure, since a loaded host makes starts later whatever the code does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.helpers.service import ServiceProcess, children, cpu_seconds

TARGET_START = 1.0
TARGET_STOP = 1.0
TARGET_LATENCY_RATIO = 3.0
TARGET_STARTS_P95 = 1.0
# Eight starts the demo allows at once: one active recording per room and mode.
STARTS = [(room, "single") for room in ("call", "meeting", "class", "webinar", "podcast")] + [
    (room, "mixed") for room in ("podcast", "call", "meeting")
]


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


@dataclass
class StartsResult:
    """Start → first media byte of every start, in seconds, and the load average around each."""

    together: list[float] = field(default_factory=list)
    in_a_row: list[float] = field(default_factory=list)
    load: dict[str, list[float]] = field(default_factory=lambda: {"together": [], "in_a_row": []})
    # CPU seconds the service and its workers used from the first start to the last first byte.
    cpu: dict[str, list[float]] = field(default_factory=lambda: {"together": [], "in_a_row": []})
    # The simultaneous starts by mode, since a mix has more to set up than a copy.
    by_mode: dict[str, list[float]] = field(default_factory=lambda: {"single": [], "mixed": []})

    @staticmethod
    def p95(samples: list[float]) -> float:
        """The 95th percentile (nearest rank)."""
        values = sorted(samples)
        return values[min(len(values) - 1, max(0, -(-95 * len(values) // 100) - 1))]

    @property
    def passed(self) -> tuple[bool, bool]:
        """Simultaneous and in-a-row targets."""
        return (
            self.p95(self.together) <= TARGET_STARTS_P95,
            self.p95(self.in_a_row) <= TARGET_STARTS_P95,
        )


def measure_starts(rounds: int) -> StartsResult:
    """Rows 4 and 5: `rounds` bursts and `rounds` series, each on a service of its own."""
    result = StartsResult()
    for n in range(rounds):
        for kind in ("together", "in_a_row"):
            with tempfile.TemporaryDirectory(prefix="recdesk-bench-") as tmp:
                media = Path(".bench/demo-media").absolute()
                service = ServiceProcess(Path(tmp) / "data", media).start()
                try:
                    service.wait_rooms(*{room for room, _ in STARTS}, timeout=120)
                    asyncio.run(_settled(service))
                    before = os.getloadavg()[0]
                    cpu = _tree_cpu(service)
                    times = asyncio.run(_starts(service, kind == "together", f"{kind}{n}", cpu))
                    result.cpu[kind].append(cpu[0])
                    result.load[kind].append(max(before, os.getloadavg()[0]))
                finally:
                    service.stop()
            (result.together if kind == "together" else result.in_a_row).extend(times)
            if kind == "together":
                for (_, mode), waited in zip(STARTS, times, strict=True):
                    result.by_mode[mode].append(waited)
    return result


async def _settled(service: ServiceProcess, timeout: float = 60.0) -> None:
    """Wait until the new service's warm worker is started and idle: ready, waiting for a job.

    Idle reads as its CPU time not growing for a quarter of a second.
    """
    assert service.process is not None
    deadline = time.monotonic() + timeout
    last = -1.0
    while time.monotonic() < deadline:
        try:
            workers = [
                pid
                for pid in children(service.process.pid)
                if b"app.worker.main" in Path(f"/proc/{pid}/cmdline").read_bytes()
            ]
            used = sum(cpu_seconds(pid) for pid in workers)
        except OSError:  # one ended meanwhile
            workers, used = [], -1.0
        if workers and used == last:
            return
        last = used
        await asyncio.sleep(0.25)
    raise TimeoutError("the service's warm worker never settled")


def _tree_cpu(service: ServiceProcess) -> list[float]:
    """CPU seconds the service and its living children have used so far (a list to update)."""
    assert service.process is not None
    total = 0.0
    for pid in [service.process.pid, *children(service.process.pid)]:
        with contextlib.suppress(OSError):  # a child that ended meanwhile
            total += cpu_seconds(pid)
    return [total]


async def _starts(
    service: ServiceProcess, together: bool, tag: str, cpu: list[float]
) -> list[float]:
    """Each start's wait; `cpu` becomes the CPU seconds used until the last first byte."""
    async with httpx.AsyncClient(base_url=service.url, timeout=60) as http:

        async def one(room: str, mode: str) -> tuple[str, float]:
            folder = f"{tag}-{room}-{mode}"
            began = time.perf_counter()
            answer = await http.post(
                "/v1/recordings", json={"room_id": room, "mode": mode, "folder": folder}
            )
            answer.raise_for_status()
            waited = await first_byte(service.data_dir / "recordings" / folder, began)
            return answer.json()["id"], waited

        if together:
            done = await asyncio.gather(*(one(room, mode) for room, mode in STARTS))
        else:
            done = [await one(room, mode) for room, mode in STARTS]
        cpu[0] = _tree_cpu(service)[0] - cpu[0]
        await asyncio.gather(*(http.post(f"/v1/recordings/{rec_id}/stop") for rec_id, _ in done))
    return [waited for _, waited in done]


def report_starts(result: StartsResult) -> list[str]:
    """Rows 4 and 5, one line each."""
    lines = []
    for name, samples in (("simultaneous", result.together), ("in a row", result.in_a_row)):
        key = "together" if name == "simultaneous" else "in_a_row"
        loads = ", ".join(f"{x:.2f}" for x in result.load[key])
        cpu = ", ".join(f"{x:.2f}" for x in result.cpu[key])
        lines.append(
            f"  8 starts {name}: start → first media byte p95 {result.p95(samples):.3f} s, "
            f"median {statistics.median(samples):.3f} s, max {max(samples):.3f} s "
            f"({len(samples)} starts; CPU of the service and its workers {cpu} s; "
            f"load average {loads})"
        )
    lines.append(
        "    simultaneous by mode: "
        + ", ".join(
            f"{mode} p95 {result.p95(xs):.3f} s, median {statistics.median(xs):.3f} s"
            for mode, xs in result.by_mode.items()
        )
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m tests.bench.service`: rows 4 and 5 alone."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.service")
    parser.add_argument("--quick", action="store_true", help="one round of each")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each (default 3)")
    args = parser.parse_args(argv)
    result = measure_starts(1 if args.quick else args.rounds)
    for line in report_starts(result):
        print(line)
    return 0 if all(result.passed) else 1


if __name__ == "__main__":
    raise SystemExit(main())
