"""The seeds' own HTTP APIs, translated onto the core: nothing here records, stores or decides.

- `anyrtc`         seed 001's `GET /anyapi/v1/startrecord|stoprecord` (`AppID`, `ArRoomID`,
                   `Type`; body `Path`, `UserData`, `NameRule`) → a `RecordingCreate`, and its
                   `{"result": ...}` answers;
- `action_bodies`  seed 003's cloud-recording Action bodies (`RoomId`, `RecordInputParams`,
                   `RecordOutputParams`, `StorageParams`, ...) as the vendor documents them, and
                   their translation into a `RecordingCreate`;
- `action_layout`  `MixConfig` / `UpdateLayout` (`MixMode`, `MixInputList`, ...) → our layout;
- `action_answers` `{Code, Message, RequestId, Data}` answers: task status, task lists, errors.

Every request ends in the task manager's own calls (`create`, `stop`, `pause`, `resume`,
`set_layout`, `get`) or the store's listing, so the rules, states and errors are the core's; the
routes that serve these fronts are `app.service.routes.anyrtc` and `app.service.routes.action`.
"""
