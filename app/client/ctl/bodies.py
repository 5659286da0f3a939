"""The JSON bodies `recdesk-ctl` sends, from flags and from a `--request` file.

`record start` sends a `RecordingCreate` and `layout set` a `LayoutUpdate`. A `--request FILE`
(`-` for stdin) holds the same JSON the HTTP API takes; the flags given on the command line
replace the file's fields of the same name (a list flag replaces the whole list). Every problem,
in the file or the flags, is a `UsageError` of one line, raised before anything is sent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.api.models import LAYOUT_TEMPLATES, RecordingCreate
from app.client.ctl.parser import PROG, UsageError

_JSON_KINDS = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}


def read_request(value: str) -> dict[str, Any]:
    """The JSON object in the request file `value`; `-` reads it from standard input."""
    name = "the request on standard input" if value == "-" else f"the request file {value}"
    try:
        text = sys.stdin.read() if value == "-" else Path(value).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no request file named {value!r}") from None
    except IsADirectoryError:
        raise UsageError(f"the request file {value} is a folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise UsageError(f"cannot read the request file {value}: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    if not isinstance(data, dict):
        kind = _JSON_KINDS.get(type(data), "a number")
        raise UsageError(f"{name} must hold a JSON object, not {kind}")
    return data


def layout_argument(value: str) -> dict[str, Any] | str:
    """A template id as itself, or the JSON object in the layout file `value`."""
    if value in LAYOUT_TEMPLATES:
        return value
    path = Path(value)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"no layout template or file named {value!r} (templates: {', '.join(LAYOUT_TEMPLATES)})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the layout file {value}: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"the layout file {value} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"the layout file {value} must hold a JSON object")
    return data


def recording_request(args: argparse.Namespace) -> RecordingCreate:
    """The `record start` request: the `--request` file's fields, the flags given over them."""
    given: dict[str, Any] = {
        "room_id": args.room,
        "preset": args.preset,
        "mode": args.mode,
        "stream_type": args.stream_type,
        "format": args.format,
        "reencode": args.reencode,
        "folder": args.folder,
        "name_rule": args.name_rule,
        "split_seconds": args.split,
        "max_idle_seconds": args.max_idle,
        "max_duration_seconds": args.max_duration,
        "snapshot_seconds": args.snapshot,
        "include": args.include,
        "exclude": args.exclude,
        "user_data": args.user_data,
        "tags": args.tag,
        "storage": args.storage,
        "callback_url": args.callback_url,
        "layout": layout_argument(args.layout) if args.layout is not None else None,
    }
    flags = {key: value for key, value in given.items() if value not in (None, [])}
    from_file = read_request(args.request_file) if args.request_file is not None else {}
    if "room_id" not in flags and "room_id" not in from_file:
        raise UsageError(
            f"give a ROOM, or a room_id in the --request file (see '{PROG} record start --help')"
        )
    try:
        return RecordingCreate.model_validate({**from_file, **flags})
    except ValidationError as exc:
        raise UsageError(_first_problem(exc, set(from_file) - set(flags), args)) from None


def layout_request(args: argparse.Namespace) -> dict[str, Any] | str:
    """The `layout set` layout: the FILE|TEMPLATE given, else the `--request` file's `layout`."""
    chosen = layout_argument(args.layout) if args.layout is not None else None
    from_file = read_request(args.request_file) if args.request_file is not None else {}
    unknown = sorted(set(from_file) - {"layout"})
    if unknown:  # as the service would answer, but before anything is sent
        raise UsageError(
            f"{_file_name(args.request_file)}: {unknown[0]}: Extra inputs are not permitted"
        )
    if chosen is not None:
        return chosen
    if args.request_file is None:
        raise UsageError(
            f"give a FILE|TEMPLATE, or --request FILE (see '{PROG} layout set --help')"
        )
    name = _file_name(args.request_file)
    if "layout" not in from_file:
        raise UsageError(f"{name}: layout: Field required")
    value = from_file["layout"]
    if not isinstance(value, dict | str):
        kind = _JSON_KINDS.get(type(value), "a number")
        raise UsageError(f"{name}: layout: a template id or a layout object, not {kind}")
    return value


def _file_name(value: str) -> str:
    return "the request on standard input" if value == "-" else f"the request file {value}"


def _first_problem(exc: ValidationError, file_fields: set[str], args: argparse.Namespace) -> str:
    # pydantic lists every problem over many lines; the first, on one, is enough, and says
    # whether it lies in the file or on the command line.
    first = exc.errors()[0]
    loc = first.get("loc", ())
    where = ".".join(str(part) for part in loc)
    problem = f"{where}: {first.get('msg', 'invalid')}"
    if loc and loc[0] in file_fields:
        return f"{_file_name(args.request_file)}: {problem}"
    return problem
