"""Parts: `--split N` writes STEM-001, STEM-002, ... from keyframes, nothing lost or repeated."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import pytest

from tests.app.media.conftest import Record
from tests.helpers.media import FPS, decodes, probe


@pytest.mark.parametrize("fmt", ["mp4", "mkv", "ts"])
def test_parts_add_up_to_the_recording_packet_for_packet(
    record: Record, h264_aac: Path, tmp_path: Path, fmt: str
) -> None:
    files = record(h264_aac, "-o", tmp_path / f"talk.{fmt}", "--split", "1")

    names = [Path(e["path"]).name for e in files]
    assert names == [f"talk-00{n}.{fmt}" for n in range(1, 5)]
    assert not (tmp_path / f"talk.{fmt}").exists()
    clip = probe(h264_aac)
    parts = [probe(Path(e["path"])) for e in files]
    for event, part in zip(files, parts, strict=True):
        # Each part starts on a keyframe, on a timeline of its own from zero.
        assert part.of("video")[0].keyframe
        # (MPEG-TS moves every timestamp on by the B-frame delay, to keep decode times >= 0.)
        assert part.start("video") == pytest.approx(0.0 if fmt != "ts" else 2 / FPS, abs=0.03)
        assert part.media_duration() == pytest.approx(1.0, abs=0.03)
        assert event["duration"] == pytest.approx(part.media_duration(), abs=1 / FPS)
        assert decodes(Path(event["path"]))["video"] == len(part.of("video"))
    assert sum(p.media_duration() for p in parts) == pytest.approx(clip.media_duration(), abs=0.06)
    # Every packet of the clip is in exactly one part, in order: none lost, none repeated. (MPEG-TS
    # holds H.264 in Annex B form and AAC in ADTS, so there only the counts can be compared.)
    for kind in ("video", "audio"):
        joined = [p.digest for part in parts for p in part.of(kind)]
        if fmt == "ts":
            assert len(joined) == len(clip.of(kind)), kind
        else:
            assert joined == [p.digest for p in clip.of(kind)], kind


def test_parts_are_reported_as_soon_as_they_are_final(h264_aac: Path, tmp_path: Path) -> None:
    from app.media.formats import FORMATS
    from app.media.plan import plan_outputs
    from app.media.remux import Remuxer
    from app.media.sinks.container import ContainerSink, StreamInput
    from app.media.sinks.parts import PartedSink
    from app.media.sources import open_source, parse_source

    source = open_source(parse_source(str(h264_aac)))
    [plan] = plan_outputs(source.streams, "av", tmp_path / "talk", FORMATS["mp4"])
    inputs = [StreamInput(s, FPS) for s in plan.streams]
    sink = PartedSink(
        plan.path, plan.streams, lambda p: ContainerSink(p, plan.format, inputs), split=1.5
    )
    seen: list[str] = []

    def on_event(event: object) -> None:
        info = event.as_event()  # type: ignore[attr-defined]
        if info["event"] == "file":
            # A reported part is final: it opens and no later part is open for writing yet.
            with av.open(info["path"]) as container:
                assert container.duration
            seen.append(Path(info["path"]).name)

    result = Remuxer(source, [sink], on_event=on_event).run()
    source.close()

    assert result.error is None
    # The grid is 1.5 s, and parts start at the keyframes after it: 0, 2 and 3 s.
    assert seen == ["talk-001.mp4", "talk-002.mp4", "talk-003.mp4"]
    durations = [probe(tmp_path / name).media_duration() for name in seen]
    assert durations == pytest.approx([2.0, 1.0, 1.0], abs=0.03)


def test_separate_audio_and_video_parts(record: Record, h264_aac: Path, tmp_path: Path) -> None:
    files = record(h264_aac, "-o", tmp_path / "t.mp4", "--split", "2", "--stream-type", "separate")

    names = sorted(Path(e["path"]).name for e in files)
    assert names == ["t.audio-001.m4a", "t.audio-002.m4a", "t.video-001.mp4", "t.video-002.mp4"]
    audio = [probe(tmp_path / n) for n in names[:2]]
    assert sum(a.media_duration() for a in audio) == pytest.approx(4.0, abs=0.05)
    stamps = [p.pts for p in audio[1].of("audio")]
    assert all(b > a for a, b in itertools.pairwise(stamps))


def test_hls_parts_are_playlists_of_their_own(
    record: Record, h264_aac: Path, tmp_path: Path
) -> None:
    files = record(h264_aac, "-o", tmp_path / "s.m3u8", "--split", "2", "--segment-length", "1")

    assert [Path(e["path"]).name for e in files] == ["s-001.m3u8", "s-002.m3u8"]
    for event in files:
        text = Path(event["path"]).read_text()
        assert "#EXT-X-ENDLIST" in text
        assert probe(Path(event["path"])).media_duration() == pytest.approx(2.0, abs=0.05)
    assert (tmp_path / "s-002-00001.ts").exists()


def test_existing_parts_are_not_replaced_without_y(
    capsys: pytest.CaptureFixture[str], h264_aac: Path, tmp_path: Path
) -> None:
    from app.media.cli import main

    (tmp_path / "t-002.mp4").write_bytes(b"an earlier part")
    status = main([str(h264_aac), "-o", str(tmp_path / "t.mp4"), "--split", "1"])

    assert status == 2
    err = capsys.readouterr().err
    assert err.strip().endswith("t-002.mp4 exists; pass -y to replace it, or choose another -o")
    assert (tmp_path / "t-002.mp4").read_bytes() == b"an earlier part"
