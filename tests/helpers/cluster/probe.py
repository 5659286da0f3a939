"""`python -m tests.helpers.cluster.probe ADDRESS`: one JSON line, the cluster's nodes (id, node
manager port, alive), read by a short-lived Ray driver (run inside the cluster's namespace)."""

from __future__ import annotations

import json
import logging
import sys

import ray


def main() -> None:
    """Connect, list, leave."""
    ray.init(address=sys.argv[1], logging_level=logging.ERROR, log_to_driver=False)
    try:
        nodes = [
            {
                "node_id": node["NodeID"],
                "port": node["NodeManagerPort"],
                "alive": node["Alive"],
                "cpus": node.get("Resources", {}).get("CPU", 0.0),
            }
            for node in ray.nodes()
        ]
    finally:
        ray.shutdown()
    print(json.dumps(nodes), flush=True)


if __name__ == "__main__":
    main()
