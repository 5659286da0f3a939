"""`ApiSession`: the connection under `RecDeskClient`, with its state, retries and error mapping.

One long-lived `httpx.AsyncClient`, with an explicit state (unopened → open → closed): use
`async with` or call `aclose()`. Requests go through `_send` (retry as `RetryPolicy` says, when
asked), `_call` (then parse the answer into a wire model) or `get_stream` (a GET read as it
arrives). Whatever goes wrong leaves as the `app.client.errors` tree, never as an httpx error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from enum import Enum
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

import httpx

from app.client.errors import connection_failed, error_from_response, unreadable
from app.client.policy import (
    DEFAULT_TIMEOUT,
    RETRY_STATUSES,
    STOP_TIMEOUT,
    Reconnect,
    RetryPolicy,
)
from app.client.signing import SignedRequests, credentials

DEFAULT_URL = "http://127.0.0.1:8080"


class _Parsed(Protocol):
    @classmethod
    def model_validate_json(cls, json_data: str | bytes) -> Self: ...


M = TypeVar("M", bound=_Parsed)


class _State(Enum):
    UNOPENED = "unopened"
    OPEN = "open"
    CLOSED = "closed"


class ApiSession:
    """One long-lived connection to the service: its state, retries and error mapping.

    `RecDeskClient` adds a method per endpoint. `app_id` and `secret`, when given, sign every
    request, its method, path, query and body (`X-RecDesk-*` headers, `app.client.signing`: the
    secret itself is never sent); `token` instead sends
    `Authorization: Bearer` (a service beyond loopback needs one or the other); `headers` go
    with every request; `timeout` bounds each request but a stop, which `stop_timeout` bounds (a
    stop answers once the files are final); `retry` and `reconnect` say how patient to be;
    `transport` replaces the network (an `httpx.MockTransport`, an ASGI transport).
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        app_id: str | None = None,
        secret: str | None = None,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        stop_timeout: float = STOP_TIMEOUT,
        retry: RetryPolicy | None = None,
        reconnect: Reconnect | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        try:
            base = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise ValueError(f"not an http(s) URL: {url!r} ({exc})") from None
        if base.scheme not in ("http", "https") or not base.host:
            raise ValueError(f"not an http(s) URL: {url!r}")
        auth = credentials(app_id, secret, token)
        self._signer = auth if isinstance(auth, SignedRequests) else None
        # The URL as messages show it: credentials in it stay out of logs and error lines.
        self.url = str(base.copy_with(userinfo=b"")).rstrip("/")
        self.retry = retry or RetryPolicy()
        self.reconnect = reconnect or Reconnect()
        self.stop_timeout = httpx.Timeout(stop_timeout, connect=timeout.connect)
        self._http = httpx.AsyncClient(
            base_url=base,
            auth=auth,
            headers={"User-Agent": "recdesk-client", **(headers or {})},
            timeout=timeout,
            transport=transport,
        )
        self._state = _State.UNOPENED

    # --- state --------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        if self._state is not _State.UNOPENED:
            raise RuntimeError(f"cannot open a client that is {self._state.value}")
        await self._http.__aenter__()
        self._state = _State.OPEN
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections; the client cannot be used again. Closing twice is harmless."""
        if self._state is not _State.CLOSED:
            self._state = _State.CLOSED
            await self._http.aclose()

    @property
    def closed(self) -> bool:
        """Whether `aclose()` has run."""
        return self._state is _State.CLOSED

    @property
    def http(self) -> httpx.AsyncClient:
        """The httpx client underneath, for streaming helpers; refuses once closed."""
        if self._state is _State.CLOSED:
            raise RuntimeError("this client is closed")
        return self._http

    def authorize_url(self, url: str) -> str:
        """`url` as another program must open it (FFmpeg pulling `.../live`): signed anew at each
        call when this client signs its requests and `url` is on this service, else unchanged.
        A bearer token is never put into a URL, where logs and error messages would show it.
        Safe to call from any thread."""
        if self._signer is not None and url.startswith(self.url + "/"):
            return self._signer.sign_url(url)
        return url

    # --- sending ------------------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        *,
        retry: bool,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> tuple[httpx.Response, int]:
        """The final answer, and how many attempts before it got none (or a 502/503/504).

        The body is `json`, or the raw bytes of `content` (with `headers` saying their type).
        """
        failures = 0
        while True:
            try:
                response = await self.http.request(
                    method,
                    path,
                    params=params,
                    json=json,
                    content=content,
                    headers=headers,
                    timeout=timeout or httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.TransportError as exc:
                failures += 1
                if not retry or failures >= self.retry.attempts:
                    raise connection_failed(exc, self.url) from exc
            else:
                last = failures + 1 >= self.retry.attempts
                if not retry or last or response.status_code not in RETRY_STATUSES:
                    return response, failures
                failures += 1
            await self.retry.wait(failures)

    async def _call(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> M:
        response, _ = await self._send(
            method,
            path,
            retry=method in ("GET", "PUT"),
            params=params,
            json=json,
            content=content,
            headers=headers,
        )
        return self._parse(response, model)

    async def _bytes(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> bytes:
        response, _ = await self._send(
            method, path, retry=method == "GET", json=json, params=params
        )
        if response.is_error:
            raise error_from_response(response)
        return response.content

    @staticmethod
    def _parse(response: httpx.Response, model: type[M]) -> M:
        if response.is_error:
            raise error_from_response(response)
        try:
            return model.model_validate_json(response.content)
        except ValueError as exc:
            raise unreadable(f"a {model.__name__}", exc) from exc

    @asynccontextmanager
    async def get_stream(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> AsyncIterator[httpx.Response]:
        """A GET whose body is read as it arrives: retried until it answers, errors mapped.

        Only opening is retried; a connection lost while reading the body raises
        `ConnectionFailed`, and what to do then (resume, start again) is the caller's to decide.
        """
        failures = 0
        while True:
            request = self.http.build_request(
                "GET",
                path,
                params=params,
                headers=headers,
                timeout=timeout or httpx.USE_CLIENT_DEFAULT,
            )
            try:
                response = await self.http.send(request, stream=True)
            except httpx.TransportError as exc:
                failures += 1
                if failures >= self.retry.attempts:
                    raise connection_failed(exc, self.url) from exc
            else:
                last = failures + 1 >= self.retry.attempts
                if last or response.status_code not in RETRY_STATUSES:
                    break
                await response.aclose()
                failures += 1
            await self.retry.wait(failures)
        try:
            if response.is_error:
                await response.aread()
                raise error_from_response(response)
            yield response
        except httpx.TransportError as exc:
            raise connection_failed(exc, self.url) from exc
        finally:
            await response.aclose()
