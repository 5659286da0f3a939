"""The `[cluster]` table and `--cluster ADDRESS`: recording workers on a Ray cluster.

```toml
[cluster]
address = "10.0.0.1:6379"    # the Ray head's GCS; `--cluster ADDRESS` gives or replaces it
headroom = 0.8               # the share of a node's CPUs that recordings may be admitted to
placement_timeout = 5        # a start that no node can take this long answers 503 (50303)
fence_seconds = 5            # a worker that hears nothing from the service this long stops
```

Without an address (neither key nor flag) the workers are local, as on one host.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

# A fenced worker finishes its files within a few seconds of its input closing: together they
# stay under the 10 s in which a worker cut off from the service must stop writing.
MAX_FENCE_SECONDS = 6.0


@dataclass(frozen=True)
class ClusterSettings:
    """Where the Ray cluster is and how recordings are admitted to it."""

    address: str | None = None
    headroom: float = 0.8
    placement_timeout: float = 5.0
    fence_seconds: float = 5.0
    # How long one poll of a worker's lines waits for a line (a worker writes one a second).
    poll_seconds: float = 1.0
    namespace: str = "recdesk"

    def with_address(self, address: str | None) -> ClusterSettings:
        """These settings with `--cluster ADDRESS`, when given, as the address."""
        if address is None:
            return self
        return ClusterSettings(
            address,
            self.headroom,
            self.placement_timeout,
            self.fence_seconds,
            self.poll_seconds,
            self.namespace,
        )


_KEYS = ("address", "headroom", "placement_timeout", "fence_seconds")


def read_cluster(table: object, error: Callable[[str, str], Exception]) -> ClusterSettings:
    """The config's `[cluster]` table, validated; `error(key, message)` for a mistake."""
    if not isinstance(table, dict):
        raise error("cluster", "must be a table ([cluster])")
    for key in table:
        if key not in _KEYS:
            raise error(f"cluster.{key}", f"unknown key; use {', '.join(_KEYS)}")
    address = table.get("address")
    if address is not None and (not isinstance(address, str) or not address.strip()):
        raise error("cluster.address", 'must be the Ray head\'s "HOST:PORT"')
    values = {key: _number(table, key, error) for key in _KEYS[1:] if key in table}
    headroom = values.get("headroom", ClusterSettings.headroom)
    if headroom > 1:
        raise error("cluster.headroom", "must be at most 1 (the whole of a node's CPUs)")
    fence = values.get("fence_seconds", ClusterSettings.fence_seconds)
    if fence > MAX_FENCE_SECONDS:
        raise error(
            "cluster.fence_seconds",
            f"must be at most {MAX_FENCE_SECONDS:g}: a cut-off worker must stop within 10 s",
        )
    return ClusterSettings(
        address,
        headroom,
        values.get("placement_timeout", ClusterSettings.placement_timeout),
        fence,
    )


def _number(table: dict[str, object], key: str, error: Callable[[str, str], Exception]) -> float:
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise error(f"cluster.{key}", "must be a number")
    if not (value > 0 and math.isfinite(value)):
        raise error(f"cluster.{key}", "must be more than 0")
    return float(value)
