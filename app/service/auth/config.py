"""Who may call the service: the `[auth]` table of the config file, and where it must be set.

```toml
[auth]
require_on_loopback = false    # true: callers on this machine need credentials too
require_request_signature = false  # true: on /v1, only X-RecDesk-* signatures (no seed 003's)
apps = [                       # signed requests (app.api.request_signing, app.api.signing)
  { app_id = "studio", secret_env = "RECDESK_STUDIO_SECRET" },
  { app_id = "lab", secret = "a-secret-of-16-or-more-characters" },
]
tokens = [                     # bearer tokens for scripts: `Authorization: Bearer`, `?Token=`
  { name = "ci", token_env = "RECDESK_CI_TOKEN" },
]
```

(`[[auth.apps]]` and `[[auth.tokens]]` tables say the same.) Each app has `secret` or
`secret_env` (the name of an environment variable read at the start, which keeps the secret out
of the file), each token `token` or `token_env`; secrets and tokens have at least 16 characters.
A service that listens beyond loopback (`--host 0.0.0.0`) without any of them refuses to start
(`listen_problem`). Secrets and tokens are left out of every `repr`, so no log shows them.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.service.secrets import ConfigErrorFactory, value_or_env

MIN_SECRET_LENGTH = 16
_AUTH_KEYS = ("apps", "tokens", "require_on_loopback", "require_request_signature")
_APP_KEYS = ("app_id", "secret", "secret_env")
_TOKEN_KEYS = ("name", "token", "token_env")
_HINT = "python3 -c 'import secrets; print(secrets.token_hex(16))' makes one"

"""Makes the config file's error for (the key's path, what is wrong)."""


@dataclass(frozen=True)
class AppCredential:
    """An application that signs its requests with `secret`."""

    app_id: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class TokenCredential:
    """A bearer token, named so that logs can say whose it was."""

    name: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class AuthConfig:
    """The credentials the service accepts; empty: only callers on loopback get in."""

    apps: tuple[AppCredential, ...] = ()
    tokens: tuple[TokenCredential, ...] = ()
    require_on_loopback: bool = False
    require_request_signature: bool = False
    """Refuse seed 003's signature on `/v1` (a leaked one signs any call there): apps must sign
    with `X-RecDesk-*`, which binds the method, path, query and body. The seeds' fronts keep it."""

    @property
    def configured(self) -> bool:
        """Whether any credential is configured."""
        return bool(self.apps or self.tokens)

    def secret(self, app_id: str) -> str | None:
        """The secret of `app_id`, or None for an app this service does not know."""
        return next((app.secret for app in self.apps if app.app_id == app_id), None)


def is_loopback_host(host: str) -> bool:
    """Whether `host` (an address, or `localhost`) is this machine's loopback."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def listen_problem(host: str, auth: AuthConfig) -> str | None:
    """Why the service must not listen on `host` with `auth`, or None when it may."""
    if is_loopback_host(host) or auth.configured:
        return None
    return (
        f"--host {host} listens beyond loopback, but no credentials are configured, so anyone "
        "who reaches it could record and download: add [auth] apps or tokens to the --config "
        "file (see docs/auth.md), or listen on 127.0.0.1"
    )


def read_auth(
    value: object, error: ConfigErrorFactory, environ: Mapping[str, str] | None = None
) -> AuthConfig:
    """The `[auth]` table, validated; `error(where, message)` makes the error to raise."""
    env = os.environ if environ is None else environ
    if not isinstance(value, dict):
        raise error("auth", "must be a table ([auth])")
    _keys(value, "auth", _AUTH_KEYS, error)
    apps: list[AppCredential] = []
    for index, table in enumerate(_tables(value.get("apps", []), "auth.apps", error)):
        where = f"auth.apps[{index}]"
        _keys(table, where, _APP_KEYS, error)
        app_id = _name(table, where, "app_id", error)
        if any(app.app_id == app_id for app in apps):
            raise error(f"{where}.app_id", f"{app_id!r} is listed twice")
        apps.append(AppCredential(app_id, _secret(table, where, "secret", env, error)))
    tokens: list[TokenCredential] = []
    for index, table in enumerate(_tables(value.get("tokens", []), "auth.tokens", error)):
        where = f"auth.tokens[{index}]"
        _keys(table, where, _TOKEN_KEYS, error)
        name = _name(table, where, "name", error)
        if any(token.name == name for token in tokens):
            raise error(f"{where}.name", f"{name!r} is listed twice")
        token = _secret(table, where, "token", env, error)
        if any(other.token == token for other in tokens):
            raise error(f"{where}.token", "the same token as another; give each its own")
        tokens.append(TokenCredential(name, token))
    require = value.get("require_on_loopback", False)
    if not isinstance(require, bool):
        raise error("auth.require_on_loopback", "must be true or false")
    if require and not (apps or tokens):
        raise error(
            "auth.require_on_loopback",
            "is true but no apps or tokens are configured: nobody could call the service",
        )
    bound = value.get("require_request_signature", False)
    if not isinstance(bound, bool):
        raise error("auth.require_request_signature", "must be true or false")
    if bound and not apps:
        raise error(
            "auth.require_request_signature",
            "is true but no apps are configured: nobody could sign a request",
        )
    return AuthConfig(tuple(apps), tuple(tokens), require, bound)


def _secret(
    table: dict[str, Any],
    where: str,
    key: str,
    env: Mapping[str, str],
    error: ConfigErrorFactory,
) -> str:
    """`key` or `key_env`, long enough to resist guessing."""
    secret, at = value_or_env(table, where, key, env, error)
    if len(secret) < MIN_SECRET_LENGTH or secret != secret.strip():
        raise error(
            at,
            f"too short or padded with spaces: use at least {MIN_SECRET_LENGTH} characters "
            f"({_HINT})",
        )
    return secret


def _name(table: dict[str, Any], where: str, key: str, error: ConfigErrorFactory) -> str:
    if key not in table:
        raise error(f"{where}.{key}", "missing")
    value = table[key]
    if not isinstance(value, str) or not value or value != value.strip():
        raise error(f"{where}.{key}", "must be a non-empty string without surrounding spaces")
    return value


def _tables(value: object, where: str, error: ConfigErrorFactory) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise error(where, f"must be an array of tables ([[{where}]])")
    return value


def _keys(
    table: dict[str, Any], where: str, known: tuple[str, ...], error: ConfigErrorFactory
) -> None:
    for key in table:
        if key not in known:
            raise error(f"{where}.{key}", f"unknown key; use {', '.join(known)}")
