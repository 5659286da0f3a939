"""The copy path where it numbers streams itself: a packet lands in the output stream it belongs to.

The copy loops tell a packet its output stream only where the output numbers its streams otherwise
than the source (`ContainerSink`, `recover`), so these files put another stream, or another
file's, before the picture and the sound; and an MP4 read without FFmpeg's `genpts` keeps every
packet's time.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
from av.container.core import Flags

from app.media.demuxers import skip_pts_generation
from app.media.recover import recover
from tests.app.media.conftest import Record
from tests.helpers.media import decodes, probe


def _with_subtitles_first(source: Path, folder: Path) -> Path:
    """`source`'s picture and sound in Matroska, behind a subtitle stream (stream 0)."""
    words = folder / "words.srt"
    words.write_text("1\n00:00:00,000 --> 00:00:01,000\nhello\n", encoding="utf-8")
    out = folder / "talk.mkv"
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(words), "-i", str(source)]
    subprocess.run([*command, "-map", "0", "-map", "1", "-c", "copy", str(out)], check=True)
    with av.open(str(out)) as container:
        assert [s.type for s in container.streams] == ["subtitle", "video", "audio"]
    return out


def test_recovery_puts_picture_and_sound_where_they_belong_behind_a_subtitle_stream(
    h264_aac: Path, tmp_path: Path
) -> None:
    path = _with_subtitles_first(h264_aac, tmp_path)
    before = probe(path)

    info = recover(path)

    after = probe(path)
    assert [s.type for s in info.streams] == ["video", "audio"]
    assert after.codecs() == {"video": "h264", "audio": "aac"}
    for kind in ("video", "audio"):
        assert [p.digest for p in after.of(kind)] == [p.digest for p in before.of(kind)]
    # Every packet decodes: one picture or one frame of sound each.
    assert decodes(path) == {kind: len(after.of(kind)) for kind in ("video", "audio")}


def test_sound_alone_lands_in_the_output_s_first_stream(
    record: Record, h264_aac: Path, tmp_path: Path
) -> None:
    # Sound is the source's stream 1 and the file's stream 0.
    [event] = record(h264_aac, "-o", tmp_path / "talk.m4a")

    got, want = probe(Path(event["path"])), probe(h264_aac)
    assert got.codecs() == {"audio": "aac"}
    assert [p.digest for p in got.of("audio")] == [p.digest for p in want.of("audio")]


def _packets(path: Path, *, genpts: bool) -> list[tuple[int, int | None, int | None, int, bytes]]:
    with av.open(str(path)) as container:
        assert skip_pts_generation(container)
        if genpts:  # back on, as PyAV opens every input
            container.flags = container.flags | Flags.gen_pts.value
        return [
            (p.stream_index, p.pts, p.dts, p.duration, bytes(p))
            for p in container.demux()
            if p.size
        ]


def test_an_mp4_read_without_genpts_gives_the_same_packets_at_the_same_times(
    h264_aac: Path,
) -> None:
    read = _packets(h264_aac, genpts=False)

    assert all(pts is not None for _, pts, _, _, _ in read)
    assert read == _packets(h264_aac, genpts=True)


def test_other_formats_keep_genpts(vp8_opus: Path) -> None:
    with av.open(str(vp8_opus)) as container:
        assert not skip_pts_generation(container)
        assert container.flags & Flags.gen_pts.value
