"""A call recorded on this computer: the 1080p30 screen, the microphone and what the computer
plays, for `seconds` (60), in the running app, against the ffmpeg CLI recording the same.

A 1920x1080 Xvfb screen shows a window that flashes at each second while the speakers (a null
sink of a private PulseAudio) beep; a 440 Hz tone plays into the virtual microphone all along. The
app (offscreen Qt, its embedded demo service) records the picker's "Call — screen + microphone +
speakers" at the Source-size preset with the voices on separate tracks, as a user would.

- **Dropped frames**: what the recorder counts (pictures missing at 30 fps); target 0.
- **Audio discontinuities**: holes in the microphone's continuous tone, read from the file (10 ms
  windows where the 440 Hz level falls below half its median); target 0.
- **CPU**: the app's CPU seconds per recorded second, over the ffmpeg CLI's recording x11grab +
  two PulseAudio inputs mixed (`amix`) into H.264 + AAC with the same encoder settings.
- **Longest event-loop stall** while recording (5 ms timer); target <= 50 ms.
- **A/V offset** of the speakers' beeps against the flashes (median, worst).
- **Memory and threads** of the app before, during and 10 s after the recording.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tests.bench.soak import rss
from tests.bench.summary import Row

TARGET_DROPPED = 0
TARGET_HOLES = 0
TARGET_STALL = 0.050
TARGET_SYNC = 0.040
TARGET_MEMORY = 0.10


@dataclass
class Result:
    """One run's figures."""

    seconds: float = 0.0
    dropped: int = 0
    holes: int = 0
    cpu: float = 0.0
    ffmpeg_cpu: float = 0.0
    stall: float = 0.0
    offsets: list[float] = field(default_factory=list)
    memory: dict[str, tuple[int, int]] = field(default_factory=dict)  # kB, threads
    duration: float = 0.0

    @property
    def ratio(self) -> float:
        """Our CPU per recorded second over ffmpeg's."""
        return self.cpu / self.ffmpeg_cpu if self.ffmpeg_cpu else float("nan")

    @property
    def growth(self) -> float:
        """Memory 10 s after the recording over memory before it, less one."""
        before, after = self.memory.get("before", (0, 0))[0], self.memory.get("after", (0, 0))[0]
        return after / before - 1 if before else float("nan")


def measure(seconds: float, ffmpeg: str) -> Result:
    """Record `seconds` of a call in the app, then the same with the ffmpeg CLI."""
    from tests.helpers.flasher import Flasher
    from tests.helpers.sound import SoundServer, Tone
    from tests.helpers.xvfb import Xvfb

    result = Result(seconds=seconds)
    screen = Xvfb(1920, 1080)
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-call-") as tmp:
        root = Path(tmp)
        server = SoundServer(root / "sound", "pulseaudio")
        try:
            server.export()
            os.environ["DISPLAY"] = screen.display
            geometry = (0, 0, 1920, 1080)
            # The call's other side and its user play from processes of their own: what the app
            # process spends is the recording's alone.
            with (
                Flasher(screen.display, "Call", "speakers", geometry=geometry, env=server.env),
                Tone("micwire", 440, level=0.3, server=server),
            ):
                _in_app(root, seconds, result)
                result.ffmpeg_cpu = _ffmpeg(root / "ffmpeg.mp4", seconds, ffmpeg, screen.display)
        finally:
            server.stop()
            screen.stop()
    return result


def _status() -> tuple[int, int]:
    """This process's resident memory (kB) and thread count."""
    return (rss(os.getpid()) or 0) // 1024, len(os.listdir("/proc/self/task"))


def _in_app(root: Path, seconds: float, result: Result) -> None:
    from app.media.sources.devices import device_report
    from tests.bench.local import desktop_app, record_in

    loop, desktop = desktop_app(root)

    async def run() -> None:
        window = await desktop.start()
        window.resize(1440, 900)
        window.show_local()
        panel = window.local
        picker = panel.picker
        picker.show_devices(device_report())
        call = next(c for c in picker.choices() if c.key.startswith("call:x11grab"))
        picker.select(call.key)
        picker.quality.setCurrentIndex(picker.quality.findData("source"))
        picker.voices.setCurrentIndex(picker.voices.findData(True))
        await asyncio.sleep(5)  # the app settled, idle
        result.memory["before"] = _status()
        figures = await record_in(panel, seconds)
        result.cpu, result.dropped, result.stall = figures.cpu, figures.dropped, figures.stall
        result.memory["during"] = _status()
        panel.stop()
        while panel.outcome is None:
            await asyncio.sleep(0.05)
        await asyncio.sleep(10)
        result.memory["after"] = _status()
        if panel.outcome.paths:
            _check(panel.outcome.paths[0], result)
        window.close()
        await desktop.shutdown()

    with loop:
        loop.run_until_complete(run())


def _check(path: Path, result: Result) -> None:
    import av

    from tests.helpers.sound import RATE, samples
    from tests.helpers.sync import measure as measure_sync

    with av.open(str(path)) as container:
        result.duration = (container.duration or 0) / 1e6
    voice = samples(path, 0)  # the microphone's track: a 440 Hz tone all along
    window = RATE // 100
    count = len(voice) // window
    frames = voice[: count * window].reshape(count, window)
    level = np.abs(np.fft.rfft(frames * np.hanning(window), axis=1))[:, 4]  # the 400-500 Hz bin
    usual = float(np.median(level))
    low = level < usual / 2
    # A hole is a run of quiet windows after the tone was first heard and before its end.
    first, last = int(np.argmax(~low)), count - int(np.argmax(~low[::-1])) - 1
    inside = low[first:last]
    result.holes = int(np.sum(inside[1:] & ~inside[:-1]) + (1 if len(inside) and inside[0] else 0))
    result.offsets = measure_sync(path, audio=1).offsets


def _ffmpeg(out: Path, seconds: float, ffmpeg: str, display: str) -> float:
    """CPU seconds per recorded second of the ffmpeg CLI recording the same call."""
    command = [
        ffmpeg, "-v", "error", "-y",
        "-f", "x11grab", "-framerate", "30", "-video_size", "1920x1080", "-i", display,
        "-f", "pulse", "-i", "virtmic",
        "-f", "pulse", "-i", "speakers.monitor",
        "-filter_complex", "[1:a][2:a]amix=inputs=2:normalize=0[a]",
        "-map", "0:v", "-map", "[a]", "-t", f"{seconds:g}",
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-b:v", "6M",
        "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k", str(out),
    ]  # fmt: skip
    child = subprocess.Popen(command)
    _pid, _status, usage = os.wait4(child.pid, 0)
    return (usage.ru_utime + usage.ru_stime) / seconds


def report(result: Result) -> list[str]:
    """The figures, one per line."""
    ms = 1e3
    lines = [
        f"  recorded a {result.seconds:g} s call (1080p30 screen, microphone, speakers) in the "
        f"app: file {result.duration:.1f} s, {result.dropped} frames dropped, "
        f"{result.holes} holes in the microphone's tone",
        f"  CPU per recorded second: app {result.cpu:.3f} s, ffmpeg CLI {result.ffmpeg_cpu:.3f} s: "
        f"{result.ratio:.2f}x",
        f"  longest event-loop stall while recording: {result.stall * ms:.0f} ms",
    ]
    if result.offsets:
        lines.append(
            f"  A/V offset: median {statistics.median(result.offsets) * ms:+.0f} ms, worst "
            f"{max(result.offsets, key=abs) * ms:+.0f} ms over {len(result.offsets)} flashes"
        )
    for moment in ("before", "during", "after"):
        kb, threads = result.memory.get(moment, (0, 0))
        lines.append(f"  app memory {moment}: {kb / 1024:.0f} MB, {threads} threads")
    return lines


def rows(seconds: float, ffmpeg: str) -> list[Row]:
    """Run it, print its figures, and return its summary rows."""
    print(f"\n[22] a call recorded on this computer ({seconds:g} s, 1080p30 + mic + speakers)")
    result = measure(seconds, ffmpeg)
    for line in report(result):
        print(line)
    median = statistics.median(result.offsets) if result.offsets else float("nan")
    before, after = result.memory.get("before", (0, 0)), result.memory.get("after", (0, 0))
    return [
        Row("call: dropped frames", str(result.dropped), f"<= {TARGET_DROPPED}",
            result.dropped <= TARGET_DROPPED),
        Row("call: audio discontinuities", str(result.holes), f"<= {TARGET_HOLES}",
            result.holes <= TARGET_HOLES),
        Row("call: CPU, app / ffmpeg CLI", f"{result.ratio:.2f}x", "", None),
        Row("call: longest event-loop stall", f"{result.stall * 1e3:.0f} ms",
            f"<= {TARGET_STALL * 1e3:.0f} ms", result.stall <= TARGET_STALL),
        Row("call: A/V offset", f"median {median * 1e3:+.0f} ms",
            f"|median| <= {TARGET_SYNC * 1e3:.0f} ms", abs(median) <= TARGET_SYNC),
        Row("call: app memory 10 s after / before",
            f"{after[0] / 1024:.0f} / {before[0] / 1024:.0f} MB ({result.growth:+.0%}), "
            f"threads {after[1]} / {before[1]}",
            f"<= +{TARGET_MEMORY:.0%}", result.growth <= TARGET_MEMORY),
    ]  # fmt: skip
