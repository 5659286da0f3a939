"""Request signatures that bind a request: its method, path, query and body (`X-RecDesk-*`).

Seed 003's scheme (`app.api.signing`) signs only who and when, so its parameters, once seen, sign
any other call within their window. This one signs the request itself:

```
X-RecDesk-App        the application's id
X-RecDesk-Timestamp  Unix time in seconds, within ±10 minutes of the service's clock
X-RecDesk-Nonce      a random string, used once (at most 128 printable ASCII characters)
X-RecDesk-Signature  hex(HMAC-SHA256(secret, canonical request)), 64 lower-case hex digits
```

The canonical request is seven lines joined by `\\n` (no `\\n` after the last):

```
METHOD          upper case: GET, POST, PUT, PATCH, DELETE
PATH            the path as sent, percent-encoded as on the wire, without the query: /v1/rooms
QUERY           every query parameter, each name and value decoded (`+` is a space) and then
                encoded as RFC 3986 says (A-Z a-z 0-9 - . _ ~ kept, every other byte of its UTF-8
                as %XX in upper-case hex), as NAME=VALUE, these strings sorted (byte order),
                joined by &; empty if none
APP             the X-RecDesk-App value
TIMESTAMP       the X-RecDesk-Timestamp value
NONCE           the X-RecDesk-Nonce value
BODY-SHA256     hex(SHA-256(the body's bytes as sent)); of an empty body:
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
```

The four fields travel as headers. Where headers cannot be set (a URL that another program opens,
such as FFmpeg reading a live re-serve) they may travel as query parameters of the same names:
then QUERY holds every parameter but `X-RecDesk-Signature`, the three others included. The secret
never travels. The service (`app.service.auth`) checks these, the client (`app.client.signing`)
writes them; both take the formula from here.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote

APP = "X-RecDesk-App"
TIMESTAMP = "X-RecDesk-Timestamp"
NONCE = "X-RecDesk-Nonce"
SIGNATURE = "X-RecDesk-Signature"
FIELDS = (APP, TIMESTAMP, NONCE, SIGNATURE)
"""The four fields of a signed request, as headers or (in a URL) as query parameters."""

EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()


def body_sha256(body: bytes) -> str:
    """The SHA-256 of a body, lower-case hex."""
    return hashlib.sha256(body).hexdigest()


def _encode(text: str) -> str:
    return quote(text, safe="-._~")  # RFC 3986's unreserved characters; UTF-8, upper-case hex


def canonical_query(raw: bytes | str, *, leave_out: Iterable[str] = ()) -> str:
    """The QUERY line of a raw query string (`a=1&b=x+y`), without the parameters `leave_out`.

    Decoding first, then encoding one way, makes the line the same whichever way a client
    encoded its query (`%20` or `+`, `%7E` or `~`), and it says what the service's routes read.
    """
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    left_out = set(leave_out)
    pairs = [
        f"{_encode(name)}={_encode(value)}"
        for name, value in parse_qsl(text, keep_blank_values=True)
        if name not in left_out
    ]
    # Sorted as whole `name=value` strings (all ASCII by now): what `sort` and JS's sort() do.
    return "&".join(sorted(pairs))


def canonical_request(  # noqa: PLR0917 - the seven lines, in their order
    method: str,
    path: str,
    query: str,
    app_id: str,
    timestamp: int | str,
    nonce: str,
    body_hash: str,
) -> str:
    """The text the signature is the HMAC of: seven lines, in this order."""
    return "\n".join((method.upper(), path, query, app_id, str(timestamp), nonce, body_hash))


def signature(secret: str, canonical: str) -> str:
    """`hex(HMAC-SHA256(secret, canonical))`."""
    return hmac.new(secret.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def signed_fields(
    app_id: str,
    secret: str,
    *,
    method: str,
    path: str,
    query: bytes | str,
    body: bytes,
    nonce: str,
    timestamp: int,
) -> dict[str, str]:
    """The four fields (as headers) of a request signed with `secret`, which is not among them."""
    canonical = canonical_request(
        method, path, canonical_query(query), app_id, timestamp, nonce, body_sha256(body)
    )
    return {
        APP: app_id,
        TIMESTAMP: str(timestamp),
        NONCE: nonce,
        SIGNATURE: signature(secret, canonical),
    }
