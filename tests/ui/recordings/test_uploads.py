"""An uploading recording reads well in the task list: its own colour and mark, how far its upload
got from the service's `recording.upload` events, and each file's upload, error and address."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.api.models import RecordedFile, Recording
from ui.common.formats import format_upload, state_colour, state_icon, state_name
from ui.common.palette import row_colour
from ui.recordings.models import FilesModel, RecordingsModel

NOW = datetime.now(UTC)


def _file(file_id: str, size: int, **fields: object) -> RecordedFile:
    base = {
        "file_id": file_id,
        "recording_id": "r1",
        "room_id": "call",
        "name": f"{file_id}.mp4",
        "path": f"recordings/{file_id}.mp4",
        "size": size,
        "duration": 1.0,
        "start": NOW,
        "end": NOW,
        "upload": "pending",
    }
    return RecordedFile.model_validate(base | fields)


def test_an_uploading_recording_says_how_far_it_got(qapp: QApplication) -> None:
    assert state_name("uploading") == "uploading"
    assert state_colour("uploading") == row_colour("info")  # blue
    assert not state_icon("uploading").isNull()
    files = [_file("f1", 1000), _file("f2", 3000)]
    rec = Recording(
        id="r1",
        room_id="call",
        mode="single",
        stream_type="av",
        format="mp4",
        state="uploading",
        created=NOW,
        files=files,
    )
    model = RecordingsModel()
    model.reset([rec])
    state = model.index(0, RecordingsModel.STATE)
    assert state.data() == "uploading"  # nothing heard yet
    model.upload_event(
        {"recording_id": "r1", "file_id": "f1", "state": "uploaded", "bytes": 1000, "total": 1000}
    )
    model.upload_event(
        {"recording_id": "r1", "file_id": "f2", "state": "uploading", "bytes": 1000, "total": 3000}
    )
    assert state.data() == "uploading 50%"
    assert state.data(Qt.ItemDataRole.ForegroundRole).color() == row_colour("info")

    listed = FilesModel()
    listed.uploads = model.uploads
    failed = files[1].model_copy(update={"upload": "failed", "upload_error": "cannot connect"})
    listed.set_files([files[0].model_copy(update={"download_url": "http://s3.test/f1"}), failed])
    uploads = [listed.index(row, FilesModel.UPLOAD) for row in range(2)]
    assert [cell.data() for cell in uploads] == ["uploaded", "uploading 33%"]
    tips = [cell.data(Qt.ItemDataRole.ToolTipRole) for cell in uploads]
    assert tips == ["http://s3.test/f1", "cannot connect"]
    model.upload_event(
        {"recording_id": "r1", "file_id": "f2", "state": "failed", "bytes": 1000, "total": 3000}
    )
    assert uploads[1].data() == "failed, trying again"


def test_upload_states_read_as_words(qapp: QApplication) -> None:
    assert format_upload(None) == ""
    assert format_upload("pending") == "waiting"
    assert format_upload("uploading") == "uploading"
    assert format_upload("uploading", 999, 1000) == "uploading 99%"
    assert format_upload("uploaded", 1000, 1000) == "uploaded"
    assert format_upload("failed", 10, 1000) == "failed, trying again"
