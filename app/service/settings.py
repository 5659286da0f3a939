"""The service's settings: validated into one frozen object before anything is built.

The flags fill it; `config` is what the `--config` file says (`app.service.config`), already
validated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.service.cluster.settings import ClusterSettings
    from app.service.config import ServiceConfig


@dataclass(frozen=True)
class Settings:
    """Everything `create_app` needs; `recdesk-server`'s flags fill it."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8080
    demo: bool = False
    # Where the demo rooms' generated media is kept (default: DATA_DIR/demo-media); tests share one.
    demo_media_dir: Path | None = None
    # Demo participants join and leave over time; tests turn it off and drive joins themselves.
    demo_churn: bool = True
    # A worker that sends no heartbeat for this long is killed and restarted into a new part.
    heartbeat_timeout: float = 5.0
    # A recording that writes no media for this long after its start fails.
    first_media_timeout: float = 30.0
    # Workers kept started and waiting, so a recording starts without a process start-up.
    warm_workers: int = 1
    # Under a burst of starts the spares grow (one per start of the burst) to at most this many,
    # and at most this many workers start at once (0: twice the CPU count, at least 4); once no
    # recording has started for `warm_idle_seconds`, they shrink back to `warm_workers`.
    max_warm_workers: int = 0
    warm_idle_seconds: float = 30.0
    page_size: int = 50
    # Providers, presets and auto-record rules from the config file; None: the flags alone.
    config: ServiceConfig | None = None
    # Uploads to storage (app.service.storage.uploads): files above this go in parts of this size
    # (S3 wants at least 5 MiB), this many at once, retried after at most this long;
    # `remove_uploaded` deletes a local copy once its upload is confirmed.
    upload_part_size: int = 16 * 1024 * 1024
    upload_workers: int = 2
    upload_retry_max: float = 300.0
    remove_uploaded: bool = False
    # `--callback-url`: every recording's events go here (replaces the config's `[webhooks] url`).
    webhook_url: str | None = None
    # Signed download links in callbacks (app.service.links): `--public-url`, the base
    # receivers reach the service at, and `--download-link-ttl` seconds; None: the config's, else
    # the defaults.
    public_url: str | None = None
    download_link_ttl: float | None = None
    # Webhook retries: the first delay, its cap and when to give up, in seconds (tests shorten it).
    webhook_backoff: tuple[float, float, float] = (1.0, 600.0, 24 * 3600.0)
    # Free space kept on the recording folder's disk (`--disk-reserve`, `[disk] reserve`): below it
    # recordings stop with reason `disk-full` and starts are refused with 507 (app.service.disk).
    disk_reserve: int = 256 * 1024 * 1024
    # How often the free space is looked at (tests shorten it).
    disk_check_seconds: float = 1.0
    # Connections (app.service.connections): a connection that sends no complete request head
    # within `header_timeout` s, or sits idle between requests for `idle_timeout` s, is closed;
    # at most `max_connections` are open at once (0: derived from the open-file limit).
    header_timeout: float = 10.0
    idle_timeout: float = 5.0
    max_connections: int = 0
    # At most this many `/v1/events` streams and layout previews run at once (429 beyond).
    max_event_streams: int = 64
    max_previews: int = 4
    # Workers on a Ray cluster (`[cluster]`, `--cluster ADDRESS`); None, or no address: local.
    cluster: ClusterSettings | None = None
    # The store (app.service.store): `--database-url`, else the config's `[store] url`; a
    # `postgresql://` URL (several services may share it) or a SQLite file's path. None: the
    # SQLite file in the data folder (`database`).
    database_url: str | None = None

    @property
    def images_dir(self) -> Path:
        """The images area: layout images uploaded through `/v1/images`, referenced by name."""
        return self.data_dir / "images"

    @property
    def recordings_dir(self) -> Path:
        """Where recordings are written; a request's `folder` is relative to it."""
        return self.data_dir / "recordings"

    @property
    def database(self) -> Path:
        """The SQLite file in the data folder, the store's default."""
        return self.data_dir / "recdesk.sqlite3"

    @property
    def store_location(self) -> str | Path:
        """Where the store is: `database_url`, else the SQLite file in the data folder."""
        return self.database_url or self.database

    @property
    def media_dir(self) -> Path:
        """The demo media folder."""
        return self.demo_media_dir or self.data_dir / "demo-media"
