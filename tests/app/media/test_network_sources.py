"""Other network protocols: HLS and FLV over HTTP, MPEG-TS over UDP, each from a local server."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import av
import pytest

from tests.app.media.conftest import Record
from tests.helpers.media import FPS, events, probe
from tests.helpers.rtmp import free_port


@pytest.fixture
def http_folder(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on loopback; yields (folder, base URL)."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_hls_over_http(
    record: Record, h264_aac: Path, http_folder: tuple[Path, str], tmp_path: Path
) -> None:
    folder, base = http_folder
    record(h264_aac, "-o", folder / "show.m3u8", "--segment-length", "1")

    [event] = record(f"{base}/show.m3u8", "-o", tmp_path / "show.mp4")

    got = probe(tmp_path / "show.mp4")
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert got.media_duration() == pytest.approx(probe(h264_aac).media_duration(), abs=1 / FPS)
    assert event["reencoded"] == []


def test_flv_over_http(
    record: Record, h264_aac: Path, http_folder: tuple[Path, str], tmp_path: Path
) -> None:
    folder, base = http_folder
    record(h264_aac, "-o", folder / "cam.flv")

    record(f"{base}/cam.flv", "-o", tmp_path / "cam.mkv")

    got, clip = probe(tmp_path / "cam.mkv"), probe(h264_aac)
    assert [p.digest for p in got.of("video")] == [p.digest for p in clip.of("video")]
    assert got.media_duration() == pytest.approx(clip.media_duration(), abs=1 / FPS)


def test_mpegts_over_udp(h264_aac: Path, tmp_path: Path) -> None:
    port = free_port()
    out = tmp_path / "udp.mp4"
    recorder = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.media.cli",
            f"udp://127.0.0.1:{port}",
            "-o",
            str(out),
            "--duration",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Send until the recorder has what it asked for: it opens (and probes) the stream first.
    sender = threading.Thread(target=send_udp, args=(h264_aac, port, recorder), daemon=True)
    sender.start()
    stdout, stderr = recorder.communicate(timeout=60)
    sender.join(10)

    assert recorder.returncode == 0, stderr
    [event] = events(stdout)
    got = probe(out)
    assert got.codecs() == {"video": "h264", "audio": "aac"}
    assert got.of("video")[0].keyframe
    assert event["duration"] == pytest.approx(2.0, abs=1 / FPS)


def send_udp(clip: Path, port: int, recorder: subprocess.Popen[str]) -> None:
    """Stream the clip as MPEG-TS to a UDP port in real time, looping, while the recorder runs."""
    url = f"udp://127.0.0.1:{port}?pkt_size=1316"
    with av.open(str(clip)) as src, av.open(url, "w", format="mpegts") as out:
        streams = {s.index: out.add_stream_from_template(s) for s in src.streams}
        started, loop, length = time.monotonic(), 0, 4.1
        while recorder.poll() is None and loop < 10:
            src.seek(0)
            for packet in src.demux():
                if not packet.size or recorder.poll() is not None:
                    continue
                shift = round(loop * length / packet.time_base)
                packet.pts += shift
                packet.dts += shift
                wait = started + float(packet.dts * packet.time_base) - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                packet.stream = streams[packet.stream_index]
                out.mux(packet)
            loop += 1
