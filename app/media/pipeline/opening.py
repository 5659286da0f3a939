"""Opening what a recording records: its inputs, one by one or all at once, and their mix.

```
items ─open_one─▶ MixInput ... ─▶ start_mix (layout) ─▶ MixSource       (desktop, command line)
items ─open_one, in parallel─▶ the sources that opened                  (the worker)
```

How one input is opened is the front end's (a callable): the command line opens what it is
given, the desktop signs its URLs first, the worker joins a live file where it is now. What is
the same everywhere is here: nothing opened stays open when a later step fails, and a slow URL
opens beside the others rather than before them.

- **Stream ids** name the command line's sources in a layout: the file or URL's last name
  without its extension (`cam1.mp4` and `rtmp://host/live/cam1` are both `cam1`); a repeated
  name gets `-2`, `-3`, ...
- **Live**: a mix is live when its sources are (files played with `--live`); files and live
  sources cannot be mixed otherwise, since files would be read as fast as the disk allows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from app.layout.model import Layout
from app.media.errors import SourceError
from app.media.formats import ContainerFormat
from app.media.mix.images import NO_IMAGES, ImageSource
from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource
from app.media.sources import MediaSource, open_source, parse_source

T = TypeVar("T")


def stream_ids(sources: Sequence[str]) -> list[str]:
    """A layout id for each source: its last name without extension, made unique."""
    ids: list[str] = []
    for text in sources:
        name = text.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
        base = Path(name).stem or "stream"
        candidate, n = base, 1
        while candidate in ids:
            n += 1
            candidate = f"{base}-{n}"
        ids.append(candidate)
    return ids


def open_inputs(items: Sequence[T], open_one: Callable[[T], MixInput]) -> list[MixInput]:
    """Each item opened in turn; if one fails, those opened are closed and the error raised."""
    inputs: list[MixInput] = []
    try:
        for item in items:
            inputs.append(open_one(item))
    except BaseException:
        for opened in inputs:
            opened.close()
        raise
    return inputs


def open_parallel(
    items: Sequence[T], open_one: Callable[[T], MediaSource | None]
) -> list[tuple[T, MediaSource]]:
    """Every item opened at once; those `open_one` could not open (None) are left out."""
    if not items:
        return []
    with ThreadPoolExecutor(len(items), thread_name_prefix="open") as pool:
        sources = list(pool.map(open_one, items))
    return [
        (item, source) for item, source in zip(items, sources, strict=True) if source is not None
    ]


def start_mix(
    inputs: Sequence[MixInput],
    layout: Layout | Callable[[Sequence[MixInput]], Layout],
    fmt: ContainerFormat,
    *,
    live: bool,
    video: bool = True,
    images: ImageSource = NO_IMAGES,
    tracks: Sequence[Sequence[str]] | None = None,
    track_titles: Sequence[str] = (),
) -> MixSource:
    """The mix of opened inputs, drawn by `layout` (or the one made for them) with `images`, its
    sound in one track or in `tracks` (see `MixSource`); if it cannot start, the inputs are
    closed."""
    try:
        drawn = layout if isinstance(layout, Layout) else layout(inputs)
        return MixSource(
            inputs,
            drawn,
            fmt,
            live=live,
            video=video,
            images=images,
            tracks=tracks,
            track_titles=track_titles,
        )
    except BaseException:
        for item in inputs:
            item.close()
        raise


def open_mix(
    sources: Sequence[str],
    layout: Layout,
    fmt: ContainerFormat,
    *,
    live: bool,
    position: float = 0.0,
    max_idle: float = 60.0,
    images: ImageSource = NO_IMAGES,
) -> MixSource:
    """Open every source and start a mix of them (closing what was opened if one fails)."""
    specs = [parse_source(text) for text in sources]
    kinds = {"file" if (s.kind == "file" and not live) else "live" for s in specs}
    if len(kinds) > 1:
        raise SourceError(
            "a mix of files and live sources needs --live, so the files play in real time"
        )
    named = list(zip(stream_ids(sources), specs, strict=True))
    inputs = open_inputs(
        named,
        lambda item: MixInput(
            item[0], open_source(item[1], live=live, position=position, max_idle=max_idle)
        ),
    )
    return start_mix(inputs, layout, fmt, live=kinds == {"live"}, images=images)
