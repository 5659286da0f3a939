"""A live stream's current picture: the demo participant's own colour, at the live position."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import av
import pytest

from app.api.models import StreamKind
from app.media.errors import SourceError
from app.media.sources import LiveFileSource
from app.service.live.frames import current_frame, encode_jpeg
from app.service.rooms.base import LiveStream
from app.service.rooms.demo_media import CAMERA_SIZE, PALETTE, square_x

EPOCH = 1_700_000_000.0
# The row through the middle of the camera's square, wherever its bob takes it.
SQUARE_ROW = 160


def live(path: Path, kind: StreamKind = "camera", *, live_file: bool = True) -> LiveStream:
    since = datetime.fromtimestamp(EPOCH, UTC)
    return LiveStream("s", "u", kind, str(path), since, live_file=live_file, epoch=EPOCH)


def row(frame: av.VideoFrame, y: int) -> list[tuple[int, int, int]]:
    plane = frame.reformat(format="rgb24").planes[0]
    data = bytes(plane)[y * plane.line_size : y * plane.line_size + frame.width * 3]
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]


def close(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def square_left(frame: av.VideoFrame) -> int:
    """Where the lighter square starts on its row."""
    pixels = row(frame, SQUARE_ROW)
    return next(x for x, p in enumerate(pixels) if sum(p) > sum(pixels[0]) + 150)


@pytest.mark.parametrize("position", [0.0, 5.5, 40.25, 3600.8])
def test_a_camera_shows_its_colour_at_the_live_position(demo_media: Path, position: float) -> None:
    path = demo_media / "meeting/erin-camera.mp4"
    source = LiveFileSource(str(path))
    loop_length = source.length
    source.close()

    frame = current_frame(live(path), now=EPOCH + position)

    assert frame is not None
    assert (frame.width, frame.height) == CAMERA_SIZE
    assert close(row(frame, 10)[10], PALETTE[2])  # erin is the meeting's third
    in_loop = position % loop_length
    # The frame on screen started at most a frame before the position.
    earliest = square_x(max(0.0, in_loop - 1 / 30))
    assert earliest - 2 <= square_left(frame) <= square_x(in_loop) + 2


def test_each_participant_has_their_own_colour(demo_media: Path) -> None:
    people = ["carol", "dave", "erin", "frank"]
    for index, user in enumerate(people):
        frame = current_frame(live(demo_media / f"meeting/{user}-camera.mp4"), now=EPOCH + 2)
        assert frame is not None
        assert close(row(frame, 350)[630], PALETTE[index]), user


def test_a_screen_is_a_slide_and_a_voice_has_no_picture(demo_media: Path) -> None:
    screen = current_frame(live(demo_media / "webinar/peggy-screen.mp4", "screen"), now=EPOCH + 7)
    assert screen is not None
    assert (screen.width, screen.height) == (1280, 720)
    assert close(row(screen, 100)[1200], PALETTE[0])  # the title bar, in the host's colour
    assert close(row(screen, 700)[1200], (0xF4, 0xF4, 0xF0))  # the page

    assert current_frame(live(demo_media / "podcast/sam-audio.m4a", "audio")) is None


def test_a_stream_that_is_not_a_live_file_gives_its_first_picture(demo_media: Path) -> None:
    frame = current_frame(live(demo_media / "call/bob-camera.mp4", live_file=False))
    assert frame is not None
    assert square_left(frame) == pytest.approx(square_x(0), abs=2)


def test_an_unreachable_url_is_a_source_error() -> None:
    stream = LiveStream("s", "u", "camera", "rtmp://127.0.0.1:9/live/none", datetime.now(UTC))
    with pytest.raises(SourceError):
        current_frame(stream, timeout=2)


def test_jpeg_keeps_the_shape_when_scaled_down(demo_media: Path) -> None:
    frame = current_frame(live(demo_media / "call/alice-camera.mp4"), now=EPOCH + 1)
    assert frame is not None
    for max_width, size in [(None, (640, 360)), (320, (320, 180)), (1000, (640, 360))]:
        data = encode_jpeg(frame, max_width=max_width)
        assert data[:2] == b"\xff\xd8"
        with av.open(io.BytesIO(data)) as jpeg:
            picture = next(jpeg.decode(video=0))
            assert (picture.width, picture.height) == size
            assert close(row(picture, 5)[5], PALETTE[0], tolerance=16)
