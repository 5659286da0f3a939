"""File names of local recordings: the name template, names a file system accepts, and where the
parts of a recording go when it is saved under one chosen name.

- `render_name(template, label=..., room=..., started=...)` fills `{label}` `{room}` `{date}`
  `{time}` (`Team meeting 2026-11-21 18-30-05` with the default template) and makes the result a
  valid file name on every system the app runs on.
- `sanitize_file_name(text)` replaces what Windows, macOS or Linux refuse in a name.
- `targets_for(files, chosen)` maps the files of one recording to their saved paths: one file
  becomes `chosen`; parts (`rec-001.mp4`, `rec-002.mp4`, ...) become `NAME-001.mp4`, ...
- `unique_targets(files, chosen)` adds ` (2)`, ` (3)`, ... to the name until no target exists.

Plain functions, no Qt, so they are tested on their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

DEFAULT_TEMPLATE = "{label} {date} {time}"
PLACEHOLDERS = ("label", "room", "date", "time")
FALLBACK_NAME = "Recording"

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Refused by Windows (and `/` everywhere); control characters are refused or invisible.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(10)}
_MAX_LENGTH = 180  # leaves room for a part number, an extension and a long folder
_PART = re.compile(r"^(?P<stem>.*?)(?P<part>[-_.]\d+)$")


def render_name(template: str, *, label: str, room: str = "", started: datetime) -> str:
    """The template with its placeholders filled, as a valid file name (without extension).

    An unknown placeholder stays as it was written, so a typo shows in the name rather than
    vanishing; an empty one (no room) leaves no doubled spaces or dashes behind.
    """
    values = {
        "label": label.strip(),
        "room": room.strip(),
        "date": started.strftime("%Y-%m-%d"),
        "time": started.strftime("%H-%M-%S"),
    }

    def fill(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    text = _PLACEHOLDER.sub(fill, template or DEFAULT_TEMPLATE)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(?:\s*[-_]\s*){2,}", " - ", text)  # "a -  - b" where a value was empty
    return sanitize_file_name(text.strip(" -_"))


def template_problem(template: str) -> str | None:
    """What is wrong with a template (an unknown placeholder), or None."""
    unknown = [name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS]
    if unknown:
        known = " ".join("{" + p + "}" for p in PLACEHOLDERS)
        return f"Unknown placeholder {{{unknown[0]}}}; use {known}."
    return None


def sanitize_file_name(text: str) -> str:
    """`text` as a file name every system accepts: forbidden characters become `-`."""
    name = _FORBIDDEN.sub("-", text).strip()
    name = name.rstrip(". ")  # Windows drops trailing dots and spaces, then cannot find the file
    name = name[:_MAX_LENGTH].rstrip(". ")
    if not name or set(name) <= {"-", "."}:
        return FALLBACK_NAME
    if name.split(".")[0].upper() in _RESERVED:
        name = f"_{name}"
    return name


def with_suffix(chosen: Path, suffix: str) -> Path:
    """`chosen` ending in `suffix` (`.mp4`): added when the name has another ending or none."""
    if chosen.suffix.lower() == suffix.lower():
        return chosen
    return chosen.with_name(chosen.name + suffix)


def targets_for(files: Sequence[Path], chosen: Path) -> list[Path]:
    """Where each file goes when the recording is saved as `chosen`.

    One file takes `chosen` (with the file's own extension). Several are the parts of one
    recording: each keeps its part number (`rec-002.mp4` → `NAME-002.mp4`), or is numbered in
    order when its name has none, and each keeps its own extension.
    """
    if not files:
        return []
    base = _base(chosen, files[0].suffix)
    if len(files) == 1:
        return [base.with_name(base.name + files[0].suffix)]
    numbered = [_PART.match(f.stem) for f in files]
    targets = []
    for index, (file, match) in enumerate(zip(files, numbered, strict=True), start=1):
        part = match.group("part") if all(numbered) and match else f"-{index:03d}"
        targets.append(base.with_name(f"{base.name}{part}{file.suffix}"))
    if len(set(targets)) != len(targets):  # two parts with one number: number them in order
        targets = [base.with_name(f"{base.name}-{i:03d}{f.suffix}") for i, f in enumerate(files, 1)]
    return targets


def unique_targets(files: Sequence[Path], chosen: Path) -> list[Path]:
    """`targets_for(files, chosen)`, with ` (2)`, ` (3)`, ... added until none of them exists."""
    targets = targets_for(files, chosen)
    if not files:
        return targets
    base = _base(chosen, files[0].suffix)
    number = 1
    while any(t.exists() for t in targets):
        number += 1
        renamed = base.with_name(f"{base.name} ({number}){files[0].suffix}")
        targets = targets_for(files, renamed)
    return targets


def _base(chosen: Path, suffix: str) -> Path:
    """`chosen` without the extension `suffix`, if it ends in it."""
    if suffix and chosen.name.lower().endswith(suffix.lower()) and len(chosen.name) > len(suffix):
        return chosen.with_name(chosen.name[: -len(suffix)])
    return chosen
