"""How a request is signed (seed 003's scheme): the parameter names, the formula and the limits.

A signed request carries five query parameters:

```
AppId             the application's id
SignatureNonce    a random string, used once (at most 128 printable ASCII characters)
Timestamp         Unix time in seconds, within ±10 minutes of the service's clock
SignatureVersion  "1.0" (seed 003's own clients send "2.0": the same formula, also accepted)
Signature         md5(AppId + SignatureNonce + ServerSecret + Timestamp), lower-case hex
```

The secret itself never travels. Scripts may send a bearer token instead
(`Authorization: Bearer TOKEN`, or a `Token` query parameter where headers cannot be set).
The service (`app.service.auth.guard`) checks these, the client (`app.client.signing`) writes them;
both take the names and the formula from here, so they cannot drift apart.
"""

from __future__ import annotations

import hashlib

APP_ID = "AppId"
NONCE = "SignatureNonce"
TIMESTAMP = "Timestamp"
VERSION = "SignatureVersion"
SIGNATURE = "Signature"
TOKEN = "Token"
"""The query parameter that carries a bearer token (for callers that cannot set headers)."""

SIGNATURE_PARAMS = (APP_ID, NONCE, TIMESTAMP, VERSION, SIGNATURE)
"""Every parameter of a signed request, in the order the client writes them."""

SIGNATURE_VERSION = "1.0"
"""The version this client writes."""
ACCEPTED_VERSIONS = ("1.0", "2.0")
"""Versions the service accepts: both mean the formula of `signature`."""

WINDOW_SECONDS = 600
"""How far a request's `Timestamp` may be from the service's clock, either way."""
NONCE_KEEP_SECONDS = 2 * WINDOW_SECONDS
"""How long a used nonce is remembered: a request can be replayed only while its `Timestamp` is
in the window, which is at most twice the window after the nonce was first seen."""
MAX_NONCE_LENGTH = 128


def signature(app_id: str, nonce: str, secret: str, timestamp: int | str) -> str:
    """`md5(AppId + SignatureNonce + ServerSecret + Timestamp)` as lower-case hex."""
    text = f"{app_id}{nonce}{secret}{timestamp}"
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def signed_params(app_id: str, secret: str, *, nonce: str, timestamp: int) -> dict[str, str]:
    """The five query parameters of a request signed with `secret` (which is not among them)."""
    return {
        APP_ID: app_id,
        NONCE: nonce,
        TIMESTAMP: str(timestamp),
        VERSION: SIGNATURE_VERSION,
        SIGNATURE: signature(app_id, nonce, secret, timestamp),
    }
