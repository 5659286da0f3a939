"""Helpers for running `recdesk-record` in-process and reading its JSON lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from app.media.cli import main

Record = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def record(capsys: pytest.CaptureFixture[str]) -> Record:
    """Run `recdesk-record` with these arguments; expect success and return its file events."""

    def run(*args: object) -> list[dict[str, Any]]:
        status = main([str(a) for a in args])
        captured = capsys.readouterr()
        assert status == 0, captured.err
        assert captured.err == ""
        return [json.loads(line) for line in captured.out.splitlines()]

    return run
