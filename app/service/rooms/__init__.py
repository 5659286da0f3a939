"""Room providers: where the rooms the service records come from.

- `base`  the `RoomProvider` protocol, `RoomState`, `LiveStream`, `RoomChange`, `ProviderHealth`;
- `demo`  six built-in demo rooms made of generated media played as live (`--demo`);
- `demo_media`  the demo participants' media, generated once with PyAV;
- `rtmp`, `rtmp_stat`  rooms from an nginx-rtmp server, read from its statistics page;
- `static`  no rooms (the service without a provider);
- `composite`  several providers as one, room ids unique across them (`--config`).
"""
