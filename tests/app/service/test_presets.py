"""Presets of the service's config used by a start request (`preset`), and the presets and storage
profiles listed for clients to offer, against a real service started with that config."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from app.api.models import Recording
from app.client.client import RecDeskClient
from tests.app.client.test_ctl_completion import ENV, bash_complete
from tests.helpers.media import decodes, probe
from tests.helpers.service import ServiceProcess, run, wait_until

_CTL = [sys.executable, "-c", "import sys; from app.client.ctl import main; sys.exit(main())"]
SECRET = "sk-never-shown-4f1c"
# A storage no test uploads to: nothing listens on the discard port, so uploads wait and retry.
CONFIG = f"""
[storage.archive]
vendor = "s3_compatible"
endpoint = "http://127.0.0.1:9"
bucket = "recordings"
prefix = "studio"
access_key = "AKIAEXAMPLE"
secret_key = "{SECRET}"

[presets.voice]
mode = "mixed"
stream_type = "audio"
format = "ogg"
tags = ["voice"]

[presets.archived]
stream_type = "audio"
format = "m4a"
storage = "archive"
callback_url = "http://127.0.0.1:9/hooks"
"""


@pytest.fixture(scope="module")
def configured(
    tmp_path_factory: pytest.TempPathFactory, demo_media: Path
) -> Iterator[ServiceProcess]:
    """A real service with the demo rooms, two presets and a storage profile."""
    folder = tmp_path_factory.mktemp("presets")
    config = folder / "recdesk.toml"
    config.write_text(CONFIG)
    with pytest.MonkeyPatch.context() as env:
        # Storage keys are sealed with the service's secret key; the OS keyring stays out of it.
        env.setenv("RECDESK_SECRET_KEY", Fernet.generate_key().decode())
        env.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        service = ServiceProcess(folder / "data", demo_media, "--config", str(config)).start()
    service.wait_rooms("podcast")
    yield service
    service.stop()


async def _recording(api: RecDeskClient, rec_id: str) -> Recording | None:
    rec = await api.recording(rec_id)
    return rec if rec.state == "recording" else None


async def _record_and_stop(api: RecDeskClient, rec: Recording) -> Recording:
    await wait_until(lambda: _recording(api, rec.id))
    await asyncio.sleep(1.0)
    return await api.stop(rec.id)


def test_presets_and_storage_profiles_are_listed_without_keys(configured: ServiceProcess):
    presets = httpx.get(configured.url + "/v1/presets", timeout=10)
    storage = httpx.get(configured.url + "/v1/storage", timeout=10)
    assert presets.status_code == storage.status_code == 200
    assert SECRET not in presets.text + storage.text
    assert "AKIAEXAMPLE" not in presets.text + storage.text
    voice, archived = presets.json()["items"]
    assert voice == {
        "name": "voice",
        "fields": {"mode": "mixed", "stream_type": "audio", "format": "ogg", "tags": ["voice"]},
        "storage": None,
    }
    assert archived["name"] == "archived"
    assert "storage" not in archived["fields"]
    assert archived["storage"]["profile"] == "archive"
    assert archived["storage"]["bucket"] == "recordings"
    [profile] = storage.json()["items"]
    assert (profile["profile"], profile["endpoint"], profile["prefix"]) == (
        "archive",
        "http://127.0.0.1:9",
        "studio",
    )


def test_a_preset_fills_in_what_the_request_leaves_out(configured: ServiceProcess):
    async def scenario() -> tuple[Recording, Recording]:
        async with RecDeskClient(configured.url) as api:
            assert [p.name for p in await api.presets()] == ["voice", "archived"]
            started = await api.start_recording(room_id="podcast", preset="voice")
            assert (started.mode, started.stream_type, started.format) == (
                "mixed",
                "audio",
                "ogg",
            )
            assert (started.preset, started.tags) == ("voice", ["voice"])
            # The request's own fields win: the same preset, another format and no tags.
            overridden = await api.start_recording(
                room_id="podcast", preset="voice", mode="single", format="m4a", tags=[]
            )
            assert (overridden.mode, overridden.format, overridden.tags) == ("single", "m4a", [])
            return await _record_and_stop(api, started), await _record_and_stop(api, overridden)

    mixed, single = run(scenario())
    assert mixed.state == single.state == "completed"
    for rec, suffix in ((mixed, ".ogg"), (single, ".m4a")):
        assert rec.files
        for file in rec.files:
            path = configured.data_dir / file.path
            assert path.suffix == suffix
            assert [s["type"] for s in probe(path).streams] == ["audio"]
            assert decodes(path)["audio"] > 0


def test_a_preset_brings_its_storage_and_callback_unless_the_request_clears_them(
    configured: ServiceProcess,
):
    async def scenario() -> tuple[Recording, Recording]:
        async with RecDeskClient(configured.url) as api:
            kept = await api.start_recording(room_id="podcast", preset="archived")
            await api.stop(kept.id)
            cleared = await api.start_recording(
                room_id="podcast", preset="archived", storage=None, callback_url=None
            )
            return kept, await api.stop(cleared.id)

    kept, cleared = run(scenario())
    assert kept.storage is not None
    assert (kept.storage.profile, kept.storage.bucket) == ("archive", "recordings")
    assert kept.callback_url == "http://127.0.0.1:9/hooks"
    assert (kept.preset, kept.format) == ("archived", "m4a")
    assert (cleared.storage, cleared.callback_url) == (None, None)


def test_an_unknown_preset_is_refused_with_its_code_and_the_known_names(
    configured: ServiceProcess,
):
    answer = httpx.post(
        configured.url + "/v1/recordings",
        json={"room_id": "podcast", "preset": "lectrue"},
        timeout=10,
    )
    assert answer.status_code == 422
    body = answer.json()
    assert (body["code"], body["name"]) == (42211, "unknown_preset")
    assert "'lectrue'" in body["message"]
    assert "voice, archived" in body["message"]
    recordings = httpx.get(configured.url + "/v1/recordings", timeout=10).json()["items"]
    assert all(rec.get("preset") != "lectrue" for rec in recordings)


def test_a_service_without_a_config_lists_no_presets_and_refuses_one(service: ServiceProcess):
    assert httpx.get(service.url + "/v1/presets", timeout=10).json() == {"items": []}
    assert httpx.get(service.url + "/v1/storage", timeout=10).json() == {"items": []}
    answer = httpx.post(
        service.url + "/v1/recordings", json={"room_id": "podcast", "preset": "x"}, timeout=10
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == 42211
    assert "add [presets.NAME]" in answer.json()["message"]


def _ctl(service: ServiceProcess, *words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_CTL, "--url", service.url, *words],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ctl_starts_from_a_preset_with_storage_and_a_callback(configured: ServiceProcess):
    listed = _ctl(configured, "presets")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0].split() == ["NAME", "STORAGE", "FIELDS"]
    assert any(
        line.startswith("voice ") and "format=ogg" in line for line in listed.stdout.splitlines()
    )
    profiles = _ctl(configured, "storage")
    assert profiles.returncode == 0, profiles.stderr
    assert "archive" in profiles.stdout
    assert "127.0.0.1:9/recordings/studio" in profiles.stdout
    assert SECRET not in listed.stdout + profiles.stdout

    started = _ctl(
        configured,
        "--json",
        "record",
        "start",
        "podcast",
        "--preset",
        "voice",
        "--format",
        "m4a",
        "--storage",
        "archive",
        "--callback-url",
        "http://127.0.0.1:9/ctl",
    )
    assert started.returncode == 0, started.stderr
    rec = json.loads(started.stdout)
    assert (rec["preset"], rec["mode"], rec["format"], rec["tags"]) == (
        "voice",
        "mixed",
        "m4a",
        ["voice"],
    )
    assert rec["storage"]["profile"] == "archive"
    assert rec["callback_url"] == "http://127.0.0.1:9/ctl"
    status = _ctl(configured, "record", "status", rec["id"])
    assert "preset" in status.stdout
    assert "voice" in status.stdout
    assert "http://127.0.0.1:9/ctl" in status.stdout
    assert _ctl(configured, "record", "stop", rec["id"]).returncode == 0

    unknown = _ctl(configured, "record", "start", "podcast", "--preset", "nope")
    assert unknown.returncode == 1
    assert "42211" in unknown.stderr
    assert "voice, archived" in unknown.stderr


def test_bash_completes_the_configs_preset_and_storage_names(
    configured: ServiceProcess, tmp_path: Path
):
    env = {**ENV, "RECDESK_URL": configured.url}
    start = "recdesk-ctl record start podcast"
    assert bash_complete(f"{start} --preset ", tmp_path, env) == ["voice", "archived"]
    assert bash_complete(f"{start} --preset a", tmp_path, env) == ["archived"]
    assert bash_complete(f"{start} --storage ", tmp_path, env) == ["archive"]
