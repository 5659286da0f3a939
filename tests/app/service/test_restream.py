"""A live stream re-served as MPEG-TS or FLV: playable bytes, and no thread left behind."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import av
import pytest

from app.api.models import StreamKind
from app.media.errors import FormatError, SourceError
from app.media.sources import LiveFileSource
from app.service.live.restream import RestreamFormat, restream
from app.service.rooms.base import LiveStream


def live(path: Path, kind: StreamKind = "camera") -> LiveStream:
    """The stream, live for three loops and most of a second: a second's group of pictures is sent
    at once, so a test gets media without waiting for it, timed far from zero."""
    source = LiveFileSource(str(path))
    position = 3 * source.length + 0.95
    source.close()
    epoch = time.time() - position
    since = datetime.fromtimestamp(epoch, UTC)
    return LiveStream("s", "u", kind, str(path), since, live_file=True, epoch=epoch)


def restream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("restream-")]


async def take(stream: LiveStream, fmt: RestreamFormat, chunks: int) -> bytes:
    """The first `chunks` chunks, then the client goes away."""
    data = bytearray()
    body = restream(stream, fmt)
    async for chunk in body:
        data += chunk
        chunks -= 1
        if chunks == 0:
            break
    assert restream_threads()
    await body.aclose()
    assert restream_threads() == []
    return bytes(data)


def timestamps(data: bytes) -> dict[str, list[tuple[float, float, bool]]]:
    """(decode time, presentation time, keyframe) of each packet, per stream type."""
    out: dict[str, list[tuple[float, float, bool]]] = {}
    with av.open(io.BytesIO(data)) as container:
        for packet in container.demux():
            if packet.dts is None or packet.pts is None:
                continue
            base = Fraction(packet.time_base)
            out.setdefault(packet.stream.type, []).append(
                (float(packet.dts * base), float(packet.pts * base), packet.is_keyframe)
            )
    return out


@pytest.mark.parametrize("fmt", ["ts", "flv"])
def test_a_camera_is_served_from_a_keyframe_with_timestamps_from_zero(
    demo_media: Path, fmt: RestreamFormat
) -> None:
    data = asyncio.run(take(live(demo_media / "meeting/carol-camera.mp4"), fmt, 60))

    with av.open(io.BytesIO(data)) as container:
        assert container.format.name == {"ts": "mpegts", "flv": "flv"}[fmt]
        codecs = {s.type: s.codec_context.name for s in container.streams}
        assert codecs == {"video": "h264", "audio": "aac"}
        pictures = [f for f in container.decode(video=0)]
        assert (pictures[0].width, pictures[0].height) == (640, 360)
    packets = timestamps(data)
    video, audio = packets["video"], packets["audio"]
    assert video[0][2]  # a keyframe first
    assert video[0][1] == pytest.approx(0, abs=0.1)
    assert audio[0][1] == pytest.approx(0, abs=0.1)
    for times in (video, audio):
        dts = [t[0] for t in times]
        assert dts == sorted(dts)
        assert len(set(dts)) == len(dts)
    assert len(pictures) >= len(video) - 2  # every picture decodes


@pytest.mark.parametrize(
    ("name", "kind", "types"),
    [
        ("webinar/peggy-screen.mp4", "screen", {"video"}),
        ("podcast/tess-audio.m4a", "audio", {"audio"}),
    ],
)
def test_a_screen_and_a_voice_are_served_as_they_are(
    demo_media: Path, name: str, kind: StreamKind, types: set[str]
) -> None:
    data = asyncio.run(take(live(demo_media / name, kind), "flv", 12))
    packets = timestamps(data)
    assert set(packets) == types
    for times in packets.values():
        assert times[0][1] == pytest.approx(0, abs=0.1)
        assert [t[0] for t in times] == sorted(t[0] for t in times)


def test_a_client_that_goes_away_stops_the_thread(demo_media: Path) -> None:
    async def scenario() -> None:
        started = asyncio.Event()

        async def client() -> None:
            async for _ in restream(live(demo_media / "call/alice-camera.mp4"), "ts"):
                started.set()

        task = asyncio.create_task(client())
        await asyncio.wait_for(started.wait(), 30)
        assert len(restream_threads()) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert restream_threads() == []

    asyncio.run(scenario())


def test_a_source_that_cannot_be_opened_or_carried_is_an_error(
    tmp_path: Path, vp8_opus: Path
) -> None:
    async def drain(stream: LiveStream, fmt: RestreamFormat) -> None:
        async for _ in restream(stream, fmt):
            pass

    missing = LiveStream("s", "u", "camera", str(tmp_path / "gone.mp4"), datetime.now(UTC))
    with pytest.raises(SourceError):
        asyncio.run(drain(missing, "ts"))
    with pytest.raises(FormatError, match="flv cannot carry vp8"):
        asyncio.run(drain(live(vp8_opus), "flv"))
    assert restream_threads() == []
