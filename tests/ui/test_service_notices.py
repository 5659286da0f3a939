"""What the service reports only as events reaches the operator: the main window's banner shows an
automatic recording held by a failure, a callback given up and the service's disk running out
of space, and stays hidden for a room held for no fault (an operator's stop)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.api.models import ClusterHealthModel, ClusterNodeModel, Event, EventType, Health
from tests.ui.conftest import until
from ui.common.appearance import apply_appearance, current_appearance
from ui.connection.connection import Connection
from ui.window import MainWindow


@pytest.fixture
def window(
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: Connection,
    settings: QSettings,
    tmp_path: Path,
) -> Iterator[MainWindow]:
    """The main window on the demo service, once it shows the rooms."""
    shown = MainWindow(connection, settings, data_dir=tmp_path / "app")
    qtbot.addWidget(shown)
    shown.show()
    aloop.run_until_complete(until(lambda: shown.browser.model.rowCount() > 0))
    assert not shown.banner.isVisible()
    yield shown
    shown.close_without_asking()  # this test is not about closing: nothing may hold it open


def _event(type: EventType, data: dict[str, Any]) -> Event:
    return Event(id=1_000_000, type=type, at=datetime.now(UTC), data=data)


def test_an_automatic_recording_that_did_not_start_is_shown_with_its_preset(
    window: MainWindow, connection: Connection
) -> None:
    reason = "the start was refused: room_not_found: no room 'talk-1'"
    data = {"room_id": "talk-1", "preset": "talks", "reason": reason, "failed": True}
    connection.event_received.emit(_event("autorecord.held", data))
    assert window.banner.isVisible()
    text = window.banner.text()
    assert "Room talk-1 is not being recorded automatically" in text
    assert "room_not_found: no room 'talk-1'" in text
    assert "check the preset talks" in text


def test_a_room_held_for_no_fault_shows_nothing(window: MainWindow, connection: Connection) -> None:
    reason = "r_1 ended (completed: stopped)"
    data = {"room_id": "talk-1", "preset": "talks", "reason": reason, "failed": False}
    connection.event_received.emit(_event("autorecord.held", data))
    assert not window.banner.isVisible()


def test_a_callback_given_up_is_shown_with_its_receiver(
    window: MainWindow, connection: Connection
) -> None:
    data = {
        "msg_id": "msg_7",
        "recording_id": "r_1",
        "url": "https://hooks.example.com/in",
        "type": "recording.file",
        "attempts": 41,
        "error": "HTTP 500",
        "created": "2026-11-21T14:05:53.957412Z",
    }
    connection.event_received.emit(_event("webhook.given_up", data))
    assert window.banner.isVisible()
    text = window.banner.text()
    assert "gave up a callback to https://hooks.example.com/in after 41 attempts: HTTP 500" in text
    assert "the recording and its files are kept" in text


@pytest.mark.parametrize("short", [False, True])
def test_a_disk_running_out_of_space_is_shown_with_what_happens(
    window: MainWindow, connection: Connection, short: bool
) -> None:
    data = {"free_bytes": 300_000_000, "reserve_bytes": 268_435_456, "short": short}
    connection.event_received.emit(_event("disk.low", data))
    assert window.banner.isVisible()
    text = window.banner.text()
    assert "300.0 MB free" in text
    if short:
        assert "recordings were stopped and new ones are refused" in text
        assert "Every file recorded so far is kept" in text
    else:
        assert "nearly full" in text
        assert "less than 268.4 MB is free" in text


def test_a_cluster_shows_its_hosts_and_free_cpus_and_a_lost_host_in_the_status_bar(
    window: MainWindow, connection: Connection
) -> None:
    label = window.status.cluster
    assert label.isHidden()  # the built-in service records on this host
    nodes = [
        ClusterNodeModel(id="a1b2c3d4e5", address="10.0.0.2", alive=True, cpus=2, free_cpus=1.2,
                         recordings=1),
        ClusterNodeModel(id="f6e5d4c3b2", address="10.0.0.3", alive=True, cpus=2, free_cpus=1.6),
        ClusterNodeModel(id="0a0b0c0d0e", address="10.0.0.4", alive=False, cpus=0, free_cpus=0),
    ]  # fmt: skip
    cluster = ClusterHealthModel(
        address="10.0.0.1:6379", headroom=0.8, cpus=4, free_cpus=2.8, nodes=nodes
    )
    health = Health(version="1", uptime=1, free_bytes=10**9, cluster=cluster)
    connection.health_changed.emit(health)
    assert not label.isHidden()
    assert "Cluster: 2 hosts, 2.8 of 4.0 CPUs free" in label.text()
    assert "1 lost" in label.text()
    tip = label.toolTip()
    assert "10.0.0.1:6379" in tip
    assert "10.0.0.2 (a1b2c3d4): 1 recording, 1.2 of 2.0 CPUs free" in tip
    assert "10.0.0.3 (f6e5d4c3): 0 recordings, 1.6 of 2.0 CPUs free" in tip
    assert "10.0.0.4 (0a0b0c0d): lost" in tip
    # The lost host's colour follows the palette.
    before, shown = current_appearance(), label.text()
    try:
        apply_appearance("dark" if "#c5221f" in shown else "light")
        QApplication.processEvents()
        assert label.text() != shown
    finally:
        apply_appearance(before)
    connection.health_changed.emit(Health(version="1", uptime=1, free_bytes=10**9))
    assert label.isHidden()
