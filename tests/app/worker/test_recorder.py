"""The recorder's job and file naming, in-process: what a bad job says, how files are named."""

from __future__ import annotations

from typing import Any

import pytest

from app.worker.fields import JobError
from app.worker.wire import parse_job


def _job(**fields: Any) -> dict[str, Any]:
    stream = {"stream_id": "a", "user_id": "a", "kind": "camera", "uri": "/x.mp4", "stem": "a"}
    return {
        "task_id": "r_1",
        "mode": "single",
        "stream_type": "av",
        "format": "mp4",
        "folder": "/records",
        "streams": [stream],
    } | fields


def test_a_job_is_read_with_its_defaults() -> None:
    job = parse_job(_job())
    assert (job.first_part, job.paused, job.max_idle_seconds) == (1, False, 60.0)
    assert (job.split_seconds, job.layout) == (None, None)
    [stream] = job.streams
    assert (stream.stream_id, stream.kind, stream.live_file) == ("a", "camera", False)


def test_a_mixed_job_without_a_layout_gets_a_grid_of_its_streams() -> None:
    layout = parse_job(_job(mode="mixed", mix_stem="mix")).mix_layout()
    assert layout.template == "grid"
    assert (layout.canvas.width, layout.canvas.height, layout.canvas.fps) == (1280, 720, 30)
    assert [r.stream_id for r in layout.regions] == ["a"]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"mode": "solo"}, "job.mode: 'solo' is not one of single|mixed"),
        ({"format": "avi"}, "job.format: 'avi' is not one of"),
        ({"format": "m4a"}, "m4a files hold audio only"),
        ({"folder": "records"}, "folder must be an absolute path"),
        ({"split_seconds": 0}, "job.split_seconds: must be more than 0 seconds"),
        ({"first_part": 0}, "first_part must be a whole number from 1"),
        ({"paused": "yes"}, "job.paused: must be true or false"),
        ({"mode": "mixed"}, "job.mix_stem: required"),
        ({"mode": "mixed", "mix_stem": "a/b"}, "mix_stem: must be a file name without folders"),
        ({"layout": {"template": "grid"}}, "job: layout: version: required"),
        ({"streams": [{"stream_id": "a"}]}, "job: streams[0].kind: required"),
        ({"streams": "a"}, "job: streams must be a list"),
    ],
)
def test_a_bad_job_says_what_is_wrong(fields: dict[str, Any], says: str) -> None:
    with pytest.raises(JobError) as caught:
        parse_job(_job(**fields))
    assert says in str(caught.value)


def test_a_stream_listed_twice_is_refused() -> None:
    stream = _job()["streams"][0]
    with pytest.raises(JobError, match="listed twice"):
        parse_job(_job(streams=[stream, stream]))
