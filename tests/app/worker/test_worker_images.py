"""A mixed job's layout images, in a real worker: read from the job's images folder by name only.

The worker is the process that would fetch a URL for a recording if anything did; a listener the
test runs on loopback must see no connection, whatever the job or a later layout command says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.layout.model import Canvas, Layout, Placeholder, Region, Watermark
from tests.helpers.images import Listener, png
from tests.helpers.mix import frames, near, rgb_at
from tests.helpers.worker import WorkerProcess, job, stream

MAGENTA = (255, 0, 255)


@pytest.fixture
def images(tmp_path: Path) -> Path:
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "mark.png").write_bytes(png(64, 32, "#ff00ff"))
    return folder


def _layout(mark: str, placeholder: str | None = None) -> dict[str, Any]:
    canvas = Canvas(width=640, height=360, fps=30, watermark=Watermark(mark, 560, 10, 64, 32))
    regions = (
        Region(0, 0, 320, 360, stream_id="cam", fit="fill"),
        Region(320, 180, 320, 180, stream_id="nobody", placeholder=Placeholder(image=placeholder)),
    )
    return Layout(template="custom", canvas=canvas, regions=regions).to_json()


def _mixed(folder: Path, clip: Path, layout: dict[str, Any], images: Path | None) -> dict[str, Any]:
    fields = {"mode": "mixed", "mix_stem": "mix_{part}", "layout": layout}
    if images is not None:
        fields["images_dir"] = str(images)
    return job(folder, [stream("cam", clip)], **fields)


@pytest.mark.parametrize("where", ["url", "outside", "no-folder"])
def test_a_job_whose_image_is_not_a_name_of_its_folder_ends_in_an_error(
    h264_aac: Path, tmp_path: Path, images: Path, listener: Listener, where: str
) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(png())
    mark = {"url": listener.url, "outside": str(outside), "no-folder": "mark.png"}[where]
    with WorkerProcess() as worker:
        worker.wait_for("ready")
        worker.send(
            _mixed(tmp_path, h264_aac, _layout(mark), None if where == "no-folder" else images)
        )
        ended = worker.ended()
    assert ended["reason"] == "error"
    assert "canvas.watermark.image" in ended["message"]
    assert str(images) not in ended["message"]
    assert not list(tmp_path.glob("mix_*"))
    assert listener.connections == 0


def test_a_job_draws_its_folder_images_and_refuses_a_later_url(
    h264_aac: Path, tmp_path: Path, images: Path, listener: Listener
) -> None:
    line = _mixed(tmp_path, h264_aac, _layout("mark.png"), images)
    line["max_duration_seconds"] = 2.0  # it ends by itself, well after the last change
    with WorkerProcess() as worker:
        worker.start(line)
        worker.send({"cmd": "layout", "layout": _layout("mark.png", listener.url)})
        assert "regions[1].placeholder.image" in worker.wait_for("warning")["message"]
        worker.send({"cmd": "layout", "layout": _layout("mark.png", "mark.png")})
        assert worker.ended()["reason"] == "duration"
    last = list(frames(tmp_path / "mix_001.mp4"))[-1]
    assert near(rgb_at(last, 590, 25), MAGENTA)  # the watermark
    assert near(rgb_at(last, 480, 270), MAGENTA)  # the placeholder of nobody, after the change
    assert listener.connections == 0
