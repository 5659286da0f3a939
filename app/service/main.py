"""`recdesk-server`: parse the flags into `Settings`, build the app, serve it with uvicorn.

With `--port 0` the service takes a free port and prints one JSON line, `{"url": "http://..."}`,
on stdout before anything else, so whoever started it (the desktop app, a test) knows where it
is; nothing else is written to stdout (logs go to stderr). It listens on loopback unless `--host`
says otherwise, and beyond loopback only with credentials in the config (`[auth]`, see
`app.service.auth.guard`): without any it refuses to start. `--config FILE` chooses its room
providers, presets, auto-record rules and credentials; a mistake in it is one line on stderr and
exit status 2, before anything starts; `--demo` adds the demo rooms to it. SIGINT/SIGTERM stop it
cleanly: workers finish the part they write, and active recordings go on after the next start.
`--print-webhook-secret` prints the secret webhooks are signed with (`app.service.webhooks`) and
exits, starting nothing. `--database-url postgresql://...` (or the config's `[store] url`) keeps
the state in PostgreSQL, which several services may share; the database is reached and migrated
before the port is opened, and one that cannot be (or psycopg missing) is one line and status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

import platformdirs
import uvicorn
from fastapi import FastAPI

from app.api.errors import ApiError
from app.logs import limit_repeats
from app.service.app import create_app
from app.service.auth import redact
from app.service.auth.config import AuthConfig, listen_problem
from app.service.cluster.settings import ClusterSettings
from app.service.config import ConfigError, ServiceConfig, load_config
from app.service.connections import ACCEPT_BATCH, ConnectionGuard, raise_open_file_limit
from app.service.disk import parse_size
from app.service.settings import Settings
from app.service.store.errors import StoreError
from app.service.store.store import Store
from app.service.store.url import DatabaseUrl
from app.service.webhooks.delivery import service_secret
from app.service.webhooks.settings import RetryPolicy, check_url
from app.version import version_line

DEFAULT_PORT = 8080


def default_data_dir() -> Path:
    """Where the service keeps its database and recordings unless `--data-dir` says otherwise.

    Windows: `%LOCALAPPDATA%\\RecDesk\\service`; macOS: `~/Library/Application Support/RecDesk/
    service`, each where the system wants an application's own data (platformdirs). Linux and
    other systems keep the folder every earlier version used, `$XDG_DATA_HOME/recdesk/service`
    (`~/.local/share/recdesk/service`), so no recordings are left behind in an old one.
    """
    if sys.platform in ("win32", "darwin"):
        # Local, not roaming, on Windows: recordings are too big to follow a user between machines.
        return platformdirs.user_data_path("RecDesk", appauthor=False, roaming=False) / "service"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "recdesk" / "service"


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="recdesk-server", description="The RecDesk recording service (REST API on /v1)."
    )
    parser.add_argument("--version", action="version", version=version_line("recdesk-server"))
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (loopback); beyond it needs [auth] credentials in --config",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="0 picks a free port and prints it"
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="database and recordings")
    parser.add_argument(
        "--database-url",
        default=None,
        metavar="URL",
        help="keep tasks, files and events in this PostgreSQL database (postgresql://USER@HOST/DB, "
        "the cluster extra) or SQLite file, not the data folder's SQLite file",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="PATH",
        help="a TOML file: room providers, recording presets, auto-record rules",
    )
    parser.add_argument("--demo", action="store_true", help="serve six built-in demo rooms")
    parser.add_argument("--demo-media-dir", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-churn", action="store_true", help="demo participants stay; nobody joins or leaves"
    )
    parser.add_argument(
        "--first-media-timeout",
        type=float,
        default=30.0,
        help="a recording with no media this many seconds after its start fails (default 30)",
    )
    parser.add_argument(
        "--callback-url",
        type=_callback_url,
        default=None,
        metavar="URL",
        help="POST every recording's events here too (instead of the config's [webhooks] url)",
    )
    parser.add_argument(
        "--public-url",
        type=_callback_url,
        default=None,
        metavar="URL",
        help="where receivers reach this service: the base of callbacks' signed download links "
        "(default: the config's [webhooks] public_url, else http://HOST:PORT)",
    )
    parser.add_argument(
        "--download-link-ttl",
        type=_positive_seconds,
        default=None,
        metavar="SECONDS",
        help="how long a callback's signed download link works "
        "(default: the config's [webhooks] download_link_ttl, else 172800, 48 h)",
    )
    parser.add_argument(
        "--print-webhook-secret",
        action="store_true",
        help="print the secret webhooks are signed with (whsec_...) and exit",
    )
    # FIRST,CAP,GIVE_UP seconds of webhook retries (tests shorten them).
    parser.add_argument("--webhook-backoff", type=_backoff, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--upload-part-size",
        type=_byte_size,
        default=Settings.upload_part_size,
        metavar="BYTES",
        help="upload files to storage in parts of this size (16M; S3 needs at least 5M)",
    )
    parser.add_argument(
        "--upload-retry-max",
        type=float,
        default=Settings.upload_retry_max,
        metavar="SECONDS",
        help="a failing upload is tried again after 1, 2, 4, ... s, at most this long (300)",
    )
    parser.add_argument(
        "--disk-reserve",
        type=_byte_size,
        default=None,
        metavar="SIZE",
        help="free space kept on the recording folder's disk: below it recordings stop "
        "(reason disk-full) and starts are refused (507); 256M unless [disk] reserve says",
    )
    parser.add_argument(
        "--remove-uploaded",
        action="store_true",
        help="delete a recorded file here once its storage has confirmed its upload",
    )
    parser.add_argument(
        "--watch-parent",
        action="store_true",
        help="stop when stdin closes: the process that started the service has gone",
    )
    parser.add_argument(
        "--max-connections",
        type=_count,
        default=Settings.max_connections,
        metavar="N",
        help="open connections at most; at the cap the one idle longest is closed for a new one "
        "(0, the default: the open-file limit less 256)",
    )
    # Connection timeouts and the event-stream cap (app.service.connections); tests shorten them.
    parser.add_argument(
        "--header-timeout", type=float, default=Settings.header_timeout, help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--idle-timeout", type=float, default=Settings.idle_timeout, help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--max-event-streams",
        type=_count,
        default=Settings.max_event_streams,
        help=argparse.SUPPRESS,
    )
    parser.add_argument(
        "--cluster",
        default=None,
        metavar="ADDRESS",
        help="run recording workers on the Ray cluster whose head is at HOST:PORT "
        "(replaces the config's [cluster] address; the token comes from RAY_AUTH_TOKEN)",
    )
    parser.add_argument("--log-level", default="warning", help="debug, info, warning, error")
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be 0 or more")
    return value


def _callback_url(text: str) -> str:
    if (problem := check_url(text)) is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: must be more than 0 seconds")
    return value


def _backoff(text: str) -> tuple[float, float, float]:
    try:
        policy = RetryPolicy.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return policy.first, policy.cap, policy.give_up_after


def _byte_size(text: str) -> int:
    """`1048576`, `1024K` or `1M` (powers of 1024)."""
    try:
        size = parse_size(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: not a size (16777216, 16384K, 16M)") from None
    if size < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be at least 1 byte")
    return size


def _disk_reserve(flag: int | None, config: ServiceConfig | None) -> int:
    """`--disk-reserve`, else the config's `[disk] reserve`, else the default."""
    if flag is not None:
        return flag
    if config is not None and config.disk_reserve is not None:
        return config.disk_reserve
    return Settings.disk_reserve


def _database_url(flag: str | None, config: ServiceConfig | None) -> str | None:
    """`--database-url`, else the config's `[store] url`; None: the data folder's SQLite file."""
    return flag or (config.store_url if config is not None else None)


def _database_problem(settings: Settings) -> str | None:
    """Why the store's PostgreSQL cannot serve (psycopg missing, out of reach), or None.

    It is opened (and migrated) once here, so a mistake is one line before anything starts,
    not a failed start-up's traceback.
    """
    if settings.database_url is None:
        return None
    try:
        if DatabaseUrl.parse(settings.database_url).kind == "sqlite":
            return None
        Store(settings.database_url).close()
    except StoreError as exc:
        return str(exc)
    except ApiError as exc:  # the store's own errors, raised from a StoreError or a schema check
        return exc.message
    return None


def _cluster(flag: str | None, config: ServiceConfig | None) -> ClusterSettings | None:
    """`--cluster ADDRESS` over the config's `[cluster]` table; None: local workers."""
    table = config.cluster if config is not None else None
    if flag is None and table is None:
        return None
    return (table or ClusterSettings()).with_address(flag)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `recdesk-server`."""
    args = build_parser().parse_args(argv)
    service_config = None
    if args.config is not None:
        try:
            service_config = load_config(args.config)
            if args.demo:
                service_config = service_config.with_demo()
        except ConfigError as exc:
            print(f"recdesk-server: {exc}", file=sys.stderr)
            return 2
    settings = Settings(
        data_dir=(args.data_dir or default_data_dir()).absolute(),
        host=args.host,
        port=args.port,
        demo=args.demo,
        demo_media_dir=args.demo_media_dir,
        demo_churn=not args.no_churn,
        first_media_timeout=args.first_media_timeout,
        config=service_config,
        upload_part_size=args.upload_part_size,
        upload_retry_max=args.upload_retry_max,
        remove_uploaded=args.remove_uploaded,
        webhook_url=args.callback_url,
        public_url=args.public_url,
        download_link_ttl=args.download_link_ttl,
        webhook_backoff=args.webhook_backoff or Settings.webhook_backoff,
        disk_reserve=_disk_reserve(args.disk_reserve, service_config),
        header_timeout=args.header_timeout,
        idle_timeout=args.idle_timeout,
        max_connections=args.max_connections,
        max_event_streams=args.max_event_streams,
        cluster=_cluster(args.cluster, service_config),
        database_url=_database_url(args.database_url, service_config),
    )
    if args.print_webhook_secret:
        print(service_secret(settings).text)
        return 0
    refused = listen_problem(settings.host, service_config.auth if service_config else AuthConfig())
    if refused is not None:  # secure by default: never open to the network without credentials
        print(f"recdesk-server: {refused}", file=sys.stderr)
        return 2
    if (unusable := _database_problem(settings)) is not None:
        print(f"recdesk-server: {unusable}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The service's own requests (an SFU polled every second, webhooks) are not its log's news.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))
    limit_repeats()  # a fault that repeats is counted, not written thousands of times a second
    redact.install()  # no token or signature from a query (the access log's lines) is written
    raise_open_file_limit()
    guard = ConnectionGuard(settings)
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    # With its protocol named, asyncio turns Nagle's algorithm off on every connection; without,
    # an answer's headers and body sent apart wait 40 ms for the client's delayed ACK.
    sock = guard.socket(family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        print(
            f"recdesk-server: cannot listen on {settings.host}:{settings.port}: {exc}",
            file=sys.stderr,
        )
        return 2
    sock.listen(2048)  # connections wait in the backlog until uvicorn serves: none is refused
    port = sock.getsockname()[1]
    host = f"[{settings.host}]" if family == socket.AF_INET6 else settings.host
    print(json.dumps({"url": f"http://{host}:{port}"}), flush=True)
    # The port taken for `--port 0` is the one download links name (app.service.links).
    app = create_app(dataclasses.replace(settings, port=port))
    config = uvicorn.Config(
        app,
        log_level=args.log_level,
        # Logs, uvicorn's included, go to stderr: stdout carries only the URL line, and a parent
        # that reads nothing more from it must never see the service block on a full pipe.
        log_config=None,
        timeout_graceful_shutdown=2,
        lifespan="on",
        # Timeouts and the cap on connections; asyncio accepts this many connections per turn
        # of its loop, while the listening socket keeps a deep queue (see ListeningSocket).
        http=guard.protocol,
        backlog=ACCEPT_BATCH,
        ws="none",
    )
    server = _Server(config, app)
    if args.watch_parent:
        threading.Thread(target=_watch_parent, args=(server,), daemon=True).start()
    server.run(sockets=[sock])
    return 0


def _watch_parent(server: _Server) -> None:
    """Stop the service once stdin reaches its end: whoever started it has exited or died."""
    while sys.stdin.buffer.read(4096):
        pass
    server.stop_soon()


class _Server(uvicorn.Server):
    """uvicorn's server, with a stop by signal that ends event streams and exit status 0.

    uvicorn raises a caught SIGTERM again once it has shut down, so a clean stop would look like
    a kill to whoever started the service; here the signal only asks for the shutdown. Open event
    streams are ended at once, or the shutdown would wait for their clients to hang up.
    """

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app
        self._loop: asyncio.AbstractEventLoop | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        with contextlib.suppress(RuntimeError):  # no loop yet: no stream either
            self._end_streams(asyncio.get_running_loop())

    def stop_soon(self) -> None:
        """Ask for the shutdown from another thread."""
        self.should_exit = True
        if self._loop is not None:
            self._end_streams(self._loop)

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def _end_streams(self, loop: asyncio.AbstractEventLoop) -> None:
        service = getattr(self._app.state, "service", None)
        if service is not None:
            service.events.close_from(loop)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        wanted = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in wanted}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
