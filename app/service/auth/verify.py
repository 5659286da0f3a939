"""Checking a request's credentials: a bearer token, a signature that binds the request
(`X-RecDesk-*`, `app.api.request_signing`) or seed 003's signature (`app.api.signing`).

`Verifier.check(query, authorization, signed=..., seed_scheme=...)` answers who the caller is (a
`Principal`) or raises an `ApiError`: `unauthorized` for missing, malformed or wrong credentials
(and for seed 003's signature where `seed_scheme` is False), `signature_expired` for a timestamp
more than 10 minutes from the service's clock, `nonce_reused` for a nonce seen before. A
signature is checked in this order: its fields, the app, the signature itself, the time, and last
the nonce, which is spent only by a request that passed the rest; both schemes share the window
and the nonces. Messages say what to fix; they never hold a secret, a token, or the signature the
service expected (that would sign any request for whoever asks); a binding signature that does
not match is answered with the canonical request the service computed, which holds neither.

Used nonces live in the store's `nonces` table (`NonceBook`) and are forgotten after 20 minutes:
a `Timestamp` accepted now stops being accepted within that time, so an older nonce cannot come
back. The clock is injectable, for tests.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from app.api import request_signing, signing
from app.api.errors import ApiError, ErrorCode
from app.service.auth.config import AuthConfig

if TYPE_CHECKING:
    from app.service.store.store import Store

Clock = Callable[[], float]
"""Unix time in seconds, as `time.time` gives it."""

_NONCE = re.compile(rf"[\x21-\x7e]{{1,{signing.MAX_NONCE_LENGTH}}}")  # printable, no spaces
_TIMESTAMP = re.compile(r"\d{1,16}")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{32}")
_HMAC = re.compile(r"[0-9a-fA-F]{64}")
_PRUNE_EVERY = 60.0
_HOW_BOUND = (
    "sign the request: X-RecDesk-App, X-RecDesk-Timestamp, X-RecDesk-Nonce and "
    "X-RecDesk-Signature, the HMAC-SHA256 with the app's secret of the lines METHOD, PATH, "
    "QUERY, APP, TIMESTAMP, NONCE and the body's SHA-256 (see docs/auth.md)"
)
_HOW = (
    f"{_HOW_BOUND}; or AppId, SignatureNonce, Timestamp, SignatureVersion, Signature = "
    "md5(AppId + SignatureNonce + ServerSecret + Timestamp); or send Authorization: Bearer TOKEN"
)


@dataclass(frozen=True)
class Principal:
    """Who made a request: a caller on loopback, a signing app (by id) or a token (by name)."""

    kind: Literal["loopback", "app", "token"]
    name: str


LOOPBACK = Principal("loopback", "loopback")


@dataclass(frozen=True)
class SignedRequest:
    """What a binding signature covers, as the request arrived, and its four fields.

    `path` is the raw path as sent (percent-encoded), `query` the raw query string; `in_query`
    says the fields came as query parameters (a signed URL) rather than headers.
    """

    method: str
    path: str
    query: bytes
    fields: Mapping[str, str]
    body: bytes = b""
    in_query: bool = False


def _refused(message: str, code: ErrorCode = ErrorCode.unauthorized) -> ApiError:
    return ApiError(code, message)


def _shown(value: str) -> str:
    """A caller's value (never a secret) quoted for a message, cut short if long."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


class NonceBook:
    """The nonces signed requests have used, per app, in the store's `nonces` table."""

    def __init__(
        self, store: Callable[[], Store | None], *, keep: float = signing.NONCE_KEEP_SECONDS
    ) -> None:
        self._store = store
        self._keep = keep
        self._pruned = float("-inf")

    def use(self, app_id: str, nonce: str, now: float) -> bool:
        """Spend `nonce` for `app_id` at `now`; False when it was used within the keep time."""
        store = self._store()
        if store is None:
            raise ApiError(ErrorCode.unavailable, "the service is starting or stopping")
        cutoff = _stamp(now - self._keep)
        with store.transaction() as db:
            if now - self._pruned >= _PRUNE_EVERY:
                db.execute("DELETE FROM nonces WHERE seen < ?", (cutoff,))
                self._pruned = now
            # A row older than the keep time may still be there between prunes: it counts as gone.
            spent = db.execute(
                "INSERT INTO nonces (app_id, nonce, seen) VALUES (?, ?, ?)"
                " ON CONFLICT (app_id, nonce) DO UPDATE SET seen = excluded.seen"
                " WHERE nonces.seen < ?",
                (app_id, nonce, _stamp(now), cutoff),
            ).rowcount
        return spent == 1


def _stamp(moment: float) -> str:
    # The store's timestamp form: fixed-width ISO-8601 UTC, so text order is time order.
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Verifier:
    """Checks credentials against an `AuthConfig`; `clock` is the service's clock."""

    def __init__(self, auth: AuthConfig, nonces: NonceBook, *, clock: Clock = time.time) -> None:
        self.auth = auth
        self._nonces = nonces
        self._clock = clock
        # Tokens are compared by digest: equal lengths, so the time taken says nothing of them.
        self._tokens = [(hashlib.sha256(t.token.encode()).digest(), t.name) for t in auth.tokens]

    def check(
        self,
        query: Mapping[str, str],
        authorization: str | None,
        *,
        signed: SignedRequest | None = None,
        seed_scheme: bool = True,
    ) -> Principal:
        """Who sent a request with this query, `Authorization` header and binding signature
        (`signed`, when it carries one), or `ApiError`; `seed_scheme` False refuses seed 003's
        signature (`[auth] require_request_signature` on `/v1`)."""
        if not self.auth.configured:
            raise _refused(
                "this service accepts requests from its own machine only: no credentials are "
                "configured ([auth] in its --config file)"
            )
        token = self._bearer(authorization)
        if token is None and signing.TOKEN in query:
            token = query[signing.TOKEN]
        if token is not None:
            return self._token(token)
        if signed is not None:
            return self._bound(signed)
        if any(name in query for name in signing.SIGNATURE_PARAMS):
            if not seed_scheme:
                raise _refused(
                    "this service takes no AppId/Signature query parameters on /v1 "
                    f"([auth] require_request_signature): {_HOW_BOUND}; or send "
                    "Authorization: Bearer TOKEN"
                )
            return self._signed(query)
        raise _refused(f"this request needs credentials: {_HOW}")

    # --- tokens -----------------------------------------------------------------------------------

    @staticmethod
    def _bearer(authorization: str | None) -> str | None:
        if authorization is None:
            return None
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            # Not even the scheme is quoted back: a bare token would be its first word.
            raise _refused(f"the Authorization header takes only 'Bearer TOKEN'; or {_HOW}")
        return value.strip()

    def _token(self, token: str) -> Principal:
        digest = hashlib.sha256(token.encode()).digest()
        found = None
        for known, name in self._tokens:  # every one compared, whichever matches
            if hmac.compare_digest(digest, known):
                found = name
        if found is None:
            raise _refused(
                "the bearer token is not one of this service's tokens ([auth] tokens): "
                "check it, or ask for a new one"
            )
        return Principal("token", found)

    # --- signatures -------------------------------------------------------------------------------

    def _signed(self, query: Mapping[str, str]) -> Principal:
        missing = [name for name in signing.SIGNATURE_PARAMS if not query.get(name)]
        if missing:
            raise _refused(
                f"the signed request lacks {', '.join(missing)}: a signed request carries "
                f"{', '.join(signing.SIGNATURE_PARAMS)}"
            )
        app_id = query[signing.APP_ID]
        nonce = query[signing.NONCE]
        timestamp = query[signing.TIMESTAMP]
        version = query[signing.VERSION]
        given = query[signing.SIGNATURE]
        if version not in signing.ACCEPTED_VERSIONS:
            raise _refused(
                f"SignatureVersion {_shown(version)} is not one this service knows; "
                f"use {signing.SIGNATURE_VERSION}"
            )
        if not _NONCE.fullmatch(nonce):
            raise _refused(
                f"SignatureNonce must be 1 to {signing.MAX_NONCE_LENGTH} printable characters "
                "without spaces (16 random hex digits will do)"
            )
        if not _TIMESTAMP.fullmatch(timestamp):
            raise _refused(f"Timestamp {_shown(timestamp)} is not Unix time in whole seconds")
        if not _SIGNATURE.fullmatch(given):
            raise _refused("Signature must be 32 hex digits (an md5 digest in lower-case hex)")
        secret = self.auth.secret(app_id)
        if secret is None:
            raise _refused(
                f"AppId {_shown(app_id)} is not one of this service's apps ([auth] apps)"
            )
        expected = signing.signature(app_id, nonce, secret, timestamp)
        if not hmac.compare_digest(expected, given.lower()):
            raise _refused(
                f"the Signature does not match for AppId {_shown(app_id)}: it must be "
                "md5(AppId + SignatureNonce + ServerSecret + Timestamp) in lower-case hex, "
                "over the values as sent; check the secret"
            )
        now = self._clock()
        self._check_time(int(timestamp), now)
        if not self._nonces.use(app_id, nonce, now):
            raise _refused(
                f"SignatureNonce {_shown(nonce)} was used before: every request needs a fresh "
                "random nonce",
                ErrorCode.nonce_reused,
            )
        return Principal("app", app_id)

    def _bound(self, request: SignedRequest) -> Principal:
        fields = request.fields
        missing = [name for name in request_signing.FIELDS if not fields.get(name)]
        if missing:
            raise _refused(
                f"the signed request lacks {', '.join(missing)}: a signed request carries "
                f"{', '.join(request_signing.FIELDS)}"
            )
        app_id = fields[request_signing.APP]
        nonce = fields[request_signing.NONCE]
        timestamp = fields[request_signing.TIMESTAMP]
        given = fields[request_signing.SIGNATURE]
        if not _NONCE.fullmatch(nonce):
            raise _refused(
                f"X-RecDesk-Nonce must be 1 to {signing.MAX_NONCE_LENGTH} printable characters "
                "without spaces (16 random hex digits will do)"
            )
        if not _TIMESTAMP.fullmatch(timestamp):
            raise _refused(
                f"X-RecDesk-Timestamp {_shown(timestamp)} is not Unix time in whole seconds"
            )
        if not _HMAC.fullmatch(given):
            raise _refused("X-RecDesk-Signature must be 64 hex digits (an HMAC-SHA256 in hex)")
        secret = self.auth.secret(app_id)
        if secret is None:
            raise _refused(
                f"X-RecDesk-App {_shown(app_id)} is not one of this service's apps ([auth] apps)"
            )
        leave_out = (request_signing.SIGNATURE,) if request.in_query else ()
        canonical = request_signing.canonical_request(
            request.method,
            request.path,
            request_signing.canonical_query(request.query, leave_out=leave_out),
            app_id,
            timestamp,
            nonce,
            request_signing.body_sha256(request.body),
        )
        expected = request_signing.signature(secret, canonical)
        if not hmac.compare_digest(expected, given.lower()):
            # The canonical request holds no secret: showing it says which part differs.
            raise _refused(
                f"the X-RecDesk-Signature does not match for app {_shown(app_id)}: it must be "
                "the HMAC-SHA256 with the app's secret of this request as it arrived, here "
                f"{canonical!r}; check the secret, and sign the method, path, query and body "
                "that are sent"
            )
        now = self._clock()
        self._check_time(int(timestamp), now, "X-RecDesk-Timestamp")
        if not self._nonces.use(app_id, nonce, now):
            raise _refused(
                f"X-RecDesk-Nonce {_shown(nonce)} was used before: every request needs a fresh "
                "random nonce",
                ErrorCode.nonce_reused,
            )
        return Principal("app", app_id)

    @staticmethod
    def _check_time(timestamp: int, now: float, name: str = "Timestamp") -> None:
        skew = timestamp - now
        if abs(skew) <= signing.WINDOW_SECONDS:
            return
        window = f"a request is accepted within ±{signing.WINDOW_SECONDS} s of the service's clock"
        if timestamp > 1e11:
            message = f"{name} {timestamp} looks like milliseconds: send Unix time in seconds"
        else:
            where = "ahead of" if skew > 0 else "behind"
            message = (
                f"{name} {timestamp} is {abs(skew):.0f} s {where} the service's clock; "
                f"{window}: sign with the current time (check this machine's clock)"
            )
        raise _refused(message, ErrorCode.signature_expired)
