"""The level meter's ballistics: up at once, down smoothly, the peak held a while."""

from __future__ import annotations

import pytest

from ui.local.level_meter import FALL_DB_PER_S, FLOOR_DB, HOLD_S, Ballistics


def test_the_bar_jumps_up_and_falls_back_at_its_rate() -> None:
    meter = Ballistics()
    meter.feed(-12.0, now=10.0)
    assert meter.level == -12.0
    meter.feed(-40.0, now=10.5)  # quieter: the bar falls, it does not jump down
    assert meter.level == pytest.approx(-12.0 - FALL_DB_PER_S * 0.5)
    meter.advance(now=100.0)
    assert meter.level == FLOOR_DB


def test_the_peak_is_held_then_falls() -> None:
    meter = Ballistics()
    meter.feed(-6.0, now=0.0)
    meter.advance(now=HOLD_S - 0.1)
    assert meter.peak == -6.0
    meter.advance(now=HOLD_S + 1.0)
    assert meter.peak < -6.0
    meter.advance(now=1000.0)
    assert meter.resting


def test_readings_are_kept_on_the_scale() -> None:
    meter = Ballistics()
    meter.feed(3.0, now=0.0)  # a clipped reading
    assert meter.level == meter.peak == 0.0
    meter.reset()
    meter.feed(-90.0, now=1.0)  # the recorder's silence
    assert meter.level == FLOOR_DB
