"""Wire models (pydantic) and the stable error codes shared by the service and its client.

- `models`  every request and response body (`RecordingCreate`, `Recording`, `RoomList`, ...);
- `errors`  `ErrorCode` (stable numbers, HTTP statuses, the seeds' codes) and `ApiError`;
- `signing` the signed-request parameters and formula (seed 003's), for the service and client.
"""
