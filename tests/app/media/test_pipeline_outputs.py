"""The one output builder: how each naming names its files, refuses them, or steps past them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.media.fileinfo import FileInfo
from app.media.formats import FORMATS
from app.media.pipeline.naming import PartNames
from app.media.pipeline.outputs import OutputRequest, Outputs, OutputsExist, build_outputs
from app.media.remux import Remuxer
from app.media.sources import MediaSource, open_source, parse_source


@pytest.fixture
def source(h264_aac: Path) -> Iterator[MediaSource]:
    opened = open_source(parse_source(str(h264_aac)))
    yield opened
    opened.close()


def _record(source: MediaSource, outputs: Outputs, seconds: float) -> list[FileInfo]:
    remuxer = Remuxer(source, outputs.sinks, duration=seconds, snapshots=outputs.snapshots)
    return remuxer.run().files


def test_a_part_whose_file_exists_takes_the_next_free_number(tmp_path: Path) -> None:
    (tmp_path / "talk-002.mp4").touch()
    names = PartNames(tmp_path, "talk", ".mp4", numbered=True)
    assert [names(n).name for n in (1, 2, 3)] == ["talk-001.mp4", "talk-003.mp4", "talk-004.mp4"]
    assert sorted(names.parts.values()) == [1, 3, 4]


def test_plain_naming_writes_the_stem_and_takes_no_snapshot_unasked(
    source: MediaSource, tmp_path: Path
) -> None:
    request = OutputRequest(format=FORMATS["mp4"], stem=tmp_path / "talk")
    outputs = build_outputs(source, request)
    assert outputs.snapshots is None
    [info] = _record(source, outputs, 1.0)
    assert info.path == tmp_path / "talk.mp4"
    assert outputs.part_of(info) == 1


def test_plain_parts_of_separate_files_number_after_the_suffix(
    source: MediaSource, tmp_path: Path
) -> None:
    request = OutputRequest(
        format=FORMATS["mp4"], stem=tmp_path / "talk", stream_type="separate", split=1.0
    )
    files = _record(source, build_outputs(source, request), 2.0)
    assert {f.path.name for f in files} >= {"talk.video-001.mp4", "talk.audio-001.m4a"}


def test_refuse_naming_raises_before_anything_is_written(
    source: MediaSource, tmp_path: Path
) -> None:
    (tmp_path / "talk-snap-00001.jpg").touch()
    request = OutputRequest(
        format=FORMATS["mp4"], stem=tmp_path / "talk", naming="refuse", snapshot_every=1.0
    )
    with pytest.raises(OutputsExist, match=r"talk-snap-00001\.jpg exists") as raised:
        build_outputs(source, request)
    assert raised.value.paths == [tmp_path / "talk-snap-00001.jpg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk-snap-00001.jpg"]


def test_next_free_naming_never_writes_over_a_file(source: MediaSource, tmp_path: Path) -> None:
    (tmp_path / "talk-002.video.mp4").write_bytes(b"kept")
    request = OutputRequest(
        format=FORMATS["mp4"],
        stem=tmp_path / "talk",
        stream_type="separate",
        split=1.0,
        naming="next-free",
        first_part=2,
        snapshots_on_demand=True,
    )
    outputs = build_outputs(source, request)
    assert outputs.snapshots is not None  # on demand: a `snapshot` command has one to ask
    files = _record(source, outputs, 2.0)
    names = {f.path.name: outputs.part_of(f) for f in files}
    assert names["talk-003.video.mp4"] == 3
    assert names["talk-003.audio.m4a"] == 3
    assert (tmp_path / "talk-002.video.mp4").read_bytes() == b"kept"
    assert outputs.next_part == max(names.values()) + 1


def test_next_free_naming_fills_the_part_field(source: MediaSource, tmp_path: Path) -> None:
    request = OutputRequest(
        format=FORMATS["mp4"], stem=tmp_path / "room_{part}", naming="next-free", first_part=4
    )
    [info] = _record(source, build_outputs(source, request), 1.0)
    assert info.path.name == "room_004.mp4"


def test_outputs_that_could_not_start_leave_no_file(source: MediaSource, tmp_path: Path) -> None:
    request = OutputRequest(format=FORMATS["mp4"], stem=tmp_path / "talk", snapshot_every=1.0)
    outputs = build_outputs(source, request)
    assert outputs.snapshots is not None
    outputs.close()
    assert list(tmp_path.iterdir()) == []
