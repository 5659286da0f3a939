"""How long and how often each benchmark group measures: the full run and `--quick`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """How long and how often to measure."""

    long_seconds: int
    short_seconds: int
    repeats: int
    levels: tuple[int, ...]
    live_seconds: float
    join_window: float
    split_seconds: float
    # The parts figure is a ratio of two small slopes, with a target of 5 %: more repeats than the
    # others, which the group's short runs afford.
    survive_repeats: int
    # The mixes: the grid's long inputs and their short cuts, its repeats, the room table's inputs.
    # A mix decodes and encodes every frame, near real time on a 2-core machine: short inputs keep
    # the group to a few minutes.
    mix_long_seconds: int
    mix_short_seconds: int
    mix_repeats: int
    room_seconds: int
    room_repeats: int
    service_repeats: int
    service_rate: float
    service_seconds: float
    desktop_repeats: int
    stall_seconds: float
    local_seconds: float
    live_clip_seconds: int = 30
    mix_clip_seconds: int = 60
    # A Janus room: start repeats, seconds of one publisher for CPU and loss, A/V sync runs.
    janus_repeats: int = 10
    janus_seconds: float = 30.0
    janus_sync_runs: int = 5


FULL = Settings(
    long_seconds=600,
    short_seconds=10,
    repeats=5,
    levels=(25, 50, 75, 100, 125, 150, 200, 300, 400),
    live_seconds=20.0,
    join_window=5.0,
    split_seconds=60.0,
    survive_repeats=9,
    mix_long_seconds=30,
    mix_short_seconds=6,
    mix_repeats=5,
    room_seconds=6,
    room_repeats=3,
    service_repeats=9,
    service_rate=100.0,
    service_seconds=20.0,
    desktop_repeats=5,
    stall_seconds=20.0,
    local_seconds=60.0,
)
QUICK = Settings(
    long_seconds=60,
    short_seconds=10,
    repeats=3,
    levels=(10, 25, 50),
    live_seconds=10.0,
    join_window=2.0,
    # A 60 s input in parts of 60 s would make one part: the smoke test must cross boundaries.
    split_seconds=10.0,
    survive_repeats=3,
    mix_long_seconds=8,
    mix_short_seconds=3,
    mix_repeats=2,
    room_seconds=3,
    room_repeats=1,
    service_repeats=3,
    service_rate=50.0,
    service_seconds=4.0,
    desktop_repeats=2,
    stall_seconds=5.0,
    local_seconds=10.0,
    janus_repeats=3,
    janus_seconds=8.0,
    janus_sync_runs=2,
)
