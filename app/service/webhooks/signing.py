"""Standard Webhooks signing (standardwebhooks.com): the secret, the signature, the headers.

A secret is written `whsec_` + base64 of its bytes; the HMAC key is those bytes. Every message
carries three headers:

```
webhook-id:        msg_<UUIDv7>            unique per message across services and data-folder
                                           resets, the same on every retry
webhook-timestamp: <seconds since 1970>    the time of this attempt
webhook-signature: v1,<base64 of HMAC-SHA256(key, f"{id}.{timestamp}.{body}")>
```

A service without a configured secret makes one on its first start and keeps it in
`DATA_DIR/webhook-secret` (mode 0600); `recdesk-server --print-webhook-secret` shows it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "whsec_"
SECRET_FILE = "webhook-secret"
_KEY_BYTES = 24


class SecretError(ValueError):
    """A secret that is not in the `whsec_<base64>` form."""


@dataclass(frozen=True)
class WebhookSecret:
    """A signing secret; `text` is its `whsec_...` form, `key` the HMAC key."""

    text: str
    key: bytes = field(repr=False)

    def __repr__(self) -> str:  # never in a log or a traceback
        return "WebhookSecret(whsec_…)"

    @classmethod
    def parse(cls, text: str) -> WebhookSecret:
        """A secret from its `whsec_<base64>` text; `SecretError` says what is wrong."""
        text = text.strip()
        if not text.startswith(PREFIX):
            raise SecretError(f"must start with {PREFIX} (the Standard Webhooks form)")
        try:
            key = base64.b64decode(text[len(PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            raise SecretError(f"must be {PREFIX} followed by base64") from None
        if len(key) < 16:
            raise SecretError("must hold at least 16 bytes (24 to 64 is usual)")
        return cls(text, key)

    @classmethod
    def generate(cls) -> WebhookSecret:
        """A new random secret."""
        key = secrets.token_bytes(_KEY_BYTES)
        return cls(PREFIX + base64.b64encode(key).decode(), key)

    def sign(self, msg_id: str, timestamp: int, body: str) -> str:
        """The `webhook-signature` value of one attempt."""
        content = f"{msg_id}.{timestamp}.{body}".encode()
        digest = hmac.new(self.key, content, hashlib.sha256).digest()
        return "v1," + base64.b64encode(digest).decode()

    def headers(self, msg_id: str, timestamp: int, body: str) -> dict[str, str]:
        """The three Standard Webhooks headers of one attempt."""
        return {
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": self.sign(msg_id, timestamp, body),
        }


def stored_secret(data_dir: Path) -> WebhookSecret:
    """The service's own secret from `DATA_DIR/webhook-secret`, made (mode 0600) if missing."""
    path = data_dir / SECRET_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        secret = WebhookSecret.generate()
        spare = data_dir / f".{SECRET_FILE}.{secrets.token_hex(4)}"
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secret.text + "\n")
            # A link never replaces: of two processes starting at once, one secret wins whole.
            os.link(spare, path)
            log.info("webhooks: a new signing secret is in %s", path)
            return secret
        except FileExistsError:
            pass
        finally:
            spare.unlink(missing_ok=True)
    if path.stat().st_mode & 0o077:
        with contextlib.suppress(OSError):
            path.chmod(0o600)
    try:
        return WebhookSecret.parse(path.read_text())
    except SecretError as exc:
        raise SecretError(f"{path}: {exc}") from None
