"""Room providers: where the rooms the service records come from.

- `base`  the `RoomProvider` protocol, `RoomState`, `LiveStream`, `RoomChange`;
- `demo`  six built-in demo rooms made of generated media played as live (`--demo`);
- `demo_media`  the demo participants' media, generated once with PyAV;
- `static`  no rooms (the service without a provider).
"""
