"""Secrets sealed in the store: only the key opens them, and without one the refusal says how."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from app.service.store.sealed import (
    KEY_ENV,
    SealedUnreadable,
    SecretKeyMissing,
    Vault,
    key_from_environment,
)
from app.service.store.store import Store

SECRET = b"the-storage-secret-key"


def _vault(store: Store, *keys: str) -> Vault:
    vault = Vault(store, sources=(lambda: key_from_environment({KEY_ENV: ",".join(keys)}),))
    asyncio.run(vault.load())
    return vault


def test_a_sealed_secret_opens_with_its_key_and_is_not_plain_in_the_file(tmp_path: Path):
    key = Fernet.generate_key().decode()
    with Store(tmp_path / "db.sqlite3") as store:
        vault = _vault(store, key)
        vault.seal("storage:r_1", SECRET)
        assert vault.open("storage:r_1") == SECRET
        assert vault.open("storage:r_2") is None
        vault.seal("storage:r_1", b"replaced")
        assert vault.open("storage:r_1") == b"replaced"
        vault.forget("storage:r_1")
        assert vault.open("storage:r_1") is None
        vault.seal("storage:r_3", SECRET)
    for path in tmp_path.iterdir():
        assert SECRET not in path.read_bytes()


def test_a_new_key_with_the_old_one_still_opens_what_the_old_one_sealed(tmp_path: Path):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with Store(tmp_path / "db.sqlite3") as store:
        _vault(store, old).seal("storage:r_1", SECRET)
        assert _vault(store, new, old).open("storage:r_1") == SECRET
        with pytest.raises(SealedUnreadable, match=f"{KEY_ENV}=NEW,OLD"):
            _vault(store, new).open("storage:r_1")


def test_no_key_or_a_malformed_one_is_refused_saying_how_to_set_one(tmp_path: Path):
    with Store(tmp_path / "db.sqlite3") as store:
        vault = Vault(store, sources=(lambda: None,))
        asyncio.run(vault.load())
        with pytest.raises(SecretKeyMissing, match=f"set {KEY_ENV} to a Fernet key"):
            vault.seal("storage:r_1", SECRET)
        bad = _vault(store, "not-a-key")
        with pytest.raises(SecretKeyMissing, match=f"{KEY_ENV} is not a Fernet key") as refused:
            bad.fernet()
        assert "not-a-key" not in refused.value.message
    assert key_from_environment({}) is None
