"""The soak: does a long recording hold its memory? Four recordings of a real
`recdesk-server --demo` for an hour, the resident memory of the service and of each worker
sampled every minute.

```
python -m tests.bench.run --only soak [--minutes 60]      # in the summary of `make bench`
python -m tests.bench.soak [--minutes 60] [--every 60]    # alone, writing the same JSON
```

- **What runs.** The service as users run it (`--demo --no-churn`, so every stream stays for the
  whole run), recording two rooms stream by stream (`class`: nine cameras; `webinar`: a camera,
  a screen and a camera) and two as a mix on the default 1280x720 grid (`call`, `meeting`): four
  worker processes, each one recording's.
- **What is sampled.** `VmRSS` from `/proc/PID/status`, for the service and for each recording's
  worker. Workers are the service's child processes; a worker is told apart from a warm spare by
  the files it holds open (`/proc/PID/fd`) in its recording's folder, so a worker that was replaced
  mid-run is followed, and said to have been.
- **The figure.** Each process's growth from the sample at 5 minutes (start-up, the first files'
  indexes, allocator arenas and FFmpeg's buffers settle by then) to the last, in %; target <= 5 %
  for every process. The slope over the same span (MiB per hour) says whether what grew is still
  growing, and the growth less what the MP4 index explains (`MP4_INDEX_ENTRY` bytes a packet
  written, given back when the file closes) tells a leak from the index. A run shorter than 10
  minutes measures from a third of the way in instead, and says so.
- **At the end** every recording is stopped and each of its files opened with PyAV: its packets
  read to the end, the pictures of its last seconds decoded, its duration near the time recorded.
- **The samples** go to `.bench/soak-DATE-TIME.json` (with the figures), beside the cached media.

The soak is not part of the default `make bench` run (an hour on its own) nor of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import av
import httpx

from tests.bench.media import CACHE
from tests.helpers.service import ServiceProcess, children

TARGET_GROWTH = 5.0  # % from the warm-up sample to the last
WARMUP_MINUTES = 5.0
RECORDINGS = (  # (room, mode)
    ("class", "single"),
    ("webinar", "single"),
    ("call", "mixed"),
    ("meeting", "mixed"),
)
SERVICE = "service"
# What FFmpeg's MP4 muxer keeps per packet written, until the file closes: `hybrid_fragmented`
# (app.media.formats) writes fragments but keeps every sample's index entry for the normal index
# it writes at the end. Measured: muxing an hour of 30 fps H.264 + AAC in one thread with the
# allocator's mmap threshold fixed grows by 72 bytes a packet, steadily, and gives it all back at
# close; Matroska and fragments alone stay flat.
MP4_INDEX_ENTRY = 72
_MIB = 1 << 20
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Series:
    """One process's samples: resident memory (bytes) and CPU time (s) at each sample; the `pids`
    it had over time; the packets its MP4 files held at the end (0 for the service)."""

    name: str
    rss: list[int | None] = field(default_factory=list)
    cpu: list[float | None] = field(default_factory=list)
    pids: list[int] = field(default_factory=list)
    mp4_packets: int = 0


@dataclass
class Result:
    """Every sample and what the files looked like at the end."""

    minutes: float
    every: float
    warmup: float
    times: list[float] = field(default_factory=list)  # seconds since the recordings started
    series: list[Series] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # one line per file checked
    problems: list[str] = field(default_factory=list)

    def baseline_index(self) -> int:
        """The first sample at or after the warm-up."""
        return next((i for i, t in enumerate(self.times) if t >= self.warmup), 0)

    def growth(self, series: Series, *, less_index: bool = False) -> float | None:
        """% growth from the warm-up sample to the last (less what the MP4 index explains)."""
        if not series.rss:
            return None
        b = self.baseline_index()
        first, last = series.rss[b], series.rss[-1]
        if not first or last is None:
            return None
        if less_index:
            first -= self.mp4_index(series, self.times[b])
            last -= self.mp4_index(series, self.times[-1])
        return (last - first) / first * 100

    def mp4_index(self, series: Series, at: float) -> int:
        """Bytes of MP4 index the muxers hold `at` seconds in: the packets come at a steady rate."""
        recorded = self.times[-1] if self.times else 0.0
        if not recorded:
            return 0
        return round(MP4_INDEX_ENTRY * series.mp4_packets * min(1.0, at / recorded))

    def slope(self, series: Series) -> float | None:
        """Least-squares MiB per hour from the warm-up sample on."""
        start = self.baseline_index()
        points = [
            (t, r)
            for t, r in zip(self.times[start:], series.rss[start:], strict=True)
            if r is not None
        ]
        if len(points) < 3:
            return None
        fit = statistics.linear_regression([t for t, _ in points], [r for _, r in points])
        return fit.slope * 3600 / _MIB

    def cpu_share(self, series: Series) -> float | None:
        """The share of a core the process used over the run."""
        points = [(t, c) for t, c in zip(self.times, series.cpu, strict=True) if c is not None]
        if len(points) < 2 or points[-1][0] <= points[0][0]:
            return None
        return (points[-1][1] - points[0][1]) / (points[-1][0] - points[0][0])

    def passed(self, series: Series) -> bool:
        """Whether this process stayed within the target (one that was replaced did not)."""
        growth = self.growth(series)
        return growth is not None and growth <= TARGET_GROWTH and len(set(series.pids)) <= 1

    @property
    def all_passed(self) -> bool:
        """Every process within the target, every file whole."""
        return all(self.passed(s) for s in self.series) and not self.problems


def measure(minutes: float, every: float = 60.0, *, log: bool = True) -> Result:
    """Run the soak; print a table row per sample as it goes when `log`."""
    warmup = WARMUP_MINUTES * 60 if minutes >= 2 * WARMUP_MINUTES else minutes * 60 / 3
    result = Result(minutes=minutes, every=every, warmup=warmup)
    with tempfile.TemporaryDirectory(prefix="recdesk-soak-") as tmp:
        root = Path(tmp)
        service = ServiceProcess(root / "data", (CACHE / "demo-media").absolute()).start()
        try:
            service.wait_rooms(*(room for room, _ in RECORDINGS), timeout=600)
            with httpx.Client(base_url=service.url, timeout=60) as http:
                _soak(http, service, result, log=log)
        finally:
            service.stop(timeout=120)
    return result


def _soak(http: httpx.Client, service: ServiceProcess, result: Result, *, log: bool) -> None:
    assert service.process is not None
    ids, folders = [], []
    for n, (room, mode) in enumerate(RECORDINGS):
        folder = f"soak{n}-{room}-{mode}"
        answer = http.post("/v1/recordings", json={"room_id": room, "mode": mode, "folder": folder})
        answer.raise_for_status()
        ids.append(answer.json()["id"])
        folders.append(service.data_dir / "recordings" / folder)
    for rec_id in ids:
        _wait_state(http, rec_id, "recording")
    result.series = [Series(SERVICE), *(Series(f"{room} {mode}") for room, mode in RECORDINGS)]
    if log:
        print("  " + _header(result))
    began = time.monotonic()
    count = round(result.minutes * 60 / result.every)
    for n in range(count + 1):
        time.sleep(max(0.0, began + n * result.every - time.monotonic()))
        workers = recording_workers(service.process.pid, folders)
        for i, series in enumerate(result.series[1:]):
            # Between two files a worker holds none open: the one seen last, while it lives.
            if workers[i] is None and series.pids and rss(series.pids[-1]) is not None:
                workers[i] = series.pids[-1]
        result.times.append(time.monotonic() - began)
        pids = [service.process.pid, *workers]
        for series, pid in zip(result.series, pids, strict=True):
            series.rss.append(None if pid is None else rss(pid))
            series.cpu.append(None if pid is None else _cpu(pid))
            if pid is not None and (not series.pids or series.pids[-1] != pid):
                series.pids.append(pid)
        if log:
            print("  " + _row(result, -1), flush=True)
    for rec_id, (room, mode), series in zip(ids, RECORDINGS, result.series[1:], strict=True):
        answer = http.post(f"/v1/recordings/{rec_id}/stop")
        if answer.status_code != 200:
            result.problems.append(f"{room} {mode}: stop answered {answer.status_code}")
            continue
        files = answer.json()["files"]
        if not files:
            result.problems.append(f"{room} {mode}: no files")
        for item in files:
            path = service.data_dir / item["path"]
            line, packets, problem = _check_file(path, result.times[-1])
            if path.suffix in (".mp4", ".m4a"):
                series.mp4_packets += packets
            result.files.append(f"{room} {mode}: {line}")
            if problem:
                result.problems.append(f"{room} {mode}: {path.name}: {problem}")


def _wait_state(http: httpx.Client, rec_id: str, state: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while (got := http.get(f"/v1/recordings/{rec_id}").json())["state"] != state:
        if time.monotonic() > deadline or got["state"] in ("failed", "completed"):
            raise RuntimeError(f"recording {rec_id} is {got['state']} ({got.get('reason')})")
        time.sleep(0.2)


# -- processes -----------------------------------------------------------------------------------


def recording_workers(service: int, folders: Sequence[Path]) -> list[int | None]:
    """The worker recording into each folder: a child of the service holding a file open there."""
    found: list[int | None] = [None] * len(folders)
    for pid in children(service):
        opened = _open_paths(pid)
        for i, folder in enumerate(folders):
            prefix = str(folder) + os.sep
            if found[i] is None and any(path.startswith(prefix) for path in opened):
                found[i] = pid
    return found


def _open_paths(pid: int) -> list[str]:
    fds = Path(f"/proc/{pid}/fd")
    paths = []
    try:
        for fd in fds.iterdir():
            try:
                paths.append(os.readlink(fd))
            except OSError:
                continue
    except OSError:
        return []
    return paths


def rss(pid: int) -> int | None:
    """Resident memory in bytes, None if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _cpu(pid: int) -> float | None:
    """User and system CPU seconds so far, None if the process is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime and stime, fields 14 and 15


# -- files ---------------------------------------------------------------------------------------


def _check_file(path: Path, recorded: float) -> tuple[str, int, str | None]:
    """A line describing the file, its packets, and what is wrong with it (None: it is whole)."""
    try:
        with av.open(str(path)) as container:
            duration = (container.duration or 0) / av.time_base
            packets = sum(1 for p in container.demux() if p.size)
        last = _last_picture(path, duration)
    except (av.FFmpegError, OSError) as exc:
        return f"{path.name}: does not open: {exc}", 0, str(exc)
    line = f"{path.name}: {duration:.0f} s, {packets} packets, {path.stat().st_size / _MIB:.0f} MiB"
    if not packets:
        return line, 0, "no packets"
    # A recording starts within seconds of its start and stops within seconds of its stop.
    if duration < recorded - 30:
        return line, packets, f"lasts {duration:.0f} s of about {recorded:.0f} s recorded"
    if last is False:
        return line, packets, "its last pictures do not decode"
    return line, packets, None


def _last_picture(path: Path, duration: float) -> bool | None:
    """Whether a picture decodes from the keyframe before the end (None: no video)."""
    with av.open(str(path)) as container:
        if not container.streams.video:
            return None
        video = container.streams.video[0]
        container.seek(int(max(0.0, duration - 5) * av.time_base), backward=True)
        return any(True for _ in container.decode(video))


# -- report --------------------------------------------------------------------------------------


def _header(result: Result) -> str:
    names = [s.name for s in result.series]
    return "min   " + "  ".join(f"{name:>16}" for name in names) + "   (RSS, MiB)"


def _row(result: Result, i: int) -> str:
    cells = []
    for series in result.series:
        rss = series.rss[i]
        cells.append(f"{'gone' if rss is None else f'{rss / _MIB:.1f}':>16}")
    return f"{result.times[i] / 60:5.1f} " + "  ".join(cells)


def report(result: Result) -> list[str]:
    """The growth of each process and the files, one line each."""
    base = result.times[result.baseline_index()] / 60 if result.times else 0.0
    note = "" if result.warmup == WARMUP_MINUTES * 60 else " (a short run: from a third of it)"
    lines = [
        f"  growth from minute {base:.1f}{note} to the end, target <= {TARGET_GROWTH:g} %; "
        f"beside it, the growth less the MP4 index ({MP4_INDEX_ENTRY} B a packet written), "
        "the slope and the CPU:"
    ]
    for series in result.series:
        growth, slope = result.growth(series), result.slope(series)
        figure = "no samples" if growth is None else f"{growth:+7.2f} %"
        rest = result.growth(series, less_index=True)
        if rest is not None and series.mp4_packets:
            figure += f" ({rest:+.2f} % less the index)"
        if slope is not None:
            figure += f", {slope:+.1f} MiB/h"
        if (cpu := result.cpu_share(series)) is not None:
            figure += f", {cpu * 100:.0f} % CPU"
        if len(set(series.pids)) > 1:
            figure += f", replaced: pids {', '.join(str(p) for p in series.pids)}"
        verdict = "PASS" if result.passed(series) else "MISS"
        lines.append(f"    {series.name:<15} {figure:<68} {verdict}")
    lines.append(f"  files ({len(result.files)}):")
    lines += [f"    {line}" for line in result.files]
    lines += [f"  PROBLEM: {problem}" for problem in result.problems]
    return lines


def save(result: Result) -> Path:
    """Write the samples and figures as JSON under `.bench/`; its path."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"soak-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    data = asdict(result)
    data["growth_percent"] = {s.name: result.growth(s) for s in result.series}
    data["growth_less_mp4_index_percent"] = {
        s.name: result.growth(s, less_index=True) for s in result.series
    }
    data["mp4_index_entry_bytes"] = MP4_INDEX_ENTRY
    data["slope_mib_per_hour"] = {s.name: result.slope(s) for s in result.series}
    data["target_percent"] = TARGET_GROWTH
    data["passed"] = result.all_passed
    path.write_text(json.dumps(data, indent=1) + "\n")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the soak alone; exit 1 when a target is missed with `--strict`."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=60.0, help="how long (default 60)")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between samples")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    result = measure(args.minutes, args.every)
    for line in report(result):
        print(line)
    print(f"  samples: {save(result)}")
    return 1 if args.strict and not result.all_passed else 0


if __name__ == "__main__":
    sys.exit(main())
