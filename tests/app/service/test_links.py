"""Where a callback's download link points and how long it works: `--public-url` and
`--download-link-ttl`, else the config's `[webhooks]` keys, else the listen address and 48 h."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from app.api.errors import ApiError, ErrorCode
from app.service.config import ConfigError, load_config
from app.service.links import download_links
from app.service.main import build_parser
from app.service.settings import Settings


def _expires(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["expires"][0])


def test_the_config_names_the_base_and_the_lifetime(tmp_path: Path) -> None:
    config = tmp_path / "recdesk.toml"
    config.write_text(
        '[webhooks]\npublic_url = "https://rec.example.com/desk/"\ndownload_link_ttl = 600\n'
    )
    settings = Settings(data_dir=tmp_path / "data", config=load_config(config))
    before = time.time()
    url = download_links(settings).file_url("f_0123456789ab")
    after = time.time()
    assert url.startswith("https://rec.example.com/desk/v1/files/f_0123456789ab/download?")
    assert int(before) + 600 <= _expires(url) <= after + 600
    assert (tmp_path / "data" / "download-key").stat().st_mode & 0o777 == 0o600


def test_flags_win_over_the_config(tmp_path: Path) -> None:
    config = tmp_path / "recdesk.toml"
    config.write_text('[webhooks]\npublic_url = "https://old.example.com"\n')
    args = build_parser().parse_args(
        ["--public-url", "https://new.example.com", "--download-link-ttl", "90000"]
    )
    settings = Settings(
        data_dir=tmp_path,
        config=load_config(config),
        public_url=args.public_url,
        download_link_ttl=args.download_link_ttl,
    )
    url = download_links(settings).snapshot_url("recordings/call/snap 1.jpg")
    assert url.startswith(
        "https://new.example.com/v1/files/snapshots/recordings/call/snap%201.jpg?"
    )
    assert _expires(url) >= int(time.time()) + 90000 - 1


def test_by_default_the_listen_address_for_48_hours(tmp_path: Path) -> None:
    url = download_links(Settings(data_dir=tmp_path, host="0.0.0.0", port=9)).file_url("f_1")
    assert url.startswith(f"http://{socket.gethostname()}:9/v1/files/f_1/download?")
    assert _expires(url) >= int(time.time()) + 48 * 3600 - 1


def test_a_link_is_checked_against_its_own_path(tmp_path: Path) -> None:
    links = download_links(Settings(data_dir=tmp_path))
    query = parse_qs(urlsplit(links.file_url("f_1")).query)
    expires, signature = query["expires"][0], query["signature"][0]
    links.check("/v1/files/f_1/download", expires, signature)
    with pytest.raises(ApiError) as caught:
        links.check("/v1/files/f_2/download", expires, signature)
    assert caught.value.code is ErrorCode.link_invalid


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("download_link_ttl = 0", "webhooks.download_link_ttl: must be a number of seconds"),
        ('download_link_ttl = "2d"', "webhooks.download_link_ttl: must be a number of seconds"),
        ('public_url = "ftp://rec.example.com"', "webhooks.public_url: 'ftp://rec.example.com'"),
    ],
)
def test_wrong_values_name_their_key(tmp_path: Path, line: str, problem: str) -> None:
    config = tmp_path / "recdesk.toml"
    config.write_text(f"[webhooks]\n{line}\n")
    with pytest.raises(ConfigError, match=problem):
        load_config(config)
