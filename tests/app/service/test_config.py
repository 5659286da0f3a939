"""The service's config file: a full one read into typed settings, and every kind of mistake
stopped at the start with one line that names the file and the key."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.api.models import RecordingCreate
from app.service.config import (
    AutoRule,
    ConfigError,
    DemoSettings,
    ServiceConfig,
    load_config,
)
from app.service.rooms.rtmp import DEFAULT_PATTERN, RtmpSettings

FULL = """
[[providers]]
kind = "demo"

[[providers]]
kind = "rtmp"
name = "studio"
stat_url = "http://127.0.0.1:8081/stat"
rtmp_url = "rtmp://127.0.0.1:1935"
applications = ["live", "backstage"]
pattern = '^(?P<room>[^.]+)\\.(?P<user>[^.]+)(?:\\.(?P<kind>camera|screen|audio))?$'
room_prefix = "studio-"
poll_seconds = 0.5

[[providers]]
kind = "rtmp"
name = "hall"
stat_url = "https://hall.example.org/stat"
rtmp_url = "rtmp://hall.example.org"
room_prefix = "hall-"

[presets.lecture]
mode = "mixed"
stream_type = "av"
format = "mp4"
layout = "speaker"
split_seconds = 600
max_idle_seconds = 30
tags = ["lecture"]

[presets.voice]
stream_type = "audio"
format = "m4a"

[presets.silent]
stream_type = "video"
format = "mkv"
user_data = { course = "physics" }

[[auto_record]]
rooms = "studio-class-*"
preset = "lecture"

[[auto_record]]
rooms = ["studio-podcast", "hall-radio-*"]
preset = "voice"
"""


def write(tmp_path: Path, text: str, name: str = "recdesk.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_full_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL))
    demo, studio, hall = config.providers
    assert demo == DemoSettings(name="demo")
    assert studio == RtmpSettings(
        name="studio",
        stat_url="http://127.0.0.1:8081/stat",
        rtmp_url="rtmp://127.0.0.1:1935",
        applications=("live", "backstage"),
        pattern=r"^(?P<room>[^.]+)\.(?P<user>[^.]+)(?:\.(?P<kind>camera|screen|audio))?$",
        room_prefix="studio-",
        poll_seconds=0.5,
    )
    assert isinstance(hall, RtmpSettings)
    assert (hall.applications, hall.pattern, hall.poll_seconds) == ((), DEFAULT_PATTERN, 1.0)

    assert list(config.presets) == ["lecture", "voice", "silent"]
    lecture = config.presets["lecture"].for_room("studio-class-math")
    assert lecture == RecordingCreate(
        room_id="studio-class-math",
        preset="lecture",
        mode="mixed",
        stream_type="av",
        format="mp4",
        layout="speaker",
        split_seconds=600,
        max_idle_seconds=30,
        tags=["lecture"],
    )
    voice = config.presets["voice"].for_room("hall-radio-1")
    assert (voice.mode, voice.stream_type, voice.format) == ("single", "audio", "m4a")
    silent = config.presets["silent"].for_room("x")
    assert (silent.stream_type, silent.user_data) == ("video", '{"course":"physics"}')

    assert config.auto_record == (
        AutoRule(("studio-class-*",), "lecture"),
        AutoRule(("studio-podcast", "hall-radio-*"), "voice"),
    )
    first, second = config.auto_record
    assert first.matches("studio-class-math")
    assert not first.matches("studio-Class-math")  # room ids are case-sensitive
    assert not first.matches("class-math")
    assert second.matches("studio-podcast")
    assert second.matches("hall-radio-7")
    assert not second.matches("studio-podcast-2")


def test_an_empty_file_has_no_providers(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")) == ServiceConfig()


RTMP = """
[[providers]]
kind = "rtmp"
stat_url = "http://127.0.0.1:8081/stat"
rtmp_url = "rtmp://127.0.0.1:1935"
"""

STUDIO = """
[[providers]]
kind = "rtmp"
name = "studio"
stat_url = "http://127.0.0.1:8082/stat"
rtmp_url = "rtmp://127.0.0.1:1936"
"""

MISTAKES = {
    "unknown top-level key": (
        "[server]\nport = 1",
        "server: unknown key; use providers, presets, auto_record, auth, webhooks, storage, disk,"
        " store, cluster",
    ),
    "providers not an array": (
        'providers = "demo"',
        "providers: must be an array of tables ([[providers]])",
    ),
    "unknown key": (
        '[[providers]]\nkind = "demo"\ncolour = "red"',
        "providers[0].colour: unknown key; use kind, name",
    ),
    "kind missing": ("[[providers]]\nname = 'x'", "providers[0].kind: missing"),
    "unknown kind": (
        '[[providers]]\nkind = "sfu"',
        "providers[0].kind: unknown kind 'sfu'; use one of demo, rtmp, janus",
    ),
    "stat_url missing": (
        '[[providers]]\nkind = "demo"\n[[providers]]\nkind = "rtmp"\nroom_prefix = "s-"\n'
        'rtmp_url = "rtmp://127.0.0.1"',
        "providers[1].stat_url: missing",
    ),
    "stat_url not http": (
        RTMP.replace("http://127.0.0.1:8081/stat", "127.0.0.1:8081/stat"),
        "providers[0].stat_url: '127.0.0.1:8081/stat' is not an http:// URL",
    ),
    "rtmp_url not rtmp": (
        RTMP.replace("rtmp://", "http://"),
        "providers[0].rtmp_url: 'http://127.0.0.1:1935' is not an rtmp:// URL",
    ),
    "empty name": (RTMP + 'name = ""', "providers[0].name: must be a non-empty string"),
    "applications not a list": (
        RTMP + "applications = [1]",
        "providers[0].applications: must be a list of application names",
    ),
    "bad regex": (
        RTMP + "pattern = '(?P<room>.+'",
        "providers[0].pattern: not a regular expression: missing ), unterminated subpattern "
        "at position 0",
    ),
    "missing group": (
        RTMP + "pattern = '(?P<room>.+)__(?P<who>.+)'",
        "providers[0].pattern: needs the named group (?P<user>...)",
    ),
    "poll_seconds zero": (
        RTMP + "poll_seconds = 0",
        "providers[0].poll_seconds: must be more than 0",
    ),
    "poll_seconds text": (
        RTMP + 'poll_seconds = "fast"',
        "providers[0].poll_seconds: must be a number of seconds",
    ),
    "two without a prefix": (
        '[[providers]]\nkind = "demo"\n' + STUDIO,
        "providers[1]: 'demo' and 'studio' both have no room_prefix, so they could name the same "
        "room; give one of them a room_prefix",
    ),
    "colliding prefixes": (
        RTMP + 'room_prefix = "studio-"\n' + STUDIO + 'room_prefix = "studio-a"',
        "providers[1]: room_prefix 'studio-a' and 'studio-' (of 'rtmp') could name the same room: "
        "no prefix may start another",
    ),
    "a prefix that starts demo room ids": (
        '[[providers]]\nkind = "demo"\n' + RTMP + 'room_prefix = "c"',
        "providers[1]: room_prefix 'c' of 'rtmp' starts the ids of demo rooms (call, class); "
        "choose another",
    ),
    "one name twice": (
        RTMP + 'room_prefix = "a-"\n' + RTMP + 'room_prefix = "b-"',
        "providers[1]: the name 'rtmp' is taken by another provider; give each a name of its own",
    ),
    "bad preset field": (
        '[presets.lecture]\nstream_type = "both"',
        "presets.lecture.stream_type: Input should be 'audio', 'video', 'av' or 'separate'",
    ),
    "bad preset number": (
        "[presets.lecture]\nmax_idle_seconds = 0",
        "presets.lecture.max_idle_seconds: Input should be greater than 0",
    ),
    "unknown preset key": (
        '[presets.lecture]\ncolour = "red"',
        "presets.lecture.colour: unknown key; a preset takes mode, stream_type, format, reencode, "
        "folder, "
        "name_rule, split_seconds, max_idle_seconds, max_duration_seconds, layout, include, "
        "exclude, snapshot_seconds, user_data, tags, storage, callback_url",
    ),
    "a room in a preset": (
        '[presets.lecture]\nroom_id = "class"',
        "presets.lecture.room_id: a preset records the rooms its rules match; drop room_id",
    ),
    "a preset in a preset": (
        '[presets.lecture]\npreset = "voice"',
        "presets.lecture.preset: a preset cannot name another preset",
    ),
    "a storage profile that is not there": (
        '[presets.lecture]\nstorage = "s3://bucket"',
        "presets.lecture.storage: no storage profile 's3://bucket' ([storage.NAME]: none defined)",
    ),
    "audio format for video": (
        '[presets.voice]\nformat = "m4a"',
        "presets.voice: format m4a holds audio only; use stream_type audio",
    ),
    "unknown layout": (
        '[presets.lecture]\nmode = "mixed"\nlayout = "mosaic"',
        "presets.lecture: layout: unknown template 'mosaic'; use one of grid, floating, "
        "vertical, horizontal, speaker, screen_share, custom or a layout object",
    ),
    "layout in single mode": (
        '[presets.lecture]\nlayout = "grid"',
        "presets.lecture: layout: only a mixed recording has a layout",
    ),
    "rule with an unknown preset": (
        '[presets.lecture]\nmode = "mixed"\n[[auto_record]]\nrooms = "class-*"\npreset = "seminar"',
        "auto_record[0].preset: no preset 'seminar' ([presets.NAME]: lecture)",
    ),
    "rule without rooms": (
        '[presets.lecture]\n[[auto_record]]\npreset = "lecture"',
        "auto_record[0].rooms: missing",
    ),
    "rule with no globs": (
        '[presets.lecture]\n[[auto_record]]\nrooms = []\npreset = "lecture"',
        'auto_record[0].rooms: must be a glob ("class-*") or a list of globs',
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_names_the_file_and_the_key(tmp_path: Path, mistake: str) -> None:
    text, message = MISTAKES[mistake]
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: {message}"
    assert caught.value.caller_fault


def test_bad_toml_says_where(tmp_path: Path) -> None:
    path = write(tmp_path, '[[providers]]\nkind = "demo\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: not valid TOML: ")
    assert "line 2" in str(caught.value)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: cannot read it: No such file"):
        load_config(tmp_path / "nope.toml")


def test_demo_flag_adds_the_demo_rooms_once(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, RTMP + 'room_prefix = "studio-"'))
    with_demo = config.with_demo()
    assert [type(p) for p in with_demo.providers] == [RtmpSettings, DemoSettings]
    assert with_demo.with_demo() == with_demo
    bare = load_config(write(tmp_path, RTMP, "bare.toml"))
    with pytest.raises(ConfigError) as caught:
        bare.with_demo()
    assert str(caught.value) == (
        "--demo: 'rtmp' and 'demo' both have no room_prefix, so they could name the same room; "
        "give one of them a room_prefix"
    )


def server(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.service.main", "--port", "0", *args],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )


def test_server_refuses_a_bad_config_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, RTMP + "pattern = '(?P<room>.+)'")
    done = server("--data-dir", str(tmp_path / "data"), "--config", str(path))
    assert done.returncode == 2
    assert done.stdout == ""  # no URL line: it never listened
    assert done.stderr.splitlines() == [
        f"recdesk-server: {path}: providers[0].pattern: needs the named group (?P<user>...)"
    ]
    bare = write(tmp_path, RTMP, "bare.toml")
    done = server("--data-dir", str(tmp_path / "data"), "--config", str(bare), "--demo")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("recdesk-server: --demo: 'rtmp' and 'demo' both have no")


def test_disk_reserve_is_read_as_a_size(tmp_path: Path):
    config = tmp_path / "recdesk.toml"
    config.write_text('[disk]\nreserve = "64M"\n')
    assert load_config(config).disk_reserve == 64 * 1024 * 1024
    config.write_text("[disk]\nreserve = 1048576\n")
    assert load_config(config).disk_reserve == 1024 * 1024
    config.write_text('[disk]\nreserve = "lots"\n')
    with pytest.raises(ConfigError, match=r"disk\.reserve: 'lots': not a size"):
        load_config(config)
