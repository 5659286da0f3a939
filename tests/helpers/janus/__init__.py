"""A real Janus (Debian's `janus`) in a network namespace of its own, and aiortc publishers.

- `lab`        the namespace with its veth pair, Janus's configuration and process (`JanusLab`).
- `publisher`  an aiortc publisher (flashes and beeps) run inside the namespace, one process each.
- `relay`      a UDP relay that drops a share of the RTP it forwards (loss injected for real).
"""
