"""`[cluster]` and `--cluster ADDRESS`: read and checked before anything starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.service.cluster.settings import ClusterSettings
from app.service.config import ConfigError, load_config


def test_the_table_is_read_with_its_defaults(tmp_path: Path) -> None:
    path = tmp_path / "recdesk.toml"
    path.write_text('[cluster]\naddress = "10.0.0.1:6379"\nplacement_timeout = 2\n')
    cluster = load_config(path).cluster
    assert cluster == ClusterSettings("10.0.0.1:6379", headroom=0.8, placement_timeout=2.0)
    assert cluster.with_address("10.0.0.9:6379").address == "10.0.0.9:6379"
    assert cluster.with_address(None) is cluster


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        ("headroom = 1.5", "cluster.headroom", "at most 1"),
        ("headroom = 0", "cluster.headroom", "more than 0"),
        ('placement_timeout = "soon"', "cluster.placement_timeout", "a number"),
        ("fence_seconds = 30", "cluster.fence_seconds", "within 10 s"),
        ('adress = "10.0.0.1:6379"', "cluster.adress", "unknown key"),
        ('address = ""', "cluster.address", "HOST:PORT"),
    ],
)
def test_a_mistake_names_the_key(tmp_path: Path, body: str, where: str, message: str) -> None:
    path = tmp_path / "recdesk.toml"
    path.write_text(f"[cluster]\n{body}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"{path}: {where}: " in str(caught.value)
    assert message in str(caught.value)


def test_the_server_refuses_a_bad_table_before_it_starts(tmp_path: Path) -> None:
    path = tmp_path / "recdesk.toml"
    path.write_text("[cluster]\nheadroom = 2\n")
    done = subprocess.run(
        [sys.executable, "-m", "app.service.main", "--config", str(path), "--cluster", "x:1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "cluster.headroom" in done.stderr
