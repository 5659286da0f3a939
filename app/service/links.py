"""Signed download links: a recorded file's (or a snapshot's) bytes on this service, for whoever
holds the link, with no other credentials, from anywhere (the link is the credential).

Seed 001's callback promises an http `downloadUrl`; a file that was uploaded to storage has its
storage's URL, and every other file and snapshot gets one of these:

```
GET {base}/v1/files/{file_id}/download?expires=<unix seconds>&signature=<sig>
GET {base}/v1/files/snapshots/{path under the data folder}?expires=...&signature=...

sig = base64url, unpadded, of HMAC-SHA256(key, "GET\\n" + path + "\\n" + expires)
```

`path` is the URL's path as decoded (`/v1/files/f_0a1b2c3d4e5f/download`), so a link names one
file and its expiry, and changing either (or the signature) makes it fail. The key is the
service's own, kept in `DATA_DIR/download-key` (made on the first start, mode 0600): never the
webhook secret, which receivers hold and could otherwise sign links to any file with.

A link is valid for `download_link_ttl` seconds from when its message was written (48 h unless
`--download-link-ttl` or `[webhooks] download_link_ttl` says otherwise; keep it above the 24 h
that webhooks are retried). Its base is `--public-url`, else `[webhooks] public_url`, else the
listen address (`http://HOST:PORT`, the machine's name for a wildcard host such as 0.0.0.0): set
it where receivers reach the service by another name (a reverse proxy, NAT).

The parameter is named `signature` so that `app.service.auth.redact` keeps it out of the logs.
`app.service.auth.guard` lets a request to a download path that carries one through without
credentials (`is_download_link`); the route then checks the link (`DownloadLinks.check`) and
answers 403 `link_invalid` or `link_expired` for a wrong or expired one, whoever asks.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import logging
import os
import re
import secrets
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from app.api.errors import ApiError, ErrorCode

if TYPE_CHECKING:
    from app.service.settings import Settings

log = logging.getLogger(__name__)

KEY_FILE = "download-key"
_KEY_BYTES = 32
DEFAULT_TTL = 48 * 3600.0
FILES = "/v1/files"
SNAPSHOTS = f"{FILES}/snapshots"
_DOWNLOAD_PATH = re.compile(r"^/v1/files/(?:snapshots/.+|[^/]+/download)$")
_WILDCARD_HOSTS = ("", "0.0.0.0", "::")


def is_download_link(path: str, query: Mapping[str, str]) -> bool:
    """Whether a request is a signed download link (valid or not: its route checks it)."""
    return "signature" in query and _DOWNLOAD_PATH.match(path) is not None


@dataclass(frozen=True)
class DownloadLinks:
    """Makes and checks the service's signed download links."""

    key: bytes = field(repr=False)
    base: str
    ttl: float = DEFAULT_TTL
    clock: Callable[[], float] = time.time

    def file_url(self, file_id: str) -> str:
        """The link to a recorded file's bytes."""
        return self._url(f"{FILES}/{file_id}/download")

    def snapshot_url(self, path: str) -> str:
        """The link to a snapshot, by its path under the data folder."""
        return self._url(f"{SNAPSHOTS}/{path}")

    def check(self, path: str, expires: str | None, signature: str | None) -> None:
        """Raise `link_invalid` or `link_expired` unless the link to `path` is good now."""
        if not expires or not signature or not expires.isdigit():
            raise ApiError(ErrorCode.link_invalid, "the link lacks its expires or signature")
        if not hmac.compare_digest(signature, self._sign(path, expires)):
            raise ApiError(ErrorCode.link_invalid, "the link's signature does not match")
        if int(expires) < self.clock():
            raise ApiError(ErrorCode.link_expired, "the link has expired; ask for a new one")

    def _url(self, path: str) -> str:
        expires = str(int(self.clock() + self.ttl))
        query = urlencode({"expires": expires, "signature": self._sign(path, expires)})
        return f"{self.base}{quote(path, safe='/')}?{query}"

    def _sign(self, path: str, expires: str) -> str:
        digest = hmac.new(self.key, f"GET\n{path}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def download_links(settings: Settings) -> DownloadLinks:
    """The links of the service `settings` describe (its key is read or made once)."""
    config = settings.config.webhooks if settings.config is not None else None
    base = settings.public_url or (config.public_url if config is not None else None)
    ttl = settings.download_link_ttl or (config.download_link_ttl if config else None)
    return DownloadLinks(
        _key(settings.data_dir),
        (base or listen_url(settings.host, settings.port)).rstrip("/"),
        ttl or DEFAULT_TTL,
    )


def listen_url(host: str, port: int) -> str:
    """`http://HOST:PORT` of a listen address; a wildcard host becomes the machine's name."""
    name = socket.gethostname() if host in _WILDCARD_HOSTS else host
    return f"http://[{name}]:{port}" if ":" in name else f"http://{name}:{port}"


@functools.cache
def _key(data_dir: Path) -> bytes:
    return stored_key(data_dir)


def stored_key(data_dir: Path) -> bytes:
    """The links' key from `DATA_DIR/download-key` (hex), made (mode 0600) if missing."""
    path = data_dir / KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        spare = data_dir / f".{KEY_FILE}.{secrets.token_hex(4)}"
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_hex(_KEY_BYTES) + "\n")
            # A link never replaces: of two processes starting at once, one key wins whole.
            with contextlib.suppress(FileExistsError):
                os.link(spare, path)
                log.info("download links: a new signing key is in %s", path)
        finally:
            spare.unlink(missing_ok=True)
    try:
        key = bytes.fromhex(path.read_text().strip())
    except ValueError:
        key = b""
    if len(key) < 16:
        raise ValueError(f"{path}: not a key of 16 bytes or more in hex; delete it to make one")
    return key
