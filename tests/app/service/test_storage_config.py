"""`[storage.NAME]` profiles in the config file: checked at the start, keys from the file or the
environment, and presets that name them."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.service.config import ConfigError, load_config


def _load(tmp_path: Path, text: str):
    path = tmp_path / "recdesk.toml"
    path.write_text(text)
    return load_config(path)


PROFILE = """
[storage.archive]
vendor = "s3_compatible"
endpoint = "http://127.0.0.1:9000"
bucket = "recordings"
prefix = "studio"
access_key = "AKIAEXAMPLE"
secret_key_env = "RECDESK_TEST_ARCHIVE_SECRET"
"""


def test_a_profile_takes_its_secret_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("RECDESK_TEST_ARCHIVE_SECRET", "from-the-env")
    config = _load(tmp_path, PROFILE + '\n[presets.kept]\nstorage = "archive"\n')
    archive = config.storage["archive"]
    assert (archive.bucket, archive.secret_key, archive.prefix) == (
        "recordings",
        "from-the-env",
        "studio",
    )
    assert config.presets["kept"].for_room("x").storage == "archive"
    assert config.with_demo().storage == config.storage


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (PROFILE, "storage.archive.secret_key_env: the environment variable "),
        (
            '[storage.a]\nendpoint = "http://h"\nbucket = "b"\naccess_key = "k"\n',
            "storage.a: give secret_key or secret_key_env",
        ),
        (
            '[storage.a]\nbucket = "b"\naccess_key = "k"\nsecret_key = "s"\n',
            "storage.a.endpoint: an s3_compatible storage needs",
        ),
        (
            '[storage.a]\nendpoint = "http://h"\nbucket = "b"\naccess_key = "k"\n'
            'secret_key = "s"\nregoin = "x"\n',
            "storage.a.regoin: unknown key",
        ),
        (
            '[storage.a]\nvendor = "gcs"\nendpoint = "http://h"\nbucket = "b"\n'
            'access_key = "k"\nsecret_key = "s"\n',
            "storage.a.vendor: Input should be",
        ),
        ('[presets.p]\nstorage = "nope"\n', "presets.p.storage: no storage profile 'nope'"),
    ],
)
def test_a_profile_that_cannot_work_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
):
    monkeypatch.delenv("RECDESK_TEST_ARCHIVE_SECRET", raising=False)
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)
