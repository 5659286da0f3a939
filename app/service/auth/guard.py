"""Who may use the service: every request passes `RequireCredentials` before any route runs.

- A request from loopback (the client is 127.0.0.1, any 127.x, or ::1, and no proxy header says
  it came from elsewhere) passes without credentials: the desktop's embedded service and local
  scripts need none. `[auth] require_on_loopback = true` takes that away (a service behind a
  reverse proxy on the same machine that sends no `X-Forwarded-For`, tests of the signing).
- Any other request needs a valid signature or bearer token (`app.service.auth.verify`), or is
  answered 401 with the usual error body (`unauthorized`, `signature_expired`, `nonce_reused`)
  and `WWW-Authenticate`. A request with `Forwarded`, `X-Forwarded-For` or `X-Real-IP` never
  counts as loopback: a proxy on this machine forwards other machines' requests.
- Open to everyone: `GET /v1/health` (for monitoring; it tells the version, uptime, free space and
  provider health, nothing recorded), and the API's description: `/docs`, `/docs-assets/*` and
  `/openapi.json`, which are the same for every installation and hold no data. Everything else
  (the event stream, downloads, live re-serves, the seeds' APIs) is behind the check.

The check is plain ASGI middleware, so a streaming answer (SSE, a download) is checked once
before it starts and then flows untouched. A `Token` query parameter is taken out of the request
before the routes (and uvicorn's access log) see it; the signature's parameters stay, so a route
may read `AppId`. Who the caller is lands in the request's state: `principal_of(request)`.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api import signing
from app.api.errors import ApiError, ErrorCode
from app.service.auth.config import AuthConfig, is_loopback_host
from app.service.auth.verify import LOOPBACK, Clock, NonceBook, Principal, Verifier

if TYPE_CHECKING:
    from fastapi import FastAPI

    from app.service.settings import Settings
    from app.service.store.store import Store

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/v1/health", "/docs", "/openapi.json"})
"""Paths anyone may fetch: health for monitoring, and the API's description."""
OPEN_PREFIXES = ("/docs-assets/",)
_PROXY_HEADERS = (b"forwarded", b"x-forwarded-for", b"x-real-ip")
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
    """Who sent `request`, as `RequireCredentials` found; None on an open path."""
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
        query = _strip_token(scope)
        if is_open(scope["path"]):
            await self.app(scope, receive, send)
            return
        if _from_loopback(scope) and not self.verifier.auth.require_on_loopback:
            principal = LOOPBACK
        else:
            try:
                principal = self.verifier.check(query, _header(scope, b"authorization"))
            except ApiError as exc:
                await self._refuse(scope, receive, send, exc)
                return
        scope.setdefault("state", {})[_STATE_KEY] = principal
        await self.app(scope, receive, send)

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
    """The query's parameters (the last of repeated ones); a `Token` is taken out of the scope.

    The scope is changed in place, on purpose: the server logs the request from this same
    dict, and a token must not end up in a log.
    """
    raw = bytes(scope.get("query_string", b""))
    if not raw:
        return {}
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    query = dict(pairs)
    if signing.TOKEN in query:
        kept = [(key, value) for key, value in pairs if key != signing.TOKEN]
        scope["query_string"] = urlencode(kept).encode("latin-1")
    return query
