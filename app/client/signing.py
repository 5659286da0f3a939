"""Credentials on every request: a signature (AppID + secret) or a bearer token, as httpx auth.

`SignedRequests` signs each request as it is sent with the `X-RecDesk-*` headers
(`app.api.request_signing`), which bind its method, path, query and body, with a fresh nonce and
the current time: every attempt of a retried request, every reconnect of the event stream and
every resumed download is signed anew, so none is refused as a replay; `sign_url` signs a URL that
another program opens (the same fields, in its query). The secret never leaves this process.
Seed 003's older signature (`app.api.signing`) is the service's to accept, not this client's.
`BearerToken` sends `Authorization: Bearer`.
`credentials(app_id, secret, token)` picks one from what a caller gave, or None;
`from_flags_or_environment` is how `recdesk-ctl` finds them (`$RECDESK_APP_ID`, `$RECDESK_SECRET`,
`$RECDESK_TOKEN`).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Generator, Mapping

import httpx

from app.api import request_signing

Clock = Callable[[], float]


def _nonce() -> str:
    return secrets.token_hex(8)  # 16 hex digits, as seed 003's examples use


class SignedRequests(httpx.Auth):
    """Signs each request for `app_id` with `secret`; `clock` and `nonce` are for tests."""

    requires_request_body = True  # the body's hash is signed: httpx reads it before the flow

    def __init__(
        self,
        app_id: str,
        secret: str,
        *,
        clock: Clock = time.time,
        nonce: Callable[[], str] = _nonce,
    ) -> None:
        self.app_id = app_id
        self._secret = secret
        self._clock = clock
        self._nonce = nonce

    def __repr__(self) -> str:
        return f"SignedRequests(app_id={self.app_id!r})"  # never the secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(
            request_signing.signed_fields(
                self.app_id,
                self._secret,
                method=request.method,
                path=_raw_path(request.url),
                query=request.url.query,
                body=request.content,
                nonce=self._nonce(),
                timestamp=int(self._clock()),
            )
        )
        yield request

    def sign_url(self, url: str) -> str:
        """`url` with a fresh signature in its query, for a program that GETs it by itself
        (FFmpeg reading a stream re-served live); each call signs anew, as each request must."""
        stamp = int(self._clock())
        unsigned = httpx.URL(url).copy_merge_params(
            {
                request_signing.APP: self.app_id,
                request_signing.TIMESTAMP: str(stamp),
                request_signing.NONCE: self._nonce(),
            }
        )
        # The fields in the query are signed with the rest of it, all but the signature itself.
        fields = request_signing.signed_fields(
            self.app_id,
            self._secret,
            method="GET",
            path=_raw_path(unsigned),
            query=unsigned.query,
            body=b"",
            nonce=unsigned.params[request_signing.NONCE],
            timestamp=stamp,
        )
        signature = {request_signing.SIGNATURE: fields[request_signing.SIGNATURE]}
        return str(unsigned.copy_merge_params(signature))


def _raw_path(url: httpx.URL) -> str:
    """The path as it goes on the wire, percent-encoded, without the query."""
    return url.raw_path.split(b"?", 1)[0].decode("ascii")


class BearerToken(httpx.Auth):
    """Sends `Authorization: Bearer TOKEN` with each request."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def __repr__(self) -> str:
        return "BearerToken(...)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


def credentials(
    app_id: str | None, secret: str | None, token: str | None
) -> SignedRequests | BearerToken | None:
    """The auth for these credentials; `ValueError` saying what is missing or too much."""
    if token is not None and (app_id is not None or secret is not None):
        raise ValueError("give an AppID with its secret, or a token, not both")
    if token is not None:
        if not token:
            raise ValueError("the token is empty")
        return BearerToken(token)
    if (app_id is None) != (secret is None):
        raise ValueError("an AppID and its secret go together: give both or neither")
    if app_id is not None and secret is not None:
        if not app_id or not secret:
            raise ValueError("the AppID and the secret must not be empty")
        return SignedRequests(app_id, secret)
    return None


def from_flags_or_environment(
    app_id: str | None, secret: str | None, token: str | None, environ: Mapping[str, str]
) -> tuple[str | None, str | None, str | None]:
    """(AppID, secret, token) from the flags given, else the environment; `ValueError` if they
    clash. A kind named by a flag puts the other kind's variables aside, and an AppID given as a
    flag may take its secret from `$RECDESK_SECRET`, which keeps it off the command line."""
    if token is not None and (app_id is not None or secret is not None):
        raise ValueError("give --app-id with --secret, or --token, not both")
    env_app_id = environ.get("RECDESK_APP_ID") or None
    env_secret = environ.get("RECDESK_SECRET") or None
    env_token = environ.get("RECDESK_TOKEN") or None
    if token is not None:
        return None, None, token
    if app_id is not None or secret is not None:
        app_id, secret = app_id or env_app_id, secret or env_secret
        if app_id is None or secret is None:
            missing = "--app-id or $RECDESK_APP_ID" if app_id is None else "$RECDESK_SECRET"
            raise ValueError(f"an AppID and its secret go together: give {missing} too")
        return app_id, secret, None
    if env_token is not None and (env_app_id is not None or env_secret is not None):
        raise ValueError(
            "both $RECDESK_TOKEN and $RECDESK_APP_ID/$RECDESK_SECRET are set: unset one, or "
            "choose with --token or --app-id"
        )
    if env_token is not None:
        return None, None, env_token
    if (env_app_id is None) != (env_secret is None):
        missing = "$RECDESK_SECRET" if env_secret is None else "$RECDESK_APP_ID"
        raise ValueError(f"an AppID and its secret go together: set {missing} too")
    return env_app_id, env_secret, None
