"""Session-wide fixtures: generated clips and demo media (made once per session), a real
nginx-rtmp server, a real `recdesk-server --demo` shared by the tests that only drive it, one
whose rooms come from the nginx-rtmp server, and a private PostgreSQL."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.service.rooms.demo import DEMO_ROOMS
from app.service.rooms.demo_media import generate, plan_room
from tests.helpers.images import Listener
from tests.helpers.janus.lab import JanusLab
from tests.helpers.media import ClipSpec, make_clip
from tests.helpers.postgres import PostgresServer
from tests.helpers.rtmp import NginxRtmp
from tests.helpers.service import ServiceProcess
from tests.helpers.sound import SoundServer
from tests.helpers.xvfb import Xvfb

# Tests marked for one system (`windows`, `macos`, `linux`) are deselected elsewhere, not skipped:
# a skip fails CI, and nothing that runs on this system is ever left out.
_SYSTEM_MARKERS = {"windows": "win32", "macos": "darwin", "linux": "linux"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the tests of another operating system."""
    other = {m for m, platform in _SYSTEM_MARKERS.items() if not sys.platform.startswith(platform)}
    kept, dropped = [], []
    for item in items:
        (dropped if other & {m.name for m in item.iter_markers()} else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the session's clips are generated into."""
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def h264_aac(clips: Path) -> Path:
    """4 s of 320x240 30 fps H.264 (B-frames, a keyframe a second) and 48 kHz stereo AAC, MP4."""
    return make_clip(clips / "h264_aac.mp4", ClipSpec())


@pytest.fixture(scope="session")
def vp8_opus(clips: Path) -> Path:
    """4 s of VP8 with Opus, in WebM."""
    return make_clip(clips / "vp8_opus.webm", ClipSpec("libvpx", "libopus"))


@pytest.fixture(scope="session")
def h264_only(clips: Path) -> Path:
    """4 s of H.264 without audio."""
    return make_clip(clips / "h264_only.mp4", ClipSpec(audio=None))


@pytest.fixture(scope="session")
def aac_only(clips: Path) -> Path:
    """4 s of AAC without video."""
    return make_clip(clips / "aac_only.m4a", ClipSpec(video=None))


@pytest.fixture(scope="session")
def rtmp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NginxRtmp]:
    """nginx with the RTMP module on a loopback port, for the whole session."""
    server = NginxRtmp(tmp_path_factory.mktemp("nginx"))
    yield server
    server.stop()


_RTMP_CONFIG = """
[[providers]]
kind = "rtmp"
name = "nginx"
stat_url = "{stat_url}"
rtmp_url = "{rtmp_url}"
poll_seconds = 0.2

# Rooms named auto* are recorded as soon as someone publishes (see test_rtmp_recording.py).
[presets.auto]
mode = "single"
format = "mp4"
folder = "auto"
max_idle_seconds = 1.5

[[auto_record]]
rooms = "auto*"
preset = "auto"
"""


@pytest.fixture(scope="session")
def rtmp_service(
    rtmp_server: NginxRtmp, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    """A `recdesk-server --config` whose rooms come from the session's nginx-rtmp."""
    folder = tmp_path_factory.mktemp("rtmp-service")
    config = folder / "recdesk.toml"
    config.write_text(
        _RTMP_CONFIG.format(stat_url=rtmp_server.stat_url, rtmp_url=rtmp_server.rtmp_url)
    )
    running = ServiceProcess(folder / "data", None, "--config", str(config)).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def janus_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JanusLab]:
    """The real Janus in a network namespace of its own, for the whole session."""
    lab = JanusLab(tmp_path_factory.mktemp("janus"))
    yield lab
    lab.close()


@pytest.fixture(scope="session")
def janus_service(
    janus_lab: JanusLab, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    """A `recdesk-server --config` whose rooms are the session Janus's."""
    folder = tmp_path_factory.mktemp("janus-service")
    config = folder / "recdesk.toml"
    config.write_text(janus_lab.service_config())
    running = ServiceProcess(folder / "data", None, "--config", str(config)).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A private PostgreSQL for the session, on a unix socket only; `create_database()` gives a
    test a fresh database of its own (see tests/helpers/postgres.py)."""
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def xvfb() -> Iterator[Xvfb]:
    """A 640x480 virtual X screen for the session."""
    screen = Xvfb(640, 480)
    yield screen
    screen.stop()


@pytest.fixture(scope="session")
def demo_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A media folder with every demo room's files and their manifest."""
    folder = tmp_path_factory.mktemp("demo-media")
    files = [f for room in DEMO_ROOMS for f in plan_room(room.room_id, room.people)]
    for _ in generate(files, folder):
        pass
    return folder


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory, demo_media: Path) -> Iterator[ServiceProcess]:
    """One real `recdesk-server --demo` for the session (nobody joins or leaves by themselves)."""
    running = ServiceProcess(tmp_path_factory.mktemp("service") / "data", demo_media).start()
    running.wait_rooms("call", "meeting", "class", "webinar", "podcast")
    yield running
    running.stop()


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A TCP listener on loopback that counts who connects: nothing may (see `Listener`)."""
    running = Listener()
    yield running
    running.close()


@pytest.fixture(scope="session")
def sound_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoundServer]:
    """A private PulseAudio for the session (see `SoundServer`): the server of this process and
    its children, whose `soundcard` connects to it when first imported."""
    server = SoundServer(tmp_path_factory.mktemp("pulseaudio"), "pulseaudio")
    server.export()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pipewire_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoundServer]:
    """A private PipeWire (with WirePlumber and its Pulse server) for the session, reached from
    child processes given its `env` (this process's `soundcard` talks to `sound_server`)."""
    server = SoundServer(tmp_path_factory.mktemp("pipewire"), "pipewire")
    yield server
    server.stop()
