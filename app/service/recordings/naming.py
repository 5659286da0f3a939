"""File names of recordings: name rules, their fields, and folders that stay inside the data dir.

A name rule is text with fields in braces, like the seeds' `NameRule` `ar_{roomid}_{date}_{random}`:

| field      | value                                                         |
| ---------- | ------------------------------------------------------------- |
| `{random}` | 4 ASCII letters and digits, one value per recording task      |
| `{date}`   | the task's start date in UTC, `YYYYMMDD`                      |
| `{time}`   | the task's start time in UTC, `HHMMSS`                        |
| `{roomid}` | the room's id                                                 |
| `{userid}` | the recorded user's id; single recordings only                |
| `{taskid}` | the recording task's id                                       |
| `{part}`   | the part's number, 3 digits; filled by the worker per part    |

A rule is checked when a task is created (`check_name_rule`), and rendered into a stem when it
starts (`render_stem`); ids are cleaned into file-name characters on the way in, so no value can
add a folder. Anything that could leave the recordings folder is `path_outside_data_dir`; a rule,
a name or a folder beyond a limit (`MAX_NAME_BYTES`, `MAX_FOLDER_*`) is `limit_exceeded`; any
other unfit rule is `invalid_name_rule`. No message shows a path of the server.
"""

from __future__ import annotations

import os
import re
import secrets
import string
import unicodedata
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path

from app.api.errors import ApiError, ErrorCode
from app.api.models import Mode

FIELDS = ("random", "date", "time", "roomid", "userid", "taskid", "part")
PART = "{part}"
# In UTF-8 bytes: a stem, plus `_NN`, `-NNN` and an extension, stays under the usual 255.
MAX_NAME_BYTES = 200
# Each id's share of a name in UTF-8 bytes, so one long id cannot push a name past
# `MAX_NAME_BYTES` alone (64 bytes: 64 ASCII characters, 21 Chinese ones).
_MAX_VALUE_BYTES = 64
# A folder's names are each one file name (255 bytes on the usual file systems), and the whole
# stays short enough that the data dir, the folder and a file name are far below PATH_MAX (4096).
MAX_FOLDER_COMPONENT_BYTES = 255
MAX_FOLDER_DEPTH = 8
MAX_FOLDER_BYTES = 1024

_RANDOM_ALPHABET = string.ascii_letters + string.digits
_FIELD = re.compile(r"\{([^{}]*)\}")
# Characters that address another folder or end a path early.
_PATHLIKE = ("/", "\\", "\0")
# Characters no file name on Windows or macOS may hold, and control characters.
_UNFIT = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
# Names Windows keeps for devices, whatever the extension: `CON.mp4` cannot be created there.
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)}
_FIELD_LIST = ", ".join(f"{{{f}}}" for f in FIELDS)


def default_name_rule(mode: Mode) -> str:
    """The rule a task without one gets."""
    if mode == "single":
        return "{roomid}_{userid}_{date}_{time}_{random}"
    return "{roomid}_{date}_{time}_{random}"


def check_name_rule(rule: str, mode: Mode) -> None:
    """Refuse a rule that could leave the folder, make an unfit file name or use unknown fields."""
    size = _utf8_size(rule, "name rule")
    if size > MAX_NAME_BYTES:
        raise ApiError(
            ErrorCode.limit_exceeded,
            f"name rule: at most {MAX_NAME_BYTES} bytes (UTF-8), got {size}; shorten it",
        )
    shown = f"name rule {rule!r}"
    if any(c in rule for c in _PATHLIKE) or ".." in rule or rule.startswith("."):
        raise ApiError(
            ErrorCode.path_outside_data_dir,
            f"{shown}: a file name only; no '/', '\\', '..', NUL or leading '.'",
        )
    if not rule.strip():
        raise ApiError(ErrorCode.invalid_name_rule, f"{shown}: empty; leave it out for the default")
    if rule != rule.strip():
        raise ApiError(ErrorCode.invalid_name_rule, f"{shown}: starts or ends with a space")
    if match := _UNFIT.search(rule):
        raise ApiError(
            ErrorCode.invalid_name_rule,
            f"{shown}: {match.group()!r} cannot be in a file name; remove it",
        )
    for name in _fields(rule):
        if name not in FIELDS:
            raise ApiError(
                ErrorCode.invalid_name_rule,
                f"{shown}: unknown field {{{name}}}; the fields are {_FIELD_LIST}",
            )
    if mode == "mixed" and "{userid}" in rule:
        raise ApiError(
            ErrorCode.invalid_name_rule,
            f"{shown}: {{userid}} has no meaning in a mixed recording; remove it",
        )


def _fields(rule: str) -> list[str]:
    """The field names of a rule, in order; a brace outside a field is refused."""
    literal = _FIELD.sub("", rule)
    if "{" in literal or "}" in literal:
        raise ApiError(
            ErrorCode.invalid_name_rule,
            f"name rule {rule!r}: unbalanced brace; braces only go around a field like {{date}}",
        )
    return _FIELD.findall(rule)


def _clean(value: str) -> str:
    """An id as file-name characters: letters and digits of any script (`数学课-一班` stays as it
    is), `-`, `_` and `.` kept, anything else `_` (separators, spaces, control characters, what
    Windows forbids); at most `_MAX_VALUE_BYTES` bytes of UTF-8, cut between characters."""
    kept = "".join(
        c if c in "._-" or unicodedata.category(c)[0] in "LNM" else "_"
        for c in unicodedata.normalize("NFC", value)
    )
    return kept.encode()[:_MAX_VALUE_BYTES].decode(errors="ignore")


def random_token() -> str:
    """A fresh `{random}` value: 4 ASCII letters and digits."""
    return "".join(secrets.choice(_RANDOM_ALPHABET) for _ in range(4))


def render_stem(
    rule: str,
    *,
    room_id: str,
    task_id: str,
    user_id: str | None,
    when: datetime,
    random: str,
) -> str:
    """The rule with every field filled except `{part}`, which the worker fills per part.

    `when` is taken as UTC when naive. A rule with `{userid}` needs a `user_id`.
    """
    check_name_rule(rule, "single")
    utc = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    values = {
        "random": _clean(random),
        "date": utc.strftime("%Y%m%d"),
        "time": utc.strftime("%H%M%S"),
        "roomid": _clean(room_id),
        "taskid": _clean(task_id),
        "part": PART,
    }
    if user_id is not None:
        values["userid"] = _clean(user_id)
    elif "{userid}" in rule:
        raise ApiError(
            ErrorCode.invalid_name_rule, f"name rule {rule!r}: {{userid}} needs a recorded user"
        )
    stem = _FIELD.sub(lambda m: values[m.group(1)], rule)
    # The rule cannot start with a dot, but an id can; a leading dot would hide the file.
    if stem.startswith("."):
        stem = "_" + stem[1:]
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    if not stem:
        raise ApiError(ErrorCode.invalid_name_rule, f"name rule {rule!r}: renders an empty name")
    if len(stem.encode()) > MAX_NAME_BYTES:
        raise ApiError(
            ErrorCode.limit_exceeded,
            f"name rule {rule!r}: renders a name longer than {MAX_NAME_BYTES} bytes, the limit; "
            "use fewer fields",
        )
    return stem


def check_folder(folder: str, field: str = "folder") -> None:
    """Refuse a folder beyond the limits (`limit_exceeded`, naming `field` and the limit).

    Only the text is looked at, so the answer is the same whatever the disk holds; `\\` counts
    as a separator, as in `safe_folder`.
    """
    size = _utf8_size(folder, field)
    names = [p for p in folder.replace("\\", "/").split("/") if p not in ("", ".")]
    if len(names) > MAX_FOLDER_DEPTH:
        raise ApiError(
            ErrorCode.limit_exceeded,
            f"{field}: at most {MAX_FOLDER_DEPTH} folders deep, got {len(names)}",
        )
    longest = max((len(name.encode()) for name in names), default=0)
    if longest > MAX_FOLDER_COMPONENT_BYTES:
        raise ApiError(
            ErrorCode.limit_exceeded,
            f"{field}: each folder name at most {MAX_FOLDER_COMPONENT_BYTES} bytes (UTF-8), "
            f"got one of {longest}",
        )
    if size > MAX_FOLDER_BYTES:
        raise ApiError(
            ErrorCode.limit_exceeded,
            f"{field}: at most {MAX_FOLDER_BYTES} bytes (UTF-8), got {size}",
        )


def _utf8_size(text: str, field: str) -> int:
    """The size of `text` in UTF-8; `invalid_value` for a lone surrogate (JSON's `\\ud800`),
    which no file name can hold."""
    try:
        return len(text.encode())
    except UnicodeEncodeError:
        raise ApiError(
            ErrorCode.invalid_value, f"{field}: holds a lone surrogate, which is no character"
        ) from None


def safe_folder(root: Path, folder: str) -> Path:
    """The absolute path of `folder` inside `root` (not created); anything leaving `root`, or
    beyond the limits of `check_folder`, refused.

    `\\` counts as a separator too, so a Windows-style path cannot slip through, and symlinks are
    followed before the check.
    """
    check_folder(folder)
    outside = ApiError(
        ErrorCode.path_outside_data_dir,
        f"folder {folder!r}: must stay inside the recordings folder",
    )
    parts = folder.replace("\\", "/").split("/")
    if (
        "\0" in folder
        or folder.startswith(("/", "\\"))
        or re.match(r"[A-Za-z]:", folder)
        or ".." in parts
    ):
        raise outside
    base = root.resolve()
    target = base.joinpath(*(p for p in parts if p not in ("", "."))).resolve()
    if not target.is_relative_to(base):
        raise outside
    return target


def unique_stems(stems: Sequence[str], folder: Path, taken: Collection[str] = ()) -> list[str]:
    """The stems, each made unique with `_2`, `_3`, ... among themselves, `taken` and `folder`.

    A stem clashes with a file (or folder) of `folder` named the stem itself or the stem followed
    by `.` or `-` (its extension, its parts). Case is ignored, as some file systems ignore it.
    """
    try:
        present = [name.casefold() for name in os.listdir(folder)]
    except FileNotFoundError:
        present = []
    used = {t.casefold() for t in taken}
    result: list[str] = []
    for stem in stems:
        candidate, number = stem, 1
        while candidate.casefold() in used or _on_disk(candidate, present):
            number += 1
            candidate = f"{stem}_{number}"
        used.add(candidate.casefold())
        result.append(candidate)
    return result


def _on_disk(stem: str, present: Sequence[str]) -> bool:
    # `{part}` stands for the 3 (or more) digits the worker puts there.
    pattern = r"\d{3,}".join(re.escape(piece) for piece in stem.casefold().split(PART))
    match = re.compile(pattern + r"(?:[.-]|$)").match
    return any(match(name) for name in present)
