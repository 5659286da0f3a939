"""What running recording workers on a Ray cluster costs and buys (a head and two nodes in a
network namespace, `tests.helpers.cluster`), beside the local backend.

```
python -m tests.bench.cluster [--quick] [--json FILE]
```

1. **Failover**: a node's raylet SIGKILLed mid-recording → the first byte of the next part on the
   other node, seconds (median of 5, 2 with `--quick`), and the media lost: the gap between the
   lost part's last moment and the next part's first, from the files' listed times; at the
   recommended health checks (1000 ms / 2000 ms / 3 misses) and at the fast ones (500 / 500 / 3).
2. **Overhead**: CPU seconds and memory (RSS) per recording over the same 20 s (8 s quick) of the
   same two-camera single-stream job, under Ray (the worker and the actor that relays its lines)
   and on the local backend (the worker), interleaved, median of 3 (2 quick); the ratio.
3. **Admission**: three nodes sized for one two-person single-stream recording each, and five
   starts (one per demo room: a room records once per mode): how many were placed and on which
   nodes, how many refused with `no_capacity`, and how many of the placed recordings' files are
   complete after 20 s (8 quick): each opens, has its picture and sound, and lasts as long as its
   recording ran.

Wall times are noisy on a shared host: the load average is printed beside each figure, and the
overhead is CPU time (user + system of the measured processes), not wall time.
`run(quick)` returns the figures as a dict (the `make bench` runner calls it).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import av
import httpx

from app.service.rooms.demo import DEMO_ROOMS
from app.service.rooms.demo_media import generate, plan_room
from tests.bench.summary import Row
from tests.helpers.cluster.lab import ClusterLab
from tests.helpers.cluster.namespace import process_tree
from tests.helpers.cluster.ray_cluster import FAST_HEALTH_CHECK
from tests.helpers.service import ServiceProcess, cpu_seconds, writing

# Two people of each demo room: every single-stream recording of them costs the same (a room
# records once per mode, so the admission figure takes one recording from each room).
PAIRS = {
    "call": ["alice", "bob"],
    "meeting": ["carol", "dave"],
    "class": ["heidi", "ivan"],
    "webinar": ["quinn", "peggy"],
    "podcast": ["rita", "sam"],
}


def _body(room: str = "call") -> dict[str, Any]:
    """A single-stream recording of two people of the room, in a folder of its own."""
    return {
        "room_id": room,
        "mode": "single",
        "include": PAIRS[room],
        "folder": f"bench-{secrets.token_hex(4)}",
    }


def _until(check: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {check}")
        time.sleep(0.02)
    return value


def _stop(client: httpx.Client, rec_id: str) -> dict[str, Any]:
    client.post(f"/v1/recordings/{rec_id}/stop").raise_for_status()
    body: dict[str, Any] = client.get(f"/v1/recordings/{rec_id}").json()
    return body


def failover(lab: ClusterLab, runs: int) -> dict[str, Any]:
    """Kill → next part's first byte on another node, and the media lost, `runs` times."""
    assert lab.cluster is not None
    seconds, lost_media, loads = [], [], []
    with lab.client() as client:
        for _ in range(runs):
            rec = client.post("/v1/recordings", json=_body()).json()
            folder = lab.recordings_dir() / rec["folder"]
            node, _pid = _until(lambda folder=folder: lab.writer(folder))
            time.sleep(2.0)  # a second or two of media in the first part
            before = {p: p.stat().st_size for p in folder.iterdir()}
            killed = time.monotonic()
            lab.cluster.kill_raylet(node)

            def moved(folder: Path = folder, lost: Any = node, before: Any = before) -> bool:
                new = [p for p in folder.iterdir() if p not in before and p.stat().st_size > 0]
                found = lab.writer(folder)
                return bool(new) and found is not None and found[0] is not lost

            _until(moved, 60)
            seconds.append(time.monotonic() - killed)
            loads.append(os.getloadavg()[0])
            done = _stop(client, rec["id"])
            lab.cluster.restart(node)
            parts: dict[int, list[dict[str, Any]]] = {}
            for entry in done["files"]:
                parts.setdefault(entry["part"], []).append(entry)
            if 1 in parts and 2 in parts:
                end = max(_time(f["end"]) for f in parts[1])
                start = min(_time(f["start"]) for f in parts[2])
                lost_media.append(round(start - end, 3))
    return {
        "kill_to_next_part_s": round(statistics.median(seconds), 3),
        "runs_s": [round(s, 3) for s in seconds],
        "media_lost_s": statistics.median(lost_media) if lost_media else None,
        "load": round(statistics.mean(loads), 2),
    }


def _time(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


def _sample(
    client: httpx.Client, data_dir: Path, seconds: float, pids_of: Any
) -> tuple[float, float]:
    """One recording of `seconds`: CPU seconds and peak RSS (MiB) of the processes `pids_of`
    gives for the writer's pid."""
    rec = client.post("/v1/recordings", json=_body()).json()
    folder = data_dir / "recordings" / rec["folder"]
    writer = _until(lambda: pids_of(folder))
    cpu0 = sum(_cpu(pid) for pid in writer)
    time.sleep(seconds)
    cpu = sum(_cpu(pid) for pid in writer) - cpu0
    rss = sum(_rss(pid) for pid in writer)
    _stop(client, rec["id"])
    return cpu, rss


def _cpu(pid: int) -> float:
    try:
        return cpu_seconds(pid)
    except OSError:
        return 0.0


def _rss(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def overhead(
    lab: ClusterLab, media: Path, folder: Path, seconds: float, runs: int
) -> dict[str, Any]:
    """CPU and memory per recording under Ray and on the local backend, interleaved."""
    local = ServiceProcess(folder / "local", media).start()
    ray_cpu, ray_rss, local_cpu, local_rss, loads = [], [], [], [], []

    def on_cluster(folder: Path) -> list[int] | None:
        found = lab.writer(folder)
        if found is None:
            return None
        node, pid = found
        # The worker and its actor (its parent, `ray::WorkerHost`): what a recording adds.
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        return [pid, parent] if parent in node.pids() else [pid]

    def on_host(folder: Path) -> list[int] | None:
        assert local.process is not None
        pids = [p for p in process_tree(local.process.pid)[1:] if writing(p, folder)]
        return pids or None

    try:
        with lab.client() as ray_client, httpx.Client(base_url=local.url, timeout=60) as client:
            for _ in range(runs):
                cpu, rss = _sample(ray_client, lab.data_dir, seconds, on_cluster)
                ray_cpu.append(cpu)
                ray_rss.append(rss)
                cpu, rss = _sample(client, local.data_dir, seconds, on_host)
                local_cpu.append(cpu)
                local_rss.append(rss)
                loads.append(os.getloadavg()[0])
    finally:
        local.stop()
    ray_c, local_c = statistics.median(ray_cpu), statistics.median(local_cpu)
    ray_m, local_m = statistics.median(ray_rss), statistics.median(local_rss)
    return {
        "seconds": seconds,
        "ray_cpu_s": round(ray_c, 3),
        "local_cpu_s": round(local_c, 3),
        "cpu_ratio": round(ray_c / local_c, 3) if local_c else None,
        "ray_rss_mib": round(ray_m, 1),
        "local_rss_mib": round(local_m, 1),
        "rss_ratio": round(ray_m / local_m, 3) if local_m else None,
        "load": round(statistics.mean(loads), 2),
    }


def admission(folder: Path, media: Path, seconds: float) -> dict[str, Any]:
    """Three nodes that admit one two-person recording each, and two more starts than fit."""
    lab = ClusterLab(folder, media, rooms=tuple(PAIRS), nodes=3)
    placed: list[dict[str, Any]] = []
    refused = 0
    try:
        with lab.client() as client:
            began = time.monotonic()
            for room in PAIRS:
                answer = client.post("/v1/recordings", json=_body(room))
                if answer.status_code == 503 and answer.json()["name"] == "no_capacity":
                    refused += 1
                    continue
                answer.raise_for_status()
                placed.append(answer.json())
            starting = time.monotonic() - began
            time.sleep(seconds)
            nodes = client.get("/v1/health").json()["cluster"]["nodes"]
            done = [_stop(client, rec["id"]) for rec in placed]
        complete = sum(_complete(lab.data_dir, rec) for rec in done)
    finally:
        lab.close()
    return {
        "nodes": 3,
        "starts": len(PAIRS),
        "placed": len(placed),
        "refused_no_capacity": refused,
        "per_node": sorted(n["recordings"] for n in nodes if n["alive"] and n["cpus"]),
        "complete": complete,
        "starts_s": round(starting, 2),
        "load": round(os.getloadavg()[0], 2),
    }


def _complete(data_dir: Path, rec: dict[str, Any]) -> bool:
    """Whether a stopped recording's files all open with picture and sound and last as long as
    it ran (within a second)."""
    if rec["state"] != "completed" or len(rec["files"]) != 2:
        return False
    for entry in rec["files"]:
        with av.open(str(data_dir / entry["path"])) as container:
            kinds = {stream.type for stream in container.streams}
            duration = (container.duration or 0) / av.time_base
        if kinds != {"video", "audio"} or abs(duration - rec["elapsed"]) > 1.0:
            return False
    return True


def run(quick: bool = False) -> dict[str, Any]:
    """Every figure; `quick` keeps it under four minutes."""
    with tempfile.TemporaryDirectory(prefix="recdesk-cluster-bench-") as tmp:
        folder = Path(tmp)
        media = folder / "demo-media"
        plans = [
            f
            for room in DEMO_ROOMS
            if room.room_id in PAIRS
            for f in plan_room(room.room_id, room.people)
        ]
        for _ in generate(plans, media):
            pass
        seconds, runs = (8.0, 2) if quick else (20.0, 5)
        figures = {
            "admission": _shown("admission", admission(folder / "admission", media, seconds))
        }
        lab = ClusterLab(folder / "cluster", media, rooms=("call",))
        try:
            figures["failover"] = _shown("failover", failover(lab, runs))
            overhead_figures = overhead(lab, media, folder, seconds, 2 if quick else 3)
            figures["overhead"] = _shown("overhead", overhead_figures)
        finally:
            lab.close()
        lab = ClusterLab(folder / "fast", media, rooms=("call",), health=FAST_HEALTH_CHECK)
        try:
            figures["failover_fast"] = _shown("failover_fast", failover(lab, runs))
        finally:
            lab.close()
        return figures


def _shown(name: str, figures: dict[str, Any]) -> dict[str, Any]:
    """`figures`, printed as soon as they are measured (a later failure keeps them)."""
    print(f"{name}: {json.dumps(figures)}", file=sys.stderr, flush=True)
    return figures


def rows(quick: bool = False) -> list[Row]:
    """The `cluster` group of `make bench`: the figures printed, two summary rows."""
    print("\n[24] workers on a Ray cluster: failover and the overhead per recording")
    figures = run(quick)
    print(json.dumps(figures, indent=2))
    fail, fast, cost = figures["failover"], figures["failover_fast"], figures["overhead"]
    admitted = figures["admission"]
    return [
        Row(
            "failover, kill → next part on another node",
            f"{fail['kill_to_next_part_s']:.2f} s median, {fail['media_lost_s']} s media lost "
            f"(load {fail['load']}); fast checks {fast['kill_to_next_part_s']:.2f} s, "
            f"{fast['media_lost_s']} s lost",
            "seconds",
            None,
        ),
        Row(
            "3 nodes, admission",
            f"{admitted['placed']} placed {admitted['per_node']}, "
            f"{admitted['refused_no_capacity']} refused, {admitted['complete']} complete",
            "what fits placed and complete, the rest refused",
            admitted["placed"] == admitted["complete"] == 3
            and admitted["refused_no_capacity"] == 2,
        ),
        Row(
            "a recording under Ray / local",
            f"CPU {cost['cpu_ratio']}x, memory {cost['rss_ratio']}x (load {cost['load']})",
            "ratio",
            None,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Print the figures (and write them to `--json FILE`)."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.cluster")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    figures = run(args.quick)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json is not None:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
