"""The service's config file (`recdesk-server --config recdesk.toml`): read and validated at once.

Everything in the file is checked before anything is built, so a mistake stops the service at
its start with one line that names the file and the key (`recdesk.toml: providers[1].stat_url:
missing`), never a recording that fails later. The schema, every key: docs/service.md, *The config
file*.

Room ids stay unique across providers: at most one provider has no `room_prefix`, and no prefix
is the start of another's (the demo rooms have fixed ids and no prefix). A preset's `storage`
names a `[storage.NAME]` profile (or is a whole storage table); `callback_url` passes through.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.api.errors import ApiError
from app.api.layouts import INVALID_LAYOUT
from app.api.models import RecordingCreate, StorageParams
from app.errors import RecDeskError
from app.service.auth.config import AuthConfig, read_auth
from app.service.cluster.settings import ClusterSettings, read_cluster
from app.service.disk import read_disk
from app.service.recordings.task import checked_request
from app.service.rooms.base import RoomState
from app.service.rooms.demo import DEMO_ROOMS
from app.service.rooms.janus.settings import JanusSettings, read_janus
from app.service.rooms.rtmp import RtmpSettings, RtmpSettingsError
from app.service.storage.config import read_storage
from app.service.store.url import read_store
from app.service.webhooks.settings import WebhookConfig, read_webhooks


class ConfigError(RecDeskError):
    """The config file cannot be read or says something that cannot work; one line says where."""

    caller_fault = True


@dataclass(frozen=True)
class DemoSettings:
    """The built-in demo rooms as a provider (media folder and churn come from the flags)."""

    name: str = "demo"


ProviderConfig = DemoSettings | RtmpSettings | JanusSettings
"""One `[[providers]]` table, validated."""


@dataclass(frozen=True)
class Preset:
    """A named set of recording settings: a `POST /v1/recordings` body without its room."""

    name: str
    request: dict[str, Any]

    def for_room(self, room_id: str, overrides: Mapping[str, Any] | None = None) -> RecordingCreate:
        """The start request for `room_id`: the preset's fields, under `overrides` (the fields a
        request gave itself, which win), tagged with the preset's name."""
        fields = {**self.request, **(overrides or {}), "room_id": room_id, "preset": self.name}
        return RecordingCreate.model_validate(fields)


@dataclass(frozen=True)
class AutoRule:
    """Rooms whose id matches one of `rooms` (globs) are recorded with `preset` when live."""

    rooms: tuple[str, ...]
    preset: str

    def matches(self, room_id: str) -> bool:
        """Whether `room_id` matches one of the globs (case-sensitive)."""
        return any(fnmatchcase(room_id, glob) for glob in self.rooms)


@dataclass(frozen=True)
class ServiceConfig:
    """Everything the config file says, validated."""

    providers: tuple[ProviderConfig, ...] = ()
    presets: dict[str, Preset] = field(default_factory=dict)
    auto_record: tuple[AutoRule, ...] = ()
    # Who may call the service (`[auth]`, see app.service.auth.config).
    auth: AuthConfig = field(default_factory=AuthConfig)
    # Where every recording's events go, and the signing secret (`[webhooks]`).
    webhooks: WebhookConfig | None = None
    # Storage profiles by name (`[storage.NAME]`, see app.service.storage.config).
    storage: dict[str, StorageParams] = field(default_factory=dict)
    # `[disk] reserve` in bytes; None: `--disk-reserve` or the default.
    disk_reserve: int | None = None
    # `[store] url`: the store's database; None: `--database-url` or the SQLite default.
    store_url: str | None = None
    # `[cluster]`: workers on a Ray cluster; None: local workers unless `--cluster` is given.
    cluster: ClusterSettings | None = None

    def with_demo(self) -> ServiceConfig:
        """This config plus the demo rooms at the end (`--demo`), unless it has them already."""
        if any(isinstance(p, DemoSettings) for p in self.providers):
            return self
        providers = (*self.providers, DemoSettings())
        last = len(self.providers)
        _check_providers(
            providers, lambda index: "--demo" if index == last else f"providers[{index}]"
        )
        return replace(self, providers=providers)


def load_config(path: Path) -> ServiceConfig:
    """Read and validate the file; `ConfigError` naming the file and key for any mistake."""
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return _Reader(str(path)).config(data)


# --- reading --------------------------------------------------------------------------------------

_TOP_KEYS = (
    "providers",
    "presets",
    "auto_record",
    "auth",
    "webhooks",
    "storage",
    "disk",
    "store",
    "cluster",
)
_DEMO_KEYS = ("kind", "name")
_RTMP_KEYS = (
    "kind",
    "name",
    "stat_url",
    "rtmp_url",
    "applications",
    "pattern",
    "room_prefix",
    "poll_seconds",
    "timeout",
)
_RULE_KEYS = ("rooms", "preset")
# Fields of the recording API that are coming (issue 10); refused until `RecordingCreate` has them.
_NOT_YET = ("storage", "callback_url")
_KINDS = ("demo", "rtmp", "janus")


class _Reader:
    """Turns the parsed TOML into a `ServiceConfig`, raising at the first mistake."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._storage: dict[str, StorageParams] = {}

    def error(self, where: str, message: str) -> ConfigError:
        """`FILE: KEY: message`."""
        return ConfigError(
            f"{self._source}: {where}: {message}" if where else f"{self._source}: {message}"
        )

    def config(self, data: dict[str, Any]) -> ServiceConfig:
        self._keys(data, "", _TOP_KEYS)
        providers = tuple(
            self._provider(table, f"providers[{i}]")
            for i, table in enumerate(self._tables(data.get("providers", []), "providers"))
        )
        _check_providers(providers, lambda index: f"{self._source}: providers[{index}]")
        # Before the presets, whose `storage` may name a profile.
        self._storage = storage = read_storage(data.get("storage", {}), self.error)
        presets_table = data.get("presets", {})
        if not isinstance(presets_table, dict):
            raise self.error("presets", "must be a table of presets ([presets.NAME])")
        presets = {
            name: self._preset(name, table, f"presets.{_key(name)}")
            for name, table in presets_table.items()
        }
        rules = tuple(
            self._rule(table, f"auto_record[{i}]", presets)
            for i, table in enumerate(self._tables(data.get("auto_record", []), "auto_record"))
        )
        auth = read_auth(data.get("auth", {}), self.error)
        webhooks = read_webhooks(data["webhooks"], self.error) if "webhooks" in data else None
        return ServiceConfig(
            providers,
            presets,
            rules,
            auth,
            webhooks=webhooks,
            storage=storage,
            disk_reserve=read_disk(data.get("disk", {}), self.error),
            store_url=read_store(data.get("store", {}), self.error),
            cluster=read_cluster(data["cluster"], self.error) if "cluster" in data else None,
        )

    # --- providers --------------------------------------------------------------------------------

    def _provider(self, table: dict[str, Any], where: str) -> ProviderConfig:
        kind = self._str(table, where, "kind")
        match kind:
            case "demo":
                self._keys(table, where, _DEMO_KEYS)
                return DemoSettings(name=self._str(table, where, "name", "demo"))
            case "rtmp":
                return self._rtmp(table, where)
            case "janus":
                return read_janus(table, where, self.error)
        raise self.error(f"{where}.kind", f"unknown kind {kind!r}; use one of {', '.join(_KINDS)}")

    def _rtmp(self, table: dict[str, Any], where: str) -> RtmpSettings:
        self._keys(table, where, _RTMP_KEYS)
        values: dict[str, Any] = {"name": self._str(table, where, "name", "rtmp")}
        for key, schemes in (("stat_url", ("http", "https")), ("rtmp_url", ("rtmp", "rtmps"))):
            url = self._str(table, where, key)
            if not re.match(rf"(?:{'|'.join(schemes)})://[^/\s]+", url):
                raise self.error(f"{where}.{key}", f"{url!r} is not an {schemes[0]}:// URL")
            values[key] = url
        if "applications" in table:
            values["applications"] = self._applications(table["applications"], where)
        if "pattern" in table:
            values["pattern"] = self._pattern(self._str(table, where, "pattern"), where)
        values["room_prefix"] = self._str(table, where, "room_prefix", "")
        for key in ("poll_seconds", "timeout"):
            if key in table:
                values[key] = self._positive(table[key], f"{where}.{key}")
        try:
            return RtmpSettings(**values)
        except RtmpSettingsError as exc:  # what the provider checks beyond the above
            raise self.error(where, str(exc)) from None

    def _applications(self, value: object, where: str) -> tuple[str, ...]:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise self.error(f"{where}.applications", "must be a list of application names")
        for name in names:
            if not name or "/" in name:
                raise self.error(f"{where}.applications", f"{name!r} is not an application name")
        return tuple(names)

    def _pattern(self, pattern: str, where: str) -> str:
        try:
            groups = re.compile(pattern).groupindex
        except re.error as exc:
            raise self.error(f"{where}.pattern", f"not a regular expression: {exc}") from None
        missing = [name for name in ("room", "user") if name not in groups]
        if missing:
            needed = " and ".join(f"(?P<{name}>...)" for name in missing)
            raise self.error(f"{where}.pattern", f"needs the named group {needed}")
        return pattern

    # --- presets and rules ------------------------------------------------------------------------

    def _preset(self, name: str, table: object, where: str) -> Preset:
        if not isinstance(table, dict):
            raise self.error(where, "must be a table of recording settings")
        fields = RecordingCreate.model_fields
        for key in table:
            if key == "room_id":
                raise self.error(
                    f"{where}.room_id", "a preset records the rooms its rules match; drop room_id"
                )
            if key == "preset":
                raise self.error(f"{where}.preset", "a preset cannot name another preset")
            if key in _NOT_YET and key not in fields:
                raise self.error(
                    f"{where}.{key}", "not supported yet by this service's recording API"
                )
            if key not in fields:
                known = ", ".join(f for f in fields if f not in ("room_id", "preset"))
                raise self.error(f"{where}.{_key(key)}", f"unknown key; a preset takes {known}")
        preset = Preset(name, dict(table))
        try:
            request = preset.for_room("x")
        except ValidationError as exc:
            first = exc.errors()[0]
            if first["type"] == INVALID_LAYOUT:  # its message names where, as `checked_request`'s
                raise self.error(where, first["msg"]) from None
            raise self.error(f"{where}{_loc(first['loc'])}", first["msg"]) from None
        _check_request(request, lambda message: self.error(where, message))
        if isinstance(request.storage, str) and request.storage not in self._storage:
            known = ", ".join(self._storage) or "none defined"
            raise self.error(
                f"{where}.storage",
                f"no storage profile {request.storage!r} ([storage.NAME]: {known})",
            )
        return preset

    def _rule(self, table: dict[str, Any], where: str, presets: Mapping[str, Preset]) -> AutoRule:
        self._keys(table, where, _RULE_KEYS)
        if "rooms" not in table:
            raise self.error(f"{where}.rooms", "missing")
        rooms = table["rooms"]
        globs = [rooms] if isinstance(rooms, str) else rooms
        if (
            not isinstance(globs, list)
            or not globs
            or not all(isinstance(g, str) and g for g in globs)
        ):
            raise self.error(f"{where}.rooms", 'must be a glob ("class-*") or a list of globs')
        preset = self._str(table, where, "preset")
        if preset not in presets:
            known = ", ".join(presets) or "none defined"
            raise self.error(f"{where}.preset", f"no preset {preset!r} ([presets.NAME]: {known})")
        return AutoRule(tuple(globs), preset)

    # --- plain values -----------------------------------------------------------------------------

    def _tables(self, value: object, where: str) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error(where, f"must be an array of tables ([[{where}]])")
        return value

    def _keys(self, table: dict[str, Any], where: str, known: Sequence[str]) -> None:
        for key in table:
            if key not in known:
                at = f"{where}.{_key(key)}" if where else _key(key)
                raise self.error(at, f"unknown key; use {', '.join(known)}")

    def _str(self, table: dict[str, Any], where: str, key: str, default: str | None = None) -> str:
        """A string value; `default` when the key is missing (an error without one)."""
        if key not in table:
            if default is None:
                raise self.error(f"{where}.{key}", "missing")
            return default
        value = table[key]
        if not isinstance(value, str) or (not value and default != ""):
            raise self.error(f"{where}.{key}", "must be a non-empty string")
        return value

    def _positive(self, value: object, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(where, "must be a number of seconds")
        if not (value > 0 and math.isfinite(value)):
            raise self.error(where, "must be more than 0")
        return float(value)


def _check_request(request: RecordingCreate, error: Callable[[str], ConfigError]) -> None:
    """What a start request checks besides its room, checked once here (see `checked_request`)."""
    # No real folder yet (the data dir is a flag): a root that cannot exist stands in for it, so
    # only the request's own rules are checked here; the real folder is checked at each start.
    try:
        checked_request(request, RoomState("x", "x"), Path("/nonexistent/recdesk-recordings"))
    except ApiError as exc:
        raise error(exc.message) from None


def _check_providers(providers: Sequence[ProviderConfig], label: Callable[[int], str]) -> None:
    """Refuse two providers with one name, or that could name the same room.

    `label(index)` says where a provider comes from; a message names the later of two.
    """
    for j, provider in enumerate(providers):
        for i in range(j):
            if providers[i].name == provider.name:
                raise ConfigError(
                    f"{label(j)}: the name {provider.name!r} is taken by another provider; "
                    "give each a name of its own"
                )
    prefixes = ["" if isinstance(p, DemoSettings) else p.room_prefix for p in providers]
    bare = [i for i, prefix in enumerate(prefixes) if not prefix]
    if len(bare) > 1:
        first, second = (providers[i].name for i in bare[:2])
        raise ConfigError(
            f"{label(bare[1])}: {first!r} and {second!r} both have no room_prefix, so they could "
            "name the same room; give one of them a room_prefix"
        )
    for i, j in itertools.combinations(range(len(providers)), 2):
        a, b = prefixes[i], prefixes[j]
        if a and b and (a.startswith(b) or b.startswith(a)):
            raise ConfigError(
                f"{label(j)}: room_prefix {b!r} and {a!r} (of {providers[i].name!r}) could name "
                "the same room: no prefix may start another"
            )
    demo = next((i for i, p in enumerate(providers) if isinstance(p, DemoSettings)), None)
    if demo is None:
        return
    for i, prefix in enumerate(prefixes):
        clash = [r.room_id for r in DEMO_ROOMS if prefix and r.room_id.startswith(prefix)]
        if clash:
            raise ConfigError(
                f"{label(max(i, demo))}: room_prefix {prefix!r} of {providers[i].name!r} starts "
                f"the ids of demo rooms ({', '.join(clash)}); choose another"
            )


def _key(name: str) -> str:
    """A key as TOML writes it in a dotted path: bare when it can be, quoted otherwise."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f'"{name}"'


def _loc(loc: Sequence[int | str]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{_key(part)}" for part in loc)
