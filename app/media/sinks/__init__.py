"""Sinks: where packets go.

- `base`      the `MediaSink` protocol.
- `container` one file of any container in `app.media.formats`, HLS included (a playlist and its
              segments), copying packets and re-encoding only what the container cannot hold.
"""
