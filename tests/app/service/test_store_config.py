"""Choosing the store: `[store] url` in the config, `--database-url` over it, and one clear line
when PostgreSQL cannot be used (psycopg missing, a server out of reach)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.api.errors import ApiError
from app.service.config import ConfigError, load_config
from app.service.store.store import Store
from tests.helpers.postgres import PostgresServer
from tests.helpers.service import ServiceProcess


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "recdesk.toml"
    path.write_text(text)
    return path


def test_the_config_names_the_store(tmp_path: Path) -> None:
    url = "postgresql://recdesk@db.example.net/recdesk"
    assert load_config(_config(tmp_path, f'[store]\nurl = "{url}"\n')).store_url == url
    assert load_config(_config(tmp_path, "")).store_url is None
    with pytest.raises(ConfigError, match=r"store\.url: database mysql://h/d: unknown kind"):
        load_config(_config(tmp_path, '[store]\nurl = "mysql://h/d"\n'))
    with pytest.raises(ConfigError, match=r"store\.path: unknown key; use url"):
        load_config(_config(tmp_path, '[store]\npath = "x"\n'))


@pytest.mark.postgres
def test_the_configs_store_is_used_and_the_flag_wins(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    unreachable = f"postgresql://rec:s3cret@/recdesk?host={tmp_path}"
    config = _config(tmp_path, f'[store]\nurl = "{unreachable}"\n')
    refused = ServiceProcess(tmp_path / "refused", None, "--config", str(config))
    with pytest.raises(AssertionError, match="the service printed nothing"):
        refused.start()
    assert refused.process is not None
    assert refused.process.wait(30) == 2
    [line] = refused.log.read_text().splitlines()
    assert line.startswith("recdesk-server: database postgresql://rec@/recdesk?host=")
    assert "cannot connect" in line
    assert "s3cret" not in line

    url = postgres.create_database()
    service = ServiceProcess(
        tmp_path / "data", None, "--config", str(config), "--database-url", url
    ).start()
    try:
        assert httpx.get(service.url + "/v1/recordings", timeout=10).json()["items"] == []
    finally:
        assert service.stop() == 0
    assert not (tmp_path / "data" / "recdesk.sqlite3").exists()


def test_without_psycopg_the_start_says_what_to_install(tmp_path: Path) -> None:
    # The interpreter as it is where the `cluster` extra is not installed: no psycopg to import.
    script = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from app.service.main import main\n"
        f"sys.exit(main(['--data-dir', {str(tmp_path)!r}, '--port', '0',"
        " '--database-url', 'postgresql://rec:s3cret@db.example.net/recdesk']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "recdesk-server: database postgresql://rec@db.example.net/recdesk: "
        "PostgreSQL needs psycopg: install recdesk[cluster]"
    ]


def test_a_sqlite_location_may_be_a_path_or_a_sqlite_url(tmp_path: Path) -> None:
    for location, path in (
        (str(tmp_path / "a.sqlite3"), tmp_path / "a.sqlite3"),
        (f"sqlite:{tmp_path / 'b.sqlite3'}", tmp_path / "b.sqlite3"),
        (f"sqlite://{tmp_path / 'c.sqlite3'}", tmp_path / "c.sqlite3"),
    ):
        with Store(location) as store:
            store.append_event("room.updated", {})
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT count(*) FROM events").fetchone() == (1,)
    with pytest.raises(ApiError, match=r"database mysql://user@h/d: unknown kind 'mysql'"):
        Store("mysql://user:pw@h/d")  # named without its password
