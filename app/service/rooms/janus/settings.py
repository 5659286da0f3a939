"""Where a Janus server is, which of its VideoRoom rooms are rooms here, and how RTP reaches us.

```toml
[[providers]]
kind = "janus"                          # a Janus WebRTC server's VideoRoom plugin
name = "sfu"                            # optional: its name in /v1/health (default "janus")
api_url = "http://127.0.0.1:8088/janus" # Janus's HTTP API (the REST transport)
rooms = [1234, 5678]                    # optional: the rooms recorded here ([]: every listed room)
secret = "adminpwd"                     # optional: the rooms' secret (rtp_forward needs it), or
secrets = { "1234" = "pwd" }            # one per room; both may be given (the table wins)
admin_key = "supersecret"               # optional: the plugin's admin_key (private rooms, locks)
forward_host = "10.0.0.5"               # this host's address as Janus reaches it: RTP is sent there
bind_host = "0.0.0.0"                   # optional: where the recorder listens for it (forward_host)
room_prefix = "sfu-"                    # optional: prepended to every room id
poll_seconds = 1.0                      # optional: how often the room list is read
timeout = 5.0                           # optional: how long one API request may take
```
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from app.errors import RecDeskError

KEYS = (
    "kind",
    "name",
    "api_url",
    "rooms",
    "secret",
    "secrets",
    "admin_key",
    "forward_host",
    "bind_host",
    "room_prefix",
    "poll_seconds",
    "timeout",
)


class JanusSettingsError(RecDeskError, ValueError):
    """Janus provider settings that cannot work."""

    caller_fault = True


@dataclass(frozen=True)
class JanusSettings:
    """A Janus provider's settings (see the module)."""

    name: str = "janus"
    api_url: str = "http://127.0.0.1:8088/janus"
    rooms: tuple[int, ...] = ()
    secret: str | None = None
    secrets: Mapping[int, str] = field(default_factory=dict)
    admin_key: str | None = None
    forward_host: str = "127.0.0.1"
    bind_host: str | None = None
    room_prefix: str = ""
    poll_seconds: float = 1.0
    timeout: float = 5.0

    def __post_init__(self) -> None:
        if not self.name:
            raise JanusSettingsError("janus: name must not be empty")
        if not re.match(r"https?://[^/\s]+", self.api_url):
            raise JanusSettingsError(f"janus: api_url must be http(s)://, got {self.api_url!r}")
        for key in ("forward_host", "bind_host"):
            value = getattr(self, key)
            if value is None:
                continue
            try:
                ipaddress.IPv4Address(value)
            except ValueError:
                raise JanusSettingsError(
                    f"janus: {key} must be an IPv4 address, got {value!r}"
                ) from None
        if not (self.poll_seconds > 0 and self.timeout > 0):
            raise JanusSettingsError("janus: poll_seconds and timeout must be positive")

    @property
    def listen_host(self) -> str:
        """Where the recorder's sockets bind."""
        return self.bind_host or self.forward_host

    def secret_of(self, room: int) -> str | None:
        """The secret of a room, if one is known."""
        return self.secrets.get(room, self.secret)

    def wanted(self, room: int) -> bool:
        """Whether a room of the server is a room here."""
        return not self.rooms or room in self.rooms


def read_janus(
    table: dict[str, Any], where: str, error: Callable[[str, str], Exception]
) -> JanusSettings:
    """A `[[providers]]` table of kind "janus", checked; `error(key, message)` makes the error."""
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise error(f"{where}.{unknown[0]}", f"unknown key; use one of {', '.join(KEYS)}")
    values: dict[str, Any] = {}
    for key in ("name", "api_url", "secret", "admin_key", "forward_host", "bind_host"):
        if key in table:
            if not isinstance(table[key], str):
                raise error(f"{where}.{key}", "must be a string")
            values[key] = table[key]
    if "room_prefix" in table:
        if not isinstance(table["room_prefix"], str):
            raise error(f"{where}.room_prefix", "must be a string")
        values["room_prefix"] = table["room_prefix"]
    if "api_url" not in table:
        raise error(f"{where}.api_url", "missing")
    if "forward_host" not in table:
        raise error(f"{where}.forward_host", "missing: the address Janus sends RTP to")
    rooms = table.get("rooms", [])
    if not isinstance(rooms, list) or not all(_room_id(r) for r in rooms):
        raise error(f"{where}.rooms", "must be a list of numeric room ids")
    values["rooms"] = tuple(int(r) for r in rooms)
    secrets = table.get("secrets", {})
    if not isinstance(secrets, dict) or not all(
        _room_id(k) and isinstance(v, str) for k, v in secrets.items()
    ):
        raise error(f"{where}.secrets", 'must be a table of room id = "secret"')
    values["secrets"] = {int(k): v for k, v in secrets.items()}
    for key in ("poll_seconds", "timeout"):
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise error(f"{where}.{key}", "must be a positive number")
            values[key] = float(value)
    try:
        return JanusSettings(**values)
    except JanusSettingsError as exc:
        raise error(where, str(exc)) from None


def _room_id(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value > 0
    return isinstance(value, str) and value.isdigit() and int(value) > 0


def host_of(url: str) -> str:
    """The host of a URL (for messages)."""
    return urlsplit(url).netloc
