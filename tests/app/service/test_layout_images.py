"""Layout images from the service's images area only, against the real service over HTTP.

The images area is filled through the API (`/v1/images`), each upload decoded before it is kept.
Each hostile layout is sent beside the same layout without the hostile value, which must succeed,
for a preview, a mixed recording's start and a live layout change: an outside PNG that exists and
one that does not (the two answers must be the same), a `../` name, `file://`, `data:` and an
`http://` URL of a listener the test runs, which must see no connection.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import av
import httpx
import pytest

from app.client.client import RecDeskClient
from app.client.ctl import main as ctl
from app.client.errors import ImageNotFound, InvalidRequest
from app.layout.model import Canvas, Layout, Placeholder, Region, Watermark
from app.service.config import ConfigError, load_config
from tests.helpers.images import Listener, jpeg, png
from tests.helpers.mix import near, rgb_at
from tests.helpers.service import ServiceProcess, run, wait_until

MAGENTA = (255, 0, 255)
CANVAS = Canvas(width=640, height=360, fps=30, background="#0000ff")


@pytest.fixture
def mark(service: ServiceProcess) -> Iterator[str]:
    """The name of a magenta 64x32 PNG uploaded for this test (deleted after it)."""
    name = f"mark-{secrets.token_hex(3)}.png"
    put = _put(service, name, png(64, 32, "#ff00ff"))
    assert put.status_code == 201, put.text
    yield name
    httpx.delete(f"{service.url}/v1/images/{name}")


def _put(
    service: ServiceProcess, name: str, data: bytes, kind: str = "image/png"
) -> httpx.Response:
    headers = {"Content-Type": kind}
    return httpx.put(f"{service.url}/v1/images/{name}", content=data, headers=headers, timeout=30)


def _layout(service: ServiceProcess, room: str, image: str) -> Layout:
    """A custom layout of the room's streams in a row, with `image` as its watermark."""
    streams = httpx.get(f"{service.url}/v1/rooms/{room}").json()["streams"]
    regions = tuple(
        Region(x=160 * i, y=180, width=160, height=120, stream_id=s["stream_id"])
        for i, s in enumerate(streams[:4])
    )
    canvas = replace(CANVAS, watermark=Watermark(image, 560, 10, 64, 32))
    return Layout(template="custom", canvas=canvas, regions=regions)


def _hostile(layout: Layout, field: str, value: str) -> dict[str, Any]:
    """`layout`'s JSON form with `value` in one of its image fields."""
    data = layout.to_json()
    match field:
        case "watermark":
            data["canvas"]["watermark"]["image"] = value
        case "background":
            data["canvas"]["background_image"] = value
        case "placeholder":
            data["regions"][0]["placeholder"]["image"] = value
    return data


def _values(tmp_path: Path, listener: Listener, service: ServiceProcess) -> dict[str, str]:
    outside = tmp_path / "outside.png"
    outside.write_bytes(png(64, 32, "#ffff00"))
    return {
        "existing": str(outside),
        "missing": str(tmp_path / "missing.png"),
        "dotdot": "../outside.png",
        "into-data": "../images/../database.sqlite",
        "file-url": f"file://{outside}",
        "http-url": listener.url,
        "data-url": "data:image/png;base64,iVBORw0KGgo=",
        "backslash": "..\\outside.png",
    }


def _refused(answer: httpx.Response, service: ServiceProcess, tmp_path: Path) -> str:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert (body["code"], body["name"]) == (42202, "invalid_layout"), body
    message: str = body["message"]
    for secret in (str(tmp_path), str(service.data_dir), "exist", "No such file"):
        assert secret not in message
    return message


def test_images_are_uploaded_listed_read_replaced_and_deleted(service: ServiceProcess) -> None:
    name, photo = f"logo-{secrets.token_hex(3)}.png", f"photo-{secrets.token_hex(3)}.jpg"
    first, second = png(64, 32, "#ff00ff"), png(32, 16, "#00ffff")

    async def scenario() -> None:
        async with RecDeskClient(service.url) as api:
            stored = await api.upload_image(name, first)
            assert (stored.name, stored.format, stored.width, stored.height) == (
                name,
                "png",
                64,
                32,
            )
            assert not stored.replaced
            assert (await api.upload_image(photo, jpeg(160, 90))).format == "jpeg"
            assert await api.image(name) == first
            again = await api.upload_image(name, second)
            assert again.replaced
            assert (again.width, again.height) == (32, 16)
            listed = {i.name: i for i in await api.images()}
            assert (listed[name].size, listed[name].width) == (len(second), 32)
            assert (listed[photo].format, listed[photo].height) == ("jpeg", 90)
            await api.delete_image(name)
            await api.delete_image(photo)
            assert name not in {i.name for i in await api.images()}
            with pytest.raises(ImageNotFound) as gone:
                await api.image(name)
            assert gone.value.number == 40406
            with pytest.raises(ImageNotFound):
                await api.delete_image(name)

    run(scenario())
    replaced = _put(service, name, first)
    assert replaced.status_code == 201
    assert _put(service, name, first).status_code == 200  # a replaced name says so
    httpx.delete(f"{service.url}/v1/images/{name}").raise_for_status()


@pytest.mark.parametrize(
    ("data", "kind", "status", "code"),
    [
        (b"not an image at all", "image/png", 422, 42209),
        (png(320, 240)[:400], "image/png", 422, 42209),  # cut short
        (jpeg(320, 240)[:300], "image/jpeg", 422, 42209),
        (png(64, 32), "image/jpeg", 422, 42209),  # not what it says it is
        (png(64, 32), "text/plain", 422, 42209),
        (png(3900, 16), "image/png", 422, 42207),  # a picture past the limit
        (png(64, 32) + bytes(8 * 1024 * 1024), "image/png", 413, 41302),
    ],
    ids=["text", "cut-png", "cut-jpeg", "wrong-type", "no-image-type", "wide", "over-8-MiB"],
)
def test_uploads_that_are_not_good_images_are_refused(
    service: ServiceProcess, data: bytes, kind: str, status: int, code: int
) -> None:
    name = f"bad-{secrets.token_hex(3)}.png"
    answer = _put(service, name, data, kind)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    names = {i["name"] for i in httpx.get(f"{service.url}/v1/images").json()["items"]}
    assert name not in names
    assert not (service.data_dir / "images" / name).exists()


@pytest.mark.parametrize(
    "name", [".hidden.png", "..png", "logo.gif", "logo", "a" * 62 + ".png", "lo go.png"]
)
def test_image_names_are_plain_short_file_names(service: ServiceProcess, name: str) -> None:
    assert _put(service, name, png()).status_code == 422
    assert httpx.get(f"{service.url}/v1/images/{name}").status_code in (404, 422)


def test_a_preview_draws_images_of_the_area_and_nothing_else(
    service: ServiceProcess, mark: str, listener: Listener, tmp_path: Path
) -> None:
    layout = _layout(service, "call", mark)
    url = f"{service.url}/v1/layouts/preview"
    good = httpx.post(url, json={"room_id": "call", "layout": layout.to_json()}, timeout=30)
    assert good.status_code == 200, good.text
    with av.open(io.BytesIO(good.content), format="jpeg_pipe") as container:
        picture = next(container.decode(video=0))
    assert near(rgb_at(picture, 590, 25), MAGENTA)

    values = _values(tmp_path, listener, service)
    for field in ("watermark", "background", "placeholder"):
        messages = {}
        for label, value in values.items():
            body = {"room_id": "call", "layout": _hostile(layout, field, value)}
            messages[label] = _refused(httpx.post(url, json=body, timeout=30), service, tmp_path)
        assert messages["existing"] == messages["missing"]
    unknown = _hostile(layout, "watermark", "nothere.png")
    answer = httpx.post(url, json={"room_id": "call", "layout": unknown}, timeout=30)
    assert (answer.status_code, answer.json()["code"]) == (422, 42208)
    assert listener.connections == 0


def test_a_mixed_recording_takes_images_of_the_area_only(
    service: ServiceProcess, mark: str, listener: Listener, tmp_path: Path
) -> None:
    layout = _layout(service, "call", mark)
    values = _values(tmp_path, listener, service)
    url = f"{service.url}/v1/recordings"

    def start(data: dict[str, Any]) -> httpx.Response:
        body = {"room_id": "call", "mode": "mixed", "folder": "images", "layout": data}
        return httpx.post(url, json=body, timeout=30)

    messages = {
        label: _refused(start(_hostile(layout, "watermark", v)), service, tmp_path)
        for label, v in values.items()
    }
    assert messages["existing"] == messages["missing"]
    assert start(_hostile(layout, "placeholder", "nothere.png")).json()["code"] == 42208

    async def scenario() -> dict[str, Any]:
        async with RecDeskClient(service.url) as api:
            started = start(layout.to_json())
            assert started.status_code in (200, 201), started.text
            rec_id = started.json()["id"]
            await wait_until(lambda: _recording(api, rec_id))
            change = f"{url}/{rec_id}/layout"
            nobody = Region(0, 0, 160, 120, "nobody", placeholder=Placeholder(image=mark))
            changed = layout.with_regions((nobody, *layout.regions))
            async with httpx.AsyncClient(timeout=30) as http:
                for label, value in values.items():
                    body = {"layout": _hostile(changed, "placeholder", value)}
                    answer = await http.put(change, json=body)
                    messages[f"live-{label}"] = _refused(answer, service, tmp_path)
                fine = await http.put(change, json={"layout": changed.to_json()})
                assert fine.status_code == 200, fine.text
            with pytest.raises(InvalidRequest) as unknown:
                await api.set_layout(rec_id, _hostile(changed, "placeholder", "nothere.png"))
            assert unknown.value.number == 42208
            # A second of the new layout in the file before it stops.
            since = (await api.recording(rec_id)).elapsed
            await wait_until(lambda: _elapsed_past(api, rec_id, since + 1.0))
            stopped = await api.stop(rec_id)
            return stopped.model_dump(mode="json")

    done = run(scenario())
    assert messages["live-existing"] == messages["live-missing"]
    assert (done["state"], done["reason"]) == ("completed", "stopped"), done
    [file] = done["files"]
    with av.open(str(service.data_dir / file["path"])) as container:
        pictures = list(container.decode(video=0))  # to its end, without an error
    assert len(pictures) > 10
    assert near(rgb_at(pictures[-1], 590, 25), MAGENTA)
    assert near(rgb_at(pictures[-1], 80, 60), MAGENTA)  # the placeholder of nobody
    assert listener.connections == 0


async def _recording(api: RecDeskClient, rec_id: str) -> bool:
    return (await api.recording(rec_id)).state == "recording"


async def _elapsed_past(api: RecDeskClient, rec_id: str, seconds: float) -> bool:
    return (await api.recording(rec_id)).elapsed >= seconds


_PRESET = """
[presets.branded]
mode = "mixed"

[presets.branded.layout]
version = 1
template = "grid"

[presets.branded.layout.canvas.watermark]
image = "{image}"
x = 16
y = 16
width = 64
height = 32
"""


@pytest.mark.parametrize("image", ["/etc/logo.png", "../logo.png", "http://127.0.0.1:9/x.png"])
def test_a_config_preset_names_images_of_the_area_only(tmp_path: Path, image: str) -> None:
    config = tmp_path / "recdesk.toml"
    config.write_text(_PRESET.format(image="logo.png"))
    assert "branded" in load_config(config).presets  # beside it, a name: read
    config.write_text(_PRESET.format(image=image))
    with pytest.raises(ConfigError, match=r"canvas\.watermark\.image: must name an image"):
        load_config(config)


def test_recdesk_ctl_lists_uploads_and_deletes_images(
    service: ServiceProcess, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = tmp_path / "ctl logo.png"
    local.write_bytes(png(64, 32))
    name = f"ctl-{secrets.token_hex(3)}.png"
    base = ["--url", service.url, "images"]

    assert ctl([*base, "upload", str(local), "--name", name]) == 0
    assert ctl(base) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].split() == ["NAME", "FORMAT", "PICTURE", "SIZE", "STORED"]
    assert any(line.split()[:3] == [name, "png", "64x32"] for line in listed)
    assert ctl([*base, "delete", name]) == 0
    assert ctl([*base, "delete", name]) == 1
    assert "40406 image_not_found" in capsys.readouterr().err
