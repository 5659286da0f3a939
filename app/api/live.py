"""The wire models of a running recording's live state: the parts it is writing now.

`GET /v1/recordings/{id}/live` answers `RecordingLive`: the recording's listed files say what is
finished, this says what grows meanwhile (a part is listed only once its worker closes it), so a
client can show sizes growing and work out the bitrate between two reads.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.api.models import RecordingState


class WritingFile(BaseModel):
    """A file a recording is writing now, and its size so far."""

    model_config = ConfigDict(extra="ignore")

    name: str
    path: str  # relative to the service's data folder, as a listed file's
    size: int
    stream_id: str | None = None  # None: the mix (or a stream the name does not tell)


class RecordingLive(BaseModel):
    """What a recording is writing at `at`: its files not yet listed, with their sizes."""

    model_config = ConfigDict(extra="ignore")

    recording_id: str
    state: RecordingState
    at: datetime
    writing: list[WritingFile] = []
