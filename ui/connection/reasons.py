"""Why a service cannot be used, in the operator's words, and a bounded check that finds out.

The client's errors say what failed on the wire; an operator needs to know which of a few
things went wrong, since each has its own remedy:

```
refused      nothing listens at the URL's host and port
no_host      the host name does not resolve
timeout      the host takes the connection but no answer comes in time
tls          the secure (https) handshake failed: a plain-HTTP service, a certificate refused
not_recdesk  an HTTP server answers, but not as a RecDesk service does
credentials  the service refused this app's AppID and secret
other        anything else (the client's own words)
```

`check(url, ...)` asks a service what a `Connection` asks before it says "connected" (health,
then one signed request), each under `CHECK_TIMEOUT` seconds, so that the answer, or the reason
there is none, comes within seconds rather than after the client's own 30-second read timeout
and its retries.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Awaitable
from typing import Literal, TypeVar

import httpx

from app.api.models import Health
from app.client.client import RecDeskClient
from app.client.errors import BadResponse, ConnectionFailed, ServiceError, Unauthorized
from app.client.policy import RetryPolicy
from ui.common.errors import describe
from ui.common.translate import translate

T = TypeVar("T")

Reason = Literal["refused", "no_host", "timeout", "tls", "not_recdesk", "credentials", "other"]

CHECK_TIMEOUT = 4.0
"""Seconds a service has to answer one check: the operator hears why within about five."""


class NoAnswer(ConnectionFailed):
    """The service took the connection (or did not refuse it) but did not answer in time."""

    def __init__(self, url: str, seconds: float) -> None:
        super().__init__(f"the service at {url} did not answer within {seconds:g} s")
        self.seconds = seconds


async def within(work: Awaitable[T], seconds: float, url: str) -> T:
    """`work`'s result, or `NoAnswer` once `seconds` have passed without one."""
    # `asyncio.timeout`, not `wait_for`: on 3.11 `wait_for` swallows a cancellation that comes
    # as the work ends, and a connection's close would then wait for its watch for ever.
    try:
        async with asyncio.timeout(seconds):
            return await work
    except TimeoutError as exc:
        raise NoAnswer(url, seconds) from exc


async def check(
    url: str,
    *,
    app_id: str | None = None,
    secret: str | None = None,
    timeout: float = CHECK_TIMEOUT,
) -> Health:
    """The service's health, once it has also taken a signed request; else the client's error
    (`NoAnswer` for silence). A wrong URL (`ValueError`) is raised before anything is sent."""
    # One attempt: the operator is waiting, and a retry would only repeat the same reason.
    client = RecDeskClient(
        url, app_id=app_id, secret=secret, retry=RetryPolicy(attempts=1, backoff=(0.0,))
    )
    try:
        health = await within(client.health(), timeout, client.url)
        await within(client.rooms(), timeout, client.url)
        return health
    finally:
        await client.aclose()


def reason_of(error: BaseException) -> Reason:
    """Which of the known reasons `error` is (see the module's table)."""
    if isinstance(error, Unauthorized):
        return "credentials"
    if isinstance(error, BadResponse) or (
        isinstance(error, ServiceError) and error.code is None and error.status < 500
    ):
        # It answers HTTP, but not with a RecDesk body: another program on that port. (A 5xx
        # without one is more likely a proxy whose service is down: the client's words then.)
        return "not_recdesk"
    if not isinstance(error, ConnectionFailed):
        return "other"
    if isinstance(error, NoAnswer):
        return "timeout"
    for cause in _causes(error):
        if isinstance(cause, ssl.SSLError):
            return "tls"
        if isinstance(cause, socket.gaierror):
            return "no_host"
        if isinstance(cause, ConnectionRefusedError):
            return "refused"
        if isinstance(cause, httpx.TimeoutException):
            return "timeout"
    return "other"


def explain(error: BaseException, url: str) -> tuple[str, str]:
    """(what happened, what to do) for a service at `url` that could not be used."""
    where = _where(url)
    match reason_of(error):
        case "refused":
            return (
                translate(
                    "ConnectionReasons",
                    "Nothing at {0} accepts connections: the connection was refused.",
                ).format(where),
                translate(
                    "ConnectionReasons",
                    "Check that the service runs there and that the port is the one it "
                    "prints when it starts.",
                ),
            )
        case "no_host":
            return (
                translate("ConnectionReasons", "No computer named {0} was found.").format(
                    httpx.URL(url).host
                ),
                translate(
                    "ConnectionReasons",
                    "Check the host name in the URL, and this computer's network.",
                ),
            )
        case "timeout":
            seconds = error.seconds if isinstance(error, NoAnswer) else CHECK_TIMEOUT
            return (
                translate("ConnectionReasons", "{0} did not answer within {1} s.").format(
                    where, f"{seconds:g}"
                ),
                translate(
                    "ConnectionReasons",
                    "Check the URL; the program there may be stuck, or a firewall may hold "
                    "the connection.",
                ),
            )
        case "tls":
            return (
                translate("ConnectionReasons", "The secure connection to {0} failed: {1}.").format(
                    where, _tls_detail(error)
                ),
                translate(
                    "ConnectionReasons",
                    "Use http:// if the service does not use TLS, or check its certificate.",
                ),
            )
        case "not_recdesk":
            return (
                translate(
                    "ConnectionReasons", "{0} answers, but it is not a RecDesk service ({1})."
                ).format(where, error),
                translate(
                    "ConnectionReasons",
                    "Check the URL: use the address recdesk-server prints when it starts.",
                ),
            )
        case "credentials" | "other":
            return describe(error)


def _where(url: str) -> str:
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return f"{parsed.host}:{port}"


def _causes(error: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and cause not in found:
        found.append(cause)
        cause = cause.__cause__ or cause.__context__
    return found


def _tls_detail(error: BaseException) -> str:
    for cause in _causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError) and cause.verify_message:
            return str(cause.verify_message)
        if isinstance(cause, ssl.SSLError) and cause.reason:
            return str(cause.reason).replace("_", " ").lower()
    return str(error)
