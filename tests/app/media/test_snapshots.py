"""JPEG snapshots of a stream being remuxed: periodic, on demand, and never fatal."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from collections.abc import Container, Iterator
from contextlib import contextmanager
from pathlib import Path

import av
import av.stream
import pytest

from app.media.snapshots import Snapshot, Snapshotter, existing_snapshots, snapshot_path
from tests.helpers.media import FPS, HEIGHT, WIDTH, events

FRAME = 1 / FPS
Fed = list[tuple[av.Packet, float]]


@contextmanager
def demuxed(path: Path | str, **open_args: str) -> Iterator[tuple[av.stream.Stream, Fed]]:
    """A file's video stream and its packets in decode order, each with its output time (the
    first packet's pts is zero, as the remuxer rebases it)."""
    with av.open(str(path), **open_args) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.size]
        first = packets[0].pts
        yield stream, [(p, float((p.pts - first) * p.time_base)) for p in packets]


def run(snapshotter: Snapshotter, fed: Fed, request_at: Container[int] = ()) -> None:
    """Feed packets; ask for a snapshot right after feeding the packets numbered in `request_at`."""
    for i, (packet, at) in enumerate(fed):
        snapshotter.feed(packet, at)
        if i in request_at:
            snapshotter.request()
    snapshotter.close()


def jpeg_size(path: Path) -> tuple[int, int]:
    """Open a snapshot as any reader would; return the size of its one picture."""
    with av.open(str(path)) as container:
        assert container.format.name in {"image2", "jpeg_pipe", "mjpeg"}
        frame = next(container.decode(video=0))
        return frame.width, frame.height


def shown_at(source: Path, jpeg: Path, near: float) -> float:
    """The time of the source's frame that the JPEG shows, among those within 0.1 s of `near`.

    Each `testsrc2` frame differs from the next; compared a pixel in five, the frame a JPEG was
    made from is off by about one level in 255, its neighbours by four or more.
    """
    with av.open(str(jpeg)) as container:
        shot = bytes(next(container.decode(video=0)).reformat(format="rgb24").planes[0])[::5]
    scores: dict[float, float] = {}
    with av.open(str(source)) as container:
        for frame in container.decode(video=0):
            if abs(frame.time - near) <= 0.1:
                pixels = bytes(frame.reformat(format="rgb24").planes[0])[::5]
                scores[frame.time] = sum(abs(a - b) for a, b in zip(pixels, shot, strict=True))
    return min(scores, key=scores.__getitem__)


def test_one_snapshot_a_second_of_h264_with_b_frames(h264_aac: Path, tmp_path: Path) -> None:
    taken: list[Snapshot] = []
    with demuxed(h264_aac) as (stream, fed):
        run(Snapshotter(stream, tmp_path / "talk", every=1.0, on_snapshot=taken.append), fed)

    assert [s.path.name for s in taken] == [f"talk-snap-0000{n}.jpg" for n in (1, 2, 3, 4)]
    assert [s.at for s in taken] == pytest.approx([0, 1, 2, 3], abs=2 * FRAME)
    for snapshot in taken:
        assert jpeg_size(snapshot.path) == (WIDTH, HEIGHT)
        # `at` is the time of the picture the file shows.
        assert shown_at(h264_aac, snapshot.path, snapshot.at) == pytest.approx(snapshot.at)
    assert sorted(p.name for p in tmp_path.iterdir()) == [s.path.name for s in taken]
    assert existing_snapshots(tmp_path / "talk") == [s.path for s in taken]
    assert taken[1].as_event() == {
        "event": "snapshot",
        "path": str(tmp_path / "talk-snap-00002.jpg"),
        "at": round(taken[1].at, 3),
    }


def test_a_request_adds_one_snapshot_at_the_next_packet(h264_aac: Path, tmp_path: Path) -> None:
    taken: list[Snapshot] = []
    with demuxed(h264_aac) as (stream, fed):
        # Mid-group, between two due times: the group so far is decoded, B-frames and all.
        asked = next(i for i, (_, at) in enumerate(fed) if at >= 1.5)
        run(Snapshotter(stream, tmp_path / "t", every=1.0, on_snapshot=taken.append), fed, {asked})
        next_at = fed[asked + 1][1]

    assert [s.path.name for s in taken] == [f"t-snap-0000{n}.jpg" for n in range(1, 6)]
    assert [s.at for s in taken] == sorted(s.at for s in taken)
    # The picture presented last among the packets fed by then, a frame or two from the packet.
    assert taken[2].at == pytest.approx(next_at, abs=3 * FRAME)
    assert jpeg_size(taken[2].path) == (WIDTH, HEIGHT)
    assert shown_at(h264_aac, taken[2].path, taken[2].at) == pytest.approx(taken[2].at)


def test_without_an_interval_only_requests_are_taken(h264_aac: Path, tmp_path: Path) -> None:
    taken: list[Snapshot] = []
    with demuxed(h264_aac) as (stream, fed):
        run(Snapshotter(stream, tmp_path / "a", every=None, on_snapshot=taken.append), fed)
        assert taken == []
        run(Snapshotter(stream, tmp_path / "b", every=None, on_snapshot=taken.append), fed, {70})

    [snapshot] = taken
    assert snapshot.path == tmp_path / "b-snap-00001.jpg"
    assert 2.0 <= snapshot.at <= 2.6
    assert jpeg_size(snapshot.path) == (WIDTH, HEIGHT)


def test_vp8(vp8_opus: Path, tmp_path: Path) -> None:
    taken: list[Snapshot] = []
    with demuxed(vp8_opus) as (stream, fed):
        run(Snapshotter(stream, tmp_path / "v", every=1.0, on_snapshot=taken.append), fed)

    assert len(taken) == 4
    assert [s.at for s in taken] == pytest.approx([0, 1, 2, 3], abs=2 * FRAME)
    assert all(jpeg_size(s.path) == (WIDTH, HEIGHT) for s in taken)


def test_raw_frames_from_lavfi(tmp_path: Path) -> None:
    taken: list[Snapshot] = []
    graph = "testsrc2=size=160x120:rate=10:duration=1"
    with demuxed(graph, format="lavfi") as (stream, fed):
        assert stream.codec_context.name == "wrapped_avframe"
        run(Snapshotter(stream, tmp_path / "raw", every=0.5, on_snapshot=taken.append), fed)

    assert [s.at for s in taken] == pytest.approx([0.0, 0.5])
    assert all(jpeg_size(s.path) == (160, 120) for s in taken)


def test_skipped_due_times_give_one_snapshot_not_a_burst(h264_aac: Path, tmp_path: Path) -> None:
    taken: list[Snapshot] = []
    with demuxed(h264_aac) as (stream, fed):
        # A pause: nothing between 0.5 s and the keyframe at 3 s.
        gap = [(p, at) for p, at in fed if at < 0.5 or at >= 3.0 - FRAME / 2]
        run(Snapshotter(stream, tmp_path / "g", every=1.0, on_snapshot=taken.append), gap)

    assert [s.at for s in taken] == pytest.approx([0, 3], abs=2 * FRAME)


def test_packets_without_pts(h264_aac: Path, tmp_path: Path) -> None:
    taken: list[Snapshot] = []
    with demuxed(h264_aac) as (stream, fed):
        for packet, _ in fed:
            packet.pts = None
        run(Snapshotter(stream, tmp_path / "n", every=2.0, on_snapshot=taken.append), fed)

    # No frame time to map: the time of the packet that made the snapshot due.
    assert [s.at for s in taken] == pytest.approx([0, 2], abs=2 * FRAME)
    assert all(jpeg_size(s.path) == (WIDTH, HEIGHT) for s in taken)


def test_corrupt_data_never_raises(h264_aac: Path, tmp_path: Path) -> None:
    taken: list[Snapshot] = []
    with demuxed(h264_aac) as (stream, fed):
        snapshotter = Snapshotter(stream, tmp_path / "c", every=0.25, on_snapshot=taken.append)
        for i, (packet, at) in enumerate(fed):
            garbage = av.Packet(bytes((i * 37 + k * 11) % 256 for k in range(packet.size)))
            garbage.pts, garbage.dts = packet.pts, packet.dts
            garbage.is_keyframe = packet.is_keyframe
            snapshotter.feed(garbage if i % 3 else packet, at)
            snapshotter.request()
        snapshotter.close()

    # The keyframes were intact, so some snapshots were taken; whatever could be decoded was
    # written whole; nothing was raised and no temporary file is left.
    assert len(taken) >= 4
    assert all(jpeg_size(s.path) == (WIDTH, HEIGHT) for s in taken)
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".jpg")] == []
    assert [s.path for s in taken] == [
        snapshot_path(tmp_path / "c", n + 1) for n in range(len(taken))
    ]


def test_a_snapshot_that_cannot_be_written_is_skipped(
    h264_aac: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    taken: list[Snapshot] = []
    missing = tmp_path / "no-such-folder" / "talk"
    with demuxed(h264_aac) as (stream, fed), caplog.at_level(logging.WARNING):
        run(Snapshotter(stream, missing, every=1.0, on_snapshot=taken.append), fed)

    assert taken == []
    assert "talk-snap-00001.jpg failed" in caplog.text


def test_naming_and_interval() -> None:
    assert snapshot_path(Path("/rec/talk"), 1) == Path("/rec/talk-snap-00001.jpg")
    assert snapshot_path(Path("/rec/take.2026"), 12) == Path("/rec/take.2026-snap-00012.jpg")
    assert Snapshot(Path("/rec/a.jpg"), 1.23456).as_event()["at"] == 1.235
    with demuxed_nothing() as stream, pytest.raises(ValueError, match="positive"):
        Snapshotter(stream, Path("x"), every=0, on_snapshot=print)


@contextmanager
def demuxed_nothing() -> Iterator[av.stream.Stream]:
    with av.open("testsrc2=size=64x48:rate=1:duration=1", format="lavfi") as container:
        yield container.streams.video[0]


def test_packets_of_a_re_encoded_stream(tmp_path: Path) -> None:
    """Raw frames re-encoded to H.264: the stream handed over is the encoder's, not a decoder's."""
    taken: list[Snapshot] = []
    graph = "testsrc2=size=160x120:rate=30:duration=2"
    with (
        av.open(graph, format="lavfi") as source,
        av.open(str(tmp_path / "out.mp4"), "w") as output,
    ):
        stream = output.add_stream("libx264", rate=30, options={"preset": "veryfast", "bf": "2"})
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        snapshotter = Snapshotter(stream, tmp_path / "out", every=1.0, on_snapshot=taken.append)
        for frame in [*source.decode(video=0), None]:
            picture = frame.reformat(format="yuv420p") if frame is not None else None
            for packet in stream.encode(picture):
                at = float(packet.pts * packet.time_base)
                output.mux(packet)
                snapshotter.feed(packet, at)
        snapshotter.close()

    assert [s.at for s in taken] == pytest.approx([0, 1], abs=2 * FRAME)
    assert all(jpeg_size(s.path) == (160, 120) for s in taken)


def test_recdesk_record_snapshots_every_second_and_on_sigusr2(
    h264_aac: Path, tmp_path: Path
) -> None:
    out = tmp_path / "live.mp4"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.media.cli",
            str(h264_aac),
            "--live",
            "-o",
            str(out),
            "--snapshot-every",
            "1",
            "--duration",
            "2.5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    while (line := process.stdout.readline()) and '"snapshot"' not in line:
        lines.append(line)
    lines.append(line)
    process.send_signal(signal.SIGUSR2)  # one more, on demand
    stdout, stderr = process.communicate(timeout=30)

    assert process.returncode == 0, stderr
    shots = events("".join(lines) + stdout, "snapshot")
    # At 0, 1 and 2 s, and one on demand (shortly after 0 s).
    assert len(shots) == 4
    assert [Path(s["path"]).name for s in shots] == [f"live-snap-0000{n}.jpg" for n in range(1, 5)]
    ats = sorted(s["at"] for s in shots)
    assert ats[0] == 0.0
    assert ats[2:] == pytest.approx([1.0, 2.0], abs=1.5 / FPS)
    for shot in shots:
        with av.open(shot["path"]) as container:
            frame = next(container.decode(video=0))
            assert (frame.width, frame.height) == (WIDTH, HEIGHT)
