"""A local recording whose process is killed is found by the next start and recovered.

The recording runs in a child process, as the desktop app would (`tests.helpers.local`), which
prints how much media it has written; it is killed with SIGKILL a few seconds in. What is
recovered plays up to at most a second before the last figure printed.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.media.local import find_unfinished, recover_unfinished
from app.media.local.spec import FormatName
from tests.helpers.local import SCREEN_AND_MIC, kill_at_header, record_and_kill
from tests.helpers.media import probe

RUN_FOR = 3.0
LOSS = 1.0


@pytest.mark.parametrize("fmt", ["mp4", "mkv"])
def test_a_killed_recording_is_recovered_up_to_a_second_before_the_kill(
    tmp_path: Path, fmt: FormatName
) -> None:
    spec = dataclasses.replace(SCREEN_AND_MIC, format=fmt)
    elapsed = record_and_kill(tmp_path, spec, "killed", RUN_FOR)

    (found,) = find_unfinished(tmp_path)
    assert found.killed
    assert found.name == "killed"
    assert found.spec == spec
    (info,) = recover_unfinished(found)
    got = probe(info.path)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert got.media_duration() >= elapsed - LOSS
    # Recovered: found again as finished and unsaved, not as killed.
    (again,) = find_unfinished(tmp_path)
    assert not again.killed


def test_a_part_killed_before_its_media_is_removed_and_the_rest_recovered(
    tmp_path: Path, h264_aac: Path
) -> None:
    """A recording killed as its second part began: the first part is recovered, the second,
    which holds only its header, is removed instead of being handed over as a file."""
    spec = dataclasses.replace(SCREEN_AND_MIC, split=60.0)  # parts: parts-001.mp4, ...
    record_and_kill(tmp_path, spec, "parts", RUN_FOR)
    (found,) = find_unfinished(tmp_path)
    (first,) = found.files
    assert first.name == "parts-001.mp4"
    second = first.with_name("parts-002.mp4")
    kill_at_header(h264_aac, second)
    (found,) = find_unfinished(tmp_path)
    assert found.files == (first, second)

    (info,) = recover_unfinished(found)

    assert info.path == first
    assert probe(first).codecs() == {"video": "h264", "audio": "aac"}
    assert not second.exists()
    (again,) = find_unfinished(tmp_path)
    assert again.files == (first,)


def test_a_recording_killed_before_any_media_leaves_nothing_behind(
    tmp_path: Path, h264_aac: Path
) -> None:
    record_and_kill(tmp_path, SCREEN_AND_MIC, "empty", RUN_FOR)
    (found,) = find_unfinished(tmp_path)
    (only,) = found.files
    kill_at_header(h264_aac, only)  # as if the app had died at the header

    assert recover_unfinished(found) == []

    assert not found.folder.exists()
    assert find_unfinished(tmp_path) == []
