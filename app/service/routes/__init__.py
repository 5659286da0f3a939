"""The HTTP routes, one module per resource; each takes the `Service` through `deps.service`.

- `meta`        health, the event stream, layout previews;
- `rooms`       rooms, their streams' snapshots and live re-serve;
- `recordings`  start, list, control;
- `live`        a running recording as it is now: the files growing, the mix's picture;
- `files`       finished files, metadata and download;
- `images`      the images area layouts take their images from: upload, list, read, delete;
- `anyrtc`      seed 001's anyRTC start/stop calls, onto the core (`app.service.compat`);
- `action`      seed 003's cloud-recording Action API, onto the core.
"""
