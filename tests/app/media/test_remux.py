"""Remuxing files into every container: packets copied as they were, re-encoded only when needed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.app.media.conftest import Record
from tests.helpers.media import FPS, HEIGHT, WIDTH, av_offset, decodes, probe, top_level_boxes

FRAME = 1 / FPS


def assert_same_packets(out: Path, source: Path, kind: str) -> None:
    """Every packet of a stream type is byte-for-byte the source's, at the same time.

    Times are compared against the first picture, because muxers may shift a whole file so that no
    timestamp is negative.
    """
    got_file, want_file = probe(out), probe(source)
    got = got_file.of(kind)
    want = want_file.of(kind)
    assert [p.digest for p in got] == [p.digest for p in want]
    got_zero, want_zero = got_file.start("video"), want_file.start("video")
    assert [p.pts - got_zero for p in got] == pytest.approx(
        [p.pts - want_zero for p in want], abs=1e-3
    )


@pytest.mark.parametrize("fmt", ["mp4", "mkv", "flv"])
def test_h264_aac_is_copied_packet_for_packet(
    record: Record, h264_aac: Path, tmp_path: Path, fmt: str
) -> None:
    [event] = record(h264_aac, "-o", tmp_path / f"talk.{fmt}")

    out = tmp_path / f"talk.{fmt}"
    assert event["path"] == str(out)
    assert event["reencoded"] == []
    assert_same_packets(out, h264_aac, "video")
    assert_same_packets(out, h264_aac, "audio")
    got, want = probe(out), probe(h264_aac)
    assert got.media_duration() == pytest.approx(want.media_duration(), abs=FRAME)
    # The packet times above prove the sync; this is the check a player makes, to one audio frame
    # (MP4 hides the AAC priming frame with an edit list, other containers play it before zero).
    assert av_offset(out) == pytest.approx(av_offset(h264_aac), abs=0.022)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert (got.streams[0]["width"], got.streams[0]["height"]) == (WIDTH, HEIGHT)


@pytest.mark.parametrize("fmt", ["ts", "hls"])
def test_mpegts_outputs_keep_every_packet_in_time(
    record: Record, h264_aac: Path, tmp_path: Path, fmt: str
) -> None:
    [event] = record(h264_aac, "-o", tmp_path / "talk", "--format", fmt, "--segment-length", "2")

    out = Path(event["path"])
    assert out.name == ("talk.ts" if fmt == "ts" else "talk.m3u8")
    got, want = probe(out), probe(h264_aac)
    for kind in ("video", "audio"):
        assert len(got.of(kind)) == len(want.of(kind))
        assert [p.keyframe for p in got.of(kind)] == [p.keyframe for p in want.of(kind)]
        # MPEG-TS shifts the whole timeline by a constant; differences between packets stay exact.
        offset = got.of(kind)[0].pts - want.of(kind)[0].pts
        assert [p.pts - offset for p in got.of(kind)] == pytest.approx(
            [p.pts for p in want.of(kind)], abs=2e-4
        )
    assert got.media_duration() == pytest.approx(want.media_duration(), abs=FRAME)
    assert decodes(out)["video"] == len(want.of("video"))


def test_hls_writes_a_complete_vod_playlist_with_numbered_segments(
    record: Record, h264_aac: Path, tmp_path: Path
) -> None:
    [event] = record(h264_aac, "-o", tmp_path / "class.m3u8", "--segment-length", "1")

    playlist = (tmp_path / "class.m3u8").read_text()
    segments = sorted(p.name for p in tmp_path.glob("class-*.ts"))
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist
    assert playlist.rstrip().endswith("#EXT-X-ENDLIST")
    assert segments == [f"class-{n:05d}.ts" for n in range(1, len(segments) + 1)]
    assert len(segments) == 4  # a keyframe every second, a segment at each
    assert [line for line in playlist.splitlines() if not line.startswith("#")] == segments
    assert event["size"] == sum(p.stat().st_size for p in tmp_path.iterdir())


def test_vp8_opus_into_webm_and_mkv_is_copied(
    record: Record, vp8_opus: Path, tmp_path: Path
) -> None:
    for fmt in ("webm", "mkv"):
        [event] = record(vp8_opus, "-o", tmp_path / f"call.{fmt}")
        assert event["reencoded"] == []
        assert_same_packets(tmp_path / f"call.{fmt}", vp8_opus, "video")
        assert_same_packets(tmp_path / f"call.{fmt}", vp8_opus, "audio")


def test_only_what_the_container_cannot_hold_is_reencoded(
    record: Record, h264_aac: Path, vp8_opus: Path, tmp_path: Path
) -> None:
    [webm] = record(h264_aac, "-o", tmp_path / "a.webm")
    assert webm["reencoded"] == [
        {"type": "video", "from": "h264", "to": "vp8"},
        {"type": "audio", "from": "aac", "to": "opus"},
    ]
    assert probe(tmp_path / "a.webm").codecs() == {"video": "vp8", "audio": "opus"}

    [mp4] = record(vp8_opus, "-o", tmp_path / "b.mp4")
    assert mp4["reencoded"] == [{"type": "video", "from": "vp8", "to": "h264"}]
    got = probe(tmp_path / "b.mp4")
    assert got.codecs() == {"video": "h264", "audio": "opus"}
    assert_same_packets(tmp_path / "b.mp4", vp8_opus, "audio")
    for path in (tmp_path / "a.webm", tmp_path / "b.mp4"):
        got = probe(path)
        assert got.media_duration() == pytest.approx(4.0, abs=0.05)
        assert av_offset(path) == pytest.approx(av_offset(vp8_opus), abs=0.025)
        assert decodes(path)["video"] == 4 * FPS


def test_file_event_describes_the_file(record: Record, h264_aac: Path, tmp_path: Path) -> None:
    before = dt.datetime.now().astimezone()
    [event] = record(h264_aac, "-o", tmp_path / "x.mp4")

    assert set(event) == {
        "event",
        "path",
        "size",
        "duration",
        "start",
        "end",
        "streams",
        "reencoded",
    }
    assert event["event"] == "file"
    assert event["size"] == (tmp_path / "x.mp4").stat().st_size
    assert event["duration"] == pytest.approx(probe(h264_aac).media_duration(), abs=FRAME)
    start, end = dt.datetime.fromisoformat(event["start"]), dt.datetime.fromisoformat(event["end"])
    assert before - dt.timedelta(seconds=1) <= start <= end
    assert event["streams"] == [
        {
            "type": "video",
            "codec": "h264",
            "width": WIDTH,
            "height": HEIGHT,
            "fps": 30.0,
            "sample_rate": None,
            "channels": None,
        },
        {
            "type": "audio",
            "codec": "aac",
            "width": None,
            "height": None,
            "fps": None,
            "sample_rate": 48000,
            "channels": 2,
        },
    ]


def test_mp4_is_a_normal_seekable_file_once_finished(
    record: Record, h264_aac: Path, tmp_path: Path
) -> None:
    record(h264_aac, "-o", tmp_path / "x.mp4")
    # Hybrid fragmented MP4 ends as a plain MP4: media in one mdat, one moov index, no fragments.
    assert [box for box in top_level_boxes(tmp_path / "x.mp4") if box != "free"] == [
        "ftyp",
        "mdat",
        "moov",
    ]
    assert probe(tmp_path / "x.mp4").duration == pytest.approx(4.0, abs=FRAME)
