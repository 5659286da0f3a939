"""Rooms of a Janus WebRTC server (its VideoRoom plugin), recorded through RTP forwarders.

- `settings`    the `kind = "janus"` provider table of the config file.
- `api`         the few requests of Janus's HTTP API and VideoRoom plugin that RecDesk makes.
- `feeds`       from a room's publishers to RecDesk streams (camera, screen, sound).
- `forwarding`  RTP forwarders to each reader's ports, kept as wanted, none left behind.
- `rooms`       `JanusRooms`, the provider.
"""

from app.service.rooms.janus.rooms import JanusRooms
from app.service.rooms.janus.settings import JanusSettings

__all__ = ["JanusRooms", "JanusSettings"]
