"""`MixMembers`: joins and leaves before, during and after a mix, with a fake mix and inputs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from app.media.mix.inputs import MixInput
from app.media.mix.source import MixSource
from app.media.pipeline.members import MixMembers


@dataclass(frozen=True)
class _Item:
    stream_id: str


@dataclass
class _Input:
    stream_id: str
    closed: bool = False

    def close(self) -> None:
        self.closed = True


@dataclass
class _Mix:
    ids: list[str] = field(default_factory=list)

    def add_input(self, item: _Input) -> None:
        self.ids.append(item.stream_id)

    def remove_input(self, stream_id: str) -> None:
        self.ids.remove(stream_id)


class _Opener:
    """Opens `_Input`s; those named in `held` wait for `release`, those in `failing` raise."""

    def __init__(self, *, held: tuple[str, ...] = (), failing: tuple[str, ...] = ()) -> None:
        self.held, self.failing = held, failing
        self.release = threading.Event()
        self.opened: list[_Input] = []

    def __call__(self, item: _Item) -> MixInput:
        if item.stream_id in self.held:
            self.release.wait(5)
        if item.stream_id in self.failing:
            raise OSError(f"{item.stream_id} does not answer")
        opened = _Input(item.stream_id)
        self.opened.append(opened)
        return cast(MixInput, opened)


def _members(opener: _Opener, *ids: str, **kwargs: Any) -> MixMembers[_Item]:
    return MixMembers([_Item(i) for i in ids], opener, **kwargs)


def _attach(members: MixMembers[_Item], mix: _Mix, *ids: str) -> None:
    mix.ids.extend(ids)
    members.attach(cast(MixSource, mix), ids)


def _soon(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not check():
        assert time.monotonic() < deadline, "not within 5 s"
        time.sleep(0.01)


def test_joins_and_leaves_before_the_mix_are_applied_when_it_exists() -> None:
    opener, mix = _Opener(), _Mix()
    members = _members(opener, "a", "b")
    assert members.add(_Item("c")) == "done"
    assert members.remove("b") == "done"
    _attach(members, mix, "a", "b")
    _soon(lambda: mix.ids == ["a", "c"])
    assert members.in_mix() == {"a", "c"}
    assert members.wanted() == {"a", "c"}


def test_a_join_that_is_in_already_or_a_leave_of_no_one_changes_nothing() -> None:
    members = _members(_Opener(), "a")
    assert members.add(_Item("a")) == "unchanged"
    assert members.remove("z") == "unchanged"


def test_a_newcomer_who_left_while_opening_is_closed_not_mixed() -> None:
    opener, mix = _Opener(held=("b",)), _Mix()
    members = _members(opener, "a")
    _attach(members, mix, "a")
    members.add(_Item("b"))
    assert members.remove("b") == "done"
    opener.release.set()
    _soon(lambda: bool(opener.opened))
    _soon(lambda: opener.opened[0].closed)
    assert mix.ids == ["a"]


def test_a_newcomer_who_cannot_be_opened_is_reported_and_may_join_again() -> None:
    failed: list[tuple[str, str]] = []
    opener, mix = _Opener(failing=("b",)), _Mix()
    members = _members(
        opener, "a", on_failed=lambda item, exc: failed.append((item.stream_id, str(exc)))
    )
    _attach(members, mix, "a")
    members.add(_Item("b"))
    _soon(lambda: bool(failed))
    assert failed == [("b", "b does not answer")]
    _soon(lambda: "b" not in members.wanted())
    opener.failing = ()
    assert members.add(_Item("b")) == "done"
    _soon(lambda: mix.ids == ["a", "b"])


def test_once_over_joins_are_refused_and_a_late_newcomer_is_closed() -> None:
    failed: list[str] = []
    opener, mix = _Opener(held=("b",)), _Mix()
    members = _members(opener, "a", on_failed=lambda item, _exc: failed.append(item.stream_id))
    _attach(members, mix, "a")
    members.add(_Item("b"))
    members.detach()
    assert members.add(_Item("c")) == "over"
    assert members.remove("a") == "over"
    opener.release.set()
    _soon(lambda: bool(opener.opened) and opener.opened[0].closed)
    assert mix.ids == ["a"]
    assert failed == []
