"""`UploadProgress`: how far each file's upload got, by the service's `recording.upload` events,
for the recordings table, the files table and a running recording's live view alike."""

from __future__ import annotations

from typing import Any

from app.api.models import RecordedFile, Recording, UploadState
from ui.common.formats import percent


class UploadProgress:
    """How far each file's upload got, by the `recording.upload` events: newer than any record
    fetched before them."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[str, UploadState, int, int]] = {}

    def update(self, data: dict[str, Any]) -> str | None:
        """Take an event's data; the recording it concerns, None if it is not an upload's."""
        recording_id, file_id = data.get("recording_id"), data.get("file_id")
        state, sent, total = data.get("state"), data.get("bytes"), data.get("total")
        if not (isinstance(recording_id, str) and isinstance(file_id, str)):
            return None
        if state in ("pending", "uploading", "uploaded", "failed"):
            self._files[file_id] = (recording_id, state, int(sent or 0), int(total or 0))
        return recording_id

    def of_file(self, file: RecordedFile) -> tuple[UploadState | None, int | None, int]:
        """A file's upload state, bytes sent (None: unknown) and total."""
        if file.file_id in self._files:
            _, state, sent, total = self._files[file.file_id]
            return state, sent, total
        return file.upload, None, file.size

    def of_recording(self, recording: Recording) -> int | None:
        """The percentage of a recording's bytes stored, None before any upload event."""
        sent = total = 0
        heard = False
        for file in recording.files:
            if file.file_id in self._files:
                _, _, file_sent, file_total = self._files[file.file_id]
                heard = True
            else:
                file_total = file.size
                file_sent = file.size if file.upload == "uploaded" else 0
            sent, total = sent + file_sent, total + file_total
        return percent(sent, total) if heard else None
