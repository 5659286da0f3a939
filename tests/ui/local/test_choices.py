"""What the local recorder offers to record, and the spec each choice starts."""

from __future__ import annotations

from datetime import UTC, datetime

from app.api.models import Room, Stream
from app.layout.model import Layout
from app.media.local import LocalInput
from app.media.sources.base import Device
from ui.local.choices import RoomOf, build_spec, device_choices, live_url, room_choices

SINCE = datetime(2026, 11, 21, tzinfo=UTC)
URL = "http://127.0.0.1:8080"


def stream(stream_id: str, kind: str, audio: str | None = "aac") -> Stream:
    """A live stream of the room."""
    return Stream(
        stream_id=stream_id,
        user_id=stream_id.partition("-")[0],
        kind=kind,
        audio_codec=audio,
        since=SINCE,
    )


ROOM = Room(
    room_id="meeting",
    name="Team meeting",
    live=True,
    streams=[
        stream("ann-cam", "camera"),
        stream("ann-screen", "screen", None),
        stream("bo-mic", "audio"),
    ],
)


def test_a_room_offers_each_participant_its_sound_and_the_whole_room() -> None:
    choices = {c.key: c for c in room_choices(ROOM, URL + "/")}
    assert list(choices) == [
        "participant:ann-cam",
        "participant:ann-screen",
        "participant:bo-mic",
        "room-audio",
        "room-mix",
    ]
    cam = choices["participant:ann-cam"]
    assert cam.inputs == (
        LocalInput("ann-cam", f"{URL}/v1/rooms/meeting/streams/ann-cam/live", "camera"),
    )
    assert not cam.mixed
    assert cam.label == "Team meeting — ann · camera"
    # The room's sound leaves out the screen, which carries none.
    audio = choices["room-audio"]
    assert [(i.stream_id, i.kind) for i in audio.inputs] == [
        ("ann-cam", "audio"),
        ("bo-mic", "audio"),
    ]
    assert audio.audio_only
    mix = choices["room-mix"]
    assert [(i.stream_id, i.kind) for i in mix.inputs] == [
        ("ann-cam", "camera"),
        ("ann-screen", "screen"),
        ("bo-mic", "audio"),
    ]
    assert mix.mixed
    assert mix.whole_room
    assert mix.room == RoomOf("room-mix", "meeting", "Team meeting")


def test_a_room_without_a_name_is_called_by_its_id_and_streams_by_the_glossary() -> None:
    unnamed = Room(room_id="class", name=" ", live=True, streams=[stream("grace-cam", "camera")])
    labels = [c.label for c in room_choices(unnamed, URL)]
    assert labels == ["class — grace · camera", "class — audio", "class"]


def test_an_empty_room_offers_nothing() -> None:
    assert room_choices(Room(room_id="empty", name="Empty", live=False), URL) == []


def test_devices_by_name_and_their_combinations() -> None:
    devices = [
        Device("x11grab", "x11grab::0.0", "video", "X11 screen :0.0"),
        Device("v4l2", "v4l2:/dev/video0", "video", "Integrated Camera"),
        Device("v4l2", "v4l2:/dev/video2", "video", "USB Camera"),
        Device("alsa", "alsa:default", "audio", "default capture device"),
    ]
    choices = device_choices(devices)
    assert [c.label for c in choices] == [
        "Screen: X11 screen :0.0",
        "Camera: Integrated Camera",
        "Camera: USB Camera",
        "Microphone: default capture device",
        "Screen + microphone",
        "Screen + microphone + camera",
        "Camera + microphone",
    ]
    assert [i.stream_id for i in choices[2].inputs] == ["camera-2"]
    assert choices[5].inputs == (
        LocalInput("screen", "x11grab::0.0", "screen", label="Screen"),
        LocalInput("mic", "alsa:default", "audio", label="Microphone"),
        LocalInput("camera", "v4l2:/dev/video0", "camera", label="Camera"),
    )
    assert all(c.mixed for c in choices)
    # Without a microphone there are no combinations.
    assert [c.label for c in device_choices(devices[:2])] == [
        "Screen: X11 screen :0.0",
        "Camera: Integrated Camera",
    ]

    assert not any(c.key.startswith("call:") for c in choices)  # no system sound: no call


CALL_DEVICES = [
    Device("x11grab", "x11grab::0.0", "video", "X11 screen :0.0"),
    Device("window", "window:Meeting — Firefox", "video", "Meeting — Firefox"),
    Device("window", "window:Terminal", "video", "Terminal"),
    Device("alsa", "alsa:default", "audio", "default capture device"),
    Device("mic", "mic:virtmic", "audio", "Virtual microphone"),
    Device("loopback", "loopback:speakers", "audio", "Speakers — what this computer plays"),
]


def test_a_call_per_window_and_one_for_the_screen() -> None:
    choices = {c.key: c for c in device_choices(CALL_DEVICES)}
    assert [c.label for c in choices.values()] == [
        "Screen: X11 screen :0.0",
        "Window: Meeting — Firefox",
        "Window: Terminal",
        "Microphone: default capture device",
        "Microphone: Virtual microphone",
        "System sound: Speakers — what this computer plays",
        "Screen + microphone",
        "Call — screen + microphone + speakers",
        "Call — Meeting — Firefox + microphone + speakers",
        "Call — Terminal + microphone + speakers",
    ]
    # The sound server's microphone comes before a raw ALSA device, in the call as elsewhere.
    mic = LocalInput("mic-2", "mic:virtmic", "audio", label="Microphone")
    speakers = LocalInput("speakers", "loopback:speakers", "audio", label="Speakers")
    assert choices["combo:screen+mic-2"].inputs[1] == mic
    call = choices["call:window:Meeting — Firefox"]
    assert call.inputs == (
        LocalInput("window", "window:Meeting — Firefox", "screen", label="Meeting — Firefox"),
        mic,
        speakers,
    )
    assert call.mixed
    assert (call.role, call.subject) == ("call", "Meeting — Firefox")
    assert call.voices == (mic, speakers)
    assert call.separable
    assert choices["call:x11grab::0.0"].inputs[0] == LocalInput(
        "screen", "x11grab::0.0", "screen", label="Screen"
    )
    # The system sound alone is a choice of its own, and sound only.
    alone = choices["device:loopback:speakers"]
    assert alone.inputs == (speakers,)
    assert alone.audio_only
    assert not alone.separable  # one voice: nothing to keep apart


def test_a_call_keeps_its_voices_apart_when_asked() -> None:
    call = {c.key: c for c in device_choices(CALL_DEVICES)}["call:x11grab::0.0"]
    spec = build_spec(call, "mkv", separate_tracks=True, muted=("speakers", "screen", "nobody"))
    assert spec.mixed
    assert spec.separate_tracks
    assert spec.muted == ("speakers",)  # only voices can be muted
    assert [(i.stream_id, i.kind, i.label) for i in spec.inputs] == [
        ("screen", "screen", "Screen"),
        ("mic-2", "audio", "Microphone"),
        ("speakers", "audio", "Speakers"),
    ]
    assert not build_spec(call, "mkv").separate_tracks
    # A room's mix follows who joins: one track for all, whatever is asked.
    room_mix = {c.key: c for c in room_choices(ROOM, URL)}["room-audio"]
    assert not build_spec(room_mix, "m4a", separate_tracks=True).separate_tracks


def test_the_spec_of_a_choice() -> None:
    choices = {c.key: c for c in room_choices(ROOM, URL)}
    layout = Layout()
    spec = build_spec(choices["room-mix"], "mkv", "high", split=600.0, layout=layout)
    assert (spec.format, spec.quality, spec.split, spec.layout) == ("mkv", "high", 600.0, layout)
    assert spec.mixed
    assert choices["room-mix"].room == RoomOf("room-mix", "meeting", "Team meeting")
    # A layout is for the whole room only.
    single = build_spec(choices["participant:ann-cam"], "mp4", layout=layout)
    assert single.layout is None
    assert not single.mixed
    assert live_url(URL, "r", "s") == f"{URL}/v1/rooms/r/streams/s/live"
