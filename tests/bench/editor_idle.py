"""What the layout editor costs the recording service while it is open and nobody touches it.

A real `recdesk-server --demo` (its own process) and, in this process, the desktop's connection
to it and the `LayoutEditor` opened on the 9-person `class` room. Once the editor has shown its
first preview and pictures, the service's CPU time (user + system, from /proc) is read over
`seconds` of wall time, with the editor open and idle; then the same with the editor closed (the
connection alone, the floor). Median of `runs` windows each; target: the editor's idle window
costs < 1 % of one core. Each window also counts the preview and snapshot requests the service's
access log shows, the requests an idle editor makes.

```
python -m tests.bench.editor_idle [--runs 3] [--seconds 30]
```
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.service import ServiceProcess, children, cpu_seconds

TARGET_IDLE = 0.01  # of one core
ROOM = "class"
MEDIA = Path(".bench/demo-media")


@dataclass
class Window:
    """One measured window: the service's share of a core, and the editor's requests in it."""

    cpu: float
    previews: int
    snapshots: int


@dataclass
class Result:
    """Every window, with the editor open and with it closed."""

    seconds: float
    editor: list[Window] = field(default_factory=list)
    floor: list[Window] = field(default_factory=list)

    @property
    def idle(self) -> float:
        """The median share of a core the service spends while the editor is open and idle."""
        return statistics.median(w.cpu for w in self.editor)

    @property
    def passed(self) -> bool:
        """Whether the idle editor costs under `TARGET_IDLE`."""
        return self.idle < TARGET_IDLE


def _service_cpu(pid: int) -> float:
    """The service's CPU seconds so far, with any helper processes it runs now."""
    total = cpu_seconds(pid)
    for child in children(pid):
        with contextlib.suppress(OSError):  # it ended meanwhile
            total += cpu_seconds(child)
    return total


def _requests(log: Path, start: int) -> tuple[int, int, int]:
    """(previews, snapshots, end offset) of the access log's lines after byte `start`."""
    with log.open("rb") as file:
        file.seek(start)
        text = file.read().decode(errors="replace")
        end = file.tell()
    lines = text.splitlines()
    previews = sum("/v1/layouts/preview" in line for line in lines)
    snapshots = sum("/snapshot" in line and "/v1/rooms/" in line for line in lines)
    return previews, snapshots, end


def measure(runs: int, seconds: float, media: Path = MEDIA) -> Result:
    """Run `runs` windows of `seconds` with the editor open and idle, then as many without it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    from ui.common.operations import Operations
    from ui.connection.connection import Connection
    from ui.layout_editor.editor import LayoutEditor
    from ui.layout_editor.presets import PresetStore

    result = Result(seconds)
    qapp = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory(prefix="recdesk-editor-idle-") as tmp:
        root = Path(tmp)
        service = ServiceProcess(root / "data", media.absolute()).start()
        assert service.process is not None
        pid = service.process.pid

        async def window() -> Window:
            _, _, offset = _requests(service.log, 0)
            before = _service_cpu(pid)
            began = time.monotonic()
            await asyncio.sleep(seconds)
            used = _service_cpu(pid) - before
            elapsed = time.monotonic() - began
            previews, snapshots, _ = _requests(service.log, offset)
            return Window(used / elapsed, previews, snapshots)

        async def run() -> None:
            connection = Connection(service.url)
            connection.start()
            while connection.state != "connected":
                await asyncio.sleep(0.05)
            operations = Operations()
            busy = [0]
            operations.busy.connect(lambda count: busy.__setitem__(0, count))
            editor = LayoutEditor(connection, operations, PresetStore(root / "layouts"))
            editor.resize(1280, 800)
            room = await connection.client.room(ROOM)
            for _ in range(runs):
                editor.preview_image = None
                editor.open_for(room)
                editor.show()
                while editor.preview_image is None or busy[0]:
                    await asyncio.sleep(0.05)
                result.editor.append(await window())
                editor.hide()
            for _ in range(runs):
                result.floor.append(await window())
            editor.close()
            await operations.cancel_all()
            await connection.close()

        try:
            service.wait_rooms(ROOM, timeout=120)
            with loop:
                loop.run_until_complete(run())
        finally:
            service.stop()
    return result


def report(result: Result) -> list[str]:
    """The figures, one per line."""

    def windows(values: list[Window]) -> str:
        return ", ".join(
            f"{w.cpu * 100:.2f} % ({w.previews} previews, {w.snapshots} snapshots)" for w in values
        )

    floor = statistics.median(w.cpu for w in result.floor)
    return [
        f"  service CPU, layout editor open and idle on {ROOM!r} for {result.seconds:g} s: "
        f"median {result.idle * 100:.2f} % of a core (runs {windows(result.editor)})",
        f"  service CPU, editor closed (the connection alone): median {floor * 100:.2f} % "
        f"(runs {windows(result.floor)})",
    ]


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    result = measure(args.runs, args.seconds)
    for line in report(result):
        print(line)
    print(
        f"  target < {TARGET_IDLE * 100:g} % of a core: "
        f"{'met' if result.passed else 'NOT met'} ({result.idle * 100:.2f} %)"
    )


if __name__ == "__main__":
    main()
