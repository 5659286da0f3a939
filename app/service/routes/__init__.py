"""The HTTP routes, one module per resource; each takes the `Service` through `deps.service`.

- `meta`        health, the event stream, layout previews;
- `rooms`       rooms, their streams' snapshots and live re-serve;
- `recordings`  start, list, control;
- `files`       finished files, metadata and download.
"""
