"""Local recording on the desktop: a 1080p30 source recorded to H.264, inside the running app.

The desktop app runs as users run it (offscreen Qt, its embedded demo service), with the local
recorder panel recording a 1920x1080 30 fps test source paced in real time (FFmpeg's `testsrc2`,
whose moving pattern costs the encoder what a busy screen would) at the `high` preset (1080p30,
6 Mbit/s H.264, `veryfast` + `zerolatency`), while the panel shows its figures and preview.

- **Dropped frames**: what the recorder counts (pictures missing from the file at 30 fps); target 0.
- **CPU**: the app process's CPU seconds per recorded second (GUI, preview and recorder threads);
  and the same for the ffmpeg CLI encoding the same source with the same encoder settings
  (`ffmpeg -f lavfi -i testsrc2=...,realtime -c:v libx264 -preset veryfast -tune zerolatency`),
  as a ratio.
- **Longest event-loop stall** while recording: a 5 ms Qt timer measures the longest gap between
  its ticks; target <= 50 ms.

The file is then saved (straight into a folder, by the settings) and its duration checked.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.media.local import LocalInput

TARGET_DROPPED = 0
TARGET_STALL = 0.050
SOURCE = "testsrc2=size=1920x1080:rate=30"
MEDIA = Path(".bench/demo-media")


@dataclass
class Result:
    """One run's figures."""

    seconds: float = 0.0
    dropped: int = 0
    cpu: float = 0.0  # CPU seconds per recorded second, the app
    ffmpeg_cpu: float = 0.0  # the same, ffmpeg CLI
    stall: float = 0.0
    ticks: int = 0
    duration: float = 0.0  # of the saved file
    size: int = 0

    @property
    def ratio(self) -> float:
        """Our CPU per recorded second over ffmpeg's."""
        return self.cpu / self.ffmpeg_cpu if self.ffmpeg_cpu else float("nan")

    @property
    def passed(self) -> tuple[bool, bool]:
        """Dropped frames and stall against their targets."""
        return self.dropped <= TARGET_DROPPED, self.stall <= TARGET_STALL


def measure(seconds: float, ffmpeg: str) -> Result:
    """Record `seconds` in the app, then the same with the ffmpeg CLI."""
    result = Result(seconds=seconds)
    with tempfile.TemporaryDirectory(prefix="recdesk-bench-local-") as tmp:
        _in_app(Path(tmp), seconds, result)
        result.ffmpeg_cpu = _ffmpeg(Path(tmp) / "ffmpeg.mp4", seconds, ffmpeg)
    return result


def desktop_app(root: Path) -> tuple[Any, Any]:
    """The desktop app as users run it (offscreen Qt, its embedded demo service), with settings
    of its own under `root` that save recordings straight into `root/saved`: (loop, app)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ui.app import DesktopApp

    qapp = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    settings = QSettings(str(root / "settings.ini"), QSettings.Format.IniFormat)
    saved = root / "saved"
    saved.mkdir()
    settings.setValue("local/default_folder", str(root / "videos"))
    settings.setValue("local/save_mode", "folder")
    settings.setValue("local/save_folder", str(saved))
    MEDIA.mkdir(parents=True, exist_ok=True)
    desktop = DesktopApp(
        settings,
        data_dir=root / "app",
        service_args=("--demo-media-dir", str(MEDIA.resolve()), "--no-churn"),
    )
    return loop, desktop


def _in_app(root: Path, seconds: float, result: Result) -> None:
    loop, desktop = desktop_app(root)

    async def run() -> None:
        window = await desktop.start()
        window.resize(1440, 900)
        window.show_local()
        panel = window.local
        source = LocalInput("screen", f"lavfi:{SOURCE},realtime", "screen")
        choice = panel.picker.add_device("1080p30 test pattern", [source])
        panel.picker.select(choice.key)
        panel.picker.quality.setCurrentIndex(panel.picker.quality.findData("high"))
        figures = await record_in(panel, seconds)
        result.cpu, result.dropped = figures.cpu, figures.dropped
        result.stall, result.ticks = figures.stall, figures.ticks
        panel.stop()
        while panel.outcome is None:
            await asyncio.sleep(0.05)
        paths = panel.outcome.paths
        if paths:
            import av

            with av.open(str(paths[0])) as container:
                result.duration = (container.duration or 0) / 1e6
            result.size = paths[0].stat().st_size
        window.close()
        await desktop.shutdown()

    with loop:
        loop.run_until_complete(run())


@dataclass
class Recorded:
    """What a recording in the panel cost and showed while it ran."""

    cpu: float  # the app's CPU seconds per recorded second
    dropped: int
    stall: float  # the longest event-loop stall, seconds
    ticks: int


async def record_in(panel: Any, seconds: float) -> Recorded:
    """Start the local recorder panel's recording and let it record `seconds` (left running)."""
    from tests.bench.stall import StallMeter

    panel.start()
    while panel.state != "recording":
        await asyncio.sleep(0.05)
    recorder = panel.recorder
    assert recorder is not None
    meter = StallMeter()
    began, cpu0 = recorder.stats().elapsed, _cpu()
    meter.start()
    while recorder.stats().elapsed - began < seconds:
        await asyncio.sleep(0.1)
    meter.stop()
    stats = recorder.stats()
    cpu = (_cpu() - cpu0) / (stats.elapsed - began)
    return Recorded(cpu, stats.dropped, meter.longest, meter.ticks)


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _ffmpeg(out: Path, seconds: float, ffmpeg: str) -> float:
    """CPU seconds per recorded second of the ffmpeg CLI on the same source and encoder settings."""
    command = [
        ffmpeg,
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"{SOURCE},realtime",
        "-t",
        f"{seconds:g}",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "zerolatency",
        "-b:v",
        "6M",
        "-g",
        "60",
        "-pix_fmt",
        "yuv420p",
        str(out),
    ]
    child = subprocess.Popen(command)
    _pid, _status, usage = os.wait4(child.pid, 0)
    return (usage.ru_utime + usage.ru_stime) / seconds


def report(result: Result) -> list[str]:
    """The figures, one per line."""
    return [
        f"  recorded {result.seconds:g} s of 1920x1080 30 fps to H.264 in the app; "
        f"saved file {result.duration:.2f} s, {result.size / 1e6:.1f} MB",
        f"  dropped frames: {result.dropped}",
        f"  CPU per recorded second: app {result.cpu:.3f} s, ffmpeg CLI {result.ffmpeg_cpu:.3f} s "
        f"({result.ratio:.2f}x)",
        f"  longest event-loop stall while recording: {result.stall * 1e3:.0f} ms "
        f"({result.ticks} ticks of a 5 ms timer)",
    ]
