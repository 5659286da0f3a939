"""Recording a Janus VideoRoom: what a publisher costs, how soon media is on disk, A/V sync, loss.

The real Janus runs in a network namespace (`tests.helpers.janus.lab`, root), aiortc publishers
publish 320x240 15 fps VP8 with Opus into it, and a real `recdesk-server --config` records them:

1. CPU per recorded publisher-second, single-stream (packets copied): the CPU (its `/proc` times)
   of the worker that records the publisher, steady state (from a second after its first media
   byte, so neither its start-up nor the spare worker the pool starts meanwhile), against Janus's
   own recording of the same publisher post-processed as Janus documents it (`janus-pp-rec` of
   each `.mjr`, then `ffmpeg -c copy` of picture and sound into one WebM), measured as child CPU
   (each tool's start-up included, a few milliseconds of C); ratio, target
   <= 1.0x. Janus's CPU writing `.mjr` files while the call runs is not in that reference (which
   favours it); it is printed beside it (Janus's CPU while recording, less its CPU as long before);
2. start → first media byte on disk for a Janus stream, keyframe request included (median of
   `repeats`; target <= 1 s);
3. A/V offset read from decoded flashes and beeps (`tests.helpers.sync`) in single and mixed
   files over `sync_runs` runs: median and worst (target: |median| <= 40 ms);
4. video frames lost when 1 % and 3 % of the forwarded RTP is dropped (nftables in the namespace):
   frames decoded against 15 per second of picture, and how long the picture lasts against the
   recording.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.bench.service import first_byte
from tests.bench.settings import Settings
from tests.bench.soak import recording_workers
from tests.bench.summary import Row
from tests.helpers.janus.lab import SECRET, JanusLab, Publisher
from tests.helpers.media import decodes, probe
from tests.helpers.service import ServiceProcess, cpu_seconds
from tests.helpers.sync import measure as measure_sync

TARGET_CPU_RATIO = 1.0
TARGET_START = 1.0
TARGET_SYNC = 0.040
FPS = 15
ROOM = 4242


@dataclass
class Result:
    """Every sample."""

    ours_cpu: float = 0.0  # CPU seconds per publisher-second
    janus_cpu: float = 0.0  # janus-pp-rec + ffmpeg -c copy
    janus_live_cpu: float = 0.0  # what writing its .mjr files cost Janus during the call
    seconds: float = 0.0
    start_to_byte: list[float] = field(default_factory=list)
    single_offsets: list[float] = field(default_factory=list)  # per-run medians
    mixed_offsets: list[float] = field(default_factory=list)
    loss: dict[int, tuple[int, int, float, float]] = field(default_factory=dict)

    @property
    def cpu_ratio(self) -> float:
        """Ours over Janus's recording and post-processing."""
        return self.ours_cpu / self.janus_cpu if self.janus_cpu else float("inf")


def measure(repeats: int, seconds: float, sync_runs: int) -> Result:
    """Run Janus, a publisher and a service; measure."""
    result = Result(seconds=seconds)
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-janus-") as tmp:
        root = Path(tmp)
        lab = JanusLab(root / "janus")
        publishers: list[Publisher] = []
        try:
            rec_dir = root / "janus-rec"
            rec_dir.mkdir()
            lab.create_room(ROOM, description="Bench")
            lab.request(
                {"request": "edit", "room": ROOM, "secret": SECRET, "new_rec_dir": str(rec_dir)}
            )
            publishers.append(lab.publish(ROOM, "alice"))
            (root / "recdesk.toml").write_text(lab.service_config())
            service = ServiceProcess(
                root / "data", None, "--config", str(root / "recdesk.toml")
            ).start()
            try:
                asyncio.run(_measure(service, lab, result, repeats, seconds, sync_runs, rec_dir))
            finally:
                service.stop()
        finally:
            for publisher in publishers:
                publisher.kill()
            lab.close()
    return result


async def _measure(
    service: ServiceProcess,
    lab: JanusLab,
    result: Result,
    repeats: int,
    seconds: float,
    sync_runs: int,
    rec_dir: Path,
) -> None:
    async with httpx.AsyncClient(base_url=service.url, timeout=30) as http:
        await _wait_live(http)
        result.start_to_byte = [await _start(service, http, f"start{n}") for n in range(repeats)]
        result.ours_cpu = await _our_cpu(service, http, seconds) / seconds
        post, live = await _janus_cpu(lab, rec_dir, seconds)
        result.janus_cpu, result.janus_live_cpu = post / seconds, live / seconds
        for n in range(sync_runs):
            single, mixed = await _sync_run(service, http, f"sync{n}")
            result.single_offsets += single
            result.mixed_offsets += mixed
        for percent in (1, 3):
            with lab.dropping(percent):
                result.loss[percent] = await _lossy(service, http, f"loss{percent}", seconds)


async def _wait_live(http: httpx.AsyncClient) -> None:
    for _ in range(600):
        answer = await http.get(f"/v1/rooms/{ROOM}")
        if answer.status_code == 200 and answer.json()["streams"]:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the publisher never showed up")


async def _record(http: httpx.AsyncClient, folder: str, **fields: object) -> str:
    answer = await http.post(
        "/v1/recordings", json={"room_id": str(ROOM), "folder": folder, **fields}
    )
    answer.raise_for_status()
    rec_id: str = answer.json()["id"]
    for _ in range(3000):
        rec = (await http.get(f"/v1/recordings/{rec_id}")).json()
        if rec["state"] == "recording":
            return rec_id
        if rec["state"] in ("completed", "failed"):
            break
        await asyncio.sleep(0.01)
    raise RuntimeError(f"recording {rec_id} did not start: {rec['state']}, {rec.get('reason')}")


async def _stop(http: httpx.AsyncClient, rec_id: str) -> dict[str, Any]:
    answer = await http.post(f"/v1/recordings/{rec_id}/stop")
    answer.raise_for_status()
    stopped: dict[str, Any] = answer.json()
    return stopped


async def _start(service: ServiceProcess, http: httpx.AsyncClient, folder: str) -> float:
    await asyncio.sleep(1.5)  # the warm worker pool refills, as between an operator's clicks
    began = time.perf_counter()
    answer = await http.post("/v1/recordings", json={"room_id": str(ROOM), "folder": folder})
    answer.raise_for_status()
    took = await first_byte(service.data_dir / "recordings" / folder, began)
    await asyncio.sleep(0.5)
    await _stop(http, answer.json()["id"])
    return took


async def _our_cpu(service: ServiceProcess, http: httpx.AsyncClient, seconds: float) -> float:
    """The CPU seconds of the worker recording one publisher, over `seconds` of steady recording.

    From a second after its first media byte: its start-up (once per recording, as Janus's own
    recording has one), and the spare worker the pool starts meanwhile (no publisher's cost),
    are left out, as every steady-state figure of `make bench` leaves them out.
    """
    began = time.perf_counter()
    rec_id = await _record(http, "cpu")
    folder = service.data_dir / "recordings" / "cpu"
    await first_byte(folder, began)
    await asyncio.sleep(1.0)
    assert service.process is not None
    (worker,) = recording_workers(service.process.pid, [folder])
    assert worker is not None, "no worker holds a file of the recording open"
    before = cpu_seconds(worker)
    await asyncio.sleep(seconds)
    used = cpu_seconds(worker) - before
    await _stop(http, rec_id)
    return used


async def _janus_cpu(lab: JanusLab, rec_dir: Path, seconds: float) -> tuple[float, float]:
    """Janus records the room for `seconds`: the CPU of turning that into one WebM file, and what
    writing it cost Janus while the call ran (its CPU then, less its CPU for as long before)."""
    assert lab.process is not None
    janus = lab.process.pid  # `ip netns exec` runs janus in its own process
    body = {"request": "enable_recording", "room": ROOM, "secret": SECRET}
    idle = cpu_seconds(janus)
    await asyncio.sleep(seconds)
    idle = cpu_seconds(janus) - idle
    await asyncio.to_thread(lab.request, {**body, "record": True})
    busy = cpu_seconds(janus)
    await asyncio.sleep(seconds)
    busy = cpu_seconds(janus) - busy
    await asyncio.to_thread(lab.request, {**body, "record": False})
    await asyncio.sleep(0.5)
    video = next(rec_dir.glob("*-video-*.mjr"))
    audio = next(rec_dir.glob("*-audio-*.mjr"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for mjr, out in ((video, rec_dir / "v.webm"), (audio, rec_dir / "a.opus")):
        subprocess.run(["janus-pp-rec", str(mjr), str(out)], check=True, capture_output=True)
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(rec_dir / "v.webm"),
            "-i",
            str(rec_dir / "a.opus"),
            "-c",
            "copy",
            str(rec_dir / "out.webm"),
        ],
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    post = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return post, max(0.0, busy - idle)


async def _sync_run(
    service: ServiceProcess, http: httpx.AsyncClient, folder: str
) -> tuple[list[float], list[float]]:
    single = await _record(http, folder)
    mixed = await _record(http, folder, mode="mixed")
    await asyncio.sleep(5.0)
    files = [f for rec in (single, mixed) for f in (await _stop(http, rec))["files"]]
    offsets: list[list[float]] = [[], []]
    for index, file in enumerate(files):
        sync = await asyncio.to_thread(measure_sync, service.data_dir / file["path"])
        offsets[index].append(sync.median)
    return offsets[0], offsets[1]


async def _lossy(
    service: ServiceProcess, http: httpx.AsyncClient, folder: str, seconds: float
) -> tuple[int, int, float, float]:
    rec_id = await _record(http, folder)
    await asyncio.sleep(seconds)
    stopped = await _stop(http, rec_id)
    [file] = stopped["files"]
    path = service.data_dir / file["path"]
    got = probe(path)
    picture = got.end("video") - got.start("video")
    frames = decodes(path)["video"]
    return frames, round(picture * FPS), picture, float(stopped["elapsed"])


def report(result: Result) -> list[str]:
    """The figures, one per line."""
    ms = 1e3
    every = result.single_offsets + result.mixed_offsets
    lines = [
        f"  CPU per publisher-second: ours {result.ours_cpu * ms:.2f} ms, janus-pp-rec + ffmpeg "
        f"-c copy {result.janus_cpu * ms:.2f} ms: {result.cpu_ratio:.2f}x "
        f"({result.seconds:g} s of one publisher: its worker, steady; the tools, whole)",
        f"  with what writing .mjr files cost Janus during the call "
        f"({result.janus_live_cpu * ms:.2f} ms): {result.ours_cpu * ms:.2f} vs "
        f"{(result.janus_cpu + result.janus_live_cpu) * ms:.2f} ms, "
        f"{result.ours_cpu / max(1e-9, result.janus_cpu + result.janus_live_cpu):.2f}x",
        f"  start → first media byte: median {statistics.median(result.start_to_byte):.3f} s "
        f"(runs: {', '.join(f'{x:.3f}' for x in result.start_to_byte)})",
    ]
    for name, offsets in (("single", result.single_offsets), ("mixed", result.mixed_offsets)):
        if offsets:
            lines.append(
                f"  A/V offset, {name}: median {statistics.median(offsets) * ms:+.0f} ms, worst "
                f"{max(offsets, key=abs) * ms:+.0f} ms over {len(offsets)} files "
                f"(runs: {', '.join(f'{x * ms:+.0f}' for x in offsets)})"
            )
    if every:
        lines.append(f"  A/V offset, all: worst {max(every, key=abs) * ms:+.0f} ms")
    for percent, (frames, expected, picture, elapsed) in sorted(result.loss.items()):
        lines.append(
            f"  {percent} % RTP lost: {frames} frames decoded of {expected} in {picture:.2f} s of "
            f"picture ({max(0, expected - frames)} lost), recording {elapsed:.2f} s"
        )
    return lines


def rows(settings: Settings) -> list[Row]:
    """Run the group with `settings`, print its figures, and return its summary rows."""
    print(
        f"\n[18] a Janus room: CPU per publisher ({settings.janus_seconds:g} s), start → first "
        f"byte ({settings.janus_repeats} runs), A/V sync ({settings.janus_sync_runs} runs), loss"
    )
    result = measure(settings.janus_repeats, settings.janus_seconds, settings.janus_sync_runs)
    for line in report(result):
        print(line)
    start = statistics.median(result.start_to_byte)
    found = [
        Row(
            "Janus publisher CPU, ours / janus-pp-rec + ffmpeg",
            f"{result.cpu_ratio:.2f}x ({result.ours_cpu * 1e3:.2f} vs "
            f"{result.janus_cpu * 1e3:.2f} ms CPU/publisher-s)",
            f"<= {TARGET_CPU_RATIO}x",
            result.cpu_ratio <= TARGET_CPU_RATIO,
        ),
        Row(
            "Janus start → first byte",
            f"{start:.3f} s median",
            f"<= {TARGET_START:g} s",
            start <= TARGET_START,
        ),
    ]
    for name, offsets in (("single", result.single_offsets), ("mixed", result.mixed_offsets)):
        median = statistics.median(offsets)
        found.append(
            Row(
                f"Janus A/V offset, {name}",
                f"median {median * 1e3:+.0f} ms, worst {max(offsets, key=abs) * 1e3:+.0f} ms",
                f"|median| <= {TARGET_SYNC * 1e3:.0f} ms",
                abs(median) <= TARGET_SYNC,
            )
        )
    return found
