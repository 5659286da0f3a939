"""Who may use the service: every request passes `RequireCredentials` before any route runs.

- A request from loopback (the client is 127.0.0.1, any 127.x, or ::1, and no proxy header says
  it came from elsewhere) passes without credentials: the desktop's embedded service and local
  scripts need none. `[auth] require_on_loopback = true` takes that away (a service behind a
  reverse proxy on the same machine that sends no `X-Forwarded-For`, tests of the signing).
- Any other request needs a valid signature or bearer token (`app.service.auth.verify`), or is
  answered 401 with the usual error body (`unauthorized`, `signature_expired`, `nonce_reused`)
  and `WWW-Authenticate`. A signature that binds the request (`X-RecDesk-*` headers, or in a
  signed URL's query) covers its body: the body is read here (within `app.service.limits`' cap,
  which runs first), hashed, and handed to the route as if unread. `[auth]
  require_request_signature = true` refuses seed 003's signature on `/v1`; the seeds' own fronts
  (`/anyapi/v1`, the Action API) keep it. A request with `Forwarded`, `X-Forwarded-For` or
  `X-Real-IP` never counts as loopback: a proxy on this machine forwards other machines' requests.
- Open to everyone: `GET /v1/health` (for monitoring; it tells the version, uptime, free space and
  provider health, nothing recorded; the data folder only to a caller that would be let in
  elsewhere: `principal_of` is None for any other), and the API's description: `/docs`,
  `/docs-assets/*` and `/openapi.json`, which are the same for every installation and hold no
  data; and a signed download link (a callback's `downloadUrl`, `app.service.links`),
  which its route checks and refuses with 403 when wrong or expired. Everything else (the event
  stream, downloads, live re-serves, the seeds' APIs) is behind the check.

The check is plain ASGI middleware, so a streaming answer (SSE, a download) is checked once
before it starts and then flows untouched. A `Token` query parameter, in any case, is taken out of
the request before the routes (and uvicorn's access log) see it; the signature's parameters stay,
so a route may read `AppId` (`app.service.auth.redact` keeps them out of the logs). Who the
caller is lands in the request's state: `principal_of(request)`.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api import request_signing, signing
from app.api.errors import ApiError, ErrorCode
from app.service.auth.config import AuthConfig, is_loopback_host
from app.service.auth.verify import LOOPBACK, Clock, NonceBook, Principal, SignedRequest, Verifier
from app.service.links import is_download_link

if TYPE_CHECKING:
    from fastapi import FastAPI

    from app.service.settings import Settings
    from app.service.store.store import Store

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/v1/health", "/docs", "/redoc", "/openapi.json"})
"""Paths anyone may fetch: health for monitoring, and the API's description."""
OPEN_PREFIXES = ("/docs-assets/",)
_PROXY_HEADERS = (b"forwarded", b"x-forwarded-for", b"x-real-ip")
_FIELD_HEADERS = {name.lower().encode("latin-1"): name for name in request_signing.FIELDS}
# Where seed 003's signature is refused with `require_request_signature`: RecDesk's own API.
_OWN_API = "/v1"
_STATE_KEY = "principal"


def install(app: FastAPI, settings: Settings, *, clock: Clock = time.time) -> None:
    """Put `RequireCredentials` in front of every route of `app`, with the settings' `[auth]`."""
    auth = settings.config.auth if settings.config is not None else AuthConfig()

    def store() -> Store | None:
        service = getattr(app.state, "service", None)  # set by the lifespan
        if service is None:
            return None
        found: Store = service.store
        return found

    verifier = Verifier(auth, NonceBook(store), clock=clock)
    app.add_middleware(RequireCredentials, verifier=verifier)


def principal_of(request: Request) -> Principal | None:
    """Who sent `request`, as `RequireCredentials` found; None on an open path for a caller
    without valid credentials (who would be refused anywhere else)."""
    found = request.scope.get("state", {}).get(_STATE_KEY)
    return found if isinstance(found, Principal) else None


def is_open(path: str) -> bool:
    """Whether `path` needs no credentials."""
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


class RequireCredentials:
    """ASGI middleware: lets a request through to the app only with the credentials it needs."""

    def __init__(self, app: ASGIApp, *, verifier: Verifier) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw_query = bytes(scope.get("query_string", b""))  # as signed, before a token goes
        query = _strip_token(scope)
        signed = _signed_request(scope, raw_query, query)
        if signed is not None and scope["type"] == "http":
            body = await _read_body(receive)
            if body is None:
                return  # the client went away while sending: nobody to answer
            signed = SignedRequest(
                signed.method, signed.path, signed.query, signed.fields, body, signed.in_query
            )
            receive = _replay(body, receive)
        path = scope["path"]
        seed_scheme = not (
            self.verifier.auth.require_request_signature
            and (path == _OWN_API or path.startswith(_OWN_API + "/"))
        )
        principal: Principal | None
        if _from_loopback(scope) and not self.verifier.auth.require_on_loopback:
            principal = LOOPBACK
        elif is_open(path) or is_download_link(path, query):  # a link is checked by its route
            try:  # credentials are not needed here, but say what the caller may see
                principal = self._check(scope, query, signed, seed_scheme)
            except ApiError:
                principal = None
        else:
            try:
                principal = self._check(scope, query, signed, seed_scheme)
            except ApiError as exc:
                await self._refuse(scope, receive, send, exc)
                return
        scope.setdefault("state", {})[_STATE_KEY] = principal
        await self.app(scope, receive, send)

    def _check(
        self,
        scope: Scope,
        query: dict[str, str],
        signed: SignedRequest | None,
        seed_scheme: bool,
    ) -> Principal:
        authorization = _header(scope, b"authorization")
        return self.verifier.check(query, authorization, signed=signed, seed_scheme=seed_scheme)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, exc: ApiError) -> None:
        client = scope.get("client")
        log.warning(
            "refused %s %s from %s: %s",
            scope.get("method", "WEBSOCKET"),
            scope["path"],
            client[0] if client else "an unknown address",
            exc.message,
        )
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = {"WWW-Authenticate": 'Bearer realm="recdesk"'}
        if exc.code is ErrorCode.unavailable:
            headers = {}
        response = JSONResponse(exc.body(), status_code=exc.code.status, headers=headers)
        await response(scope, receive, send)


def _from_loopback(scope: Scope) -> bool:
    client = scope.get("client")
    if not client or not is_loopback_host(str(client[0])):
        return False
    return not any(name in _PROXY_HEADERS for name, _ in scope.get("headers", ()))


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return bytes(value).decode("latin-1")
    return None


def _strip_token(scope: Scope) -> dict[str, str]:
    """The query's parameters (the last of repeated ones); a `Token`, whatever its case
    (`token`, `TOKEN`), is taken out of the scope.

    The scope is changed in place, on purpose: the server logs the request from this same
    dict, and a token must not end up in a log.
    """
    raw = bytes(scope.get("query_string", b""))
    if not raw:
        return {}
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    query = dict(pairs)
    token = signing.TOKEN.lower()
    if any(key.lower() == token for key in query):
        kept = [(key, value) for key, value in pairs if key.lower() != token]
        scope["query_string"] = urlencode(kept).encode("latin-1")
    return query


def _signed_request(scope: Scope, raw_query: bytes, query: dict[str, str]) -> SignedRequest | None:
    """The binding signature's fields (from the headers, else the query) and what they cover,
    the body aside; None when the request carries none."""
    fields = {
        _FIELD_HEADERS[name]: bytes(value).decode("latin-1")
        for name, value in scope.get("headers", ())
        if name in _FIELD_HEADERS
    }
    in_query = False
    if request_signing.SIGNATURE not in fields:
        if request_signing.SIGNATURE not in query:
            return None
        fields = {name: query[name] for name in request_signing.FIELDS if name in query}
        in_query = True
    raw_path = scope.get("raw_path")
    # uvicorn gives the path as sent; without it, the path encoded as a client would send it.
    if raw_path:
        path = bytes(raw_path).split(b"?", 1)[0].decode("latin-1")
    else:
        path = quote(scope["path"], safe="/-._~!$&'()*+,;=:@")
    method = str(scope.get("method", "GET"))
    return SignedRequest(method, path, raw_query, fields, b"", in_query)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body (already capped by `limits.BodyLimit`), or None if the client left."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the body read already, then whatever comes next."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
