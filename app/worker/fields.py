"""Reading the worker protocol's JSON: typed fields of one object, each error naming its place.

`app.worker.protocol` reads every message with these; `JobError` is what a line that cannot be
read raises, one line an operator can act on (the caller's fault). Keys a reader does not ask for
are left alone, so a newer service can send more than this worker knows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime
from typing import TypeAlias

from app.errors import RecDeskError
from app.layout.errors import LayoutError
from app.layout.model import Layout

JSON: TypeAlias = "str | int | float | bool | list[JSON] | dict[str, JSON] | None"
"""A value `json.dumps` writes."""


class JobError(RecDeskError):
    """A job, command or event line that cannot be carried out or read as written."""

    caller_fault = True


def loads(line: str, what: str) -> object:
    """The JSON value of one line; `what` (job, command, event) names it in the error."""
    try:
        data: object = json.loads(line)
    except json.JSONDecodeError as exc:
        raise JobError(f"{what}: not a JSON line ({exc.msg} at column {exc.colno})") from None
    return data


def parse_layout(data: object, where: str) -> Layout:
    """A layout from its JSON value, its errors prefixed with `where`."""
    if not isinstance(data, Mapping):
        raise JobError(f"{where}: must be a JSON object")
    try:
        return Layout.from_json(data)
    except LayoutError as exc:
        raise JobError(f"{where}: {exc}") from exc


def check_stem(stem: str, where: str) -> None:
    """A stem names a file in the job's folder: no folders, not empty."""
    if not stem or stem in (".", "..") or "/" in stem or "\\" in stem or "\0" in stem:
        raise JobError(f"{where}: must be a file name without folders, got {stem!r}")


class Fields:
    """Typed fields of one JSON object, each error naming `where` it is."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise JobError(f"{where}: must be a JSON object")
        self._data: Mapping[str, object] = data
        self.where = where

    def value(self, key: str, default: object) -> object:
        value = self._data.get(key)
        return default if value is None else value

    def text(self, key: str) -> str:
        value = self._data.get(key)
        if not isinstance(value, str) or not value:
            missing = "required, but missing" if value is None else f"must be text, got {value!r}"
            raise JobError(f"{self.where}.{key}: {missing}")
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self._data.get(key) is None else self.text(key)

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in choices:
            raise JobError(f"{self.where}.{key}: {value!r} is not one of {'|'.join(choices)}")
        return value

    def flag(self, key: str) -> bool:
        value = self.value(key, False)
        if not isinstance(value, bool):
            raise JobError(f"{self.where}.{key}: must be true or false, got {value!r}")
        return value

    def seconds(self, key: str) -> float | None:
        """A positive number of seconds, or None (null or left out)."""
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise JobError(f"{self.where}.{key}: must be a number of seconds, got {value!r}")
        if not (math.isfinite(value) and value > 0):
            raise JobError(f"{self.where}.{key}: must be more than 0 seconds, got {value!r}")
        return float(value)

    def number(self, key: str) -> float:
        value = self.optional_number(key)
        if value is None:
            raise JobError(f"{self.where}.{key}: required, but missing")
        return value

    def optional_number(self, key: str) -> float | None:
        """A finite number, or None (null or left out)."""
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise JobError(f"{self.where}.{key}: must be a number, got {value!r}")
        if not math.isfinite(value):
            raise JobError(f"{self.where}.{key}: must be a finite number, got {value!r}")
        return float(value)

    def whole(self, key: str) -> int:
        value = self.optional_whole(key)
        if value is None:
            raise JobError(f"{self.where}.{key}: required, but missing")
        return value

    def optional_whole(self, key: str) -> int | None:
        """A whole number from 0, or None (null or left out)."""
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise JobError(f"{self.where}.{key}: must be a whole number from 0, got {value!r}")
        return value

    def time(self, key: str) -> datetime:
        text = self.text(key)
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise JobError(f"{self.where}.{key}: must be an ISO 8601 time, got {text!r}") from None

    def texts(self, key: str) -> list[str]:
        """A list of texts; left out is empty."""
        value = self.value(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise JobError(f"{self.where}.{key}: must be a list of texts")
        return [str(v) for v in value]

    def objects(self, key: str) -> list[Fields]:
        """A list of JSON objects; left out is empty."""
        value = self.value(key, [])
        if not isinstance(value, list):
            raise JobError(f"{self.where}.{key}: must be a list")
        return [Fields(item, f"{self.where}.{key}[{i}]") for i, item in enumerate(value)]
