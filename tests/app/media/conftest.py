"""Helpers for running `recdesk-record` in-process and reading its JSON lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.media.cli import main
from tests.helpers.media import ClipSpec, events, flashing_clip
from tests.helpers.mix import COLORS, FLASHES

Record = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def record(capsys: pytest.CaptureFixture[str]) -> Record:
    """Run `recdesk-record` with these arguments; expect success and return its events.

    Only `file` events unless another `kind` is asked for (None: every event).
    """

    def run(*args: object, kind: str | None = "file") -> list[dict[str, Any]]:
        status = main([str(a) for a in args])
        captured = capsys.readouterr()
        assert status == 0, captured.err
        assert captured.err == ""
        return events(captured.out, kind)

    return run


@pytest.fixture(scope="session")
def people(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Four 3 s participants, 320x240 at 30 fps, one colour each, flashing at `FLASHES`."""
    folder = tmp_path_factory.mktemp("people")
    return {
        name: flashing_clip(folder / f"{name}.mp4", name, FLASHES, ClipSpec(seconds=3.0))
        for name in COLORS
    }
