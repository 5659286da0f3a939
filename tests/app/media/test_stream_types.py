"""The seeds' four stream types, and audio files whose extension follows their content."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.media.conftest import Record
from tests.helpers.media import FPS, probe


def test_separate_writes_a_video_file_and_an_audio_file(
    record: Record, h264_aac: Path, tmp_path: Path
) -> None:
    events = record(h264_aac, "-o", tmp_path / "talk.mp4", "--stream-type", "separate")

    assert [e["path"] for e in events] == [
        str(tmp_path / "talk.video.mp4"),
        str(tmp_path / "talk.audio.m4a"),
    ]
    assert probe(tmp_path / "talk.video.mp4").codecs() == {"video": "h264"}
    assert probe(tmp_path / "talk.audio.m4a").codecs() == {"audio": "aac"}
    for path in (tmp_path / "talk.video.mp4", tmp_path / "talk.audio.m4a"):
        assert probe(path).media_duration() == pytest.approx(4.0, abs=1 / FPS)


def test_separate_opus_goes_into_ogg(record: Record, vp8_opus: Path, tmp_path: Path) -> None:
    events = record(vp8_opus, "-o", tmp_path / "call.webm", "--stream-type", "separate")

    assert [Path(e["path"]).name for e in events] == ["call.video.webm", "call.audio.ogg"]
    assert all(e["reencoded"] == [] for e in events)
    assert probe(tmp_path / "call.audio.ogg").codecs() == {"audio": "opus"}


@pytest.mark.parametrize(
    ("clip", "asked", "written", "codec"),
    [
        ("h264_aac", "m4a", "voice.m4a", "aac"),
        ("h264_aac", "ogg", "voice.m4a", "aac"),
        ("vp8_opus", "m4a", "voice.ogg", "opus"),
        ("vp8_opus", "ogg", "voice.ogg", "opus"),
    ],
)
def test_audio_file_extension_follows_the_content(
    record: Record,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    clip: str,
    asked: str,
    written: str,
    codec: str,
) -> None:
    [event] = record(request.getfixturevalue(clip), "-o", tmp_path / f"voice.{asked}")

    assert event["path"] == str(tmp_path / written)
    assert event["reencoded"] == []
    assert probe(tmp_path / written).codecs() == {"audio": codec}
    assert [s["type"] for s in event["streams"]] == ["audio"]


def test_audio_and_video_types_keep_one_stream(
    record: Record, h264_aac: Path, tmp_path: Path
) -> None:
    [audio] = record(h264_aac, "-o", tmp_path / "a.mp4", "--stream-type", "audio")
    [video] = record(h264_aac, "-o", tmp_path / "v.flv", "--stream-type", "video")

    assert probe(tmp_path / "a.mp4").codecs() == {"audio": "aac"}
    assert probe(tmp_path / "v.flv").codecs() == {"video": "h264"}
    assert [s["type"] for s in audio["streams"]] == ["audio"]
    assert [s["type"] for s in video["streams"]] == ["video"]


def test_av_records_what_a_source_has(
    record: Record, h264_only: Path, aac_only: Path, tmp_path: Path
) -> None:
    record(h264_only, "-o", tmp_path / "cam.mp4")
    record(aac_only, "-o", tmp_path / "mic.mkv")

    assert probe(tmp_path / "cam.mp4").codecs() == {"video": "h264"}
    assert probe(tmp_path / "mic.mkv").codecs() == {"audio": "aac"}


def test_duration_cuts_the_recording(record: Record, h264_aac: Path, tmp_path: Path) -> None:
    [event] = record(h264_aac, "-o", tmp_path / "cut.mp4", "--duration", "2")

    got = probe(tmp_path / "cut.mp4")
    assert got.media_duration() == pytest.approx(2.0, abs=1 / FPS)
    assert event["duration"] == pytest.approx(2.0, abs=1 / FPS)
    assert len(got.of("video")) == pytest.approx(2 * FPS, abs=1)


def test_format_defaults_to_mp4_when_the_extension_says_nothing(
    record: Record, h264_aac: Path, tmp_path: Path
) -> None:
    [plain] = record(h264_aac, "-o", tmp_path / "room-12")
    [dotted] = record(h264_aac, "-o", tmp_path / "take.2026")
    [forced] = record(h264_aac, "-o", tmp_path / "x.mp4", "--format", "mkv")

    assert plain["path"] == str(tmp_path / "room-12.mp4")
    assert dotted["path"] == str(tmp_path / "take.2026.mp4")
    assert forced["path"] == str(tmp_path / "x.mkv")
    assert probe(tmp_path / "x.mkv").format == "matroska,webm"


def test_lavfi_test_source_is_encoded_because_raw_video_fits_no_file(
    record: Record, tmp_path: Path
) -> None:
    [event] = record(
        "lavfi:testsrc2=size=160x120:rate=25", "-o", tmp_path / "bars.mp4", "--duration", "1"
    )

    assert event["reencoded"] == [{"type": "video", "from": "rawvideo", "to": "h264"}]
    got = probe(tmp_path / "bars.mp4")
    assert got.codecs() == {"video": "h264"}
    assert len(got.of("video")) == 25


@pytest.mark.parametrize("name", ["my talk ✓.mp4", "100% done.m3u8", "-dash.mkv", "a'b\"c.flv"])
def test_any_file_name_the_system_allows(
    record: Record, h264_aac: Path, tmp_path: Path, name: str
) -> None:
    [event] = record(h264_aac, "-o", tmp_path / name, "--segment-length", "2")

    assert event["path"] == str(tmp_path / name)
    want = probe(h264_aac).media_duration()
    assert probe(tmp_path / name).media_duration() == pytest.approx(want, abs=1 / FPS)
