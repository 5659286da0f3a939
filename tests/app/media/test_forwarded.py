"""RTP forwarded by an SFU: copied into files, in sync, through keyframe requests and returns.

The media come from the real ffmpeg CLI (`-f rtp`, no RTCP, as Janus's forwarders send them)
through `Sfu`, a stand-in for the SFU's forwarder: it relays the RTP to the source's ports, latches
to its `rtcp` port as Janus does, counts the keyframe requests (PLIs) that come back, and drops
packets when told to (loss injected for real).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.media.errors import SourceError
from app.media.formats import FORMATS
from app.media.plan import plan_outputs
from app.media.remux import Remuxer, RemuxResult
from app.media.sinks.container import ContainerSink, StreamInput
from app.media.sources import ForwardedSource, open_source, parse_source
from app.media.sources.forwarded import ForwardedSpec, ForwardedTrack
from tests.helpers.media import decodes, probe
from tests.helpers.mix import beep_onsets, flash_times

FPS = 15
PT = {"video": 96, "audio": 111}
_ENCODERS = {
    "vp8": ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8"],
    # FFmpeg's VP9 packetizer follows a draft of RFC 9628, hence "experimental".
    "vp9": ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-strict", "-2"],
    "h264": ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0"],
    "opus": ["-c:a", "libopus"],
}
# A white flash and a 1 kHz beep once a second, at the same media time (one 15 fps frame).
FLASH = "between(mod(t,1),0.25,0.3)"
BLACK_FLASHING = f"color=c=black:size=320x240:rate={FPS},drawbox=c=white:t=fill:enable='{FLASH}'"
BEEPING = f"aevalsrc='if({FLASH},0.5*sin(2*PI*1000*t),0)':s=48000"


def udp_ports(count: int) -> list[int]:
    """Free UDP ports on loopback."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def bound(port: int) -> bool:
    """Whether a UDP socket of this process is bound to `port` (other programs' do not count)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            link = os.readlink(f"/proc/self/fd/{fd}")
            if link.startswith("socket:["):
                inodes.add(link[len("socket:[") : -1])
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[9] in inodes:
                return True
    return False


def wait_for(condition: Any, timeout: float = 15.0, what: str = "condition") -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


class Sfu:
    """A stand-in for an SFU's RTP forwarder; see the module docstring."""

    def __init__(self, spec: ForwardedSpec) -> None:
        self._spec = spec
        self.inputs = {medium: self._socket() for medium in spec.tracks}  # the ffmpeg CLI's
        self._out = self._socket()
        self._feedback = self._socket()
        self.first_arrival: dict[str, float] = {}
        self.ssrcs: dict[str, int] = {}
        self.plis: list[int] = []  # the media SSRC of each PLI received
        self._drop = {medium: 0 for medium in spec.tracks}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _socket() -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        return sock

    def port(self, medium: str) -> int:
        """Where the ffmpeg CLI sends this medium's RTP."""
        return int(self.inputs[medium].getsockname()[1])

    def latch(self) -> None:
        """What Janus does when a forwarder is created: two empty RTP packets to the rtcp port."""
        assert self._spec.rtcp is not None
        for _ in range(2):
            self._feedback.sendto(b"\x80" + bytes(11), (self._spec.host, self._spec.rtcp))

    def drop(self, medium: str, count: int) -> None:
        """Lose the next `count` packets of a medium."""
        self._drop[medium] = count

    def _run(self) -> None:
        mediums = {sock: medium for medium, sock in self.inputs.items()}
        while not self._stop.is_set():
            ready, _, _ = select.select([*mediums, self._feedback], [], [], 0.1)
            for sock in ready:
                data = sock.recv(65536)
                if sock is self._feedback:
                    first, kind, _, _, media_ssrc = struct.unpack_from("!BBHII", data)
                    if kind == 206 and first & 0x1F == 1:
                        self.plis.append(media_ssrc)
                    continue
                medium = mediums[sock]
                self.first_arrival.setdefault(medium, time.time())
                self.ssrcs[medium] = struct.unpack_from("!I", data, 8)[0]
                if self._drop[medium]:
                    self._drop[medium] -= 1
                    continue
                port = self._spec.tracks[medium].port  # type: ignore[index]
                self._out.sendto(data, (self._spec.host, port))

    def close(self) -> None:
        """Stop relaying and release the sockets."""
        self._stop.set()
        self._thread.join(5)
        for sock in [*self.inputs.values(), self._out, self._feedback]:
            sock.close()


def send(port: int, medium: str, codec: str, seconds: float, graph: str) -> subprocess.Popen[bytes]:
    """The ffmpeg CLI sending `seconds` of a lavfi graph as RTP to `port` in real time, one
    keyframe only."""
    encoder = [*_ENCODERS[codec], "-g", "1000"] if medium == "video" else _ENCODERS[codec]
    return subprocess.Popen(
        [
            *("ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i", graph),
            *("-t", f"{seconds:g}", *encoder, "-payload_type", str(PT[medium])),
            *("-rtpflags", "skip_rtcp", "-f", "rtp", f"rtp://127.0.0.1:{port}"),
        ],
        stdout=subprocess.DEVNULL,
    )


def forwarded(video: str | None = "vp8", audio: bool = True, rtcp: bool = True) -> ForwardedSpec:
    """A spec on free loopback ports."""
    ports = udp_ports(3)
    return ForwardedSpec(
        "127.0.0.1",
        video=ForwardedTrack(ports[0], video, PT["video"]) if video else None,
        audio=ForwardedTrack(ports[1], "opus", PT["audio"]) if audio else None,
        rtcp=ports[2] if rtcp else None,
    )


@pytest.fixture
def opening() -> Iterator[concurrent.futures.ThreadPoolExecutor]:
    """Opens sources in the background: opening waits for the media that the test then sends."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        yield pool


def open_forwarded(
    pool: concurrent.futures.ThreadPoolExecutor,
    video: str | None = "vp8",
    audio: bool = True,
    rtcp: bool = True,
    **options: float,
) -> tuple[ForwardedSpec, concurrent.futures.Future[ForwardedSource]]:
    """Start opening a source on free ports; return once its sockets listen.

    Other programs on the machine take UDP ports too: ports taken between their choice and the
    source's bind are chosen again.
    """
    for _ in range(5):
        spec = forwarded(video, audio, rtcp)
        future = pool.submit(ForwardedSource, parse_source(spec.to_argument()), **options)
        ports = [t.port for t in spec.tracks.values()] + ([spec.rtcp] if spec.rtcp else [])
        wait_for(
            lambda ports=ports, future=future: all(map(bound, ports)) or future.done(),
            what="the relay's sockets",
        )
        if future.done() and "cannot listen" in str(future.exception()):
            continue
        return spec, future
    raise AssertionError("no free UDP ports")


class Recording:
    """A source recorded by the engine's remuxer into one file, on a thread of its own."""

    def __init__(self, source: ForwardedSource, out: Path) -> None:
        [plan] = plan_outputs(source.streams, "av", out.with_suffix(""), FORMATS[out.suffix[1:]])
        sink = ContainerSink(plan.path, plan.format, [StreamInput(s, None) for s in plan.streams])
        self.path = plan.path
        self.events: list[dict[str, Any]] = []
        self.remuxer = Remuxer(source, [sink], on_event=lambda e: self.events.append(e.as_event()))
        self._result: list[RemuxResult] = []
        self._thread = threading.Thread(target=lambda: self._result.append(self.remuxer.run()))
        self._thread.start()

    def stop(self) -> RemuxResult:
        """Stop and wait for the file to be finished."""
        self.remuxer.stop()
        self._thread.join(20)
        assert self._result, "the recording did not stop"
        return self._result[0]


def test_forwarded_vp8_and_opus_are_recorded_in_sync_by_arrival(
    opening: concurrent.futures.ThreadPoolExecutor, tmp_path: Path
) -> None:
    spec, future = open_forwarded(opening)
    sfu = Sfu(spec)  # after the relay took its ports
    sfu.latch()
    video = send(sfu.port("video"), "video", "vp8", 3.0, BLACK_FLASHING)
    wait_for(lambda: "video" in sfu.first_arrival, what="the first video packet")
    # The audio forwarder starts about half a second later, with timestamps from its own zero.
    time.sleep(0.5)
    audio = send(sfu.port("audio"), "audio", "opus", 3.0, BEEPING)
    source = future.result(20)
    try:
        recording = Recording(source, tmp_path / "cam.webm")
        assert video.wait(20) == 0
        assert audio.wait(20) == 0
        wait_for(lambda: source.stats.received > 0)
        result = recording.stop()
    finally:
        source.close()
        sfu.close()

    assert result.error is None, result.error
    got = probe(recording.path)
    assert got.codecs() == {"video": "vp8", "audio": "opus"}
    assert (got.streams[0]["width"], got.streams[0]["height"]) == (320, 240)
    assert got.of("video")[0].keyframe
    counts = decodes(recording.path)
    assert counts["video"] == len(got.of("video"))
    assert got.end("video") - got.start("video") == pytest.approx(3.0, abs=0.15)
    assert got.end("audio") - got.start("audio") == pytest.approx(3.0, abs=0.15)
    assert source.stats.lost == 0
    # Each flash and its beep were sent at the same media time; the recording puts them as far
    # apart as their streams' first packets arrived.
    arrived = sfu.first_arrival["audio"] - sfu.first_arrival["video"]
    assert arrived > 0.3
    flashes = flash_times(recording.path, [(160, 120)])
    beeps = beep_onsets(recording.path)
    assert len(flashes) == 3
    assert len(beeps) == 3
    for flash, beep in zip(flashes, beeps, strict=True):
        assert beep - flash == pytest.approx(arrived, abs=0.04)


def hold_the_interpreter(seconds: float) -> None:
    """Keep this process's other threads from running Python for `seconds`, as a busy moment of
    a recording process (a mix starting, a file finishing) can."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(4 * seconds)  # no thread asks for the interpreter back sooner
    try:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass
    finally:
        sys.setswitchinterval(interval)


def test_media_read_late_are_placed_by_when_they_arrived(
    opening: concurrent.futures.ThreadPoolExecutor, tmp_path: Path
) -> None:
    spec, future = open_forwarded(opening, rtcp=False)
    assert spec.video is not None
    assert spec.audio is not None
    video = send(spec.video.port, "video", "vp8", 3.0, BLACK_FLASHING)
    started = time.time()
    time.sleep(0.5)
    audio = send(spec.audio.port, "audio", "opus", 3.0, BEEPING)
    apart = time.time() - started
    # The audio's first packets arrive while the relay's thread cannot run: it reads them a
    # second late.
    hold_the_interpreter(1.0)
    source = future.result(20)
    try:
        recording = Recording(source, tmp_path / "cam.webm")
        assert video.wait(20) == 0
        assert audio.wait(20) == 0
        result = recording.stop()
    finally:
        source.close()

    assert result.error is None, result.error
    flashes = flash_times(recording.path, [(160, 120)])
    beeps = beep_onsets(recording.path)
    assert (len(flashes), len(beeps)) == (3, 3)
    for flash, beep in zip(flashes, beeps, strict=True):
        assert beep - flash == pytest.approx(apart, abs=0.1)


@pytest.mark.parametrize("codec", ["vp9", "h264"])
def test_forwarded_vp9_and_h264_video_is_copied(
    opening: concurrent.futures.ThreadPoolExecutor, tmp_path: Path, codec: str
) -> None:
    spec, future = open_forwarded(opening, video=codec, audio=False, rtcp=False)
    sfu = Sfu(spec)  # after the relay took its ports
    sender = send(sfu.port("video"), "video", codec, 2.0, BLACK_FLASHING)
    source = future.result(20)
    try:
        recording = Recording(source, tmp_path / "cam.mkv")
        assert sender.wait(20) == 0
        result = recording.stop()
    finally:
        source.close()
        sfu.close()

    assert result.error is None, result.error
    got = probe(recording.path)
    assert got.codecs() == {"video": codec}
    assert decodes(recording.path)["video"] == len(got.of("video"))
    assert got.media_duration() == pytest.approx(2.0, abs=0.15)


def test_keyframes_are_asked_for_on_open_on_request_and_after_loss(
    opening: concurrent.futures.ThreadPoolExecutor,
) -> None:
    spec, future = open_forwarded(opening, audio=False, pli_interval=0.3)
    sfu = Sfu(spec)  # after the relay took its ports
    sfu.latch()
    sender = send(sfu.port("video"), "video", "vp8", 4.0, BLACK_FLASHING)
    source = future.result(20)
    try:
        wait_for(lambda: len(sfu.plis) >= 1, what="a PLI on open")
        asked = len(sfu.plis)
        for _ in range(20):  # a burst of requests (resumes): rate-limited, never dropped
            source.want_keyframe()
        wait_for(lambda: len(sfu.plis) > asked, what="a PLI on request")
        asked = len(sfu.plis)
        sfu.drop("video", 3)
        wait_for(lambda: source.stats.lost == 3, what="the loss to be noticed")
        wait_for(lambda: len(sfu.plis) > asked, what="a PLI after loss")
        assert sender.wait(20) == 0
    finally:
        source.close()
        sfu.close()

    assert set(sfu.plis) == {sfu.ssrcs["video"]}
    # Open and first stream, the burst, the loss: each asked once or twice, however often called.
    assert len(sfu.plis) == source.stats.plis <= 6
    for port in (spec.video.port, spec.rtcp):  # type: ignore[union-attr]
        assert not bound(port)  # released for the next recording


def test_a_publisher_who_comes_back_continues_the_same_file(
    opening: concurrent.futures.ThreadPoolExecutor, tmp_path: Path
) -> None:
    spec, future = open_forwarded(opening, audio=False, max_idle=5)
    sfu = Sfu(spec)  # after the relay took its ports
    sfu.latch()
    first = send(sfu.port("video"), "video", "vp8", 2.0, BLACK_FLASHING)
    source = future.result(20)
    try:
        recording = Recording(source, tmp_path / "cam.webm")
        assert first.wait(20) == 0
        # A new forwarder: a new SSRC, new sequence numbers and timestamps, the same ports.
        sfu.latch()
        second = send(sfu.port("video"), "video", "vp8", 2.0, BLACK_FLASHING)
        assert second.wait(20) == 0
        wait_for(lambda: any(e["event"] == "source-back" for e in recording.events))
        result = recording.stop()
    finally:
        source.close()
        sfu.close()

    assert result.error is None, result.error
    assert source.stats.restarts == 1
    names = [e["event"] for e in recording.events]
    assert names.count("source-lost") == names.count("source-back") == 1
    got = probe(recording.path)
    assert decodes(recording.path)["video"] == len(got.of("video"))
    # Both publishers' pictures, joined without the gap (the keyframe of the second is not lost).
    assert got.media_duration() == pytest.approx(4.0, abs=0.3)


def test_a_source_that_never_sends_fails_to_open_and_frees_its_ports() -> None:
    spec = forwarded()
    with pytest.raises(SourceError, match=r"cannot open forwarded:127\.0\.0\.1"):
        ForwardedSource(parse_source(spec.to_argument()), open_timeout=0.5)
    for port in (spec.video.port, spec.audio.port, spec.rtcp):  # type: ignore[union-attr]
        assert not bound(port)


def test_a_port_in_use_is_refused_with_its_number() -> None:
    spec = forwarded()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", spec.rtcp or 0))
        with pytest.raises(SourceError, match=f"port {spec.rtcp}"):
            open_source(parse_source(spec.to_argument()))
    assert not bound(spec.video.port)  # type: ignore[union-attr]


def test_the_argument_round_trips_and_bad_ones_say_what_fits() -> None:
    text = "forwarded:10.16.77.1?video=5004/vp8/96&audio=5006/opus/111&rtcp=5008"
    spec = parse_source(text)
    assert (spec.kind, str(spec)) == ("forwarded", text)
    parsed = ForwardedSpec.parse(spec.target)
    assert parsed == ForwardedSpec(
        "10.16.77.1", ForwardedTrack(5004, "vp8", 96), ForwardedTrack(5006, "opus", 111), 5008
    )
    assert parsed.to_argument() == text
    assert ForwardedSpec.parse("0.0.0.0?audio=7000/opus/100").to_argument() == (
        "forwarded:0.0.0.0?audio=7000/opus/100"
    )
    for bad, says in [
        ("forwarded:127.0.0.1?video=5004/av1/96", "use vp8, vp9, h264"),
        ("forwarded:127.0.0.1?audio=5004/aac/96", "use opus"),
        ("forwarded:127.0.0.1?video=5004/vp8/8", "96-127"),
        ("forwarded:127.0.0.1", "give video="),
        ("forwarded:127.0.0.1?audio=5004/opus/96&rtcp=5006", "needs video="),
        ("forwarded:camera?video=5004/vp8/96", "local IP address"),
        ("forwarded:127.0.0.1?video=5004/vp8/96&rtcp=5004", "once"),
        ("forwarded:127.0.0.1?video=5004/vp8", "PORT/CODEC/PT"),
        ("forwarded:127.0.0.1?sound=5004/opus/96", "unknown part"),
    ]:
        with pytest.raises(SourceError, match=says):
            open_source(parse_source(bad))
