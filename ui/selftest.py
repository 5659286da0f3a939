"""`recdesk --self-test SECONDS`: record a demo room through the window's own controls, then quit.

The bundle's smoke test (`packaging/smoke.py`) drives the app with it: once the rooms are listed
it selects a demo room, presses Start on the service's record controls (a mixed recording),
presses Stop after SECONDS of recording, waits until the recording list shows the completed
recording with its file, and prints one JSON line, `{"recording": ID, "state": STATE,
"file": PATH}`, or `{"error": WHAT}` when any step fails (the banner's text included).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from app.api.models import Recording
from ui.app import DesktopApp
from ui.window import MainWindow

ROOM = "call"


class SelfTestFailed(Exception):
    """A step of the self-test did not happen in time."""


async def self_test(desktop: DesktopApp, seconds: float, timeout: float = 120.0) -> dict[str, Any]:
    """Record `ROOM` for `seconds` from the window; what was recorded, or what went wrong."""
    window = await desktop.start()
    try:
        return await _record(desktop, window, seconds, time.monotonic() + timeout)
    except SelfTestFailed as exc:
        banner = window.banner.text() if not window.banner.isHidden() else ""
        return {"error": str(exc), "banner": banner}


async def _record(
    desktop: DesktopApp, window: MainWindow, seconds: float, deadline: float
) -> dict[str, Any]:
    controls = window.controls
    await _until(lambda: window.browser.select(ROOM), f"room {ROOM!r} listed", deadline)
    await _until(lambda: controls.room is not None, "the room's controls", deadline)
    controls.form.mode.setCurrentIndex(controls.form.mode.findData("mixed"))
    await _until(controls.start_button.isEnabled, "Start enabled", deadline)
    controls.start_button.click()

    def state() -> str | None:
        return controls.recording.state if controls.recording is not None else None

    await _until(lambda: state() in ("recording", "failed"), "the recording started", deadline)
    recording_id = controls.recording_id
    if recording_id is None:
        raise SelfTestFailed(f"the recording did not start (state {state()})")
    await asyncio.sleep(seconds)  # the recording's own length, not a wait for something
    await _until(controls.stop_button.isEnabled, "Stop enabled", deadline)
    controls.stop_button.click()

    def listed() -> Recording | None:
        row = window.recordings.model.row_of(recording_id)
        return None if row is None else window.recordings.model.recording_at(row)

    def ended() -> bool:
        rec = listed()
        return rec is not None and (
            rec.state == "failed" or (rec.state == "completed" and bool(rec.files))
        )

    await _until(ended, "the recording completed with its file", deadline)
    rec = listed()
    assert rec is not None
    if rec.state != "completed":
        raise SelfTestFailed(f"the recording ended {rec.state}: {rec.reason or 'no reason given'}")
    path = desktop.data_dir / "service" / rec.files[0].path
    return {"recording": rec.id, "state": rec.state, "file": str(path)}


async def _until(check: Callable[[], object], what: str, deadline: float) -> None:
    while not check():
        if time.monotonic() > deadline:
            raise SelfTestFailed(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
