"""How long one keystroke in the room browser's search takes over many rooms.

```
python -m tests.bench.ui_rooms [--rooms N] [--text TEXT]
```

The search filters on every keystroke, on the GUI thread, so a keystroke must cost less than a
frame or two: the target is <= 50 ms over 10,000 rooms. The rooms are synthetic (`Room` objects
built here, a few streams each); the model and its filter are the ones the browser uses, and each
prefix of `text` is set in turn as the operator would type it, timing `setFilterFixedString`
alone (the proxy re-filters every row there and then). A `QListView` is attached so the proxy's
row changes reach a view, as they do in the app; it is not shown, so no painting is counted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime

from PySide6.QtWidgets import QApplication, QListView

from app.api.models import Room, Stream
from ui.rooms.model import RoomsFilterModel, RoomsModel

_WORDS = ("meeting", "class", "standup", "webinar", "podcast", "review", "call", "demo")


def synthetic_rooms(n: int) -> list[Room]:
    """`n` rooms named like "Meeting 42", each with a few camera streams."""
    since = datetime(2024, 1, 1, tzinfo=UTC)
    rooms = []
    for i in range(n):
        word = _WORDS[i % len(_WORDS)]
        streams = [
            Stream(stream_id=f"u{j}-camera", user_id=f"u{j}", kind="camera", since=since)
            for j in range(i % 4)
        ]
        rooms.append(
            Room(
                room_id=f"room-{i:05d}",
                name=f"{word.title()} {i}",
                live=bool(streams),
                streams=streams,
                recording=["rec"] if i % 10 == 0 else [],
            )
        )
    return rooms


def filter_keystrokes(n_rooms: int = 10_000, text: str = "meeting 42") -> list[float]:
    """Seconds each `setFilterFixedString` takes as `text` is typed one key at a time.

    Qt draws offscreen unless told otherwise: nothing is shown, and a machine without a display
    (`make bench` on a server) can make the application. The first application made in a process
    decides the platform for every later group of the run, so it is set before it.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    model = RoomsModel()
    model.reset(synthetic_rooms(n_rooms))
    proxy = RoomsFilterModel()
    proxy.setSourceModel(model)
    view = QListView()
    view.setUniformItemSizes(True)
    view.setModel(proxy)
    times = []
    for end in range(1, len(text) + 1):
        start = time.perf_counter()
        proxy.setFilterFixedString(text[:end])
        times.append(time.perf_counter() - start)
        app.processEvents()
    proxy.setFilterFixedString("")
    return times


def main() -> int:
    """Print each keystroke's time, then the median and the worst against the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=10_000)
    parser.add_argument("--text", default="meeting 42")
    args = parser.parse_args()
    times = filter_keystrokes(args.rooms, args.text)
    for end, seconds in enumerate(times, 1):
        print(f"{args.text[:end]!r:>16}  {seconds * 1000:7.2f} ms")
    worst = max(times)
    verdict = "ok" if worst <= 0.050 else "MISS"
    print(
        f"{args.rooms} rooms: median {statistics.median(times) * 1000:.2f} ms, "
        f"max {worst * 1000:.2f} ms per keystroke (target <= 50 ms: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
