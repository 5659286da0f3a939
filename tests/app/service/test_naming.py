"""Name rules render every field, refuse what could leave the folder, and never reuse a name."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.api.errors import ApiError, ErrorCode
from app.media.pipeline.naming import part_name
from app.service.recordings.naming import (
    check_name_rule,
    default_name_rule,
    random_token,
    render_stem,
    safe_folder,
    unique_stems,
)

WHEN = datetime(2018, 9, 12, 7, 5, 9, tzinfo=UTC)


def render(rule: str, **overrides: object) -> str:
    values: dict[str, object] = {
        "room_id": "room1",
        "task_id": "task9",
        "user_id": "alice",
        "when": WHEN,
        "random": "Ab3x",
    }
    values.update(overrides)
    return render_stem(rule, **values)  # type: ignore[arg-type]


def code_of(call: object, *args: object) -> ErrorCode:
    with pytest.raises(ApiError) as caught:
        call(*args)  # type: ignore[operator]
    assert "\n" not in caught.value.message
    return caught.value.code


def test_every_field() -> None:
    rule = "xx_{random}_{date}_{time}_{roomid}_{userid}_{taskid}_{part}_xx"
    check_name_rule(rule, "single")
    assert render(rule) == "xx_Ab3x_20180912_070509_room1_alice_task9_{part}_xx"


def test_date_and_time_are_utc() -> None:
    beijing = WHEN.astimezone(timezone(timedelta(hours=8)))
    assert render("{date}_{time}", when=beijing) == "20180912_070509"
    assert render("{date}_{time}", when=WHEN.replace(tzinfo=None)) == "20180912_070509"


def test_defaults() -> None:
    assert default_name_rule("single") == "{roomid}_{userid}_{date}_{time}_{random}"
    assert default_name_rule("mixed") == "{roomid}_{date}_{time}_{random}"
    for mode in ("single", "mixed"):
        check_name_rule(default_name_rule(mode), mode)
    assert render(default_name_rule("mixed"), user_id=None) == "room1_20180912_070509_Ab3x"


def test_userid_only_in_single() -> None:
    check_name_rule("ar_{roomid}_{userid}", "single")
    assert code_of(check_name_rule, "ar_{roomid}_{userid}", "mixed") is ErrorCode.invalid_name_rule
    with pytest.raises(ApiError, match="needs a recorded user"):
        render("{roomid}_{userid}", user_id=None)


@pytest.mark.parametrize("rule", ["{foo}", "a_{RoomId}", "{}", "a{date", "a}b", "{{date}}", "x{"])
def test_unknown_fields_and_braces(rule: str) -> None:
    assert code_of(check_name_rule, rule, "single") is ErrorCode.invalid_name_rule


@pytest.mark.parametrize(
    "rule", ["../x", "a/b", "a\\b", "..", "x..y", ".hidden", ".", "a\0b", "/etc/passwd", "{..}"]
)
def test_rules_that_leave_the_folder(rule: str) -> None:
    assert code_of(check_name_rule, rule, "single") is ErrorCode.path_outside_data_dir


@pytest.mark.parametrize("rule", ["", "   ", "a:b", "a|b", "a?", "a*", 'a"b', "a<b>", "a\tb", " a"])
def test_unfit_rules(rule: str) -> None:
    assert code_of(check_name_rule, rule, "single") is ErrorCode.invalid_name_rule


def test_length_limit() -> None:
    check_name_rule("a" * 200, "single")
    assert code_of(check_name_rule, "a" * 201, "single") is ErrorCode.limit_exceeded
    # Counted in bytes, as file systems count them.
    assert code_of(check_name_rule, "录" * 70, "single") is ErrorCode.limit_exceeded
    check_name_rule("录像_{roomid}", "single")


def test_ids_are_cleaned_into_file_name_characters() -> None:
    stem = render("{roomid}_{userid}", room_id="../../etc", user_id="a b/c\\d:é")
    assert stem == "_._.._etc_a_b_c_d_é"
    assert "/" not in stem
    assert not stem.startswith(".")
    assert render("{roomid}", room_id="..") == "_."
    assert len(render("{roomid}", room_id="r" * 500)) == 64
    assert code_of(lambda: render("{roomid}", room_id="")) is ErrorCode.invalid_name_rule
    assert render("{part}") == "{part}"


def test_random_token() -> None:
    tokens = {random_token() for _ in range(200)}
    assert all(re.fullmatch(r"[A-Za-z0-9]{4}", t) for t in tokens)
    assert len(tokens) > 150


def test_safe_folder(tmp_path: Path) -> None:
    root = tmp_path / "recordings"
    root.mkdir()
    assert safe_folder(root, "") == root.resolve()
    assert safe_folder(root, ".") == root.resolve()
    assert safe_folder(root, "a/b") == root.resolve() / "a" / "b"
    assert safe_folder(root, "a\\b/") == root.resolve() / "a" / "b"
    assert safe_folder(root, "a/./b") == root.resolve() / "a" / "b"
    assert safe_folder(root, "a..b") == root.resolve() / "a..b"
    assert not (root / "a").exists()


@pytest.mark.parametrize(
    "folder", ["../x", "a/../../b", "/etc", "..", "x/..", "a\\..\\..\\b", "\\etc", "C:\\x", "a\0b"]
)
def test_safe_folder_refuses_traversal(tmp_path: Path, folder: str) -> None:
    assert code_of(safe_folder, tmp_path, folder) is ErrorCode.path_outside_data_dir


def test_safe_folder_refuses_a_symlink_out(tmp_path: Path) -> None:
    root = tmp_path / "recordings"
    (root / "inside").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (root / "out").symlink_to(tmp_path / "elsewhere")
    (root / "in").symlink_to(root / "inside")
    assert code_of(safe_folder, root, "out") is ErrorCode.path_outside_data_dir
    assert code_of(safe_folder, root, "out/deeper") is ErrorCode.path_outside_data_dir
    assert safe_folder(root, "in/x") == (root / "inside" / "x").resolve()


def test_unique_stems(tmp_path: Path) -> None:
    folder = tmp_path / "rec"
    assert unique_stems(["a", "a", "b", "a"], folder) == ["a", "a_2", "b", "a_3"]
    assert unique_stems(["a", "b"], folder, taken={"a", "a_2", "B"}) == ["a_3", "b_2"]

    folder.mkdir()
    (folder / "room_1.mp4").touch()
    (folder / "room_2-001.mkv").touch()
    (folder / "hls").mkdir()
    (folder / "room_30.mp4").touch()  # only a longer name, no clash with room_3
    assert unique_stems(["room_1", "room_2", "room_3", "hls"], folder) == [
        "room_1_2",
        "room_2_2",
        "room_3",
        "hls_2",
    ]


def test_unique_stems_with_part_field(tmp_path: Path) -> None:
    (tmp_path / "talk_007_x.mp4").touch()
    assert unique_stems(["talk_{part}_x", "talk_{part}_y"], tmp_path) == [
        "talk_{part}_x_2",
        "talk_{part}_y",
    ]


def test_two_tasks_in_the_same_second_never_share_a_name(tmp_path: Path) -> None:
    rule = "{roomid}_{date}_{time}"
    first = unique_stems([render(rule)], tmp_path)[0]
    (tmp_path / f"{part_name(first, 1, split=False)}.mp4").touch()
    second = unique_stems([render(rule)], tmp_path)[0]
    assert first != second


def test_part_names() -> None:
    assert part_name("talk", 1, split=False) == "talk"
    assert part_name("talk", 1, split=True) == "talk-001"
    assert part_name("talk", 2, split=False) == "talk-002"
    assert part_name("talk_{part}_x", 1, split=False) == "talk_001_x"
    assert part_name("talk_{part}_x", 12, split=True) == "talk_012_x"
    assert part_name("t", 1000, split=True) == "t-1000"
