"""Capture devices, for real: an X screen (Xvfb) through x11grab, and ALSA's null capture device."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.media.conftest import Record
from tests.helpers.media import decodes, probe
from tests.helpers.xvfb import Xvfb


def test_screen_capture_is_encoded_to_h264(record: Record, xvfb: Xvfb, tmp_path: Path) -> None:
    [event] = record(f"x11grab:{xvfb.display}", "-o", tmp_path / "screen.mp4", "--duration", "1")

    got = probe(tmp_path / "screen.mp4")
    assert got.codecs() == {"video": "h264"}
    assert (got.streams[0]["width"], got.streams[0]["height"]) == (640, 480)
    assert event["reencoded"] == [{"type": "video", "from": "rawvideo", "to": "h264"}]
    assert got.media_duration() == pytest.approx(1.0, abs=0.05)
    assert decodes(tmp_path / "screen.mp4")["video"] == len(got.of("video"))


def test_alsa_capture_is_encoded_to_aac(record: Record, tmp_path: Path) -> None:
    [event] = record("alsa:null", "-o", tmp_path / "mic.m4a", "--duration", "1")

    assert event["path"] == str(tmp_path / "mic.m4a")
    assert event["reencoded"] == [{"type": "audio", "from": "pcm_s16le", "to": "aac"}]
    got = probe(tmp_path / "mic.m4a")
    assert got.codecs() == {"audio": "aac"}
    assert got.media_duration() == pytest.approx(1.0, abs=0.05)
