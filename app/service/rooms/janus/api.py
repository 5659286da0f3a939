"""Just what RecDesk needs of Janus's HTTP API (the REST transport) and its VideoRoom plugin.

A `JanusSession` is one Janus session with VideoRoom handles. `request` sends a synchronous
plugin request (`list`, `listforwarders`, `rtp_forward`, `stop_rtp_forward`) and returns the
plugin's answer; `send` sends an asynchronous one (`join`), whose answer comes later as an event;
`events` long-polls the session for events (this also keeps the session alive: Janus drops a
session that hears nothing for 60 s). Every failure is a `JanusError` whose message says what
failed and why, in one line.
"""

from __future__ import annotations

import contextlib
import secrets
from typing import Any

import httpx

from app.errors import RecDeskError
from app.service.rooms.base import describe_http_error

PLUGIN = "janus.plugin.videoroom"
# Janus answers a long poll after 30 s at most (with a keepalive) when nothing happened.
LONG_POLL = 35.0


class JanusError(RecDeskError):
    """A request to Janus failed: unreachable, refused, or answered with an error."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class SessionGone(JanusError):
    """Janus no longer knows the session (it restarted, or the session timed out)."""


class JanusSession:
    """One session on a Janus server (see the module)."""

    def __init__(self, client: httpx.AsyncClient, api_url: str, *, timeout: float) -> None:
        self._client = client
        self._url = api_url.rstrip("/")
        self._timeout = timeout
        self.id: int | None = None

    async def create(self) -> None:
        """Open the session."""
        answer = await self._post(self._url, {"janus": "create"})
        self.id = int(answer["data"]["id"])

    async def attach(self) -> int:
        """A new VideoRoom handle of this session."""
        answer = await self._post(self._session_url, {"janus": "attach", "plugin": PLUGIN})
        return int(answer["data"]["id"])

    async def detach(self, handle: int) -> None:
        """Let a handle go (and, with it, its participant)."""
        await self._post(f"{self._session_url}/{handle}", {"janus": "detach"})

    async def destroy(self) -> None:
        """Close the session; never raises."""
        if self.id is None:
            return
        with contextlib.suppress(JanusError):
            await self._post(self._session_url, {"janus": "destroy"})
        self.id = None

    async def request(self, handle: int, body: dict[str, Any]) -> dict[str, Any]:
        """A synchronous plugin request; the plugin's answer (`JanusError` for its errors)."""
        message = {"janus": "message", "body": body}
        answer = await self._post(f"{self._session_url}/{handle}", message)
        data = answer.get("plugindata", {}).get("data", {})
        if not isinstance(data, dict):
            raise JanusError(f"{body.get('request')}: an answer without plugin data")
        _raise_plugin_error(data, str(body.get("request")))
        return data

    async def send(self, handle: int, body: dict[str, Any]) -> None:
        """An asynchronous plugin request: its answer comes as an event."""
        await self._post(f"{self._session_url}/{handle}", {"janus": "message", "body": body})

    async def events(self, max_events: int = 10) -> list[dict[str, Any]]:
        """The session's next events (after up to 30 s of waiting: none, or a keepalive)."""
        try:
            reply = await self._client.get(
                self._session_url, params={"maxev": max_events}, timeout=LONG_POLL
            )
        except httpx.HTTPError as exc:
            raise JanusError(f"{self._url}: {describe_http_error(exc)}") from exc
        data = _json(reply, self._url)
        every = data if isinstance(data, list) else [data]
        for event in every:
            _raise_janus_error(event, "events")
        return [e for e in every if isinstance(e, dict) and e.get("janus") != "keepalive"]

    @property
    def _session_url(self) -> str:
        if self.id is None:
            raise SessionGone("the Janus session is not open")
        return f"{self._url}/{self.id}"

    async def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        body = {**body, "transaction": secrets.token_hex(8)}
        try:
            reply = await self._client.post(url, json=body, timeout=self._timeout)
        except httpx.HTTPError as exc:
            raise JanusError(f"{self._url}: {describe_http_error(exc)}") from exc
        data = _json(reply, self._url)
        if not isinstance(data, dict):
            raise JanusError(f"{self._url}: an answer that is not a JSON object")
        _raise_janus_error(data, str(body.get("janus")))
        return data


def _json(reply: httpx.Response, url: str) -> Any:
    if reply.status_code >= 400 and not reply.content.startswith(b"{"):
        raise JanusError(f"{url}: HTTP {reply.status_code} {reply.reason_phrase}".rstrip())
    try:
        return reply.json()
    except ValueError as exc:
        raise JanusError(f"{url}: an answer that is not JSON") from exc


def _raise_janus_error(data: dict[str, Any], what: str) -> None:
    if data.get("janus") != "error":
        return
    error = data.get("error", {})
    code, reason = error.get("code"), error.get("reason", "error")
    # 458: no such session; 459: no such handle (Janus's own codes).
    kind = SessionGone if code in (458, 459) else JanusError
    raise kind(f"janus {what}: {reason} ({code})", code=code)


def _raise_plugin_error(data: dict[str, Any], what: str) -> None:
    if "error" in data:
        code = data.get("error_code")
        raise JanusError(f"videoroom {what}: {data['error']} ({code})", code=code)
