"""The service's ASGI app: `create_app(settings)`, its lifespan, its errors and its docs.

Nothing happens at import or in `create_app`; the lifespan opens the store, starts the task
manager, the room providers, the auto-recorder and the webhook sender, and closes them in reverse
order. The providers are those of the `--config` file (`app.service.config`), in its order,
plus the demo rooms with `--demo`; several run as one (`rooms.composite.Providers`), none is
`NoRooms`. The auto-recorder exists only when the config has `[[auto_record]]` rules; it hears
every room change after the task manager.

Every error leaves as `{code, name, message}` (`app.api.errors`): a malformed body is 400, a field
of the wrong type or value 422, an unknown id 404, a conflicting state 409; anything unexpected is
logged and answered 500 with the same shape, never a stack trace. `/docs` (Swagger UI) and `/redoc`
(ReDoc) serve the OpenAPI document (`app.service.openapi`) from files installed with the service
(`app/service/apidocs/`), so they work offline. Every request but health and the docs
passes `app.service.auth.guard` first: from loopback freely, from elsewhere with credentials.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, assert_never

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from app.api.errors import ApiError, ErrorCode
from app.api.layouts import INVALID_LAYOUT, LAYOUT_LIMIT
from app.api.models import LIMIT_EXCEEDED
from app.service import limits, openapi
from app.service.auth import guard as auth
from app.service.config import DemoSettings, ProviderConfig
from app.service.recordings.manager import TaskManager
from app.service.rooms.base import RoomChange, RoomProvider
from app.service.rooms.composite import Providers
from app.service.rooms.demo import DemoRooms
from app.service.rooms.janus import JanusRooms, JanusSettings
from app.service.rooms.rtmp import RtmpRooms, RtmpSettings
from app.service.rooms.static import NoRooms
from app.service.settings import Settings
from app.service.store.eventlog import EventLog
from app.service.store.store import Store
from app.service.webhooks.delivery import Webhooks

if TYPE_CHECKING:
    from app.service.recordings.autorecord import AutoRecorder

log = logging.getLogger(__name__)


@dataclass
class Service:
    """What the routes work with, built by the lifespan."""

    settings: Settings
    store: Store
    events: EventLog
    rooms: RoomProvider
    tasks: TaskManager
    started: float
    version: str


def provider_configs(settings: Settings) -> tuple[ProviderConfig, ...]:
    """The providers the settings choose: the config's, plus the demo rooms with `--demo`."""
    if settings.config is None:
        return (DemoSettings(),) if settings.demo else ()
    return (settings.config.with_demo() if settings.demo else settings.config).providers


def _provider(settings: Settings) -> RoomProvider:
    providers = [_build(config, settings) for config in provider_configs(settings)]
    if not providers:
        return NoRooms()
    return providers[0] if len(providers) == 1 else Providers(providers)


def _build(config: ProviderConfig, settings: Settings) -> RoomProvider:
    match config:
        case DemoSettings():
            return DemoRooms(settings.media_dir, name=config.name, churn=settings.demo_churn)
        case RtmpSettings():
            return RtmpRooms(config)
        case JanusSettings():
            return JanusRooms(config)
        case _:
            assert_never(config)


def _auto_recorder(
    settings: Settings, tasks: TaskManager, rooms: RoomProvider, events: EventLog
) -> AutoRecorder | None:
    config = settings.config
    if config is None or not config.auto_record:
        return None
    from app.service.recordings.autorecord import AutoRecorder

    return AutoRecorder(config.auto_record, config.presets, tasks, rooms, events)


def create_app(settings: Settings, *, rooms: RoomProvider | None = None) -> FastAPI:
    """The service for `settings`; `rooms` replaces the provider the settings choose."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings.recordings_dir.mkdir(parents=True, exist_ok=True)
        store = Store(settings.store_location)
        events = EventLog(store)
        webhooks = Webhooks.from_settings(settings, store, events)
        events.store_along(webhooks.write)  # each event's webhooks are stored with it
        provider = rooms if rooms is not None else _provider(settings)
        tasks = TaskManager(settings, store, events, provider)
        service = Service(
            settings, store, events, provider, tasks, time.monotonic(), version("recdesk")
        )
        app.state.service = service
        auto = _auto_recorder(settings, tasks, provider, events)
        auto_started = False

        def changed(change: RoomChange) -> None:
            tasks.room_changed(change)
            # Changes before the auto-recorder's start are in the rooms its start looks at.
            if auto is not None and auto_started:
                auto.room_changed(change)

        try:
            await webhooks.start()  # first: what a previous run left is sent in its order
            await tasks.start()
            await provider.start(changed)
            if auto is not None:
                auto_started = True
                await auto.start()
            yield
        finally:
            try:
                if auto is not None:
                    await auto.stop()  # first: nothing may start while the rest shuts down
            finally:
                await events.close()
                await tasks.close()
                await provider.stop()
                await webhooks.close()
                store.close()

    app = FastAPI(
        title="RecDesk recording service",
        version=version("recdesk"),
        summary="Record real-time audio/video rooms: single-stream or mixed, in parts.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=openapi.operation_id,
    )
    _errors(app)
    _docs(app)
    auth.install(app, settings)  # before every route: loopback, or credentials
    limits.install(app)  # before that: no body past its limit, checked or not
    from app.service.routes import action, anyrtc, demo, files, images, meta, presets, recordings
    from app.service.routes import live as recording_live
    from app.service.routes import rooms as room_routes

    # anyrtc and action: the seeds' own HTTP APIs, translated onto the same core.
    for module in (
        meta,
        room_routes,
        recordings,
        recording_live,
        presets,
        files,
        images,
        anyrtc,
        action,
    ):
        app.include_router(module.router)
    if any(isinstance(config, DemoSettings) for config in provider_configs(settings)):
        app.include_router(demo.router)
    return app


def _errors(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.code.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return api_error_response(_validation_error(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = ErrorCode.not_found if exc.status_code == 404 else ErrorCode.malformed_request
        body = {"code": code.number, "name": code.name, "message": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return api_error_response(ApiError(ErrorCode.internal, f"the service failed: {exc}"))


def api_error_response(error: ApiError) -> JSONResponse:
    """The JSON answer for an `ApiError`."""
    return JSONResponse(error.body(), status_code=error.code.status)


def _validation_error(exc: RequestValidationError) -> ApiError:
    problems = []
    for error in exc.errors():
        if error.get("type") == INVALID_LAYOUT:  # read by `app.api.layouts`: the message says all
            return ApiError(ErrorCode.invalid_layout, error.get("msg", "invalid layout"))
        if error.get("type") == LAYOUT_LIMIT:
            return ApiError(ErrorCode.limit_exceeded, error.get("msg", "layout beyond a limit"))
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        if error.get("type") == LIMIT_EXCEEDED:  # the message names the limit, `where` the field
            return ApiError(ErrorCode.limit_exceeded, f"{where}: {error.get('msg', 'too large')}")
        if error.get("type") == "json_invalid":
            return ApiError(ErrorCode.malformed_request, "the body is not valid JSON")
        if not where and error.get("type") in ("model_attributes_type", "dict_type", "missing"):
            return ApiError(ErrorCode.malformed_request, "the body must be a JSON object")
        problems.append(f"{where or 'body'}: {error.get('msg', 'invalid')}")
    return ApiError(ErrorCode.invalid_value, "; ".join(problems) or "invalid request")


_DOCS_ASSETS = Path(__file__).with_name("apidocs")
"""Swagger UI 5 and ReDoc, vendored (their README says from where): no page needs the network."""


def _docs(app: FastAPI) -> None:
    openapi.install(app)
    app.mount("/docs-assets", StaticFiles(directory=_DOCS_ASSETS), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} — API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} — API",
            redoc_js_url="/docs-assets/redoc.standalone.js",
            redoc_favicon_url="/docs-assets/favicon-32x32.png",
            with_google_fonts=False,  # offline: the fonts would come from Google's servers
        )
