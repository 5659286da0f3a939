"""The JSON form of a layout, and layout files.

```json
{"version": 1, "template": "grid",
 "canvas": {"width": 1280, "height": 720, "fps": 30, "background": "#000000",
            "background_image": null, "video_bitrate": 2000000, "audio_bitrate": 128000,
            "watermark": {"image": "logo.png", "x": 16, "y": 16, "width": 128, "height": 64,
                          "opacity": 0.8}},
 "regions": [{"x": 0, "y": 0, "width": 640, "height": 360, "stream_id": "alice", "z": 0,
              "fit": "fit", "border": {"width": 2, "color": "#ffffff"},
              "placeholder": {"color": "#202020", "image": null}, "audio": true}]}
```

Reading is strict where strictness saves a recording: `version` is required and read first (a
newer form may mean something else by the same keys), an unknown key is an error with the nearest
known key as a hint (a typo must not fall back to a default unnoticed), and a key left out takes
its default only where the model has one. Whole numbers may come as `640.0` (some JSON writers
make every number a float); `640.5` is refused. What is read is then validated as a whole.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import MISSING, asdict, fields
from pathlib import Path
from typing import Any

from app.layout.checks import shown
from app.layout.errors import LayoutError
from app.layout.model import (
    LAYOUT_VERSIONS,
    Border,
    Canvas,
    Layout,
    Placeholder,
    Region,
    Watermark,
)

_Reader = Callable[[object, str], object]


def layout_to_json(layout: Layout) -> dict[str, Any]:
    """Every field, nested objects as dicts and regions as a list; `version` first."""
    return {
        "version": layout.version,
        "template": layout.template,
        "canvas": asdict(layout.canvas),
        "regions": [asdict(region) for region in layout.regions],
    }


def layout_from_json(data: Mapping[str, Any]) -> Layout:
    """Read and validate; `LayoutError` names the JSON path of the first bad field."""
    if not isinstance(data, Mapping):
        raise LayoutError(f"layout: must be a JSON object, got {shown(data)}")
    if "version" not in data:
        raise LayoutError(f"version: required, but missing; this is version {LAYOUT_VERSIONS[-1]}")
    version = _number(data["version"], "version")
    if isinstance(version, bool) or version not in LAYOUT_VERSIONS:
        known = ", ".join(str(v) for v in LAYOUT_VERSIONS)
        raise LayoutError(f"version: unknown version {shown(version)}; known versions: {known}")
    layout = Layout(**_fields(Layout, data, "", {"canvas": _canvas, "regions": _regions}))
    layout.validate()
    return layout


def load(path: str | os.PathLike[str]) -> Layout:
    """A valid layout from a JSON file; a BOM left by a Windows editor is allowed."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LayoutError(f"cannot read layout {path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise LayoutError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    except OSError as exc:
        raise LayoutError(f"cannot read layout {path}: {_reason(exc)}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LayoutError(
            f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    try:
        return layout_from_json(data)
    except LayoutError as exc:
        # Of the same kind (a limit stays a limit), with the file's name in front.
        raise type(exc)(f"{path}: {exc}", [f"{path}: {p}" for p in exc.problems]) from None


def save(layout: Layout, path: str | os.PathLike[str]) -> None:
    """Validate, then write through a temporary file so a crash never leaves half a layout."""
    layout.validate()
    target = Path(path)
    text = json.dumps(layout.to_json(), indent=2, ensure_ascii=False) + "\n"
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise LayoutError(f"cannot write layout {path}: {_reason(exc)}") from exc


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _fields(
    cls: type[Any], value: object, path: str, readers: Mapping[str, _Reader]
) -> dict[str, Any]:
    """The constructor arguments for dataclass `cls` from a JSON object at `path`."""
    if not isinstance(value, Mapping):
        raise LayoutError(f"{path or 'layout'}: must be an object, got {shown(value)}")
    known = {f.name: f for f in fields(cls)}
    for key in value:
        if key not in known:
            close = difflib.get_close_matches(str(key), list(known), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            raise LayoutError(f"{_at(path, str(key))}: unknown key; {hint}")
    kwargs: dict[str, Any] = {}
    for name, spec in known.items():
        at = _at(path, name)
        if name in value:
            kwargs[name] = readers.get(name, _number)(value[name], at)
        elif spec.default is MISSING and spec.default_factory is MISSING:
            raise LayoutError(f"{at}: required, but missing")
    return kwargs


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _number(value: object, path: str) -> object:
    """Integral floats as ints; anything else as it is, for validation to judge."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _canvas(value: object, path: str) -> Canvas:
    return Canvas(**_fields(Canvas, value, path, {"watermark": _optional(_watermark)}))


def _watermark(value: object, path: str) -> Watermark:
    # Opacity is a fraction: 1.0 stays a float.
    return Watermark(**_fields(Watermark, value, path, {"opacity": _as_is}))


def _regions(value: object, path: str) -> tuple[Region, ...]:
    if not isinstance(value, list):
        raise LayoutError(f"{path}: must be a list, got {shown(value)}")
    return tuple(_region(item, f"{path}[{index}]") for index, item in enumerate(value))


def _region(value: object, path: str) -> Region:
    readers: dict[str, _Reader] = {
        "border": _optional(_border),
        "placeholder": _placeholder,
        "stream_id": _as_is,
        "fit": _as_is,
        "audio": _as_is,
    }
    return Region(**_fields(Region, value, path, readers))


def _border(value: object, path: str) -> Border:
    return Border(**_fields(Border, value, path, {}))


def _placeholder(value: object, path: str) -> Placeholder:
    return Placeholder(**_fields(Placeholder, value, path, {}))


def _optional(reader: _Reader) -> _Reader:
    def read(value: object, path: str) -> object:
        return None if value is None else reader(value, path)

    return read


def _as_is(value: object, path: str) -> object:
    return value
