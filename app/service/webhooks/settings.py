"""What the service is told about webhooks: the `[webhooks]` table of its config file, the
`--callback-url` flag, and the retry policy.

```toml
[webhooks]
url = "https://hooks.example.com/recdesk"   # optional: every recording's events are sent here
secret = "whsec_..."                         # optional: the signing secret, or
secret_env = "RECDESK_WEBHOOK_SECRET"        # the variable that holds it (read at the start)
public_url = "https://rec.example.com"       # optional: where receivers reach this service
download_link_ttl = 172800                   # optional: seconds a callback's downloadUrl works
```

`public_url` and `download_link_ttl` shape the signed `downloadUrl` of files kept here
(`app.service.links`); `--public-url` and `--download-link-ttl` replace them.

Without a secret the service makes its own (`signing.stored_secret`). The table is checked when
the config is read; a mistake names the key (`recdesk.toml: webhooks.url: ...`).
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.service.webhooks.signing import SecretError, WebhookSecret

_KEYS = ("url", "secret", "secret_env", "public_url", "download_link_ttl")
_TEXT_KEYS = ("url", "secret", "secret_env", "public_url")


@dataclass(frozen=True)
class WebhookConfig:
    """The `[webhooks]` table, checked: the service-wide URL, the configured secret, and the
    download links' base and lifetime (seconds)."""

    url: str | None = None
    secret: WebhookSecret | None = None
    public_url: str | None = None
    download_link_ttl: float | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed message is tried again: `first` seconds, doubling up to `cap`, each delay
    between 80 % and 100 % of that (jitter, so receivers coming back are not hit at once); a
    message still failing `give_up_after` seconds after it was written is given up."""

    first: float = 1.0
    cap: float = 600.0
    give_up_after: float = 24 * 3600.0

    def delay(self, attempts: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (1 for the first)."""
        base = min(self.cap, self.first * 2.0 ** min(max(attempts - 1, 0), 62))
        return base * (0.8 + 0.2 * rng())

    @classmethod
    def parse(cls, text: str) -> RetryPolicy:
        """`FIRST,CAP,GIVE_UP` in seconds (the hidden `--webhook-backoff` flag of tests)."""
        try:
            first, cap, give_up = (float(part) for part in text.split(","))
        except ValueError:
            raise ValueError(f"{text!r}: expected FIRST,CAP,GIVE_UP seconds") from None
        if not 0 < first <= cap or give_up <= 0:
            raise ValueError(f"{text!r}: need 0 < FIRST <= CAP and GIVE_UP > 0")
        return cls(first, cap, give_up)


def check_url(url: str) -> str | None:
    """Why `url` cannot receive webhooks, or None when it can (an absolute http(s) URL)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http:// or https:// URL"
    return None


def read_webhooks(
    table: object,
    error: Callable[[str, str], Exception],
    environ: Mapping[str, str] = os.environ,
) -> WebhookConfig:
    """The `[webhooks]` table checked; `error(key, message)` makes the exception to raise."""
    if not isinstance(table, dict):
        raise error("webhooks", "must be a table ([webhooks])")
    for key in table:
        if key not in _KEYS:
            raise error(f"webhooks.{key}", f"unknown key; use {', '.join(_KEYS)}")
    for key in _TEXT_KEYS:
        if key in table and (not isinstance(table[key], str) or not table[key]):
            raise error(f"webhooks.{key}", "must be a non-empty string")
    for key in ("url", "public_url"):
        if key in table and (problem := check_url(table[key])) is not None:
            raise error(f"webhooks.{key}", problem)
    ttl = table.get("download_link_ttl")
    if ttl is not None and (
        isinstance(ttl, bool) or not isinstance(ttl, int | float) or not 0 < ttl < 10 * 365 * 86400
    ):
        raise error(
            "webhooks.download_link_ttl",
            "must be a number of seconds, above 0 and at most 10 years",
        )
    if "secret" in table and "secret_env" in table:
        raise error("webhooks", "give secret or secret_env, not both")
    secret = None
    if "secret_env" in table:
        name = table["secret_env"]
        if not environ.get(name):
            raise error("webhooks.secret_env", f"the environment variable {name} is not set")
        try:
            secret = WebhookSecret.parse(environ[name])
        except SecretError as exc:
            raise error("webhooks.secret_env", f"{name}: {exc}") from None
    elif "secret" in table:
        try:
            secret = WebhookSecret.parse(table["secret"])
        except SecretError as exc:
            raise error("webhooks.secret", str(exc)) from None
    return WebhookConfig(
        table.get("url"),
        secret,
        table.get("public_url"),
        float(ttl) if ttl is not None else None,
    )
