"""The desktop app's responsiveness: cold start, filtering 10,000 rooms, and event-loop stalls.

1. **Cold start to an interactive window**: from spawning `recdesk` (a fresh process) until its
   main window is shown with the room list filled; against a service already running (`--url`)
   and with its own embedded service (started by the app, demo media cached); median of runs;
   target 2 s each. Where `make bundle` has built `dist/RecDesk/recdesk`, the bundle is started
   the same two ways too.
2. **Filtering 10,000 rooms**: the time of each keystroke's filter on the room list model
   (`tests.bench.ui_rooms`); target <= 50 ms at the slowest keystroke.
3. **Longest event-loop stall**: the app with its embedded service, the 9-person `class` room
   selected (nine thumbnails refreshing every 3 s) and a mixed recording of it running, its live
   view in the record panel reading the mix's picture a few times a second (the pictures read
   are counted, so the figure covers them); a 5 ms Qt timer measures the longest gap between its
   ticks over the window of the run; target <= 50 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tests.helpers.service import ServiceProcess

if TYPE_CHECKING:  # Qt is imported where the measuring starts, after its platform is chosen
    from tests.bench.stall import Stall

TARGET_REMOTE = 2.0
TARGET_EMBEDDED = 2.0
TARGET_FILTER = 0.050
TARGET_STALL = 0.050
MEDIA = Path(".bench/demo-media")
BUNDLE = Path("dist/RecDesk/recdesk")


@dataclass
class Result:
    """Every sample, in seconds."""

    remote: list[float] = field(default_factory=list)
    embedded: list[float] = field(default_factory=list)
    bundle_remote: list[float] = field(default_factory=list)
    bundle_embedded: list[float] = field(default_factory=list)
    keystrokes: list[float] = field(default_factory=list)
    stall: float = 0.0
    ticks: int = 0
    live_pictures: int = 0  # the mix's pictures the live view read during the stall window


def _cold_start(args: list[str], env: dict[str, str], app: list[str] | None = None) -> float:
    began = time.time()
    answer = subprocess.run(
        [*(app or [sys.executable, "-m", "ui.main"]), "--exit-when-ready", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    ready = next(json.loads(line) for line in answer.stdout.splitlines() if '"ready"' in line)
    return float(ready["ready"]) - began


def measure(repeats: int, stall_seconds: float) -> Result:
    """Run everything."""
    from tests.bench import ui_rooms

    result = Result()
    media = MEDIA.absolute()
    with tempfile.TemporaryDirectory(prefix="recdesk-desk-") as tmp:
        root = Path(tmp)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(root / "config"))
        apps = {"source": [sys.executable, "-m", "ui.main"]}
        if BUNDLE.exists():
            apps["bundle"] = [str(BUNDLE.absolute())]
        service = ServiceProcess(root / "remote", media).start()
        try:
            service.wait_rooms("call", timeout=120)
            for name, app in apps.items():
                into = result.remote if name == "source" else result.bundle_remote
                for _ in range(repeats):
                    into.append(_cold_start(["--url", service.url], env, app))
        finally:
            service.stop()
        for name, app in apps.items():
            into = result.embedded if name == "source" else result.bundle_embedded
            for n in range(repeats):
                args = ["--data-dir", str(root / f"{name}{n}")]
                args += ["--service-arg=--demo-media-dir", f"--service-arg={media}"]
                into.append(_cold_start(args, env, app))
        result.keystrokes = ui_rooms.filter_keystrokes(10_000)
        stall = _stall(root / "stall", media, stall_seconds)
        result.stall, result.ticks, result.live_pictures = stall.longest, stall.ticks, stall.events
    return result


def _stall(data_dir: Path, media: Path, seconds: float) -> Stall:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tests.bench.stall import measure_while
    from ui.app import DesktopApp

    qapp = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    settings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
    desktop = DesktopApp(
        settings,
        data_dir=data_dir,
        service_args=("--demo-media-dir", str(media), "--no-churn"),
    )

    async def run() -> Stall:
        window = await desktop.start()
        window.resize(1440, 900)
        while window.browser.model.rowCount() < 6:
            await asyncio.sleep(0.05)
        window.browser.select("class")
        controls = window.controls
        controls.form.mode.setCurrentIndex(controls.form.mode.findData("mixed"))
        controls.start()
        while controls.recording is None or controls.recording.state != "recording":
            await asyncio.sleep(0.05)
        # The live view reads the mix's picture while the record panel is shown, as it is here.
        stall = await measure_while(controls.live.poller.picture_read, seconds)
        controls.stop()
        while controls.recording is not None and controls.recording.state != "completed":
            await asyncio.sleep(0.05)
        window.close()
        await desktop.shutdown()
        return stall

    with loop:
        return loop.run_until_complete(run())


def report(result: Result) -> list[str]:
    """The figures, one per line."""

    def runs(values: list[float]) -> str:
        return ", ".join(f"{v:.2f}" for v in values)

    keys = result.keystrokes
    starts = [
        ("", result.remote, result.embedded),
        ("the bundle's ", result.bundle_remote, result.bundle_embedded),
    ]
    lines = [
        line
        for who, remote, embedded in starts
        if remote
        for line in (
            f"  {who}cold start, service already running: median "
            f"{statistics.median(remote):.2f} s (runs {runs(remote)})",
            f"  {who}cold start with the embedded service: median "
            f"{statistics.median(embedded):.2f} s (runs {runs(embedded)})",
        )
    ]
    return [
        *lines,
        f"  filter 10,000 rooms, per keystroke: median {statistics.median(keys) * 1e3:.1f} ms, "
        f"slowest {max(keys) * 1e3:.1f} ms ({len(keys)} keystrokes)",
        f"  longest event-loop stall, 9 thumbnails + a mixed recording and its live view: "
        f"{result.stall * 1e3:.0f} ms "
        f"({result.ticks} ticks of a 5 ms timer, {result.live_pictures} mix pictures read)",
    ]
