"""Checking a request's credentials: a signature (seed 003's scheme) or a bearer token.

`Verifier.check(query, authorization)` answers who the caller is (a `Principal`) or raises an
`ApiError`: `unauthorized` for missing, malformed or wrong credentials, `signature_expired` for a
`Timestamp` more than 10 minutes from the service's clock, `nonce_reused` for a
`SignatureNonce` seen before. A signature is checked in this order: its parameters, the app, the
signature itself, the time, and last the nonce, which is spent only by a request that passed the
rest. Messages say what to fix; they never hold a secret, a token, or the signature the service
expected (that would sign any request for whoever asks).

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

from app.api import signing
from app.api.errors import ApiError, ErrorCode
from app.service.auth.config import AuthConfig

if TYPE_CHECKING:
    from app.service.store.store import Store

Clock = Callable[[], float]
"""Unix time in seconds, as `time.time` gives it."""

_NONCE = re.compile(rf"[\x21-\x7e]{{1,{signing.MAX_NONCE_LENGTH}}}")  # printable, no spaces
_TIMESTAMP = re.compile(r"\d{1,16}")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{32}")
_PRUNE_EVERY = 60.0
_HOW = (
    "sign the request (AppId, SignatureNonce, Timestamp, SignatureVersion, Signature = "
    "md5(AppId + SignatureNonce + ServerSecret + Timestamp)) or send Authorization: Bearer TOKEN"
)


@dataclass(frozen=True)
class Principal:
    """Who made a request: a caller on loopback, a signing app (by id) or a token (by name)."""

    kind: Literal["loopback", "app", "token"]
    name: str


LOOPBACK = Principal("loopback", "loopback")


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

    def check(self, query: Mapping[str, str], authorization: str | None) -> Principal:
        """Who sent a request with this query and `Authorization` header, or `ApiError`."""
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
        if any(name in query for name in signing.SIGNATURE_PARAMS):
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

    @staticmethod
    def _check_time(timestamp: int, now: float) -> None:
        skew = timestamp - now
        if abs(skew) <= signing.WINDOW_SECONDS:
            return
        window = f"a request is accepted within ±{signing.WINDOW_SECONDS} s of the service's clock"
        if timestamp > 1e11:
            message = f"Timestamp {timestamp} looks like milliseconds: send Unix time in seconds"
        else:
            where = "ahead of" if skew > 0 else "behind"
            message = (
                f"Timestamp {timestamp} is {abs(skew):.0f} s {where} the service's clock; "
                f"{window}: sign with the current time (check this machine's clock)"
            )
        raise _refused(message, ErrorCode.signature_expired)
