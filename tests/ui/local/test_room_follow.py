"""A local recording of the whole room follows people who join and leave, as the service says.

The demo service runs without churn, so the panel is given the meeting with one camera missing,
and the service's own `stream.joined` and `stream.left` events (the data it publishes) are emitted
on the connection: the newcomer's live URL joins the mix, the one who left goes, and the saved
file plays for as long as was recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import qasync
from pytestqt.qtbot import QtBot

from app.api.models import Event, Room, Stream
from app.media.local import LocalInput
from tests.helpers.local_panel import elapsed, probe, record, stop_and_save
from tests.ui.conftest import until
from ui.connection.connection import Connection
from ui.local.choices import Joined, Left, RoomOf, live_url, room_change
from ui.local.panel import LocalRecorderPanel


def stream_event(kind: str, room_id: str, stream: Stream, at: int = 1) -> Event:
    """The event the service publishes when `stream` joins or leaves (`kind`) the room."""
    return Event(
        id=10**9 + at,  # past the service's own: no view mistakes it for one it has seen
        type=kind,  # type: ignore[arg-type]
        at=dt.datetime.now(dt.UTC),
        data={"room_id": room_id, "stream": stream.model_dump(mode="json")},
    )


def test_the_whole_room_follows_who_joins_and_leaves(
    qtbot: QtBot, aloop: qasync.QEventLoop, connection: Connection, local_panel: LocalRecorderPanel
) -> None:
    async def scenario() -> tuple[Path, float, Room]:
        room = await connection.client.room("meeting")
        *present, late = room.streams
        local_panel.set_room(room.model_copy(update={"streams": present}))
        await record(qtbot, local_panel, "room-mix", 1.0)
        recorder = local_panel.recorder
        assert recorder is not None
        assert recorder.mixed_streams() == {s.stream_id for s in present}

        connection.event_received.emit(stream_event("stream.joined", "meeting", late))
        await until(lambda: late.stream_id in recorder.mixed_streams())
        assert local_panel.status_label.text() == f"{late.user_id} joined the recording"
        connection.event_received.emit(stream_event("stream.joined", "meeting", late, at=2))
        other_room = stream_event("stream.left", "call", present[1], at=3)
        connection.event_received.emit(other_room)  # another room's: nothing changes
        assert present[1].stream_id in recorder.mixed_streams()

        leaving = present[0]
        connection.event_received.emit(stream_event("stream.left", "meeting", leaving, at=4))
        assert recorder.mixed_streams() == {s.stream_id for s in [*present[1:], late]}
        assert local_panel.status_label.text() == f"{leaving.user_id} left the recording"
        await until(lambda: elapsed(local_panel) >= 3.0)
        assert local_panel.state == "recording"
        assert local_panel.warning_label.isHidden()  # the newcomer opened
        await until(lambda: local_panel.status_label.text() == "Recording", timeout=10)
        recorded = elapsed(local_panel)
        return await stop_and_save(qtbot, local_panel), recorded, room

    path, recorded, room = aloop.run_until_complete(scenario())
    info = probe(path)
    assert [(codec, w, h) for codec, w, h in info.video] == [("h264", 1280, 720)]
    assert info.duration >= recorded - 0.1
    assert len(room.streams) >= 3  # the meeting's cameras: two stayed, one came, one went


def test_only_mixes_of_the_room_follow_it(aloop: qasync.QEventLoop, connection: Connection) -> None:
    room = aloop.run_until_complete(connection.client.room("meeting"))
    camera = room.streams[0]
    silent = camera.model_copy(update={"audio_codec": None})
    base = connection.url
    url = live_url(base, "meeting", camera.stream_id)
    joined = stream_event("stream.joined", "meeting", camera)
    whole_room = RoomOf("room-mix", "meeting", "Meeting")
    room_sound = RoomOf("room-audio", "meeting", "Meeting")

    assert room_change(whole_room, joined, base) == Joined(
        LocalInput(camera.stream_id, url, camera.kind), camera.user_id
    )
    left = stream_event("stream.left", "meeting", camera)
    assert room_change(whole_room, left, base) == Left(camera.stream_id, camera.user_id)
    # The room's sound takes a newcomer's sound only, and nothing of one without sound.
    assert room_change(room_sound, joined, base) == (
        Joined(LocalInput(camera.stream_id, url, "audio"), camera.user_id)
        if camera.audio_codec is not None
        else None
    )
    assert room_change(room_sound, stream_event("stream.joined", "meeting", silent), base) is None
    # A participant's own recording, another room, and other events change nothing.
    participant = RoomOf("participant", "meeting", "Meeting")
    assert room_change(participant, joined, base) is None
    assert room_change(replace(whole_room, room_id="call"), joined, base) is None
    updated = Event(id=1, type="room.updated", at=joined.at, data={"room_id": "meeting"})
    assert room_change(whole_room, updated, base) is None
