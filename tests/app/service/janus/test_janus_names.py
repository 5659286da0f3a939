"""How a Janus room's publishers become streams, and how a `janus` provider table is read: no
Janus needed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.api.models import RecordingCreate
from app.service.config import ConfigError, load_config
from app.service.recordings.formats import with_format
from app.service.rooms.base import LiveStream, StreamMedia
from app.service.rooms.janus.feeds import Track, feeds_of
from app.service.rooms.janus.settings import JanusSettings


def _streams(*streams: dict[str, object]) -> dict[str, object]:
    return {"streams": list(streams)}


AUDIO = {"type": "audio", "mid": "0", "codec": "opus"}
CAMERA = {"type": "video", "mid": "1", "codec": "vp8"}
SCREEN = {"type": "video", "mid": "2", "codec": "h264", "description": "Screen share"}


def test_publishers_become_camera_screen_and_sound_streams() -> None:
    publishers = {
        7: {"display": "Bob Smith", **_streams(AUDIO)},
        8: {"display": "张三 / 老师", **_streams(AUDIO)},
        3: {"display": "alice", **_streams(AUDIO, CAMERA, SCREEN)},
        9: {"display": "alice", **_streams({**CAMERA, "simulcast": True})},
        4: {**_streams(SCREEN, AUDIO)},
        5: {
            "display": "mute",
            **_streams({**CAMERA, "disabled": True}, {**AUDIO, "codec": "pcmu"}),
        },
    }
    feeds = {f.stream_id: f for f in feeds_of(1234, publishers)}
    assert sorted(feeds) == [
        "Bob-Smith-audio",
        "alice",
        "alice-9",
        "alice-screen",
        "p4-screen",
        "张三-老师-audio",
    ]
    alice = feeds["alice"]
    assert (alice.kind, alice.video, alice.audio) == (
        "camera",
        Track("1", "vp8"),
        Track("0", "opus"),
    )
    assert feeds["alice-screen"].audio is None  # the sound goes with the camera
    assert feeds["p4-screen"].audio == Track("0", "opus")  # a screen alone keeps its sound
    assert feeds["alice-9"].video == Track("1", "vp8", simulcast=True)
    assert feeds["Bob-Smith-audio"].kind == "audio"


class _Forwarding:
    """Stands for an SFU's forwarding: only whether a stream has one matters here."""

    def open(self, owner: str, stream: LiveStream) -> str:
        return stream.uri

    def release(self, owner: str, stream_id: str | None = None) -> None:
        """Nothing to release."""


def _stream(codec: str | None, audio: str | None = "opus", *, sfu: bool = True) -> LiveStream:
    return LiveStream(
        "s",
        "s",
        "camera",
        "janus:1/s",
        datetime.now(UTC),
        media=StreamMedia(codec=codec, audio_codec=audio),
        forwarding=_Forwarding() if sfu else None,
    )


@pytest.mark.parametrize(
    ("codecs", "mode", "expected"),
    [
        (["vp8"], "single", "webm"),
        (["vp9", "vp8"], "single", "webm"),
        (["vp8", "h264"], "single", "mkv"),
        (["h264"], "single", "mp4"),
        (["vp8"], "mixed", "mp4"),
    ],
)
def test_the_codecs_choose_the_format_when_none_is_named(
    codecs: list[str], mode: str, expected: str
) -> None:
    request = RecordingCreate(room_id="r", mode=mode)  # type: ignore[arg-type]
    chosen = with_format(request, [_stream(c) for c in codecs])
    assert chosen.format == expected


def test_a_named_format_is_kept_for_streams_not_of_an_sfu() -> None:
    request = RecordingCreate(room_id="r", format="webm")
    assert with_format(request, [_stream("h264", "aac", sfu=False)]).format == "webm"


JANUS = """
[[providers]]
kind = "janus"
api_url = "http://10.0.0.2:8088/janus"
forward_host = "10.0.0.5"
rooms = [1234, "5678"]
secret = "all"
secrets = {{ "1234" = "one" }}
{extra}
"""


def test_a_janus_provider_table(tmp_path: Path) -> None:
    path = tmp_path / "recdesk.toml"
    path.write_text(JANUS.format(extra='room_prefix = "sfu-"\npoll_seconds = 0.5'))
    [provider] = load_config(path).providers
    assert isinstance(provider, JanusSettings)
    assert (provider.name, provider.rooms, provider.room_prefix) == ("janus", (1234, 5678), "sfu-")
    assert (provider.secret_of(1234), provider.secret_of(5678)) == ("one", "all")
    assert provider.listen_host == "10.0.0.5"


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ('forward_host = "janus.local"', "forward_host must be an IPv4 address"),
        ('colour = "blue"', "providers[0].colour: unknown key"),
        ("timeout = -1", "providers[0].timeout: must be a positive number"),
    ],
)
def test_a_janus_table_with_a_mistake_says_where(tmp_path: Path, extra: str, says: str) -> None:
    path = tmp_path / "recdesk.toml"
    text = JANUS.format(extra="")
    if extra.startswith("forward_host"):
        text = text.replace('forward_host = "10.0.0.5"', extra)
    else:
        text += extra + "\n"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert says in str(caught.value)
