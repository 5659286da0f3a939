"""The session's test cluster: a Ray head, two nodes and the service that drives them, in a
network namespace (see `tests.helpers.cluster.lab`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cluster.lab import ClusterLab


@pytest.fixture(scope="session")
def cluster_lab(tmp_path_factory: pytest.TempPathFactory, demo_media: Path) -> Iterator[ClusterLab]:
    """Started once for the session; stopped by PID at its end."""
    lab = ClusterLab(tmp_path_factory.mktemp("cluster"), demo_media)
    yield lab
    lab.close()
