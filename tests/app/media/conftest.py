"""Helpers for running `recdesk-record` in-process and reading its JSON lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.media.cli import main
from tests.helpers.media import events

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
