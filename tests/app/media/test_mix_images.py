"""Layout images in the compositor: read through a resolver, decoded from memory, never fetched.

Each hostile reference is tried where a user would meet it (a preview, a recording's mix,
`recdesk-record`), beside the same layout with a good image, and a listener the test runs on
loopback must see no connection.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import av
import pytest

from app.layout.model import Canvas, Layout, Placeholder, Region, Watermark
from app.media.cli import main
from app.media.errors import ImageError, ImageTooLarge
from app.media.formats import FORMATS
from app.media.mix.graph import render_preview
from app.media.mix.images import (
    MAX_IMAGE_BYTES,
    ImageFolder,
    LocalImageFiles,
    decode_image,
    probe_image,
)
from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource
from app.media.sources import open_source, parse_source
from tests.helpers.images import Listener, jpeg, png
from tests.helpers.mix import COLORS, frames, near, record_mix, rgb_at

CANVAS = Canvas(width=640, height=360, fps=30, background="#0000ff")
MARK = Watermark(image="mark.png", x=560, y=10, width=64, height=32)
REGION = Region(x=0, y=0, width=320, height=180, stream_id="red")


@pytest.fixture
def area(tmp_path: Path) -> Path:
    """An images folder with a magenta `mark.png` and a green `back.jpg`; an `outside.png` of
    another colour beside it, outside the folder."""
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "mark.png").write_bytes(png(64, 32, "#ff00ff"))
    (folder / "back.jpg").write_bytes(jpeg(160, 90, "#00ff00"))
    (tmp_path / "outside.png").write_bytes(png(64, 32, "#ffff00"))
    return folder


def _with_mark(image: str) -> Layout:
    return Layout(template="custom", canvas=replace(CANVAS, watermark=replace(MARK, image=image)))


def test_png_and_jpeg_decode_from_memory_and_anything_else_is_refused() -> None:
    assert probe_image(png(64, 32)).format == "png"
    picture = decode_image(jpeg(160, 90))
    assert (picture.width, picture.height) == (160, 90)
    whole = png(320, 240)
    for bad in (b"GIF89a" + bytes(64), b"hello", whole[: len(whole) // 2], jpeg(160, 90)[:300]):
        with pytest.raises(ImageError):
            decode_image(bad)


def test_pictures_and_files_over_the_limits_are_refused_before_decoding() -> None:
    with pytest.raises(ImageTooLarge, match="3900x16"):
        probe_image(png(3900, 16))
    with pytest.raises(ImageTooLarge, match="3840x2176"):
        probe_image(png(3840, 2176))
    with pytest.raises(ImageTooLarge, match="8 MiB"):
        probe_image(png(64, 32) + bytes(MAX_IMAGE_BYTES))


def test_images_of_the_folder_are_drawn(area: Path) -> None:
    layout = Layout(
        template="custom",
        canvas=replace(CANVAS, background_image="back.jpg", watermark=MARK),
        regions=(replace(REGION, placeholder=Placeholder(image="mark.png")),),
    )
    frame = render_preview(layout, {}, images=ImageFolder(area))
    assert near(rgb_at(frame, 590, 25), (255, 0, 255))  # the watermark
    assert near(rgb_at(frame, 480, 270), (0, 255, 0))  # the background image
    assert near(rgb_at(frame, 160, 90), (255, 0, 255))  # the placeholder of an absent stream


@pytest.mark.parametrize(
    "ref",
    ["{outside}", "../outside.png", "file://{outside}", "{url}", "data:image/png;base64,iVBO"],
    ids=["absolute", "dotdot", "file-url", "http-url", "data-url"],
)
def test_the_folder_gives_nothing_but_its_own_names(
    ref: str, area: Path, listener: Listener
) -> None:
    hostile = ref.format(outside=area.parent / "outside.png", url=listener.url)
    images = ImageFolder(area)
    render_preview(_with_mark("mark.png"), {}, images=images)  # beside it, the same: drawn
    for layout in (
        _with_mark(hostile),
        Layout(template="custom", canvas=replace(CANVAS, background_image=hostile)),
        Layout(
            template="custom",
            canvas=CANVAS,
            regions=(replace(REGION, placeholder=Placeholder(image=hostile)),),
        ),
    ):
        with pytest.raises(ImageError) as refused:
            render_preview(layout, {}, images=images)
        assert str(area) not in str(refused.value)
    assert listener.connections == 0


def test_a_live_change_to_an_image_that_cannot_be_read_is_refused_and_the_mix_goes_on(
    people: dict[str, Path], area: Path, listener: Listener, tmp_path: Path
) -> None:
    layout = Layout(template="custom", canvas=CANVAS, regions=(REGION,))
    inputs = [MixInput("red", open_source(parse_source(str(people["red"]))))]
    source = MixSource(inputs, layout, FORMATS["mp4"], images=ImageFolder(area))

    def absent(image: str) -> Layout:  # a region for nobody: it shows its placeholder
        region = Region(
            320, 180, 320, 180, stream_id="nobody", placeholder=Placeholder(image=image)
        )
        return layout.with_regions((REGION, region))

    with pytest.raises(ImageError):
        source.set_layout(absent(listener.url))
    source.set_layout(absent("mark.png"))
    out = record_mix(source, tmp_path / "m.mp4")

    last = list(frames(out))[-1]
    assert near(rgb_at(last, 160, 90), COLORS["red"])
    assert near(rgb_at(last, 480, 270), (255, 0, 255))
    assert listener.connections == 0


def test_local_files_are_read_but_urls_never_fetched(area: Path, listener: Listener) -> None:
    local = LocalImageFiles()
    frame = render_preview(_with_mark(str(area.parent / "outside.png")), {}, images=local)
    assert near(rgb_at(frame, 590, 25), (255, 255, 0))
    for url in (listener.url, f"file://{area / 'mark.png'}"):
        with pytest.raises(ImageError, match="not a URL"):
            render_preview(_with_mark(url), {}, images=local)
    assert listener.connections == 0


def test_recdesk_record_refuses_a_layout_whose_image_is_a_url(
    capsys: pytest.CaptureFixture[str],
    people: dict[str, Path],
    area: Path,
    listener: Listener,
    tmp_path: Path,
) -> None:
    good = _with_mark(str(area / "mark.png")).with_regions((REGION,))
    good.save(tmp_path / "good.json")
    replace(good, canvas=replace(good.canvas, background_image=listener.url)).save(
        tmp_path / "url.json"
    )
    args = [str(people["red"]), "--layout"]

    assert main([*args, str(tmp_path / "url.json"), "-o", str(tmp_path / "url.mp4")]) == 2
    assert "not a URL" in capsys.readouterr().err
    assert main([*args, str(tmp_path / "good.json"), "-o", str(tmp_path / "good.mp4")]) == 0
    with av.open(str(tmp_path / "good.mp4")) as container:
        assert container.streams.video[0].codec_context.name == "h264"
    assert near(rgb_at(list(frames(tmp_path / "good.mp4"))[-1], 590, 25), (255, 0, 255))
    assert listener.connections == 0
    assert not (tmp_path / "url.mp4").exists()
